"""Chromium: "N weitere Antworten anzeigen" loads in place with JavaScript (focus on the first new
reply, keyboard only) and is a plain link to the thread's next replies without it."""

from __future__ import annotations

from axe_playwright_python.sync_playwright import Axe
from sqlalchemy import insert

from participation.discussions import thread
from participation.discussions.models import Comment
from participation.extensions import db
from participation.projects.models import Project
from tests.browser.conftest import Site

AXE_OPTIONS = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}}
SLUG = "lange-diskussion"
REPLIES = 300


def seed(site: Site) -> list[int]:
    """A project whose only thread is a chain of 300 replies; the ids, top-level comment first."""
    author = site.make_user(name="Kettenschreiberin")
    with site.app.app_context():
        project = Project(slug=SLUG, title="Lange Diskussion", summary="Viele Antworten.", description="")
        db.session.add(project)
        db.session.flush()
        ids = list(range(5_000_000, 5_000_000 + REPLIES + 1))
        db.session.execute(
            insert(Comment),
            [
                {
                    "id": comment_id,
                    "project_id": project.id,
                    "parent_id": None if number == 0 else comment_id - 1,
                    "root_id": None if number == 0 else ids[0],
                    "author_id": author.id,
                    "body": f"Beitrag {number}",
                    "body_html": f"<p>Beitrag {number}</p>",
                    "status": "published",
                    "score": 0,
                    "upvotes": 0,
                    "downvotes": 0,
                }
                for number, comment_id in enumerate(ids)
            ],
        )
        db.session.commit()
    return ids


def assert_no_axe_violations(page) -> None:
    violations = Axe().run(page, options=AXE_OPTIONS).response["violations"]
    assert violations == [], "\n".join(
        f"{v['id']}: {v['help']} {[n['target'] for n in v['nodes']]}" for v in violations
    )


def card_ids(page) -> list[int]:
    return [int(i.removeprefix("kommentar-")) for i in page.eval_on_selector_all(
        ".comment-thread > li.comment", "items => items.map(item => item.id)"
    )]  # fmt: skip


def test_more_replies_load_in_place_and_focus_the_first_new_reply(site: Site) -> None:
    ids = seed(site)
    site.login_as("citizen")
    page = site.page
    site.goto(f"/projekte/{SLUG}")
    shown = 1 + thread.THREAD_REPLIES
    assert card_ids(page) == ids[:shown]
    link = page.locator("a.more-replies")
    assert link.inner_text() == f"{REPLIES - thread.THREAD_REPLIES} weitere Antworten anzeigen"

    # Keyboard only: Tab to the link, Enter; the replies appear without leaving the page.
    for _ in range(200):
        page.keyboard.press("Tab")
        if page.evaluate("() => document.activeElement.matches('a.more-replies')"):
            break
    else:
        raise AssertionError("Tab never reached the link")
    url = page.url
    page.keyboard.press("Enter")
    first_new = ids[shown]
    page.wait_for_selector(f"#kommentar-{first_new}")
    assert page.url == url
    assert page.evaluate("() => document.activeElement.id") == f"kommentar-{first_new}"
    window = thread.WINDOW_REPLIES
    assert card_ids(page) == ids[: shown + window]
    assert page.locator("a.more-replies").inner_text() == (
        f"{REPLIES - thread.THREAD_REPLIES - window} weitere Antworten anzeigen"
    )
    assert_no_axe_violations(page)
    # Focus goes on from there: the next Tab stop is inside the first new reply.
    page.keyboard.press("Tab")
    assert page.evaluate(
        f"() => document.getElementById('kommentar-{first_new}').contains(document.activeElement)"
    )

    # The loaded cards work like the others: a vote from them counts, and the page it returns to
    # shows that reply (the thread window it was loaded from, not the project page without it).
    with page.expect_navigation():
        page.click(f"#kommentar-{first_new} button.vote[value='1']")
    assert f"/projekte/{SLUG}/kommentare/" in page.url and "nach=" in page.url, page.url
    assert (
        page.locator(f"#kommentar-{first_new} button.vote[aria-pressed='true']").inner_text() == "Dafür (1)"
    )
    # A vote from a card that was on the page from the start returns to the project page.
    site.goto(f"/projekte/{SLUG}")
    with page.expect_navigation():
        page.click(f"#kommentar-{ids[1]} button.vote[value='1']")
    assert page.url.partition("#")[0] == site.url(f"/projekte/{SLUG}"), page.url


def test_without_javascript_the_link_opens_the_next_replies(site: Site, browser, live_server) -> None:
    ids = seed(site)
    context = browser.new_context(locale="de-DE", java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto(f"{live_server}/projekte/{SLUG}")
        shown = 1 + thread.THREAD_REPLIES
        assert card_ids(page) == ids[:shown]
        with page.expect_navigation():
            page.click("a.more-replies")
        assert f"/projekte/{SLUG}/kommentare/{ids[0]}?nach={ids[shown - 1]}" in page.url
        assert page.url.endswith(f"#kommentar-{ids[shown]}")
        on_page = card_ids(page)
        assert on_page[0] == ids[0] and ids[shown] in on_page
        assert on_page[on_page.index(ids[shown]) :] == ids[shown : shown + thread.WINDOW_REPLIES]
        assert page.locator(f"#kommentar-{ids[shown]}").is_visible()
        next_link = page.locator("a.more-replies")
        assert next_link.inner_text() == (
            f"{REPLIES - thread.THREAD_REPLIES - thread.WINDOW_REPLIES} weitere Antworten anzeigen"
        )
    finally:
        context.close()
