"""Role matrix over every survey route (GET and POST), someone else's survey, response and objects."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from sqlalchemy import select

from participation.extensions import db
from participation.surveys import services
from participation.surveys.models import (
    Condition,
    Option,
    ParticipationCode,
    Question,
    Response,
    Survey,
    SurveyPage,
)
from tests.conftest import ROLE_SETS, get_user, login, post
from tests.surveys.factories import Built, every_type_survey
from tests.surveys.test_participation import answer

ROLES = ("anonymous", "unverified", "citizen", "moderator", "planner", "owner", "admin")
LOGIN, FORBIDDEN, OK, NOT_FOUND = 302, 403, 200, 404


def expect(allowed: set[str], role: str, denied_logged_in=FORBIDDEN) -> int:
    if role in allowed:
        return OK
    return LOGIN if role == "anonymous" else denied_logged_in


STAFF = {"moderator", "planner", "owner", "admin"}
EDITORS = {"owner", "admin"}
EVERYONE = set(ROLES)
ACCOUNTS = EVERYONE - {"anonymous"}

GET_ROUTES = {
    "/umfragen/": EVERYONE,
    "/umfragen/{s}": EVERYONE,
    "/umfragen/{s}/danke": EVERYONE,
    "/umfragen/{s}/teilnehmen": ACCOUNTS - {"unverified"},
    "/umfragen/meine-teilnahmen": ACCOUNTS,
    "/umfragen/verwaltung/": STAFF,
    "/umfragen/verwaltung/neu": {"planner", "owner", "admin"},
    "/umfragen/verwaltung/{s}": EDITORS,
    "/umfragen/verwaltung/{s}/einstellungen": EDITORS,
    "/umfragen/verwaltung/{s}/vorschau": EDITORS,
    "/umfragen/verwaltung/{s}/codes": EDITORS,
    "/umfragen/verwaltung/{s}/fragen/{q}": EDITORS,
    "/umfragen/verwaltung/{s}/seiten/{p}": EDITORS,
    "/umfragen/verwaltung/{s}/erfassung": STAFF,
}

POST_ROUTES = [
    "/umfragen/verwaltung/{s}/veroeffentlichen",
    "/umfragen/verwaltung/{s}/beenden",
    "/umfragen/verwaltung/{s}/ergebnisse",
    "/umfragen/verwaltung/{s}/duplizieren",
    "/umfragen/verwaltung/{s}/loeschen",
    "/umfragen/verwaltung/{s}/seiten",
    "/umfragen/verwaltung/{s}/seiten/{p}/loeschen",
    "/umfragen/verwaltung/{s}/seiten/{p}/fragen",
    "/umfragen/verwaltung/{s}/fragen/{q}/verschieben",
    "/umfragen/verwaltung/{s}/fragen/{q}/loeschen",
    "/umfragen/verwaltung/{s}/fragen/{q}/optionen",
    "/umfragen/verwaltung/{s}/optionen/{o}",
    "/umfragen/verwaltung/{s}/fragen/{q}/bedingungen",
    "/umfragen/verwaltung/{s}/seiten/{p}/bedingungen",
    "/umfragen/verwaltung/{s}/bedingungen/{c}/loeschen",
    "/umfragen/verwaltung/{s}/verknuepfung",
]


@dataclass
class World:
    owner: object
    built: Built
    response_id: str
    condition_id: int


@pytest.fixture
def world(app, client, make_user) -> World:
    owner = make_user(ROLE_SETS["planner"])
    built = every_type_survey(app, owner.id, anonymous=False)
    with app.app_context():
        # A real condition (added before any response: afterwards conditions are fixed).
        survey = db.session.get(Survey, built.id)
        date_question = next(q for q in survey.questions if q.id == built.q["date"])
        yesno = next(q for q in survey.questions if q.id == built.q["yesno"])
        condition_id = services.add_condition(get_user(app, owner.id), date_question, yesno, "answered").id
        db.session.commit()
    author = make_user()
    author_client = app.test_client()
    login(author_client, author)
    answer(author_client, built)
    with app.app_context():
        response_id = db.session.scalar(select(Response.id))
    return World(owner, built, response_id, condition_id)


def log_in_as(client, make_user, role, owner):
    if role == "anonymous":
        return
    if role == "owner":
        login(client, owner)
    elif role == "unverified":
        login(client, make_user(verified=False))
    else:
        login(client, make_user(ROLE_SETS[role]))


def fill(path, world: World) -> str:
    built = world.built
    return path.format(
        s=built.id, q=built.q["single"], p=built.pages[0], o=built.o["single:Brunnen"], c=world.condition_id
    )


@pytest.mark.parametrize("role", ROLES)
def test_get_matrix(client, make_user, world, role):
    log_in_as(client, make_user, role, world.owner)
    for path, allowed in GET_ROUTES.items():
        status = client.get(fill(path, world)).status_code
        assert status == expect(allowed, role), (path, role, status)
    # Someone else's response is invisible to everyone (admins included).
    status = client.get(f"/umfragen/meine-teilnahmen/{world.response_id}").status_code
    assert status == (LOGIN if role == "anonymous" else NOT_FOUND)


@pytest.mark.parametrize("role", ["anonymous", "citizen", "moderator", "planner"])
def test_post_matrix_changes_nothing(app, client, make_user, world, role):
    built = world.built
    log_in_as(client, make_user, role, world.owner)
    with app.app_context():
        before = db.session.get(Survey, built.id).updated_at
    for path in POST_ROUTES:
        status = post(
            client,
            fill(path, world),
            {
                "direction": "up",
                "label": "X",
                "title": "X",
                "qtype": "yesno",
                "text": "X",
                "source_id": built.q["single"],
                "operator": "answered",
                "published": "1",
                "mode": "any",
                "question_id": built.q["single"],
            },
        ).status_code
        assert status == (LOGIN if role == "anonymous" else FORBIDDEN), (path, role, status)
    with app.app_context():
        survey = db.session.get(Survey, built.id)
        assert survey.updated_at == before and survey.closed_at is None
        assert db.session.scalar(select(db.func.count()).select_from(Survey)) == 1
        assert db.session.get(Condition, world.condition_id) is not None


# --- the POST side of the GET+POST routes -------------------------------------------------------------


def snapshot(app, world: World) -> dict:
    """What a POST to one of the GET+POST routes could change."""
    built = world.built
    with app.app_context():
        db.session.expire_all()

        def count(model):
            return db.session.scalar(select(db.func.count()).select_from(model))

        survey = db.session.get(Survey, built.id)
        return {
            "surveys": count(Survey),
            "responses": count(Response),
            "codes": count(ParticipationCode),
            "title": survey.title,
            "question": db.session.get(Question, built.q["single"]).text,
            "page": db.session.get(SurveyPage, built.pages[0]).title,
        }


def _short(world: World) -> dict:
    return {"page": world.built.pages[0], f"q{world.built.q['short']}": "Hallo"}


# path: (who may, payload, expected status when allowed, what the allowed POST changes)
POST_SIDES = {
    "/umfragen/verwaltung/neu": (
        {"planner", "owner", "admin"},
        lambda w: {"title": "Neue Umfrage", "access": "account"},
        302,
        {"surveys": 2},
    ),
    "/umfragen/verwaltung/{s}/einstellungen": (
        EDITORS,
        lambda w: {"title": "Umbenannt", "access": "account"},
        302,
        {"title": "Umbenannt"},
    ),
    "/umfragen/verwaltung/{s}/fragen/{q}": (
        EDITORS,
        lambda w: {"qtype": "single", "text": "Neu formuliert?"},
        302,
        {"question": "Neu formuliert?"},
    ),
    "/umfragen/verwaltung/{s}/seiten/{p}": (
        EDITORS,
        lambda w: {"title": "Neue Seite"},
        302,
        {"page": "Neue Seite"},
    ),
    # The preview validates and stores nothing, for everyone.
    "/umfragen/verwaltung/{s}/vorschau": (EDITORS, lambda w: {"action": "submit", **_short(w)}, 302, {}),
    "/umfragen/verwaltung/{s}/codes": (EDITORS, lambda w: {"count": "2", "format": "csv"}, 200, {"codes": 2}),
    "/umfragen/verwaltung/{s}/erfassung": (
        STAFF,
        lambda w: {"channel": "telefon", **_short(w)},
        302,
        {"responses": 2},
    ),
    "/umfragen/{s}/teilnehmen": (
        ACCOUNTS - {"unverified"},
        lambda w: {"action": "submit", **_short(w)},
        302,
        {"responses": 2},
    ),
}


@pytest.mark.parametrize("path", list(POST_SIDES))
@pytest.mark.parametrize("role", ["anonymous", "citizen", "moderator", "planner", "owner", "admin"])
def test_post_side_of_get_and_post_routes(app, client, make_user, world, role, path):
    allowed, payload, success, changes = POST_SIDES[path]
    log_in_as(client, make_user, role, world.owner)
    before = snapshot(app, world)
    response = post(client, fill(path, world), payload(world))
    after = snapshot(app, world)
    if role in allowed:
        assert response.status_code == success, (role, path, response.status_code)
        assert after == before | changes, (role, path)
    else:
        assert response.status_code == (LOGIN if role == "anonymous" else FORBIDDEN), (role, path)
        if role == "anonymous":
            assert "/konto/anmelden" in response.headers["Location"]
        assert after == before, (role, path)


# --- objects of another survey ------------------------------------------------------------------------


def structure(app, survey_id: int) -> dict:
    """Everything of a survey's structure that a builder POST could change."""
    with app.app_context():
        db.session.expire_all()
        survey = db.session.get(Survey, survey_id)
        return {
            "pages": [(p.id, p.title, p.position, p.condition_mode) for p in survey.pages],
            "questions": sorted(
                (q.id, q.page_id, q.position, q.text, q.qtype, q.condition_mode) for q in survey.questions
            ),
            "options": sorted(
                (o.id, o.label, o.position)
                for o in db.session.scalars(
                    select(Option).join(Question).where(Question.survey_id == survey_id)
                )
            ),
            "conditions": sorted(
                c.id
                for c in db.session.scalars(
                    select(Condition)
                    .join(Question, Condition.source_id == Question.id)
                    .where(Question.survey_id == survey_id)
                )
            ),
        }


@pytest.fixture
def foreign(app, world):
    """A second survey of the same owner: a draft without responses, with an empty extra page and a
    page condition, so that every builder action on its objects would succeed if it were allowed."""
    other = every_type_survey(app, world.owner.id, publish=False)
    with app.app_context():
        owner = get_user(app, world.owner.id)
        survey = db.session.get(Survey, other.id)
        extra = services.add_page(owner, survey, "Leer")
        second = services.add_page(owner, survey, "Zweite")
        yesno = db.session.get(Question, other.q["yesno"])
        other.pages += [extra.id, second.id]
        other.o["condition"] = services.add_condition(owner, second, yesno, "answered").id
        db.session.commit()
    return other


def test_objects_of_another_survey_are_404_and_stay_unchanged(app, client, world, foreign):
    login(client, world.owner)
    mine = world.built.id
    base = f"/umfragen/verwaltung/{mine}"
    before = structure(app, foreign.id)
    q, p, o = foreign.q["single"], foreign.pages[1], foreign.o["single:Brunnen"]
    payload = {
        "direction": "up",
        "action": "delete",
        "label": "X",
        "title": "X",
        "qtype": "yesno",
        "text": "X",
        "source_id": foreign.q["single"],
        "operator": "answered",
        "mode": "any",
    }
    for path in (
        f"{base}/bedingungen/{foreign.o['condition']}/loeschen",
        f"{base}/fragen/{q}/verschieben",
        f"{base}/fragen/{q}/loeschen",
        f"{base}/fragen/{q}",
        f"{base}/fragen/{q}/optionen",
        f"{base}/fragen/{q}/bedingungen",
        f"{base}/optionen/{o}",
        f"{base}/seiten/{p}",
        f"{base}/seiten/{p}/loeschen",
        f"{base}/seiten/{p}/fragen",
        f"{base}/seiten/{p}/bedingungen",
    ):
        assert post(client, path, payload, token_from=base).status_code == 404, path
    for target in ({"question_id": q}, {"page_id": foreign.pages[2]}):
        assert post(client, f"{base}/verknuepfung", payload | target, token_from=base).status_code == 404
    assert client.get(f"{base}/fragen/{q}").status_code == 404
    assert client.get(f"{base}/seiten/{p}").status_code == 404
    assert structure(app, foreign.id) == before
    # The same actions on the survey's own objects work (the 404s above are about ownership).
    own = f"/umfragen/verwaltung/{foreign.id}"
    assert post(client, f"{own}/seiten/{p}/loeschen", {}, token_from=own).status_code == 302
    assert (
        post(client, f"{own}/bedingungen/{foreign.o['condition']}/loeschen", {}, token_from=own).status_code
        == 302
    )
    after = structure(app, foreign.id)
    assert len(after["pages"]) == len(before["pages"]) - 1 and after["conditions"] == []


def test_a_source_question_of_another_survey_is_refused_in_conditions(app, client, world, foreign):
    login(client, world.owner)
    base = f"/umfragen/verwaltung/{world.built.id}"
    mine = structure(app, world.built.id)
    response = post(
        client,
        f"{base}/fragen/{world.built.q['date']}/bedingungen",
        {"source_id": foreign.q["single"], "operator": "answered"},
        token_from=base,
    )
    # Only earlier questions of this survey are offered: the form refuses the foreign id, nothing is added.
    assert response.status_code == 302
    assert structure(app, world.built.id) == mine
