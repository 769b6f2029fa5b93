"""A survey's project: linked on the survey page; the project page lists the surveys the viewer may see."""

from __future__ import annotations

from datetime import timedelta

import pytest

from participation.extensions import db
from participation.projects.models import Project
from participation.surveys.models import Survey
from tests.conftest import ROLE_SETS, count_queries, login
from tests.surveys.factories import every_type_survey, set_dates


@pytest.fixture
def project(app):
    with app.app_context():
        project = Project(slug="marktplatz", title="Neugestaltung Marktplatz", summary="Der Platz wird neu.")
        db.session.add(project)
        db.session.commit()
        return project.id


def linked(app, planner, project_id, title, *, publish=True, results=False, **dates):
    """A survey of the planner linked to the project, in the state the arguments give."""
    built = every_type_survey(app, planner.id, publish=publish)
    with app.app_context():
        survey = db.session.get(Survey, built.id)
        survey.title, survey.project_id, survey.results_published = title, project_id, results
        db.session.commit()
    if dates:
        set_dates(app, built.id, **dates)
    return built.id


def _panel(html: str) -> str:
    if 'id="survey-panel-heading"' not in html:
        return ""
    return html.split('id="survey-panel-heading"')[1].split("</section>")[0]


def test_survey_page_links_its_project(app, client, planner, project):
    survey_id = linked(app, planner, project, "Wünsche für den Platz")
    html = client.get(f"/umfragen/{survey_id}").get_data(as_text=True)
    assert '<a href="/projekte/marktplatz">Neugestaltung Marktplatz</a>' in html
    unlinked = every_type_survey(app, planner.id)
    assert "/projekte/" not in client.get(f"/umfragen/{unlinked.id}").get_data(as_text=True).split("<main")[1]


STATES = {
    "Offene Umfrage": {},
    "Entwurf": {"publish": False},
    "Geplante Umfrage": {"starts_in": timedelta(days=2)},
    "Beendet ohne Ergebnisse": {"closed": True},
    "Beendet mit Ergebnissen": {"closed": True, "results": True},
}
PUBLIC = {"Offene Umfrage", "Beendet mit Ergebnissen"}


@pytest.mark.parametrize("role", ["anonymous", "citizen", "moderator", "planner", "admin"])
def test_project_page_lists_the_linked_surveys_the_viewer_may_see(
    app, client, make_user, planner, project, role
):
    ids = {title: linked(app, planner, project, title, **kwargs) for title, kwargs in STATES.items()}
    every_type_survey(app, planner.id)  # not linked: never listed
    if role != "anonymous":
        login(client, make_user(ROLE_SETS[role]))
    panel = _panel(client.get("/projekte/marktplatz").get_data(as_text=True))
    staff = role != "citizen" and role != "anonymous"
    for title in STATES:
        assert (title in panel) == (staff or title in PUBLIC), (role, title)
    assert "Alles drin" not in panel
    if not staff:
        assert f'href="/umfragen/{ids["Offene Umfrage"]}"' in panel
        assert f'href="/umfragen/{ids["Beendet mit Ergebnissen"]}/ergebnisse"' in panel
    if role == "admin":
        # Those who may edit a survey go to its builder (drafts included).
        assert f'href="/umfragen/verwaltung/{ids["Entwurf"]}"' in panel


def test_project_without_visible_surveys_has_no_panel(app, client, planner, project):
    linked(app, planner, project, "Entwurf", publish=False)
    assert 'id="survey-panel-heading"' not in client.get("/projekte/marktplatz").get_data(as_text=True)


def test_survey_panel_is_one_query_however_many_surveys(app, client, make_user, planner, project):
    def measure() -> tuple[int, int]:
        client.get("/projekte/marktplatz")  # warm-up (session refresh, caches)
        with app.app_context(), count_queries(db.engine) as statements:
            html = client.get("/projekte/marktplatz").get_data(as_text=True)
        return len(statements), _panel(html).count("<li>")

    login(client, make_user())
    linked(app, planner, project, "Erste")
    few, shown = measure()
    assert shown == 1
    for index in range(12):
        linked(app, planner, project, f"Weitere {index}", closed=index % 2 == 0, results=True)
    many, shown = measure()
    assert shown == 13 and many == few
    assert sum("FROM surveys" in s for s in statements_of(app, client)) == 1


def statements_of(app, client) -> list[str]:
    with app.app_context(), count_queries(db.engine) as statements:
        client.get("/projekte/marktplatz")
    return statements
