"""Projects: CRUD for planners/admins, slug rules, filters and search, page, start page, panels, demo data."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import pytest
from jinja2 import ChoiceLoader, DictLoader
from sqlalchemy import func, select

from participation.core.demo import seed_demo
from participation.core.models import AuditLogEntry
from participation.discussions.models import Comment
from participation.extensions import db
from participation.projects.models import Project, ProjectPhase
from participation.projects.panels import _panels, register_project_panel
from participation.surveys.models import Survey
from participation.wiki.models import WikiPage
from tests.conftest import ROLE_SETS, login, post

VALID = {
    "title": "Neue Brücke am Mühlbach",
    "slug": "bruecke-muehlbach",
    "summary": "Die alte Brücke wird ersetzt.",
    "description": "## Warum\n\nDie Brücke ist **marode**.",
    "district": "Mühlenviertel",
    "location_text": "Mühlbach",
    "phase": "information",
    "department": "Tiefbauamt",
    "contact": "tiefbau@musterstadt.example",
    "discussion_open": "y",
    "starts_information": "2026-05-01",
    "ends_information": "2026-06-30",
}


def projects(app) -> list[Project]:
    with app.app_context():
        rows = db.session.scalars(select(Project).order_by(Project.id)).all()
        for row in rows:
            db.session.expunge(row)
        return rows


def make(app, slug, title, phase="information", district=None):
    with app.app_context():
        db.session.add(
            Project(
                slug=slug,
                title=title,
                summary=f"Über {title}",
                description="",
                phase=phase,
                district=district,
            )
        )
        db.session.commit()


@pytest.mark.parametrize("role", ["planner", "admin"])
def test_planners_and_admins_create_edit_and_delete(app, client, logged_in, role):
    actor = logged_in(role)
    response = post(client, "/projekte/neu", VALID)
    assert response.status_code == 302 and response.headers["Location"] == "/projekte/bruecke-muehlbach"
    [project] = projects(app)
    assert (project.title, project.district, project.created_by_id) == (
        VALID["title"],
        "Mühlenviertel",
        actor.id,
    )
    page = client.get("/projekte/bruecke-muehlbach").get_data(as_text=True)
    assert "<strong>marode</strong>" in page and 'aria-current="step"' in page and "01.05.2026" in page
    edited = {
        **VALID,
        "title": "Ersatzneubau Brücke",
        "phase": "participation",
        "discussion_open": "",
        "starts_information": "",
        "ends_information": "",
    }
    assert post(client, "/projekte/bruecke-muehlbach/bearbeiten", edited).status_code == 302
    [project] = projects(app)
    assert (project.title, project.phase, project.discussion_open) == (
        "Ersatzneubau Brücke",
        "participation",
        False,
    )
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(ProjectPhase)) == 0
    assert post(client, "/projekte/bruecke-muehlbach/loeschen", {"confirmed": "1"}).status_code == 302
    assert projects(app) == []
    with app.app_context():
        actions = db.session.scalars(
            select(AuditLogEntry.action)
            .where(AuditLogEntry.action.like("project.%"))
            .order_by(AuditLogEntry.id)
        ).all()
    assert actions == ["project.created", "project.updated", "project.deleted"]


@pytest.mark.parametrize(
    "slug",
    [
        "../admin",
        "mit leerzeichen",
        "a",
        "ende-",
        "-anfang",
        "doppel--strich",
        "ümlaut",
        "neu",
        "x" * 81,
        "a/b",
        "%2e%2e",
    ],
)
def test_bad_slugs_are_refused(app, client, logged_in, slug):
    logged_in("planner")
    response = post(client, "/projekte/neu", {**VALID, "slug": slug})
    assert response.status_code == 400
    assert "Kurzadresse" in response.get_data(as_text=True)
    assert projects(app) == []


def test_upper_case_slugs_are_stored_in_lower_case(app, client, logged_in):
    logged_in("planner")
    assert post(client, "/projekte/neu", {**VALID, "slug": "  Gross-Projekt "}).status_code == 302
    assert [p.slug for p in projects(app)] == ["gross-projekt"]


def test_slug_clash_is_refused_on_create_and_edit(app, client, logged_in):
    make(app, "belegt", "Belegt")
    make(app, "frei", "Frei")
    logged_in("planner")
    response = post(client, "/projekte/neu", {**VALID, "slug": "belegt"})
    assert response.status_code == 400 and "schon vergeben" in response.get_data(as_text=True)
    response = post(client, "/projekte/frei/bearbeiten", {**VALID, "slug": "belegt"})
    assert response.status_code == 400 and "schon vergeben" in response.get_data(as_text=True)
    assert [p.slug for p in projects(app)] == ["belegt", "frei"]


def test_end_before_start_is_refused(app, client, logged_in):
    logged_in("planner")
    response = post(client, "/projekte/neu", {**VALID, "ends_information": "2026-04-01"})
    assert response.status_code == 400 and "nicht vor dem Beginn" in response.get_data(as_text=True)


def test_projects_with_comments_cannot_be_deleted(app, client, logged_in, make_user):
    make(app, "mit-diskussion", "Mit Diskussion")
    author = make_user()
    with app.app_context():
        project = db.session.scalar(select(Project))
        db.session.add(Comment(project_id=project.id, author_id=author.id, body="x", body_html="<p>x</p>"))
        db.session.commit()
    logged_in("admin")
    response = post(client, "/projekte/mit-diskussion/loeschen", {"confirmed": "1"})
    assert response.status_code == 302
    assert "Schließen Sie stattdessen die Diskussion" in client.get(response.headers["Location"]).get_data(
        as_text=True
    )
    assert [p.slug for p in projects(app)] == ["mit-diskussion"]


def test_deleting_a_project_keeps_its_surveys_and_wiki_pages_unlinked(app, client, logged_in):
    """Only comments block deletion; surveys and wiki pages use ON DELETE SET NULL and stay."""
    make(app, "mit-umfrage", "Mit Umfrage")
    with app.app_context():
        project = db.session.scalar(select(Project))
        survey, page = (
            Survey(title="Umfrage zum Platz", project_id=project.id),
            WikiPage(slug="hintergrund", project_id=project.id),
        )
        db.session.add_all([survey, page])
        db.session.commit()
        survey_id, page_id = survey.id, page.id
        db.session.remove()
    logged_in("planner")
    response = post(client, "/projekte/mit-umfrage/loeschen", {"confirmed": "1"})
    assert response.status_code == 302 and response.headers["Location"] == "/projekte/"
    assert projects(app) == []
    with app.app_context():
        assert db.session.get(Survey, survey_id).project_id is None
        assert db.session.get(WikiPage, page_id).project_id is None
        db.session.remove()


COORDINATES = {**VALID, "latitude": "52.520008", "longitude": "13.404954"}


def test_optional_coordinates_are_stored(app, client, logged_in):
    logged_in("planner")
    assert post(client, "/projekte/neu", COORDINATES).status_code == 302
    [project] = projects(app)
    assert (str(project.latitude), str(project.longitude)) == ("52.520008", "13.404954")
    # Leaving them empty stores nothing.
    edited = {**COORDINATES, "latitude": "", "longitude": ""}
    assert post(client, "/projekte/bruecke-muehlbach/bearbeiten", edited).status_code == 302
    [project] = projects(app)
    assert (project.latitude, project.longitude) == (None, None)


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("latitude", "52,5", "Bitte geben Sie die Zahl mit Punkt an, z. B. 52.52."),
        ("latitude", "100", "Bitte eine Zahl zwischen -90 und 90."),
        ("longitude", "-180.5", "Bitte eine Zahl zwischen -180 und 180."),
        ("longitude", "Marktplatz", "Bitte geben Sie die Zahl mit Punkt an, z. B. 52.52."),
    ],
)
def test_bad_coordinates_are_refused_with_a_german_message_and_kept(
    app, client, logged_in, field, value, message
):
    logged_in("planner")
    response = post(client, "/projekte/neu", {**COORDINATES, field: value})
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    errors = re.search(rf'<p class="error" id="{field}-error">(.*?)</p>', html, re.DOTALL).group(1)
    # One clear message, not a parse error plus a misleading range error.
    assert re.findall(r"<span>(.*?)</span>", errors) == [message]
    assert re.search(rf'<input [^>]*name="{field}"[^>]*value="{re.escape(value)}"', html)
    assert projects(app) == []


def test_list_filters_by_phase_and_district_and_searches_titles(app, client):
    make(app, "radweg", "Radweg Bahnhofstraße", "information", "Bahnhofsviertel")
    make(app, "markt", "Neugestaltung Marktplatz", "participation", "Altstadt")
    make(app, "spiel", "Spielplatz im Lindenpark", "implementation", "Lindenviertel")
    make(app, "alt", "Alter Marktbrunnen", "completed", "Altstadt")

    def titles(query: str) -> list[str]:
        html = client.get(f"/projekte/{query}").get_data(as_text=True)
        return sorted(
            t
            for t in (
                "Radweg Bahnhofstraße",
                "Neugestaltung Marktplatz",
                "Spielplatz im Lindenpark",
                "Alter Marktbrunnen",
            )
            if f">{t}</a>" in html
        )

    assert len(titles("")) == 4
    assert titles("?phase=participation") == ["Neugestaltung Marktplatz"]
    assert titles("?district=Altstadt") == ["Alter Marktbrunnen", "Neugestaltung Marktplatz"]
    # The site-wide engine (core/fulltext): whole words in their German forms, not substrings.
    assert titles("?q=MARKTPLATZ") == ["Neugestaltung Marktplatz"]
    assert titles("?q=marktbrunnen&phase=completed") == ["Alter Marktbrunnen"]
    assert titles("?q=marktbrunnen&phase=participation") == []
    assert titles("?q=%25") == []
    assert titles("?q=Bahnhofstrasse") == ["Radweg Bahnhofstraße"]
    assert titles("?q=Radwege") == ["Radweg Bahnhofstraße"]


def test_start_page_lists_current_projects_only(app, client):
    make(app, "laufend", "Laufendes Vorhaben", "participation")
    make(app, "fertig", "Fertiges Vorhaben", "completed")
    html = client.get("/").get_data(as_text=True)
    assert "Aktuelle Vorhaben" in html
    assert "Laufendes Vorhaben" in html and "Fertiges Vorhaben" not in html


def test_project_panels_are_shown_in_order(app, client):
    make(app, "mit-panel", "Mit Panel")
    original = app.jinja_env.loader
    app.jinja_env.loader = ChoiceLoader(
        [DictLoader({"test/panel.html": "<p>Panel für {{ panel.title }}</p>"}), original]
    )
    register_project_panel(
        "zz-test", "test/panel.html", lambda project, **_: {"title": project.title}, order=1
    )
    register_project_panel("zz-none", "does/not/exist.html", lambda project, **_: None)
    try:
        html = client.get("/projekte/mit-panel").get_data(as_text=True)
    finally:
        _panels.pop("zz-test")
        _panels.pop("zz-none")
        app.jinja_env.loader = original
    assert html.index("<p>Panel für Mit Panel</p>") < html.index('id="diskussion"')


def test_description_markdown_is_sanitised(app, client):
    with app.app_context():
        db.session.add(
            Project(
                slug="xss",
                title="<script>t()</script>",
                summary="s",
                description="<script>alert(1)</script>[x](javascript:alert(1))",
            )
        )
        db.session.commit()
    html = client.get("/projekte/xss").get_data(as_text=True)
    assert "<script>alert(1)" not in html and "<script>t()" not in html and 'href="javascript' not in html


ROLES = ("anonymous", "unverified", "citizen", "moderator", "planner", "admin")
MANAGERS = {"planner", "admin"}


@pytest.mark.parametrize("role", ROLES)
def test_project_role_matrix(app, client, make_user, role):
    make(app, "matrix", "Matrix")
    if role != "anonymous":
        login(client, make_user(ROLE_SETS.get(role, frozenset()), verified=role != "unverified"))
    for path in ("/projekte/", "/projekte/matrix"):
        assert client.get(path).status_code == 200, path
    for path in ("/projekte/neu", "/projekte/matrix/bearbeiten", "/projekte/matrix/loeschen"):
        response = client.get(path)
        if role == "anonymous":
            assert (
                response.status_code == 302
                and urlsplit(response.headers["Location"]).path == "/konto/anmelden"
            )
        else:
            assert response.status_code == (200 if role in MANAGERS else 403), (role, path)
    response = post(client, "/projekte/matrix/loeschen", {"confirmed": "1"})
    assert response.status_code == 302 if role in MANAGERS or role == "anonymous" else 403
    assert (projects(app) == []) == (role in MANAGERS)
    assert client.get("/projekte/gibt-es-nicht").status_code == 404


def test_demo_seeders_are_idempotent_and_make_living_discussions(app):
    with app.app_context():
        seed_demo()
        db.session.commit()
        first = db.session.scalar(select(func.count()).select_from(Comment))
        seed_demo()
        db.session.commit()
        slugs = set(db.session.scalars(select(Project.slug)))
        assert db.session.scalar(select(func.count()).select_from(Comment)) == first
    assert {"neugestaltung-marktplatz", "radweg-bahnhofstrasse", "spielplatz-lindenpark"} <= slugs
    assert first >= 30
