"""The administration's voice: comments of planners, moderators and admins carry "Stadtverwaltung"."""

from __future__ import annotations

import re

import pytest

from participation.accounts.models import Role, UserRole
from participation.extensions import db
from tests.conftest import count_queries

MARK = re.compile(r'<strong>([^<]+)</strong> <span class="badge official-mark">([^<]+)</span>')


def marks(html: str) -> dict[str, str]:
    return dict(MARK.findall(html))


@pytest.mark.parametrize("role", [Role.PLANNER, Role.MODERATOR, Role.ADMIN])
def test_staff_comments_are_marked_and_citizens_are_not(client, project, make_user, add_comment, role):
    official = make_user({role}, name="Amtsperson")
    citizen = make_user(name="Bürgerin Beispiel")
    question = add_comment(project, citizen.id, "Wann geht es los?")
    add_comment(project, official.id, "Im Frühjahr.", parent_id=question)
    html = client.get(project.url).get_data(as_text=True)
    assert marks(html) == {"Amtsperson": "Stadtverwaltung"}
    assert "<strong>Bürgerin Beispiel</strong> · " in html


def test_mark_names_the_projects_department_and_follows_the_current_roles(
    app, client, make_project, make_user, add_comment
):
    project = make_project(slug="radweg", department="Amt für Stadtplanung & Verkehr")
    planner = make_user({Role.PLANNER}, name="Petra Plan")
    add_comment(project, planner.id, "Wir prüfen das.")
    html = client.get(project.url).get_data(as_text=True)
    # The department is escaped text, visible and read out with the mark.
    assert marks(html) == {"Petra Plan": "Stadtverwaltung · Amt für Stadtplanung &amp; Verkehr"}
    # Roles at the time of rendering: without the role the same comment has no mark.
    with app.app_context():
        db.session.query(UserRole).filter_by(user_id=planner.id).delete()
        db.session.commit()
    assert marks(client.get(project.url).get_data(as_text=True)) == {}


def test_english_mark(client, project, make_user, add_comment):
    admin = make_user({Role.ADMIN}, name="Ada Admin")
    add_comment(project, admin.id, "Hello.")
    html = client.get(project.url, headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert marks(html) == {"Ada Admin": "City administration"}


def test_mark_costs_no_extra_query(app, client, make_project, make_user, add_comment):
    citizens_only = make_project(slug="nur-buerger")
    with_staff = make_project(slug="mit-verwaltung")
    citizen = make_user(name="Carla Citoyen")
    staff = [make_user({role}) for role in (Role.PLANNER, Role.MODERATOR, Role.ADMIN)]
    for index in range(6):
        add_comment(citizens_only, citizen.id, f"Beitrag {index}")
        add_comment(with_staff, (staff[index % 3] if index % 2 else citizen).id, f"Beitrag {index}")
    counts = []
    for project in (citizens_only, with_staff):
        with app.app_context(), count_queries(db.engine) as statements:
            html = client.get(project.url).get_data(as_text=True)
        counts.append(len(statements))
        assert sum("WITH RECURSIVE" in s.upper() for s in statements) == 1
    assert counts[0] == counts[1] <= 6
    assert len(marks(html)) == 3
