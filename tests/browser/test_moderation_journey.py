"""Chromium: a moderator clears a queue (two reports, a held comment, two wiki changes) on the queue page.

With JavaScript each decided row is replaced in place and focus moves to the next item; without it
the row's form posts and the queue comes back without the row. Both by keyboard; axe-core on the
queue, the decision screen, the statement of reasons and the appeal pages.
"""

from __future__ import annotations

from dataclasses import dataclass

from playwright.sync_api import expect
from sqlalchemy import func, select

from participation.accounts.models import User
from participation.core.markup import render_markdown
from participation.core.models import AuditLogEntry
from participation.discussions import services as discussion_services
from participation.discussions.models import Comment
from participation.extensions import db
from participation.moderation.models import Decision, ItemStatus, ModerationItem, TargetType
from participation.moderation.queue import open_item
from participation.projects.models import Project
from participation.wiki import services as wiki_services
from participation.wiki.models import WikiPage, WikiRevision
from tests.browser.conftest import Site
from tests.browser.test_discussion_journey import tab_to
from tests.browser.test_wiki_journey import assert_accessible
from tests.conftest import ROLE_SETS


@dataclass
class Queue:
    reported: list[int]  # comment ids
    held: int
    revisions: list[int]
    author: object


def _comment(project: Project, author_id: int, body: str, status: str = "published") -> Comment:
    comment = Comment(
        project_id=project.id,
        author_id=author_id,
        body=body,
        body_html=str(render_markdown(body)),
        status=status,
    )
    db.session.add(comment)
    db.session.flush()
    return comment


def seed(site: Site) -> Queue:
    """The demo queue's shape: two reported comments, a held one, two wiki changes (oldest first)."""
    author = site.make_user(name="Anna Autorin")
    reporter = site.make_user(name="Rudi Melder")
    newcomer = site.make_user(name="Nina Neu")
    admin = site.make_user(ROLE_SETS["admin"], name="Ada Admin")
    with site.app.test_request_context():
        project = Project(slug="markt-test", title="Marktplatz Test", summary="Ein Platz.", description="")
        db.session.add(project)
        db.session.flush()
        reported = []
        for body in ("Alle Planer sind unfähig.", "Kauft billige Uhren bei uns!"):
            comment = _comment(project, author.id, body)
            discussion_services.report(
                db.session.get(User, reporter.id), project, comment, "abuse", "Bitte prüfen."
            )
            reported.append(comment.id)
        held = _comment(project, newcomer.id, "Ein Trinkbrunnen am Markt wäre schön.", status="pending")
        open_item(TargetType.COMMENT, held.id, project.id, newcomer.id)
        revisions = []
        for title in ("Bürgerbüro", "Stadtbücherei"):
            first = wiki_services.create_page(
                db.session.get(User, admin.id), title=title, body="Montags geöffnet.", summary=""
            )
            page = db.session.get_one(WikiPage, first.page_id)
            revision = wiki_services.propose_edit(
                db.session.get(User, newcomer.id),
                page,
                title=title,
                body="Montags und samstags geöffnet.",
                summary="Samstag ergänzt",
                base_revision_id=page.approved_revision_id,
            )
            revisions.append(revision.id)
        db.session.commit()
        queue = Queue(reported=reported, held=held.id, revisions=revisions, author=author)
        db.session.remove()
    return queue


def _item_ids(site: Site, queue: Queue) -> list[int]:
    """The items in queue order (oldest first)."""
    targets = [(TargetType.COMMENT, c) for c in (*queue.reported, queue.held)]
    targets += [(TargetType.WIKI_REVISION, r) for r in queue.revisions]
    with site.app.app_context():
        ids = [
            db.session.scalar(
                select(ModerationItem.id).where(
                    ModerationItem.target_type == kind.value, ModerationItem.target_id == target
                )
            )
            for kind, target in targets
        ]
        db.session.remove()
    return ids


def _press_in_row(site: Site, item_id: int, selector: str) -> None:
    tab_to(site, f"#eintrag-{item_id} {selector}")
    site.page.keyboard.press("Enter")


def _fill_reason(site: Site, item_id: int, text: str) -> None:
    page = site.page
    tab_to(site, f"#reason_code-{item_id}")
    page.keyboard.press("ArrowDown")  # the first category: Beleidigung oder Hassrede (Regel 2)
    assert page.evaluate("document.activeElement.value") == "beleidigung"
    tab_to(site, f"#text-{item_id}")
    page.keyboard.type(text)


def _everything_decided_once(site: Site, decisions: int) -> None:
    with site.app.app_context():
        open_items = db.session.scalar(
            select(func.count())
            .select_from(ModerationItem)
            .where(ModerationItem.status == ItemStatus.OPEN.value)
        )
        actions = list(db.session.scalars(select(AuditLogEntry.action).order_by(AuditLogEntry.id)))
        assert open_items == 0
        assert db.session.scalar(select(func.count()).select_from(Decision)) == decisions
        moderation_entries = [
            a for a in actions if a.startswith(("moderation.", "wiki.approve", "wiki.reject"))
        ]
        assert len(moderation_entries) == decisions, actions  # one log entry per decision
        states = db.session.scalars(select(WikiRevision.state).where(WikiRevision.state != "approved")).all()
        db.session.remove()
    assert sorted(states) == ["rejected"]


def test_moderator_clears_the_queue_in_place_by_keyboard(site: Site) -> None:
    page = site.page
    queue = seed(site)
    ids = _item_ids(site, queue)
    site.login_as("moderator", name="Mona Moderatorin")
    site.goto("/moderation")
    expect(page.locator(f"#eintrag-{ids[0]}")).to_contain_text("Alle Planer sind unfähig.")
    expect(page.locator(f"#eintrag-{ids[0]}")).to_contain_text("Bitte prüfen.")
    expect(page.locator("#tastenkuerzel")).to_contain_text("J und K")
    assert_accessible(site, "queue")
    page.evaluate("window.stillTheSamePage = true")

    # J moves to the first item; everything after it is reached by Tab, in order.
    page.keyboard.press("j")
    assert page.evaluate("document.activeElement.id") == f"eintrag-{ids[0]}-titel"
    _fill_reason(site, ids[0], "Pauschale Herabsetzung anderer.")
    _press_in_row(site, ids[0], "button[value=hide]")
    expect(page.locator(f"#eintrag-{ids[0]} .queue-done")).to_contain_text("Entscheidung ist gespeichert")
    # Focus moved on to the next waiting item.
    expect(page.locator(f"#eintrag-{ids[1]}-titel")).to_be_focused()

    _press_in_row(site, ids[1], "button[value=dismiss]")
    expect(page.locator(f"#eintrag-{ids[1]} .queue-done")).to_be_visible()
    _press_in_row(site, ids[2], "button[value=publish]")
    expect(page.locator(f"#eintrag-{ids[2]} .queue-done")).to_be_visible()
    expect(page.locator(f"#eintrag-{ids[3]}")).to_contain_text("Samstag ergänzt")
    expect(page.locator(f"#eintrag-{ids[3]} .wiki-diff ins")).to_contain_text("samstags")
    _press_in_row(site, ids[3], "button[value=publish]")
    expect(page.locator(f"#eintrag-{ids[3]} .queue-done")).to_be_visible()

    # A mistake comes back in its row: a rejection without a reason.
    _press_in_row(site, ids[4], "button[value=reject]")
    expect(page.locator(f"#eintrag-{ids[4]} .error-summary")).to_be_focused()
    _fill_reason(site, ids[4], "Bitte mit Quelle aus dem Amtsblatt.")
    _press_in_row(site, ids[4], "button[value=reject]")
    # Rejecting asks first, inside the row.
    expect(page.locator(f"#eintrag-{ids[4]} .queue-confirm h4")).to_be_focused()
    assert_accessible(site, "queue with a confirmation in a row")
    _press_in_row(site, ids[4], ".queue-confirm button[type=submit]")
    expect(page.locator(f"#eintrag-{ids[4]} .queue-done")).to_be_focused()

    assert page.evaluate("window.stillTheSamePage === true")  # no other page was opened
    assert_accessible(site, "queue after in-place decisions")
    _everything_decided_once(site, 5)
    site.goto("/moderation")
    expect(page.locator("main")).to_contain_text("Zurzeit wartet nichts")


def test_moderator_clears_the_queue_without_javascript(site: Site) -> None:
    queue = seed(site)
    ids = _item_ids(site, queue)
    moderator = site.make_user(ROLE_SETS["moderator"], name="Mo Ohne-Skript")
    context = site.page.context.browser.new_context(locale="de-DE", java_script_enabled=False)
    context.set_default_timeout(10_000)
    plain = Site(page=context.new_page(), base_url=site.base_url, make_user=site.make_user, app=site.app)
    try:
        page = plain.page
        plain.login(moderator)
        plain.goto("/moderation")
        _fill_reason(plain, ids[0], "Pauschale Herabsetzung anderer.")
        with page.expect_navigation():
            _press_in_row(plain, ids[0], "button[value=hide]")
        expect(page.locator(".flash-success")).to_contain_text("Entscheidung ist gespeichert")
        assert page.url.endswith("/moderation") and page.locator(f"#eintrag-{ids[0]}").count() == 0
        for item_id, button in ((ids[1], "remove"), (ids[2], "publish"), (ids[3], "publish")):
            if button == "remove":
                _fill_reason(plain, item_id, "Werbung.")
            with page.expect_navigation():
                _press_in_row(plain, item_id, f"button[value={button}]")
            assert page.locator(f"#eintrag-{item_id}").count() == 0
        _fill_reason(plain, ids[4], "Bitte mit Quelle.")
        with page.expect_navigation():
            _press_in_row(plain, ids[4], "button[value=reject]")
        # axe needs JavaScript in the page (it hangs here); test 1 checks this confirmation with axe.
        expect(page.locator("h1")).to_contain_text("ablehnen")
        with page.expect_navigation():
            page.locator("main button[type=submit]", has_text="Ja, Änderung ablehnen").click()
        assert page.url.endswith("/moderation")
        expect(page.locator("main")).to_contain_text("Zurzeit wartet nichts")
    finally:
        context.close()
    _everything_decided_once(site, 5)


def test_wiki_change_decision_screen_and_the_authors_appeal(site: Site) -> None:
    page = site.page
    queue = seed(site)
    ids = _item_ids(site, queue)
    site.login_as("moderator", name="Mona Moderatorin")
    # The wiki's review address is the desk's one decision screen.
    site.goto(f"/wiki/pruefung/{queue.revisions[0]}")
    assert page.url.endswith(f"/moderation/eintrag/{ids[3]}")
    expect(page.locator(".wiki-diff ins")).to_contain_text("samstags")
    expect(page.locator("main")).to_contain_text("Samstag ergänzt")
    assert_accessible(site, "wiki change decision screen")
    site.goto(f"/moderation/eintrag/{ids[0]}")
    assert_accessible(site, "comment decision screen")
    _fill_reason(site, ids[0], "Pauschale Herabsetzung anderer.")
    with page.expect_navigation():
        _press_in_row_free(site, "button[value=hide]")
    with site.app.app_context():
        decision_id = db.session.scalar(select(Decision.id))
        db.session.remove()

    page.context.clear_cookies()
    site.login(queue.author)
    site.goto(f"/moderation/entscheidung/{decision_id}")
    expect(page.locator("dd", has_text="Pauschale Herabsetzung anderer.")).to_be_visible()
    assert_accessible(site, "statement and appeal form")
    page.fill("#text", "Das war zugespitzt, aber nicht beleidigend.")
    with page.expect_navigation():
        page.click("main form button[type=submit]")
    expect(page.locator("main")).to_contain_text("Ihr Einspruch ist eingegangen")

    page.context.clear_cookies()
    site.login(site.make_user(ROLE_SETS["moderator"], name="Max Zweitprüfer"))
    site.goto("/moderation")
    with page.expect_navigation():
        page.locator("a", has_text="Einspruch gegen Entscheidung").click()
    assert_accessible(site, "appeal review")


def _press_in_row_free(site: Site, selector: str) -> None:
    tab_to(site, f"main {selector}")
    site.page.keyboard.press("Enter")
