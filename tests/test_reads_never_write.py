"""No GET writes: a crawl of every GET route per role counts INSERT/UPDATE/DELETE statements (zero).

The database holds the route tests' World (one object of every kind a URL names, pending wiki
proposals, an open moderation item, an appeal), the Musterstadt demo data (`flask seed-demo`) and a
survey whose end date has passed but that nobody has sealed yet: reading it must not seal it.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta

import pytest
from flask import url_for
from sqlalchemy import event, update

from participation.accounts.activity import ACTIVE_KEY
from participation.accounts.models import User
from participation.core.demo import seed_demo
from participation.core.types import utcnow
from participation.extensions import db
from participation.surveys.models import Survey
from participation.surveys.services import submit_response
from tests.conftest import login
from tests.surveys.factories import two_page_survey
from tests.test_routes import (
    EXTRA_CASES,
    World,
    all_paths,
    build_world,
    client_as,
    extra_path,
    fetch,
    rules,
    values_for,
)

ROLES = ("anonymous", "citizen", "moderator", "planner", "admin")
# A write anywhere in the statement (also inside a CTE); DDL too (sealing builds temporary tables).
WRITE = re.compile(
    r"\b(INSERT\s+INTO|UPDATE\s+\S+\s+SET|DELETE\s+FROM|REPLACE\s+INTO|MERGE\s+INTO|TRUNCATE|"
    r"CREATE\s+(TEMP|TEMPORARY\s+)?\s*TABLE|DROP\s+TABLE|ALTER\s+TABLE)\b",
    re.IGNORECASE,
)


@contextmanager
def count_writes(engine) -> Iterator[list[str]]:
    """Collect every writing SQL statement sent on the engine while the block runs."""
    writes: list[str] = []

    def before_cursor_execute(conn, cursor, statement, parameters, context, executemany):
        if WRITE.search(statement):
            writes.append(" ".join(statement.split())[:160])

    event.listen(engine, "before_cursor_execute", before_cursor_execute)
    try:
        yield writes
    finally:
        event.remove(engine, "before_cursor_execute", before_cursor_execute)


def ended_unsealed_survey(app, world: World) -> int:
    """A published survey with one response, its end date a day ago; never closed by hand, not sealed."""
    built = two_page_survey(app, world.survey_owner.id, anonymous=False)
    with app.app_context():
        submit_response(
            db.session.get(Survey, built.id),
            {f"q{built.q['cycle']}": [str(built.o["nein"])]},
            user=db.session.get(User, world.respondent.id),
        )
        now = utcnow()
        db.session.execute(
            update(Survey)
            .where(Survey.id == built.id)
            .values(starts_at=now - timedelta(days=3), ends_at=now - timedelta(days=1))
        )
        db.session.commit()
        survey = db.session.get(Survey, built.id)
        assert survey.sealed_at is None and survey.closed_at is None and survey.state.name == "CLOSED"
        db.session.remove()
    return built.id


def crawl_paths(app, world: World, ended_survey_id: int) -> list[tuple[str, str]]:
    """Every GET route filled with World values, the route tests' extra cases and the ended survey."""
    values = values_for(world)
    paths = all_paths(app, values, method="GET")
    paths += [
        (endpoint, extra_path(app, world, endpoint, parameters, values))
        for endpoint, parameters, _ in EXTRA_CASES
    ]
    with app.test_request_context():
        for rule in rules(app, "GET"):
            if "survey_id" not in rule.arguments:
                continue
            filled = {name: options[0] for name, options in values.for_endpoint(rule.endpoint).items()}
            filled["survey_id"] = ended_survey_id
            paths.append((rule.endpoint, url_for(rule.endpoint, **{n: filled[n] for n in rule.arguments})))
    return paths


@pytest.fixture
def content(app, make_user) -> tuple[World, int]:
    """World + Musterstadt demo data + an ended, unsealed survey, all committed."""
    world = build_world(app, make_user)
    with app.app_context():
        seed_demo()
        db.session.commit()
        db.session.remove()
    return world, ended_unsealed_survey(app, world)


def writes_by_route(app, client, paths: list[tuple[str, str]]) -> list[str]:
    """For every path that wrote: the endpoint, the path and the statements."""
    problems = []
    with app.app_context():
        engine = db.engine
    for endpoint, path in paths:
        with count_writes(engine) as writes:
            fetch(client, path)
        if writes:
            problems.append(f"{endpoint} GET {path}: {len(writes)} write(s): " + " | ".join(writes[:3]))
    return problems


@pytest.mark.parametrize("role", ROLES)
def test_no_get_route_writes(app, client, make_user, content, role):
    """Zero INSERT/UPDATE/DELETE statements for every GET route, per role."""
    world, ended_survey_id = content
    client = client_as(client, make_user, role)
    paths = crawl_paths(app, world, ended_survey_id)
    assert len(paths) > 80
    problems = writes_by_route(app, client, paths)
    assert problems == [], "GET routes that wrote:\n" + "\n".join(problems)


# The World's people: their notifications, responses, proposals, appeals and surveys behind the same routes.
PEOPLE = ("target", "comment_author", "respondent", "wiki_author", "survey_owner")


@pytest.mark.parametrize("person", PEOPLE)
def test_no_get_route_writes_for_the_people_the_content_concerns(app, client, content, person):
    """The same crawl as the owner of the notification, comments, response, wiki proposals and surveys."""
    world, ended_survey_id = content
    login(client, getattr(world, person))
    problems = writes_by_route(app, client, crawl_paths(app, world, ended_survey_id))
    assert problems == [], "GET routes that wrote:\n" + "\n".join(problems)


@pytest.mark.parametrize("role", ROLES[1:])
def test_first_get_after_five_idle_minutes_writes_nothing(app, client, make_user, role):
    """A login session idle for more than five minutes: the next GET must not write its last-seen time."""
    client = client_as(client, make_user, role)
    with client.session_transaction() as session:
        session[ACTIVE_KEY] = int((utcnow() - timedelta(minutes=10)).timestamp())
    problems = writes_by_route(app, client, [("core.home", "/"), ("accounts.profile", "/konto/")])
    assert problems == [], "GET routes that wrote:\n" + "\n".join(problems)


def test_demo_survey_weighting_and_results_with_the_panel_write_nothing(app, client, make_user, content):
    """The demo survey is weighted (mapping preset, switch on): its results and weighting pages only read.

    (The World's population version is the current one here, so the demo's groups may not all match.)
    """
    with app.app_context():
        # db.select: the module's imports stay as they are (this test was added later).
        survey_id = db.session.scalar(
            db.select(Survey.id).where(Survey.title == "Radverkehr in Musterstadt 2025")
        )
    client = client_as(client, make_user, "admin")
    paths = [
        ("surveys.weighting", f"/umfragen/{survey_id}/gewichtung"),
        ("surveys.results_page", f"/umfragen/{survey_id}/ergebnisse"),
    ]
    assert fetch(client, paths[0][1]).status_code == 200
    problems = writes_by_route(app, client, paths)
    assert problems == [], "GET routes that wrote:\n" + "\n".join(problems)
