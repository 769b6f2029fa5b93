"""No question code and no condition text ever reach a respondent: every page of every demo survey, walked
as a respondent (account, anonymous with a code) and in the planner's preview, with answers that make
every conditional page and question apply."""

from __future__ import annotations

import re
from datetime import timedelta
from decimal import Decimal
from html.parser import HTMLParser

import pytest
from sqlalchemy import select
from werkzeug.datastructures import MultiDict

from participation.accounts.demo import DEMO_ACCOUNTS
from participation.accounts.models import User
from participation.core.demo import seed_demo
from participation.core.types import utcnow
from participation.extensions import db
from participation.surveys.answering.codes import generate_codes
from participation.surveys.conditions import OPERATOR_LABELS
from participation.surveys.models import Survey
from tests.conftest import csrf_token

CONDITION_WORDS = ("Nur beantworten", "Nur ausfüllen", "Seite nur", "nur, wenn", "Bedingung")


class FormReader(HTMLParser):
    """The questionnaire form of a page: its enabled hidden fields, its buttons, its visible questions."""

    def __init__(self):
        super().__init__()
        self.action = None
        self.hidden: list[tuple[str, str]] = []
        self.buttons: list[str] = []
        self.visible: list[int] = []
        self._in_form = False

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form" and a.get("method") == "post" and "teilnehmen" in (a.get("action") or "") + "":
            self._in_form, self.action = True, a["action"]
        elif tag == "form" and a.get("method") == "post" and "vorschau" in (a.get("action") or ""):
            self._in_form, self.action = True, a["action"]
        if not self._in_form:
            return
        if tag == "input" and a.get("type") == "hidden" and "disabled" not in a and a.get("name"):
            self.hidden.append((a["name"], a.get("value") or ""))
        elif tag == "button" and a.get("name") == "action":
            self.buttons.append(a.get("value") or "")
        elif tag == "div" and (a.get("id") or "").startswith("frage-") and "hidden" not in a:
            self.visible.append(int(a["id"][6:]))

    def handle_endtag(self, tag):
        if tag == "form":
            self._in_form = False


def wanted(survey: Survey) -> dict[int, object]:
    """For each condition source, the condition to satisfy (the first one found)."""
    result: dict[int, object] = {}
    for target in [*survey.pages, *survey.questions]:
        for condition in target.conditions:
            result.setdefault(condition.source_id, condition)
    return result


def fill(question, condition) -> dict[str, list[str]]:
    """A valid answer, chosen to make the condition on this question (if any) hold."""
    name, kind = f"q{question.id}", question.qtype
    choices = [o for o in question.choices if not o.is_other and not o.exclusive]
    if kind in ("single", "multiple"):
        option = choices[0]
        if condition is not None and condition.option_id and condition.operator in ("eq", "contains"):
            option = next(o for o in question.choices if o.id == condition.option_id)
        elif condition is not None and condition.operator == "ne":
            option = next(o for o in choices if o.id != condition.option_id)
        picked = [option] + [o for o in choices if o is not option][
            : int(question.setting("min_choices") or 1) - 1
        ]
        data = {name: [str(o.id) for o in picked]}
        if option.is_other:
            data[f"{name}_other"] = ["Etwas anderes"]
        return data
    if kind == "yesno":
        return {name: [condition.value if condition is not None and condition.value else "ja"]}
    if kind in ("number", "scale"):
        low = Decimal(str(question.setting("min", question.setting("scale_min", 1)) or 1))
        value = low + (1 if kind == "number" else 0)
        if condition is not None and condition.value not in (None, ""):
            target = Decimal(condition.value.replace(",", "."))
            value = {"gt": target + 1, "lt": target - 1, "ne": target + 1}.get(condition.operator, target)
        return {name: [str(value)]}
    if kind == "date":
        return {name: ["2000-01-01"]}
    if kind in ("short_text", "long_text"):
        return {name: [condition.value if condition is not None and condition.value else "Testantwort"]}
    if kind == "matrix":
        return {f"{name}_r{row.id}": [str(question.setting("scale_min", 1))] for row in question.rows}
    if kind == "ranking":
        return {f"{name}_o{o.id}": [str(i)] for i, o in enumerate(question.choices, 1)}
    return {}


def forbidden(html: str, codes: list[str]) -> list[str]:
    """Question codes and condition words on a page (the session's CSRF token is left out)."""
    text = re.sub(r"<(input|meta)[^>]*csrf[^>]*>", "", html)
    found = [code for code in codes if re.search(rf"(?<![\w-]){re.escape(code)}(?![\w-])", text)]
    found += [word for word in CONDITION_WORDS if word in text]
    found += [str(label) for label in OPERATOR_LABELS.values() if str(label) in text]
    return found


def walk(app, client, survey_id: int, *, code: str | None = None, preview: bool = False) -> list[str]:
    """Every page a respondent meets, from the introduction to the confirmation."""
    with app.app_context():
        survey = db.session.get(Survey, survey_id)
        conditions = wanted(survey)
        answers: dict[str, list[str]] = {}
        for question in survey.questions:
            answers.update(fill(question, conditions.get(question.id)))
    seen = []
    if preview:
        response = client.get(f"/umfragen/verwaltung/{survey_id}/vorschau")
    else:
        seen.append(client.get(f"/umfragen/{survey_id}").get_data(as_text=True))
        if code:
            token = csrf_token(client, f"/umfragen/{survey_id}")
            response = client.post(
                f"/umfragen/{survey_id}/teilnehmen",
                data={"csrf_token": token, "action": "start", "code": code},
            )
        else:
            response = client.get(f"/umfragen/{survey_id}/teilnehmen")
    for _step in range(20):
        if response.status_code == 302:
            seen.append(client.get(response.headers["Location"]).get_data(as_text=True))
            return seen
        html = response.get_data(as_text=True)
        assert response.status_code in (200, 422), (response.status_code, html[:500])
        seen.append(html)
        form = FormReader()
        form.feed(html)
        assert form.action, html[:1000]
        data = MultiDict(form.hidden)
        for question_id in form.visible:
            for name, values in answers.items():
                if name.split("_")[0] == f"q{question_id}":
                    data.setlist(name, values)
        data["action"] = "next" if "next" in form.buttons else "submit"
        response = client.post(form.action, data=data)
    raise AssertionError("the questionnaire did not end")


@pytest.fixture
def demo(app):
    """The demo data; the closed code survey opened again (a test copy of a new round) with one code."""
    with app.app_context():
        seed_demo()
        closed = db.session.scalar(select(Survey).where(Survey.title == "Radverkehr in Musterstadt 2025"))
        closed.ends_at = utcnow() + timedelta(days=1)
        closed.closed_at = None
        planner = db.session.get(User, closed.created_by_id)
        code = generate_codes(planner, closed, 1)[0]
        db.session.commit()
        surveys = {
            s.title: (s.id, s.access, [q.code for q in s.questions if q.code])
            for s in db.session.scalars(select(Survey))
        }
        return surveys, code


def log_in(client, email: str) -> None:
    account = next(a for a in DEMO_ACCOUNTS if a.email == email)
    token = csrf_token(client, "/konto/anmelden")
    response = client.post(
        "/konto/anmelden", data={"csrf_token": token, "email": account.email, "password": account.password}
    )
    assert response.status_code == 302


def test_the_check_finds_what_the_old_page_showed():
    assert forbidden("<p>Nur beantworten, wenn: Q06 enthält die Antwort „Brunnen“</p>", ["Q06"]) == [
        "Q06",
        "Nur beantworten",
        "enthält die Antwort",
    ]
    assert forbidden('<input name="csrf_token" value="xQ06-Q06"><p id="q06">Frage</p>', ["Q06"]) == []


def test_no_respondent_page_shows_a_code_or_a_condition(app, demo):
    surveys, code = demo
    assert len(surveys) == 2
    walked = 0
    for title, (survey_id, access, codes) in surveys.items():
        assert codes, title
        respondent = app.test_client()
        if access == "account":
            log_in(respondent, "buerger@musterstadt.example")
            pages = walk(app, respondent, survey_id)
        else:
            pages = walk(app, respondent, survey_id, code=code)
        planner = app.test_client()
        log_in(planner, "planung@musterstadt.example")
        pages += walk(app, planner, survey_id, preview=True)
        anonymous = app.test_client()
        pages.append(anonymous.get(f"/umfragen/{survey_id}").get_data(as_text=True))
        for html in pages:
            assert not forbidden(html, codes), (title, forbidden(html, codes))
        # Every page of the survey was met (the answers make every conditional page apply).
        with app.app_context():
            page_ids = {p.id for p in db.session.get(Survey, survey_id).pages}
        met = {int(m) for html in pages for m in re.findall(r'name="page" value="(\d+)"', html)}
        assert page_ids <= met, (title, page_ids - met)
        # ... and every question, the conditional ones included, was shown (not only sent hidden).
        with app.app_context():
            questions = [
                (q.id, q.text) for q in db.session.get(Survey, survey_id).questions if q.qtype != "display"
            ]
        for question_id, text in questions:
            assert any(
                re.search(rf'id="frage-{question_id}"(?![^>]*hidden)', html) and text in html
                for html in pages
            ), (title, text)
        walked += len(pages)
    assert walked >= 10
