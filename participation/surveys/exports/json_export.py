"""JSON export: the questionnaire's structure, then every response, written one response at a time."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import date
from decimal import Decimal

from participation.surveys.exports import reading
from participation.surveys.exports.columns import NOT_SHOWN, ExportOptions
from participation.surveys.exports.reading import Visibility, decoded
from participation.surveys.questions import DONT_KNOW, qtype


def _plain(value):
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, date):
        return value.isoformat()
    return value


def structure(survey) -> dict:
    """Questions with codes, texts, types, options and rows."""
    return {
        "id": survey.id,
        "title": survey.title,
        "anonymous": survey.is_anonymous,
        "missing_values": {"null": "keine Antwort", "not_shown": NOT_SHOWN},
        "questions": [
            {
                "code": q.code,
                "text": q.text,
                "type": q.qtype,
                "options": [{"code": o.code, "label": o.label} for o in q.choices],
                "rows": [{"code": o.code, "label": o.label} for o in q.rows],
            }
            for q in survey.ordered_questions()
            if qtype(q).answerable
        ],
    }


def _answer(question, value, as_codes: bool):
    names = {o.id: (o.code if as_codes else o.label) for o in question.options}
    kind = question.qtype
    if value is None:
        return None
    if kind == "single":
        return {"option": names[value[0]], "other": value[1]} if value[1] else names[value[0]]
    if kind == "multiple":
        chosen = [names[i] for i in value[0]]
        return {"options": chosen, "other": value[1]} if value[1] else chosen
    if kind in ("matrix", "ranking"):
        return {names[k]: (v if v != DONT_KNOW else "dk") for k, v in value.items()}
    return _plain(value)


def _responses(survey, options: ExportOptions) -> Iterator[tuple]:
    """Each response with its typed values and the ids of the questions it was shown."""
    visibility = Visibility(survey)
    by_id = {q.id: q for q in survey.questions}
    for batch in reading.read_batches(survey.id, options.filter):
        for record in batch:
            yield record, decoded(by_id, record), visibility.shown(record.answers)


def json_chunks(survey, options: ExportOptions) -> Iterator[bytes]:
    """{"survey": ..., "responses": [...]} with one response per line."""
    as_codes = options.answers == "codes"
    questions = [q for q in survey.ordered_questions() if qtype(q).answerable]
    head = json.dumps({"survey": structure(survey)}, ensure_ascii=False)[:-1]
    # The head goes out together with the first response: a failure reading responses happens
    # before the first byte and is reported as an error page.
    pending = head + ', "responses": [\n'
    first = True
    for response, values, shown in _responses(survey, options):
        item = {"id": response.id, "date": response.submitted_on.isoformat(), "channel": response.channel}
        if not survey.is_anonymous:
            item["account_id"] = response.user_id
            item["via"] = response.via
        item["answers"] = {q.code: _answer(q, values.get(q.id), as_codes) for q in questions if q.id in shown}
        item["not_shown"] = [q.code for q in questions if q.id not in shown]
        line = json.dumps(item, ensure_ascii=False)
        yield (pending + ("" if first else ",\n") + line).encode("utf-8")
        pending, first = "", False
    yield (pending + "\n]}\n").encode("utf-8")
