"""JSON export: the questionnaire's structure, then every response, written one response at a time."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import date
from decimal import Decimal

from participation.surveys.exports import reading
from participation.surveys.exports.columns import (
    DONT_KNOW_LABEL,
    NO_ANSWER,
    NOT_SHOWN,
    ExportOptions,
    response_weight,
)
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
        # The scheme of every format: a value or null; why it is null is in the response's "status"
        # (by column code as in the spreadsheets: "<code>" or, for matrix rows, "<code>_<row>").
        "missing_values": {
            "null": "kein Wert, Grund in status",
            "status": [DONT_KNOW_LABEL, NOT_SHOWN, NO_ANSWER],
            "not_shown": NOT_SHOWN,
        },
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


def _answer(question, value, as_codes: bool, status: dict[str, str]):
    """The answer as JSON; a missing value's reason goes into `status` (the spreadsheets' scheme)."""
    names = {o.id: (o.code if as_codes else o.label) for o in question.options}
    kind = question.qtype
    if kind == "matrix":
        given = value or {}
        for row in question.rows:
            if row.id not in given:
                status[f"{question.code}_{row.code}"] = NO_ANSWER
            elif given[row.id] == DONT_KNOW:
                status[f"{question.code}_{row.code}"] = DONT_KNOW_LABEL
        answered = {names[k]: v for k, v in given.items() if v != DONT_KNOW}
        return answered or None
    if value is None:
        status[question.code] = NO_ANSWER
        return None
    if value == DONT_KNOW:
        status[question.code] = DONT_KNOW_LABEL
        return None
    if kind == "single":
        return {"option": names[value[0]], "other": value[1]} if value[1] else names[value[0]]
    if kind == "multiple":
        chosen = [names[i] for i in value[0]]
        return {"options": chosen, "other": value[1]} if value[1] else chosen
    if kind == "ranking":
        return {names[k]: v for k, v in value.items()}
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
    described = structure(survey)
    if options.weights is not None:  # each response's "weight", and what it rests on
        codes = {q.id: q.code for q in survey.questions}
        described["weighting"] = {
            "weight": "Gewicht der Antwort aus der Randanpassung (Raking); 1 = ungewichtet",
            "questions": [codes.get(qid) for qid in options.weights.question_ids],
            "design_effect": options.weights.design_effect,
            "effective_n": options.weights.effective_n,
            "unweighted_n": options.weights.unweighted_n,
        }
    head = json.dumps({"survey": described}, ensure_ascii=False)[:-1]
    # The head goes out together with the first response: a failure reading responses happens
    # before the first byte and is reported as an error page.
    pending = head + ', "responses": [\n'
    first = True
    for response, values, shown in _responses(survey, options):
        item = {"id": response.id, "date": response.submitted_on.isoformat(), "channel": response.channel}
        if options.weights is not None:
            item["weight"] = response_weight(options.weights, response.answers)
        if not survey.is_anonymous:
            item["account_id"] = response.user_id
            item["via"] = response.via
        status: dict[str, str] = {}
        item["answers"] = {
            q.code: _answer(q, values.get(q.id), as_codes, status) for q in questions if q.id in shown
        }
        item["not_shown"] = [q.code for q in questions if q.id not in shown]
        for question in questions:
            if question.id not in shown:
                keys = (
                    [f"{question.code}_{r.code}" for r in question.rows] if question.qtype == "matrix" else []
                )
                status.update(dict.fromkeys(keys or [question.code], NOT_SHOWN))
        item["status"] = status
        line = json.dumps(item, ensure_ascii=False)
        yield (pending + ("" if first else ",\n") + line).encode("utf-8")
        pending, first = "", False
    yield (pending + "\n]}\n").encode("utf-8")
