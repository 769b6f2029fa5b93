"""Role matrix over every survey route, for someone else's survey and someone else's response."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from participation.extensions import db
from participation.surveys.models import Response, Survey
from tests.conftest import ROLE_SETS, login, post
from tests.surveys.factories import every_type_survey
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
    "/umfragen/verwaltung/{s}/bedingungen/1/loeschen",
    "/umfragen/verwaltung/{s}/verknuepfung",
]


@pytest.fixture
def world(app, client, make_user):
    owner = make_user(ROLE_SETS["planner"])
    built = every_type_survey(app, owner.id, anonymous=False)
    author = make_user()
    author_client = app.test_client()
    login(author_client, author)
    answer(author_client, built)
    with app.app_context():
        response_id = db.session.scalar(select(Response.id))
    return owner, built, response_id


def log_in_as(client, make_user, role, owner):
    if role == "anonymous":
        return
    if role == "owner":
        login(client, owner)
    elif role == "unverified":
        login(client, make_user(verified=False))
    else:
        login(client, make_user(ROLE_SETS[role]))


def fill(path, built) -> str:
    return path.format(s=built.id, q=built.q["single"], p=built.pages[0], o=built.o["single:Brunnen"])


@pytest.mark.parametrize("role", ROLES)
def test_get_matrix(client, make_user, world, role):
    owner, built, response_id = world
    log_in_as(client, make_user, role, owner)
    for path, allowed in GET_ROUTES.items():
        status = client.get(fill(path, built)).status_code
        assert status == expect(allowed, role), (path, role, status)
    # Someone else's response is invisible to everyone (admins included).
    status = client.get(f"/umfragen/meine-teilnahmen/{response_id}").status_code
    assert status == (LOGIN if role == "anonymous" else NOT_FOUND)


@pytest.mark.parametrize("role", ["anonymous", "citizen", "moderator", "planner"])
def test_post_matrix_changes_nothing(app, client, make_user, world, role):
    owner, built, _response = world
    log_in_as(client, make_user, role, owner)
    with app.app_context():
        before = db.session.get(Survey, built.id).updated_at
    for path in POST_ROUTES:
        status = post(
            client,
            fill(path, built),
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


def test_objects_of_another_survey_are_404_in_the_builder(app, client, make_user, world):
    owner, built, _response = world
    login(client, owner)
    other = every_type_survey(app, owner.id)
    assert client.get(f"/umfragen/verwaltung/{built.id}/fragen/{other.q['single']}").status_code == 404
    assert client.get(f"/umfragen/verwaltung/{built.id}/seiten/{other.pages[0]}").status_code == 404
    assert (
        post(
            client,
            f"/umfragen/verwaltung/{built.id}/optionen/{other.o['single:Brunnen']}",
            {"action": "delete", "label": "x"},
        ).status_code
        == 404
    )
