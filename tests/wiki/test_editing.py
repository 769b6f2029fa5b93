"""Editing: who publishes directly, edit conflicts, locked pages, restore, bad input and XSS."""

from __future__ import annotations

import secrets

import pytest
from sqlalchemy import select

from participation.accounts.models import Role
from participation.accounts.services import create_user
from participation.core.models import AuditLogEntry
from participation.extensions import db
from participation.projects.models import Project
from participation.wiki.models import WikiPage
from tests.conftest import ROLE_SETS, TEST_PASSWORD, UserInfo, login, post
from tests.wiki.conftest import approved_id, decide, edit_form, propose, revisions

XSS = '<script>alert("x")</script><img src=x onerror=alert(1)>'


@pytest.mark.parametrize("role", ["moderator", "planner", "admin"])
def test_staff_publish_directly_when_based_on_current_text(app, client, make_page, logged_in, role):
    page = make_page()
    logged_in(role)
    response = propose(client, page.slug, "Montags und dienstags geöffnet.")
    assert response.status_code == 302
    newest = revisions(app, page.id)[-1]
    assert newest[1] == "approved" and approved_id(app, page.id) == newest[0]
    assert "dienstags" in app.test_client().get(f"/wiki/{page.slug}").get_data(as_text=True)


@pytest.mark.parametrize("role", ["moderator", "planner", "admin", "citizen"])
def test_nobody_publishes_over_newer_text(app, client, make_page, logged_in, role):
    page = make_page()
    old_base = page.revision_id
    staff = app.test_client()
    login(staff, _make_staff(app))
    assert propose(staff, page.slug, "Neuer Stand vom Rathaus.").status_code == 302
    current = approved_id(app, page.id)
    logged_in(role)
    response = propose(client, page.slug, "Mein Text auf alter Grundlage.", base=old_base)
    assert response.status_code == 409
    assert approved_id(app, page.id) == current
    assert all(body != "Mein Text auf alter Grundlage." for _id, _state, body in revisions(app, page.id))


def _make_staff(app):

    with app.app_context():
        user = create_user(
            f"staff-{secrets.token_hex(3)}@example.org", "Stadt", TEST_PASSWORD, {Role.PLANNER}
        )
        db.session.commit()
        info = UserInfo(user.id, user.email, TEST_PASSWORD, "Stadt")
        db.session.remove()
    return info


def test_citizen_edits_wait_and_a_new_edit_withdraws_the_earlier(app, client, make_page, logged_in):
    page = make_page()
    logged_in("citizen")
    assert propose(client, page.slug, "Erster Vorschlag.").status_code == 302
    # The edit form starts from the published text; the waiting proposal is offered to continue.
    assert "Erster Vorschlag." not in client.get(f"/wiki/{page.slug}/bearbeiten").get_data(as_text=True)
    assert "Erster Vorschlag." in client.get(f"/wiki/{page.slug}/bearbeiten?fassung=vorschlag").get_data(
        as_text=True
    )
    assert propose(client, page.slug, "Zweiter Vorschlag.").status_code == 302
    states = [(state, body) for _id, state, body in revisions(app, page.id)[1:]]
    assert states == [("withdrawn", "Erster Vorschlag."), ("pending", "Zweiter Vorschlag.")]
    assert approved_id(app, page.id) == page.revision_id


def test_unverified_citizen_may_not_edit(app, client, make_page, logged_in):
    page = make_page()
    logged_in("citizen", verified=False)
    assert client.get(f"/wiki/{page.slug}/bearbeiten").status_code == 403


def test_edit_conflict_keeps_text_shows_current_and_diff_and_allows_resubmit(
    app, client, make_page, logged_in
):
    page = make_page(body="Montags geöffnet.")
    logged_in("citizen")
    stale = edit_form(client, page.slug)
    staff = app.test_client()
    login(staff, _make_staff(app))
    assert propose(staff, page.slug, "Montags und freitags geöffnet.").status_code == 302
    typed = "Montags geöffnet. Barrierefreier Eingang an der Rückseite."
    response = client.post(
        f"/wiki/{page.slug}/bearbeiten",
        data={**stale, "title": "Bürgerbüro", "body": typed, "summary": "Eingang ergänzt"},
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 409
    assert "Die Seite wurde inzwischen geändert" in html
    assert typed in html and "Eingang ergänzt" in html  # nothing typed is lost
    assert "Montags und freitags geöffnet." in html  # the current text beside it
    assert "<ins>" in html and "<del>" in html
    current = approved_id(app, page.id)
    assert f'value="{current}"' in html  # resubmitting means "I have seen the current text"
    resubmit = client.post(
        f"/wiki/{page.slug}/bearbeiten",
        data={
            **stale,
            "base_revision_id": str(current),
            "title": "Bürgerbüro",
            "body": typed,
            "summary": "Eingang ergänzt",
        },
    )
    assert resubmit.status_code == 302
    assert revisions(app, page.id)[-1][1:] == ("pending", typed)


def test_locked_page_refused_for_citizens_but_staff_may_edit(app, client, make_page, make_user, logged_in):
    page = make_page()
    moderator = app.test_client()
    login(moderator, make_user(ROLE_SETS["moderator"]))
    assert post(moderator, f"/wiki/{page.slug}/sperren", token_from="/wiki/").status_code == 302
    logged_in("citizen")
    assert client.get(f"/wiki/{page.slug}/bearbeiten").status_code == 403
    response = post(
        client,
        f"/wiki/{page.slug}/bearbeiten",
        {"title": "Bürgerbüro", "body": "x", "base_revision_id": str(page.revision_id)},
        token_from="/wiki/",
    )
    assert response.status_code == 403
    assert "gesperrt" in client.get(f"/wiki/{page.slug}").get_data(as_text=True)
    planner = app.test_client()
    login(planner, _make_staff(app))
    assert propose(planner, page.slug, "Gesperrt, aber aktualisiert.").status_code == 302
    assert post(moderator, f"/wiki/{page.slug}/entsperren", token_from="/wiki/").status_code == 302
    assert client.get(f"/wiki/{page.slug}/bearbeiten").status_code == 200
    with app.app_context():
        actions = db.session.scalars(
            select(AuditLogEntry.action).where(AuditLogEntry.action.like("wiki.%")).order_by(AuditLogEntry.id)
        ).all()
        db.session.remove()
    assert actions == ["wiki.lock", "wiki.unlock"]


def test_restore_creates_a_new_approved_revision(app, client, make_page, logged_in):
    page = make_page(body="Erste Fassung.")
    staff = app.test_client()
    login(staff, _make_staff(app))
    propose(staff, page.slug, "Zweite Fassung.")
    logged_in("moderator")
    response = post(
        client,
        f"/wiki/{page.slug}/versionen/{page.revision_id}/wiederherstellen",
        token_from=f"/wiki/{page.slug}/versionen",
    )
    assert response.status_code == 302
    rows = revisions(app, page.id)
    assert [(state, body) for _id, state, body in rows] == [
        ("approved", "Erste Fassung."),
        ("approved", "Zweite Fassung."),
        ("approved", "Erste Fassung."),
    ]
    assert approved_id(app, page.id) == rows[-1][0]
    with app.app_context():
        entry = db.session.scalar(select(AuditLogEntry).where(AuditLogEntry.action == "wiki.restore"))
        assert entry.details["restored_from"] == page.revision_id
        db.session.remove()
    # The current revision cannot be "restored"; citizens cannot restore at all.
    assert (
        post(
            client, f"/wiki/{page.slug}/versionen/{rows[-1][0]}/wiederherstellen", token_from="/wiki/"
        ).status_code
        == 403
    )


def _create(client, **data):
    payload = {"title": "Neue Seite", "body": "Text.", "summary": "", "slug": "", **data}
    return post(client, "/wiki/neu", payload, token_from="/wiki/neu")


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"title": ""}, "Bitte geben Sie einen Titel ein."),
        ({"title": "   "}, "Bitte geben Sie einen Titel ein."),
        ({"body": ""}, "Bitte geben Sie einen Text ein."),
        ({"slug": "../admin"}, "Die Adresse darf nur Kleinbuchstaben"),
        ({"slug": "a/b"}, "Die Adresse darf nur Kleinbuchstaben"),
        ({"slug": "neu"}, "Diese Adresse ist bereits vergeben."),
        ({"title": "???"}, "Aus dem Titel lässt sich keine Adresse bilden."),
        ({"title": "x" * 121}, "Der Titel darf höchstens 120 Zeichen lang sein."),
        ({"body": "a" * 1_000_000}, "Der Text ist zu lang: höchstens 200.000 Zeichen"),
        ({"title": "Null\x00Byte"}, "unzulässige Steuerzeichen"),
    ],
)
def test_bad_input_gets_a_clear_message(app, client, logged_in, data, message):
    logged_in("citizen")
    response = _create(client, **data)
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert message in html
    assert "error-summary" in html
    with app.app_context():
        assert db.session.scalar(select(db.func.count()).select_from(db.metadata.tables["wiki_pages"])) == 0
        db.session.remove()


def test_slug_and_title_clashes(app, client, make_page, logged_in):
    make_page(title="Bürgerbüro")
    logged_in("citizen")
    assert "Diese Adresse ist bereits vergeben." in _create(
        client, title="Anderes", slug="buergerbuero"
    ).get_data(as_text=True)
    assert "Diese Adresse ist bereits vergeben." in _create(client, title="Bürgerbüro").get_data(as_text=True)
    html = _create(client, title="BÜRGERBÜRO", slug="buergerbuero-zwei").get_data(as_text=True)
    assert "Eine Seite mit diesem Titel gibt es bereits." in html


def test_one_megabyte_edit_keeps_the_typed_text(app, client, make_page, logged_in):
    page = make_page()
    logged_in("citizen")
    body = "Absatz. " * 131_072  # 1 MiB
    response = propose(client, page.slug, body)
    assert response.status_code == 400
    assert "Der Text ist zu lang" in response.get_data(as_text=True)
    assert len(revisions(app, page.id)) == 1


def test_unchanged_edit_is_refused(app, client, make_page, logged_in):
    page = make_page(body="Gleich.")
    logged_in("citizen")
    response = propose(client, page.slug, "Gleich.")
    assert response.status_code == 400
    assert "Sie haben nichts geändert." in response.get_data(as_text=True)


def test_xss_in_title_body_summary_and_diff_is_escaped(app, client, make_page, make_user, logged_in):
    page = make_page(body="Harmlos.")
    citizen = app.test_client()
    login(citizen, make_user(ROLE_SETS["citizen"]))
    assert (
        propose(
            citizen, page.slug, f"Harmlos. {XSS} [x](javascript:alert(1))", title=f"Seite {XSS}", summary=XSS
        ).status_code
        == 302
    )
    pending_id = revisions(app, page.id)[-1][0]
    logged_in("moderator")
    urls = [
        f"/wiki/pruefung/{pending_id}",
        "/wiki/pruefung",
        f"/wiki/{page.slug}/versionen",
        f"/wiki/{page.slug}/versionen/{pending_id}",
        f"/wiki/{page.slug}/vergleich?zu={pending_id}",
    ]
    for url in urls:
        # The review addresses lead to the moderation desk's screens, which must escape as well.
        html = client.get(url, follow_redirects=True).get_data(as_text=True)
        assert "<script>alert" not in html and "<img src=x" not in html and 'href="javascript' not in html, (
            url
        )
        assert "&lt;script&gt;" in html, url
    assert decide(client, pending_id).status_code == 302
    html = app.test_client().get(f"/wiki/{page.slug}").get_data(as_text=True)
    assert "<script>alert" not in html and "<img src=x" not in html and 'href="javascript' not in html
    assert "&lt;script&gt;" in html and "Seite &lt;script&gt;" in html


def test_staff_link_a_page_to_a_project_and_citizens_cannot(app, client, make_user, logged_in):

    with app.app_context():
        project = Project(slug="radweg", title="Radweg Bahnhofstraße", summary="Sicher radeln.")
        db.session.add(project)
        db.session.commit()
        project_id = project.id
        db.session.remove()
    citizen = app.test_client()
    login(citizen, make_user(ROLE_SETS["citizen"]))
    assert 'name="project_id"' not in citizen.get("/wiki/neu").get_data(as_text=True)
    post(
        citizen,
        "/wiki/neu",
        {"title": "Bürgeridee", "body": "x", "project_id": str(project_id)},
        token_from="/wiki/neu",
    )
    logged_in("planner")
    response = _create(client, title="Radweg: Hintergrund", body="Varianten.", project_id=str(project_id))
    assert response.status_code == 302
    with app.app_context():
        links = dict(db.session.execute(select(WikiPage.slug, WikiPage.project_id)).all())
        db.session.remove()
    assert links == {"buergeridee": None, "radweg-hintergrund": project_id}
    assert "Radweg Bahnhofstraße" in client.get("/wiki/radweg-hintergrund").get_data(as_text=True)
    assert 'href="/wiki/radweg-hintergrund"' in app.test_client().get("/projekte/radweg").get_data(
        as_text=True
    )
