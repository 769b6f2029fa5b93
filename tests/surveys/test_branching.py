"""Branching without JavaScript: a question that does not apply is not shown, never required, never stored;
one that depends on an answer on its own page comes after "Weiter" (the page again, with it shown);
"Sonstiges" texts count only with "Sonstiges" chosen; progress counts only pages that apply."""

from __future__ import annotations

import re
from contextlib import contextmanager

import pytest
from flask import template_rendered
from sqlalchemy import select
from werkzeug.datastructures import MultiDict

from participation.extensions import db
from participation.surveys import services
from participation.surveys.answering.services import raw_from_form
from participation.surveys.models import Answer, Survey
from tests.conftest import ROLE_SETS, get_user, post
from tests.surveys.factories import Built, every_type_survey

# Per source type: settings, options (or rows), operator, condition value/option label, answers that make
# the condition hold and answers that do not (by field suffix: "" is q<id>, "r:<row>"/"o:<opt>" per part).
SOURCES = {
    "single": ({}, ("Ja", "Nein"), "eq", {"option": "Ja"}, {"": ["@Ja"]}, {"": ["@Nein"]}),
    "multiple": ({}, ("A", "B", "C"), "contains", {"option": "B"}, {"": ["@A", "@B"]}, {"": ["@A"]}),
    "yesno": ({}, (), "eq", {"value": "ja"}, {"": ["ja"]}, {"": ["nein"]}),
    "number": ({"min": "0"}, (), "gt", {"value": "10"}, {"": ["12"]}, {"": ["5"]}),
    "scale": (
        {"scale_min": 1, "scale_max": 5, "dont_know": True},
        (),
        "ge",
        {"value": "4"},
        {"": ["5"]},
        {"": ["dk"]},
    ),
    "date": ({}, (), "lt", {"value": "2000-01-01"}, {"": ["31.12.1999"]}, {"": ["2001-01-01"]}),
    "short_text": ({}, (), "eq", {"value": "Rad"}, {"": ["rad"]}, {"": ["Auto"]}),
    "long_text": ({}, (), "answered", {}, {"": ["Etwas"]}, {}),
    "matrix": ({"scale_min": 1, "scale_max": 3}, ("Z1", "Z2"), "answered", {}, {"r:Z1": ["2"]}, {}),
    "ranking": ({}, ("X", "Y"), "answered", {}, {"o:X": ["1"], "o:Y": ["2"]}, {}),
}
TARGETS = (
    "single",
    "multiple",
    "yesno",
    "number",
    "scale",
    "date",
    "short_text",
    "long_text",
    "matrix",
    "ranking",
)


def _add(owner, page, built: Built, key: str, qtype: str, settings=None, labels=(), mandatory=False):
    question = services.add_question(
        owner, page, qtype, f"Frage {key}", settings=settings or {}, mandatory=mandatory
    )
    built.q[key] = question.id
    for label in labels:
        kind = "row" if qtype == "matrix" else "choice"
        built.o[f"{key}:{label}"] = services.add_option(
            owner, question, label, kind=kind, is_other=label == "Sonstiges"
        ).id
    return question


def branching_survey(app, owner_id: int, source_type: str, target_type: str = "short_text") -> Built:
    """Page 1: a source of the given type and a mandatory target that depends on it; page 2: one question."""
    settings, labels, operator, condition, _yes, _no = SOURCES[source_type]
    with app.app_context():
        owner = get_user(app, owner_id)
        survey = services.create_survey(owner, title="Verzweigt", access="open", anonymous=True)
        first = survey.pages[0]
        built = Built(id=survey.id, pages=[first.id])
        source = _add(owner, first, built, "source", source_type, settings, labels)
        target_settings, target_labels = _target_shape(target_type)
        target = _add(
            owner, first, built, "target", target_type, target_settings, target_labels, mandatory=True
        )
        option = built.o.get(f"source:{condition.get('option')}")
        services.add_condition(
            owner, target, source, operator, option_id=option, value=condition.get("value")
        )
        second = services.add_page(owner, survey, "Zweite Seite")
        built.pages.append(second.id)
        _add(owner, second, built, "after", "yesno")
        services.publish(owner, survey)
        db.session.commit()
        return built


def _target_shape(qtype: str):
    if qtype in ("single", "multiple", "ranking"):
        return {}, ("Eins", "Zwei")
    if qtype == "matrix":
        return {"scale_min": 1, "scale_max": 3}, ("Zeile",)
    if qtype == "scale":
        return {"scale_min": 1, "scale_max": 5}, ()
    return {}, ()


def target_answer(built: Built, qtype: str) -> dict:
    """A valid answer to the target question of the given type."""
    name = f"q{built.q['target']}"
    o = built.o
    if qtype == "matrix":
        return {f"{name}_r{o['target:Zeile']}": "2"}
    if qtype == "ranking":
        return {f"{name}_o{o['target:Eins']}": "2", f"{name}_o{o['target:Zwei']}": "1"}
    if qtype in ("single", "multiple"):
        return {name: o["target:Eins"]}
    return {name: {"yesno": "ja", "number": "3", "scale": "2", "date": "03.02.2001"}.get(qtype, "Antwort")}


def source_answer(built: Built, source_type: str, holds: bool) -> dict:
    """The source's answer that makes the target's condition hold (or not), as posted fields."""
    answers = SOURCES[source_type][4 if holds else 5]
    name = f"q{built.q['source']}"
    data: dict = {}
    for suffix, values in answers.items():
        field = name
        if suffix:
            kind, label = suffix.split(":")
            field = f"{name}_{kind}{built.o[f'source:{label}']}"
        data[field] = [built.o[f"source:{v[1:]}"] if v.startswith("@") else v for v in values]
    return data


def answer_page(client, built: Built, index: int, data: dict, action: str = "next"):
    payload = {"page": str(built.pages[index]), "action": action, **data}
    return post(client, f"/umfragen/{built.id}/teilnehmen", payload, token_from=f"/umfragen/{built.id}")


def stored(app, built: Built) -> set[int]:
    with app.app_context():
        return set(db.session.scalars(select(Answer.question_id).distinct()))


def block(html: str, question_id: int) -> str:
    """The opening tag of a question's block."""
    match = re.search(rf'<div class="survey-question[^"]*" id="frage-{question_id}"[^>]*>', html)
    assert match, f"question {question_id} not on the page"
    return match.group(0)


@pytest.fixture
def owner(make_user):
    return make_user(ROLE_SETS["planner"])


@pytest.mark.parametrize("source_type", sorted(SOURCES))
def test_a_question_depending_on_its_own_page_comes_after_next(app, client, owner, source_type):
    s = branching_survey(app, owner.id, source_type)
    target, marker = s.q["target"], f"q{s.q['target']}_hidden"
    first = client.get(f"/umfragen/{s.id}/teilnehmen").get_data(as_text=True)
    # Sent hidden with its rule as data (for JavaScript) and the marker that says so; no rule in words.
    assert " hidden" in block(first, target) and "data-branch=" in block(first, target)
    assert f'name="{marker}" value="1" data-branch-mark>' in first
    assert "Nur beantworten" not in first
    # The answer makes it apply: "Weiter" shows the same page again, with the question and a note.
    again = answer_page(client, s, 0, {**source_answer(s, source_type, True), marker: "1"})
    html = again.get_data(as_text=True)
    assert again.status_code == 200  # news, not a mistake
    assert (
        " hidden" not in block(html, target)
        and "Nach Ihren Antworten gibt es hier eine weitere Frage" in html
    )
    assert f'id="q{target}-error"' not in html
    assert f'name="{marker}" value="1" data-branch-mark disabled>' in html
    assert f'value="{s.pages[0]}"' in html and "Frage after" not in html
    # Now seen: mandatory like any shown question, then on to page 2 and stored.
    missing = answer_page(client, s, 0, source_answer(s, source_type, True))
    assert missing.status_code == 422 and f'id="q{target}-error"' in missing.get_data(as_text=True)
    data = {**source_answer(s, source_type, True), f"q{target}": "Gesehen"}
    second = answer_page(client, s, 0, data)
    assert second.status_code == 200 and "Frage after" in second.get_data(as_text=True)
    assert answer_page(client, s, 1, data, "submit").status_code == 302
    assert stored(app, s) == {s.q["source"], target}


@pytest.mark.parametrize("source_type", sorted(SOURCES))
def test_a_question_whose_condition_fails_is_not_required_and_not_stored(app, client, owner, source_type):
    s = branching_survey(app, owner.id, source_type)
    target = s.q["target"]
    # Typed into anyway (a tampered form): not required, not shown again, not carried along, not stored.
    data = {**source_answer(s, source_type, False), f"q{target}": "untergeschoben", f"q{target}_hidden": "1"}
    second = answer_page(client, s, 0, data)
    html = second.get_data(as_text=True)
    assert second.status_code == 200 and "Frage after" in html and "untergeschoben" not in html
    assert answer_page(client, s, 1, data, "submit").status_code == 302
    expected = {s.q["source"]} if SOURCES[source_type][5] else set()
    assert stored(app, s) == expected


@pytest.mark.parametrize("target_type", TARGETS)
def test_every_question_type_can_be_hidden_and_shown(app, client, owner, target_type):
    s = branching_survey(app, owner.id, "single", target_type)
    target = s.q["target"]
    assert " hidden" in block(client.get(f"/umfragen/{s.id}/teilnehmen").get_data(as_text=True), target)
    hidden = {**source_answer(s, "single", False), **target_answer(s, target_type)}
    assert answer_page(client, s, 0, hidden).status_code == 200
    assert answer_page(client, s, 1, hidden, "submit").status_code == 302
    assert stored(app, s) == {s.q["source"]}
    other = app.test_client()
    shown = {**source_answer(s, "single", True), **target_answer(s, target_type)}
    assert "Frage after" in answer_page(other, s, 0, shown).get_data(as_text=True)
    assert answer_page(other, s, 1, shown, "submit").status_code == 302
    with app.app_context():
        rows = db.session.scalars(select(Answer.question_id).where(Answer.question_id == target)).all()
    assert rows, target_type


def test_raw_from_form_drops_answers_that_do_not_apply(app, owner):
    s = branching_survey(app, owner.id, "yesno")
    with app.app_context():
        survey = db.session.get(Survey, s.id)
        target = f"q{s.q['target']}"
        form = MultiDict({f"q{s.q['source']}": "nein", target: "weg", f"{target}_hidden": "1", "fremd": "x"})
        assert raw_from_form(survey, form) == {f"q{s.q['source']}": ["nein"]}
        kept = raw_from_form(survey, form, applicable_only=False)
        assert kept[target] == ["weg"] and "fremd" not in kept
        form = MultiDict({f"q{s.q['source']}": "ja", target: "bleibt"})
        assert raw_from_form(survey, form)[target] == ["bleibt"]


# --- "Sonstiges" -------------------------------------------------------------------------------------


@pytest.mark.parametrize("key", ["single", "multiple"])
def test_other_text_counts_only_with_other_chosen(app, client, owner, key):
    s = every_type_survey(app, owner.id, access="open")
    name = f"q{s.q[key]}"
    page = client.get(f"/umfragen/{s.id}/teilnehmen").get_data(as_text=True)
    # Without JavaScript the field is there (not hidden); the script hides it until "Sonstiges" is chosen.
    assert re.search(
        rf'<div class="survey-other" data-other-of="{name}" data-other-option="{s.o[key + ":Sonstiges"]}">',
        page,
    )
    chosen = s.o[f"{key}:Bänke"]
    # A text too long and with a control character: neither validated nor stored without "Sonstiges".
    data = {name: chosen, f"{name}_other": "\x07" + "x" * 400}
    assert answer_page(client, s, 0, data, "submit").status_code == 302
    with app.app_context():
        answer = db.session.scalars(select(Answer).where(Answer.question_id == s.q[key])).one()
        assert (answer.option_id, answer.value_text) == (chosen, None)
    other = app.test_client()
    empty = answer_page(other, s, 0, {name: s.o[f"{key}:Sonstiges"]}, "submit")
    assert empty.status_code == 422 and f'id="{name}-error"' in empty.get_data(as_text=True)
    bad = answer_page(other, s, 0, {name: s.o[f"{key}:Sonstiges"], f"{name}_other": "x" * 400}, "submit")
    assert bad.status_code == 422 and "höchstens 300 Zeichen" in bad.get_data(as_text=True)
    good = answer_page(other, s, 0, {name: s.o[f"{key}:Sonstiges"], f"{name}_other": "Brunnen"}, "submit")
    assert good.status_code == 302
    with app.app_context():
        texts = db.session.scalars(select(Answer.value_text).where(Answer.question_id == s.q[key])).all()
    assert sorted(texts, key=str) == sorted([None, "Brunnen"], key=str)


# --- progress: only pages that apply ---------------------------------------------------------------------


@contextmanager
def rendered(app):
    seen: list[dict] = []

    def record(sender, template, context, **extra):
        if template.name == "surveys/answering/survey_answer.html":
            seen.append(context)

    template_rendered.connect(record, app)
    try:
        yield seen
    finally:
        template_rendered.disconnect(record, app)


@pytest.fixture
def four_pages(app, owner):
    """Page 1 asks "Rad?" (Ja/Nein) and an optional "Auto?"; page 3 only with "Ja"; page 5 only if
    "Auto?" was answered (an earlier, optional source: skipped, so the page is decided)."""
    with app.app_context():
        planner = get_user(app, owner.id)
        survey = services.create_survey(planner, title="Fortschritt", access="open")
        built = Built(id=survey.id, pages=[survey.pages[0].id])
        cycle = _add(
            planner, survey.pages[0], built, "cycle", "single", labels=("Ja", "Nein"), mandatory=True
        )
        car = _add(planner, survey.pages[0], built, "car", "yesno")
        for number in range(2, 6):
            page = services.add_page(planner, survey, f"Seite {number}")
            built.pages.append(page.id)
            _add(planner, page, built, f"p{number}", "yesno")
        services.add_condition(planner, survey.pages[2], cycle, "eq", option_id=built.o["cycle:Ja"])
        services.add_condition(planner, survey.pages[4], car, "answered")
        services.publish(planner, survey)
        db.session.commit()
        return built


@pytest.mark.parametrize(
    ("cycle", "expected"),
    [("Nein", [(1, 5), (2, 3), (3, 3)]), ("Ja", [(1, 5), (2, 4), (3, 4), (4, 4)])],
)
def test_progress_counts_only_pages_that_apply(app, client, four_pages, cycle, expected):
    s = four_pages
    data = {f"q{s.q['cycle']}": s.o[f"cycle:{cycle}"]}
    with rendered(app) as seen:
        client.get(f"/umfragen/{s.id}/teilnehmen")
        index = 0
        while True:
            response = answer_page(client, s, index, data)
            if response.status_code != 200:
                break
            shown = seen[-1]["page"].id
            index = s.pages.index(shown)
            if len(seen) > 6 or "Ihre Antworten prüfen" in response.get_data(as_text=True):
                break
    numbers = [(c["page_number"], c["page_count"]) for c in seen]
    assert numbers[: len(expected)] == expected
    # Page 1 undecided about pages 3 and 5 (their sources are on it); afterwards only the pages that apply.
    assert seen[len(expected) - 1]["is_last"]


def test_a_mistake_in_the_source_keeps_the_dependent_question_and_its_text(app, client, owner):
    """ "Brunnen" and "Sonstiges" without its text: the error is shown at the source, and the question
    that depends on "Brunnen" stays on the page with what was typed into it (nothing stored)."""
    with app.app_context():
        planner = get_user(app, owner.id)
        survey = services.create_survey(planner, title="Brunnen", access="open")
        built = Built(id=survey.id, pages=[survey.pages[0].id])
        page = survey.pages[0]
        wish = _add(
            planner, page, built, "wish", "multiple", {"max_choices": 2}, ("Brunnen", "Bank", "Sonstiges")
        )
        which = _add(planner, page, built, "which", "short_text")
        services.add_condition(planner, which, wish, "contains", option_id=built.o["wish:Brunnen"])
        services.publish(planner, survey)
        db.session.commit()
    wish_name, which_name = f"q{built.q['wish']}", f"q{built.q['which']}"
    for chosen in (["Brunnen", "Sonstiges"], ["Brunnen", "Bank", "Sonstiges"]):
        data = {wish_name: [built.o[f"wish:{label}"] for label in chosen], which_name: "Marktbrunnen"}
        response = answer_page(client, built, 0, data, "submit")
        html = response.get_data(as_text=True)
        assert response.status_code == 422 and f'id="{wish_name}-error"' in html
        assert " hidden" not in block(html, built.q["which"]) and 'value="Marktbrunnen"' in html
    assert stored(app, built) == set()


def test_a_text_depending_on_its_own_page_appears_without_holding_the_respondent_up(app, client, owner):
    s = branching_survey(app, owner.id, "single", "display")
    target = s.q["target"]
    first = client.get(f"/umfragen/{s.id}/teilnehmen").get_data(as_text=True)
    assert " hidden" in block(first, target) and f'name="q{target}_hidden"' not in first
    # Not a question: "Weiter" goes on (no second showing of the page just for a text) ...
    data = source_answer(s, "single", True)
    assert "Frage after" in answer_page(client, s, 0, data).get_data(as_text=True)
    # ... and back on its page the text is there.
    back = answer_page(client, s, 1, data, "back").get_data(as_text=True)
    assert " hidden" not in block(back, target)
