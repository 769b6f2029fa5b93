"""Chromium: a moderator works through the queue by keyboard; axe-core on queue, decision and appeal pages."""

from __future__ import annotations

from sqlalchemy import select

from participation.accounts.models import User
from participation.core.markup import render_markdown
from participation.discussions import services as discussion_services
from participation.discussions.models import Comment
from participation.extensions import db
from participation.moderation.models import Decision
from participation.projects.models import Project
from tests.browser.conftest import Site
from tests.browser.test_discussion_journey import tab_to
from tests.browser.test_wiki_journey import assert_accessible
from tests.conftest import ROLE_SETS


def seed(site: Site) -> tuple[int, object]:
    """A project, a citizen's comment and a report on it; returns the comment id and its author."""
    author = site.make_user(name="Anna Autorin")
    reporter = site.make_user(name="Rudi Melder")
    with site.app.test_request_context():
        project = Project(slug="markt-test", title="Marktplatz Test", summary="Ein Platz.", description="")
        db.session.add(project)
        db.session.flush()
        comment = Comment(
            project_id=project.id,
            author_id=author.id,
            body="Alle Planer sind unfähig.",
            body_html=str(render_markdown("Alle Planer sind unfähig.")),
        )
        db.session.add(comment)
        db.session.flush()
        discussion_services.report(db.session.get(User, reporter.id), project, comment, "abuse", None)
        db.session.commit()
        comment_id = comment.id
        db.session.remove()
    return comment_id, author


def test_moderator_decides_by_keyboard_and_author_appeals(site: Site) -> None:
    page = site.page
    comment_id, author = seed(site)
    site.login_as("moderator", name="Mona Moderatorin")
    site.goto("/moderation")
    assert page.locator("td", has_text="Beleidigung oder Hassrede (1)").is_visible()
    assert_accessible(site, "queue")

    tab_to(site, "a[href^='/moderation/eintrag/']")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert "Alle Planer sind unfähig." in page.content()
    assert_accessible(site, "decision page")

    tab_to(site, "input[name=action]")
    # Radio group: arrows move the choice (dismiss, hide, remove) like any keyboard user would.
    page.keyboard.press("ArrowDown")
    assert page.evaluate("document.activeElement.value") == "hide"
    tab_to(site, "select[name=reason_code]")
    page.keyboard.press("ArrowDown")
    assert page.evaluate("document.activeElement.value") == "beleidigung"
    tab_to(site, "textarea[name=text]")
    page.keyboard.type("Pauschale Herabsetzung anderer.")
    tab_to(site, "main form button[type=submit]")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.url.endswith("/moderation")
    assert "Zurzeit wartet nichts" in page.content()
    with site.app.app_context():
        assert db.session.get(Comment, comment_id).status == "hidden"
        decision_id = db.session.scalar(select(Decision.id))

    page.context.clear_cookies()
    site.login(author)
    site.goto(f"/moderation/entscheidung/{decision_id}")
    assert page.locator("dd", has_text="Pauschale Herabsetzung anderer.").is_visible()
    assert_accessible(site, "statement and appeal form")
    page.fill("#text", "Das war zugespitzt, aber nicht beleidigend.")
    with page.expect_navigation():
        page.click("main form button[type=submit]")
    assert "Ihr Einspruch ist eingegangen" in page.content()
    assert_accessible(site, "appeal filed")

    page.context.clear_cookies()
    second = site.make_user(ROLE_SETS["moderator"], name="Max Zweitprüfer")
    site.login(second)
    site.goto("/moderation")
    with page.expect_navigation():
        page.locator("a", has_text="Einspruch gegen Entscheidung").click()
    assert_accessible(site, "appeal review")
