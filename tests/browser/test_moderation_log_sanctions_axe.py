"""axe-core zero on the pages of #14 items 3-6: logs in words, sanctions, settings rows, wiki editor.

Each page in the state a person meets it: a log with decisions and sanctions in it, an account that
is muted and blocked, a settings form refused with errors, the wiki editor with a waiting proposal
and a preview (posted without JavaScript), at phone and desktop width.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest

from participation.accounts.models import User
from participation.extensions import db
from participation.moderation import sanctions
from participation.moderation.models import Action
from participation.wiki import services as wiki
from tests.browser.conftest import Site, assert_accessible
from tests.conftest import ROLE_SETS


def _world(site: Site) -> dict[str, int]:
    """A moderator, an admin, a muted citizen (extended once) and a blocked one, all through the services."""
    moderator = site.make_user(ROLE_SETS["moderator"], name="Moritz Moderator")
    admin = site.make_user(ROLE_SETS["admin"], name="Ada Admin")
    muted = site.make_user(ROLE_SETS["citizen"], name="Bernd Brandt")
    blocked = site.make_user(ROLE_SETS["citizen"], name="Kredit Express")
    with site.app.test_request_context():
        mod, adm = db.session.get(User, moderator.id), db.session.get(User, admin.id)
        target = db.session.get(User, muted.id)
        sanctions.mute(mod, target, 7, "umgangston", "Herablassende Antworten.")
        db.session.commit()
        end = target.muted_until.isoformat()
        sanctions.extend(mod, target, Action.MUTE, end, 3, "umgangston", "Weiter so im Wiki.")
        sanctions.block(adm, db.session.get(User, blocked.id), 30, "spam", "Kreditwerbung in Serie.")
        db.session.commit()
    site.users.update(moderator=moderator, admin=admin)
    return {"muted": muted.id, "blocked": blocked.id}


PAGES: dict[str, Callable[[Site, dict[str, int]], None]] = {
    "moderation log": lambda site, w: (
        site.login(site.users["moderator"]),
        site.goto("/moderation/protokoll"),
    ),
    "moderation log filtered by a person": lambda site, w: (
        site.login(site.users["moderator"]),
        site.goto("/moderation/protokoll?person=Bernd&period=30&action=moderation.mute_extended"),
    ),
    "account muted (moderator)": lambda site, w: (
        site.login(site.users["moderator"]),
        site.goto(f"/moderation/konto/{w['muted']}"),
    ),
    "account blocked (admin, moderation desk)": lambda site, w: (
        site.login(site.users["admin"]),
        site.goto(f"/moderation/konto/{w['blocked']}"),
    ),
    "admin log": lambda site, w: (site.login(site.users["admin"]), site.goto("/admin/protokoll")),
    "admin account page, blocked": lambda site, w: (
        site.login(site.users["admin"]),
        site.goto(f"/admin/benutzer/{w['blocked']}"),
    ),
    "admin account page, not blocked": lambda site, w: (
        site.login(site.users["admin"]),
        site.goto(f"/admin/benutzer/{w['muted']}"),
    ),
    "moderation settings": lambda site, w: (
        site.login(site.users["admin"]),
        site.goto("/moderation/einstellungen"),
    ),
}


def _settings_with_errors(site: Site, world: dict[str, int]) -> None:
    site.login(site.users["admin"])
    site.goto("/moderation/einstellungen")
    site.page.fill("#neu-label", "Nur eine Bezeichnung")
    with site.page.expect_navigation():
        site.page.click("form[action$='/einstellungen/gruende'] button[type=submit]")
    assert site.page.locator(".error-summary").count() == 1


def _block_with_errors(site: Site, world: dict[str, int]) -> None:
    site.login(site.users["admin"])
    site.goto(f"/admin/benutzer/{world['muted']}")
    with site.page.expect_navigation():
        site.page.click("form[action$='/sperren'] button[type=submit]")
    assert site.page.locator(".error-summary").count() == 1


def _wiki_editor_with_preview(site: Site, world: dict[str, int]) -> None:
    planner = site.make_user(ROLE_SETS["planner"], name="Paula Planerin")
    citizen = site.make_user(ROLE_SETS["citizen"], name="Anna Beispiel")
    with site.app.test_request_context():
        revision = wiki.create_page(
            db.session.get(User, planner.id), title="Bürgerbüro", body="Montags geöffnet.", summary=""
        )
        page = revision.page
        wiki.propose_edit(
            db.session.get(User, citizen.id),
            page,
            title="Bürgerbüro",
            body="Montags und dienstags geöffnet.",
            summary="",
            base_revision_id=page.approved_revision_id,
        )
        slug = page.slug
        db.session.commit()
    site.login(citizen)
    site.goto(f"/wiki/{slug}/bearbeiten")
    site.page.fill("#body", "## Öffnungszeiten\n\nMontags **und** dienstags.")
    with site.page.expect_navigation():
        site.page.click("button[name=preview]")
    assert site.page.locator("#preview-heading").count() == 1


PAGES["moderation settings with errors"] = _settings_with_errors
PAGES["admin block form with errors"] = _block_with_errors
PAGES["wiki editor: waiting proposal and preview"] = _wiki_editor_with_preview


@pytest.mark.parametrize("width", [320, 1280])
@pytest.mark.parametrize("name", list(PAGES))
def test_page_has_no_wcag_violations(site: Site, name: str, width: int) -> None:
    site.page.set_viewport_size({"width": width, "height": 900})
    PAGES[name](site, _world(site))
    # Also nothing wider than the screen at 320 px (the log lines, the sanction state, the forms).
    assert_accessible(site, name, width)
