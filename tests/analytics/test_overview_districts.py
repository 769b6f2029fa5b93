"""Participation per district with a survey's mapped district question (weighting): the answered district
counts, recomputed here from the rows; other surveys, comments and wiki pages by the project's district."""

from __future__ import annotations

from collections import defaultdict
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import insert, select

from participation.accounts.models import Role, User
from participation.analytics import overview_service as service
from participation.analytics.overview_query import Period, Scope
from participation.discussions.models import Comment
from participation.extensions import db
from participation.projects.models import Project
from participation.surveys.models import Answer, Response, Survey
from participation.surveys.models.responses import new_response_id
from participation.surveys.questions.base import answer_row
from participation.surveys.weighting.models import WeightingOption, WeightingQuestion
from tests.analytics.test_overview import admin_viewer, viewer
from tests.conftest import count_queries
from tests.surveys.weighting.factories import add_responses, weighted_world

PERIOD = Period(date(2026, 1, 1), date(2026, 1, 31))
GROUPS = {
    ("Nord", "18–39 Jahre"): 7,
    ("Süd", "40–64 Jahre"): 6,
    ("Ost", "65+ Jahre"): 2,
    ("Sonstiges", "40–64 Jahre"): 3,  # an unmapped option: no district
    (None, "18–39 Jahre"): 4,  # the district question skipped
}


def _account_responses(app, world, people: list[int], district: str | None) -> None:
    """Responses with an account (they count for the district's accounts), answering `district`."""
    with app.app_context():
        for person in people:
            rid = new_response_id()
            db.session.execute(
                insert(Response),
                [
                    {
                        "id": rid,
                        "survey_id": world.survey_id,
                        "user_id": person,
                        "channel": "online",
                        "via": "account",
                        "submitted_on": date(2026, 1, 12),
                    }
                ],
            )
            if district is not None:
                db.session.execute(
                    insert(Answer),
                    [
                        {
                            "response_id": rid,
                            "question_id": world.district_q,
                            **answer_row(option_id=world.o[f"district:{district}"]),
                        }
                    ],
                )
        db.session.commit()


@pytest.fixture
def world(app, make_user):
    """The weighting survey in project "Altstadt" (district mapped), a plain survey there, comments."""
    built = weighted_world(app, make_user, GROUPS, enabled=False)  # the mapping counts, weighting on or off
    people = [make_user().id for _ in range(9)]
    _account_responses(app, built, people[:3], "Nord")
    _account_responses(app, built, people[3:5], "Süd")
    _account_responses(app, built, people[5:6], None)
    with app.app_context():
        project = Project(slug="altstadt", title="Altmarkt", summary="s", district="Altstadt")
        db.session.add(project)
        db.session.flush()
        db.session.get(Survey, built.survey_id).project_id = project.id
        plain = Survey(title="Ohne Bezirksfrage", project_id=project.id, anonymous=True)
        db.session.add(plain)
        db.session.flush()
        for i in range(6):
            db.session.add(
                Response(
                    survey_id=plain.id,
                    user_id=people[6 + i % 3] if i < 3 else None,
                    channel="papier",
                    via="open",
                    submitted_on=date(2026, 1, 20),
                )
            )
        for person in people[:2]:
            db.session.add(
                Comment(
                    project_id=project.id,
                    author_id=person,
                    body="x",
                    created_at=datetime(2026, 1, 15, 9, tzinfo=UTC),
                )
            )
        db.session.commit()
        built.plain_id = plain.id  # type: ignore[attr-defined]
    return built


def expected() -> dict[str | None, list]:
    """Responses, comments and accounts per district from the rows in Python (no SQL aggregation)."""
    district_questions = select(WeightingQuestion).where(WeightingQuestion.dimension == "district")
    mapped_question = {q.survey_id: q.question_id for q in db.session.scalars(district_questions)}
    category = {o.option_id: o.category for o in db.session.scalars(select(WeightingOption))}
    answers = {(a.response_id, a.question_id): a.option_id for a in db.session.scalars(select(Answer))}
    surveys = {s.id: s for s in db.session.scalars(select(Survey))}
    projects = {p.id: p for p in db.session.scalars(select(Project))}
    figures: dict[str | None, list] = defaultdict(lambda: [0, 0, set()])
    for r in db.session.scalars(select(Response)):
        if not PERIOD.first <= r.submitted_on <= PERIOD.last:
            continue
        if r.survey_id in mapped_question:
            district = category.get(answers.get((r.id, mapped_question[r.survey_id])))
        else:
            project = projects.get(surveys[r.survey_id].project_id)
            district = project.district if project else None
        figures[district][0] += 1
        if r.user_id:
            figures[district][2].add(r.user_id)
    for c in db.session.scalars(select(Comment)):
        figures[projects[c.project_id].district][1] += 1
        figures[projects[c.project_id].district][2].add(c.author_id)
    return figures


def test_mapped_district_question_counts_per_answered_district(app, world):
    with app.app_context():
        want = expected()
        overview = service.build(admin_viewer(), Scope(), PERIOD)
    rows = {row[0]: row[1:] for row in overview.tables["bezirke"].rows}
    assert set(rows) == {name or "ohne Bezirk" for name in want} | {"Summe"}
    for name, (responses, comments, accounts) in want.items():
        assert rows[name or "ohne Bezirk"] == [responses, comments, 0, len(accounts)], name
    # Spelled out: 7 + 3 with an account in Nord; "Sonstiges", skipped and one account without an
    # answer under no district; the plain survey and the comments under the project's district.
    assert rows["Nord"][0] == 10 and rows["Süd"][0] == 8 and rows["Ost"][0] == 2
    assert rows["ohne Bezirk"][0] == 3 + 4 + 1
    assert rows["Altstadt"][:2] == [6, 2]
    assert rows["Summe"][0] == sum(GROUPS.values()) + 6 + 6


def test_project_and_survey_scope_use_the_answered_district(app, world):
    with app.app_context():
        admin = admin_viewer()
        survey = service.build(admin, Scope(survey_id=world.survey_id), PERIOD)
        project_id = db.session.get(Survey, world.survey_id).project_id
        project = service.build(admin, Scope(project_id=project_id), PERIOD)
    survey_rows = {row[0]: row[1] for row in survey.tables["bezirke"].rows}
    assert survey_rows == {"Nord": 10, "Ost": 2, "Süd": 8, "ohne Bezirk": 8, "Summe": 28}
    project_rows = {row[0]: row[1] for row in project.tables["bezirke"].rows}
    assert project_rows["Altstadt"] == 6 and project_rows["Summe"] == 34


def test_planner_sees_the_district_table_suppressed(app, world):
    with app.app_context():
        planner = viewer(Role.PLANNER, "planerin-bezirk@example.org", "Planerin")
        shown = service.build(planner, Scope(), PERIOD).tables["bezirke"]
        exact = service.build(admin_viewer(), Scope(), PERIOD).tables["bezirke"]
    assert [r[0] for r in shown.rows] == [r[0] for r in exact.rows]
    hidden = 0
    for row_exact, row_shown in zip(exact.rows, shown.rows, strict=True):
        for value, seen in zip(row_exact[1:], row_shown[1:], strict=True):
            if isinstance(value, int) and 0 < value < 5:
                hidden += 1
                assert seen is None, row_exact
            assert seen is None or seen == value
    assert hidden >= 3  # Ost's 2 responses, comments, accounts


def test_statement_count_is_the_same_with_more_mapped_answers(app, world):
    with app.app_context():
        admin_id = admin_viewer().id
        db.session.commit()
        admin = db.session.get(User, admin_id)
        assert admin is not None and admin.roles  # loaded before counting
        with count_queries(db.engine) as small:
            service.build(admin, Scope(), PERIOD)
    add_responses(app, world, {("Nord", "65+ Jahre"): 40, ("Ost", None): 25, (None, None): 10})
    with app.app_context():
        admin = db.session.get(User, admin_id)
        assert admin is not None and admin.roles
        with count_queries(db.engine) as large:
            overview = service.build(admin, Scope(), PERIOD)
    assert len(small) == len(large) <= 10
    assert {row[0]: row[1] for row in overview.tables["bezirke"].rows}["Ost"] == 27
