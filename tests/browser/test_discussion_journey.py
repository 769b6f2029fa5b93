"""Chromium: keyboard-only comment, reply, vote and report; axe-core on the discussion pages."""

from __future__ import annotations

import pytest
from axe_playwright_python.sync_playwright import Axe
from sqlalchemy import select

from participation.core.markup import render_markdown
from participation.discussions.models import Comment, CommentReport, CommentVote
from participation.extensions import db
from participation.projects.models import Project
from tests.browser.conftest import Site

AXE_OPTIONS = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}}
SLUG = "radweg-test"


def seed(site: Site) -> int:
    """A project with one comment by someone else (and a reply to it); returns that comment's id."""
    other = site.make_user(name="Olga Ortsrat")
    with site.app.app_context():
        project = Project(
            slug=SLUG, title="Radweg Teststraße", summary="Ein Radweg.", description="**Breit** genug."
        )
        db.session.add(project)
        db.session.flush()
        comment = Comment(
            project_id=project.id,
            author_id=other.id,
            body="Wie breit wird der Weg?",
            body_html=str(render_markdown("Wie breit wird der Weg?")),
        )
        db.session.add(comment)
        db.session.flush()
        db.session.add(
            Comment(
                project_id=project.id,
                author_id=other.id,
                parent_id=comment.id,
                root_id=comment.id,
                body="Ich meine: in Metern.",
                body_html="<p>Ich meine: in Metern.</p>",
            )
        )
        db.session.commit()
        return comment.id


def tab_to(site: Site, selector: str, limit: int = 150) -> None:
    """Press Tab until the element matching the selector has focus."""
    page = site.page
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("s => document.activeElement && document.activeElement.matches(s)", selector):
            return
    raise AssertionError(f"Tab never reached {selector}")


def press_and_wait(site: Site, key: str = "Enter") -> None:
    with site.page.expect_navigation():
        site.page.keyboard.press(key)


def test_keyboard_only_comment_reply_vote_and_report(site: Site) -> None:
    other_id = seed(site)
    me = site.login_as("citizen")
    page = site.page
    site.goto(f"/projekte/{SLUG}")

    tab_to(site, "#body")
    page.keyboard.type("Mindestens **drei Meter**, bitte.")
    tab_to(site, "main form button:not([name])")
    press_and_wait(site)
    assert page.locator(".comment-focus strong", has_text="drei Meter").is_visible()

    site.goto(f"/projekte/{SLUG}")
    tab_to(site, f"a[href*='antwort_auf={other_id}']")
    press_and_wait(site)
    assert "Sie antworten auf diesen Kommentar" in page.inner_text("main")
    tab_to(site, "#body")
    page.keyboard.type("Gute Frage, das interessiert mich auch.")
    tab_to(site, "main form button:not([name])")
    press_and_wait(site)
    reply = page.locator(".comment-focus")
    assert "Gute Frage" in reply.inner_text() and "depth-1" in reply.get_attribute("class")

    site.goto(f"/projekte/{SLUG}")
    up = f"#kommentar-{other_id} button.vote[value='1']"
    tab_to(site, up)
    press_and_wait(site)
    assert page.locator(f"#kommentar-{other_id} button.vote[aria-pressed='true']").inner_text() == "Dafür (1)"

    tab_to(site, f"#kommentar-{other_id} a[href$='/melden']")
    press_and_wait(site)
    tab_to(site, "input[name=reason]")
    for _ in range(5):  # arrow keys move through a radio group and select: "Sonstiges" is the sixth
        page.keyboard.press("ArrowDown")
    assert page.evaluate("() => document.querySelector('input[name=reason]:checked').value") == "other"
    tab_to(site, "#text")
    page.keyboard.type("Der Kommentar nennt eine private Adresse.")
    tab_to(site, "main form button[type=submit]")
    press_and_wait(site)
    assert "Danke. Die Moderation sieht sich den Kommentar an." in page.inner_text("main")

    with site.app.app_context():
        mine = db.session.scalars(
            select(Comment.body).where(Comment.author_id == me.id).order_by(Comment.id)
        ).all()
        vote = db.session.execute(select(CommentVote.comment_id, CommentVote.value)).all()
        report = db.session.execute(select(CommentReport.comment_id, CommentReport.reason)).all()
    assert mine == ["Mindestens **drei Meter**, bitte.", "Gute Frage, das interessiert mich auch."]
    assert vote == [(other_id, 1)] and report == [(other_id, "other")]


def _axe(site: Site) -> None:
    violations = Axe().run(site.page, options=AXE_OPTIONS).response["violations"]
    assert violations == [], "\n".join(
        f"{v['id']}: {v['help']} {[n['target'] for n in v['nodes']]}" for v in violations
    )


@pytest.mark.parametrize(
    "name",
    [
        "list",
        "page-anonymous",
        "page-citizen",
        "page-moderator",
        "comment-form-errors",
        "preview",
        "reply-form",
        "report-form",
        "hide-form",
    ],
)
def test_discussion_pages_have_no_axe_violations(site: Site, name: str) -> None:
    other_id = seed(site)
    if name == "list":
        site.goto("/projekte/")
    elif name == "page-anonymous":
        site.goto(f"/projekte/{SLUG}")
    elif name in {"page-citizen", "page-moderator", "hide-form"}:
        site.login_as("moderator" if name != "page-citizen" else "citizen")
        site.goto(
            f"/projekte/{SLUG}/kommentare/{other_id}/ausblenden"
            if name == "hide-form"
            else f"/projekte/{SLUG}"
        )
    else:
        site.login_as("citizen")
        if name == "reply-form":
            site.goto(f"/projekte/{SLUG}/kommentieren?antwort_auf={other_id}")
        elif name == "report-form":
            site.goto(f"/projekte/{SLUG}/kommentare/{other_id}/melden")
        else:
            site.goto(f"/projekte/{SLUG}/kommentieren")
            if name == "preview":
                site.page.fill("#body", "Ein *Vorschlag*")
            with site.page.expect_navigation():
                site.page.click(
                    "button[name=preview]" if name == "preview" else "main form button:not([name])"
                )
            assert site.page.locator(
                ".error-summary" if name != "preview" else ".comment-preview"
            ).is_visible()
    _axe(site)
