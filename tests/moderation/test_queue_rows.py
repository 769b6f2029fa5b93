"""The queue shows the content: excerpt, context, reports, standing and age per row, and is decided there.

Every kind of item (a reported reply, a held comment, a wiki change) carries what a moderator needs
to decide in the row; a decision from the row writes one log entry, one decision and tells once;
the queue's GET writes nothing and its query count does not grow with the items.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from participation.accounts.models import User
from participation.core.models import AuditLogEntry
from participation.core.types import utcnow
from participation.extensions import db
from participation.moderation.models import Decision, ModerationItem, TargetType
from participation.moderation.queue import open_item
from participation.notifications.models import Notification
from participation.wiki import services as wiki_services
from participation.wiki.models import WikiPage, WikiRevision
from tests.conftest import count_queries, post
from tests.moderation.conftest import client_for, item_for, report_as

PARENT = "Die Stadt plant neue Radwege in der Bahnhofstraße und fragt nach Meinungen dazu."
LONG_WORDS = " ".join(f"Wort{n}" for n in range(120))
REPLY = "Wer hier noch für Radwege schreibt, hat keine Ahnung. " + LONG_WORDS
HELD = "Könnte man beim Umbau auch einen Trinkwasserbrunnen einplanen?"


@dataclass
class World:
    reply_item: int
    held_item: int
    wiki_item: int
    revision_id: int


def _age(app, user_id: int, days: int) -> None:
    with app.app_context():
        db.session.get_one(User, user_id).created_at = utcnow() - timedelta(days=days)
        db.session.commit()


@pytest.fixture
def world(app, people, project, add_comment, make_user) -> World:
    """A reported reply by a long-standing author with one earlier hiding, a held comment by a new
    account, and a new account's wiki change to a published page."""
    _age(app, people["author"].id, 400)
    parent = add_comment(project, people["r3"].id, PARENT)
    reply = add_comment(project, people["author"].id, REPLY, parent_id=parent)
    report_as(app, people["r1"], project, reply, "abuse", "Beleidigt alle, die anderer Meinung sind.")
    report_as(app, people["r2"], project, reply, "spam")
    newcomer = make_user(name="Sophie Neu")
    held = add_comment(project, newcomer.id, HELD, status="pending")
    with app.app_context():
        open_item(TargetType.COMMENT, held, project.id, newcomer.id)
        earlier = open_item(TargetType.COMMENT, parent, project.id, people["author"].id)
        db.session.add(
            Decision(
                item_id=earlier.id,
                subject_id=people["author"].id,
                moderator_id=people["mod"].id,
                action="hide",
            )
        )
        admin = db.session.get_one(User, people["admin"].id)
        first = wiki_services.create_page(admin, title="Bürgerbüro", body="Montags 8 bis 12 Uhr.", summary="")
        page = db.session.get_one(WikiPage, first.page_id)
        editor = db.session.get_one(User, newcomer.id)
        revision = wiki_services.propose_edit(
            editor,
            page,
            title="Bürgerbüro",
            body="Montags 8 bis 12 Uhr, samstags 9 bis 12 Uhr.",
            summary="Samstag ergänzt (Amtsblatt März)",
            base_revision_id=page.approved_revision_id,
        )
        db.session.commit()
        revision_id = revision.id
        db.session.remove()
    # The parent's item is not what this world is about: it was decided before.
    with app.app_context():
        db.session.get_one(ModerationItem, item_for(app, "comment", parent).id).status = "decided"
        db.session.commit()
    return World(
        reply_item=item_for(app, "comment", reply).id,
        held_item=item_for(app, "comment", held).id,
        wiki_item=item_for(app, "wiki_revision", revision_id).id,
        revision_id=revision_id,
    )


def _row(html: str, item_id: int) -> str:
    """The HTML of one queue row."""
    match = re.search(rf'<li class="queue-item card" id="eintrag-{item_id}".*?</article>\s*</li>', html, re.S)
    assert match, f"no row for item {item_id}"
    return match.group(0)


def _count(app, model, *conditions) -> int:
    with app.app_context():
        number = db.session.scalar(select(func.count()).select_from(model).where(*conditions)) or 0
        db.session.remove()
    return number


def test_every_kind_of_row_carries_excerpt_context_reports_standing_and_age(app, people, world):
    html = client_for(app, people["mod"]).get("/moderation").get_data(as_text=True)
    reply = _row(html, world.reply_item)
    # About 200 characters of plain text, cut at a word, never the whole comment.
    assert "Wer hier noch für Radwege schreibt, hat keine Ahnung." in reply and "Wort119" not in reply
    assert "…" in reply
    assert "Antwort auf:" in reply and "Die Stadt plant neue Radwege" in reply
    assert "Beleidigung oder Hassrede: „Beleidigt alle, die anderer Meinung sind.“" in reply
    assert "<li>Spam</li>" in reply and "2 Meldungen" in reply
    assert "1 frühere Entscheidung" in reply and "davon 1 Einschränkung" in reply
    assert "neues Konto" not in reply
    assert "eingegangen vor" in reply
    assert 'value="dismiss"' in reply and 'value="hide"' in reply and 'value="remove"' in reply

    held = _row(html, world.held_item)
    assert HELD in held and "wartet auf Freigabe" in held and "neues Konto" in held
    assert "keine früheren Entscheidungen" in held and "Meldung" not in held
    assert 'value="publish"' in held

    wiki = _row(html, world.wiki_item)
    assert "Wiki-Änderung: Bürgerbüro" in wiki and "Samstag ergänzt (Amtsblatt März)" in wiki
    assert 'href="/wiki/buergerbuero"' in wiki  # the page it belongs to
    assert re.search(r"<ins>.*eingefügt: </span>Uhr, samstags 9 bis 12 ", wiki, re.S)  # the word diff
    assert "neues Konto" in wiki
    assert 'value="publish"' in wiki and 'value="reject"' in wiki
    # Each row's fields have their own ids, so many forms fit on one page.
    ids = re.findall(r'id="(text-\d+)"', html)
    assert len(ids) == len(set(ids)) == 3


def test_filter_new_accounts_only(app, people, world):
    moderator = client_for(app, people["mod"])
    html = moderator.get("/moderation?neu=1").get_data(as_text=True)
    assert f'id="eintrag-{world.held_item}"' in html and f'id="eintrag-{world.wiki_item}"' in html
    assert f'id="eintrag-{world.reply_item}"' not in html
    assert 'name="neu" value="1" checked' in html
    wiki_only = moderator.get("/moderation?typ=wiki&neu=1").get_data(as_text=True)
    assert (
        f'id="eintrag-{world.wiki_item}"' in wiki_only and f'id="eintrag-{world.held_item}"' not in wiki_only
    )


def _decide_in_row(client, item_id: int, action: str, back: str = "/moderation", **fields):
    """What the row's form sends without JavaScript: its fields, the version shown, the button pressed."""
    html = client.get(back).get_data(as_text=True)
    version = re.search(r'name="version" value="(\d+)"', _row(html, item_id)).group(1)
    data = {"action": action, "version": version, "back": back, "reason_code": "", "text": "", **fields}
    return post(client, f"/moderation/eintrag/{item_id}/entscheiden", data, token_from=back)


def test_deciding_in_the_row_returns_to_the_same_filtered_queue(app, people, world):
    moderator = client_for(app, people["mod"])
    response = _decide_in_row(moderator, world.held_item, "publish", back="/moderation?grund=vorab")
    assert response.status_code == 302 and response.headers["Location"] == "/moderation?grund=vorab"
    page = moderator.get(response.headers["Location"]).get_data(as_text=True)
    assert "Die Entscheidung ist gespeichert" in page and f'id="eintrag-{world.held_item}"' not in page
    unfiltered = _decide_in_row(moderator, world.reply_item, "dismiss", back="/moderation")
    assert unfiltered.headers["Location"] == "/moderation"


def test_a_foreign_back_address_is_not_followed(app, people, world):
    moderator = client_for(app, people["mod"])
    html = moderator.get("/moderation").get_data(as_text=True)
    version = re.search(r'name="version" value="(\d+)"', _row(html, world.held_item)).group(1)
    data = {"action": "publish", "version": version, "back": "https://example.org/moderation"}
    response = post(
        moderator, f"/moderation/eintrag/{world.held_item}/entscheiden", data, token_from="/moderation"
    )
    assert response.headers["Location"] == "/moderation"


def test_a_mistake_in_the_row_comes_back_in_that_row_with_what_was_typed(app, people, world):
    moderator = client_for(app, people["mod"])
    response = _decide_in_row(
        moderator,
        world.reply_item,
        "hide",
        back="/moderation?typ=kommentar",
        text="Herabsetzend gegenüber allen.",
    )
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    row = _row(html, world.reply_item)
    assert "Bitte wählen Sie einen Grund." in row and "Herabsetzend gegenüber allen." in row
    assert 'aria-invalid="true"' in row and "error-summary" in row
    # The page is the filtered queue it came from, the other rows untouched.
    assert f'id="eintrag-{world.held_item}"' in html and f'id="eintrag-{world.wiki_item}"' not in html
    assert _count(app, Decision, Decision.item_id == world.reply_item) == 0


def _record_counts(app, item_id: int) -> tuple[int, int, int]:
    with app.app_context():
        decision_ids = list(db.session.scalars(select(Decision.id).where(Decision.item_id == item_id)))
        entries = db.session.scalars(select(AuditLogEntry)).all()
        logs = [e for e in entries if (e.details or {}).get("item_id") == item_id]
        db.session.remove()
    return len(decision_ids), len(logs), len(entries)


@pytest.mark.parametrize(
    ("which", "action", "fields", "notices"),
    [
        ("held_item", "publish", {}, ()),
        (
            "reply_item",
            "hide",
            {"reason_code": "beleidigung", "text": "Herabsetzend."},
            ("moderation.statement",),
        ),
        (
            "reply_item",
            "remove",
            {"reason_code": "beleidigung", "text": "Herabsetzend."},
            ("moderation.statement",),
        ),
        ("reply_item", "dismiss", {}, ()),
        ("wiki_item", "publish", {}, ("wiki_approved",)),
        (
            "wiki_item",
            "reject",
            {"reason_code": "quellen", "text": "Bitte Quelle.", "confirmed": "1"},
            ("moderation.statement",),
        ),
    ],
)
def test_one_decision_writes_one_log_entry_one_decision_and_tells_once(
    app, people, world, which, action, fields, notices
):
    item_id = getattr(world, which)
    with app.app_context():
        author_id = db.session.get_one(ModerationItem, item_id).author_id
    before = _count(app, AuditLogEntry)
    notices_before = _count(app, Notification, Notification.user_id == author_id)
    response = _decide_in_row(client_for(app, people["mod"]), item_id, action, **fields)
    assert response.status_code == 302, response.get_data(as_text=True)[:300]
    decisions, logs, _total = _record_counts(app, item_id)
    assert decisions == 1 and logs == 1
    assert _count(app, AuditLogEntry) == before + 1  # no second entry from the content's domain
    with app.app_context():
        kinds = list(
            db.session.scalars(
                select(Notification.kind).where(Notification.user_id == author_id).order_by(Notification.id)
            )
        )
    assert tuple(kinds[notices_before:]) == notices


def test_the_queue_get_writes_nothing_and_its_queries_do_not_grow(app, people, world, project, add_comment):
    moderator = client_for(app, people["mod"])
    with app.app_context():
        engine = db.engine
    moderator.get("/moderation")  # warm-up: first-request work must not skew the comparison
    with count_queries(engine) as few:
        small = moderator.get("/moderation").get_data(as_text=True)
    for number in range(12):
        comment = add_comment(project, people["r3"].id, f"Noch ein Beitrag {number}.", status="pending")
        with app.app_context():
            open_item(TargetType.COMMENT, comment, project.id, people["r3"].id)
            db.session.commit()
        report_as(
            app, people["r1"], project, add_comment(project, people["author"].id, f"Gemeldet {number}.")
        )
    with count_queries(engine) as many:
        large = moderator.get("/moderation").get_data(as_text=True)
    assert small.count('class="queue-item card"') == 3 and large.count('class="queue-item card"') == 27
    assert len(few) == len(many), "\n".join(q[:160] for q in many)
    writes = [q for q in few + many if q.lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE"))]
    assert writes == []


def test_proposed_wiki_change_is_in_the_queue_before_anyone_looks(app, people, world):
    """The change entered the queue when it was proposed (the wiki's signal), not by a GET."""
    with app.app_context():
        item = db.session.get_one(ModerationItem, world.wiki_item)
        revision = db.session.get_one(WikiRevision, world.revision_id)
        assert item.is_open and item.opened_at == revision.created_at


def test_rejecting_a_wiki_change_from_the_row_asks_first_and_cancel_returns_to_the_queue(app, people, world):
    moderator = client_for(app, people["mod"])
    response = _decide_in_row(
        moderator,
        world.wiki_item,
        "reject",
        back="/moderation?typ=wiki",
        reason_code="quellen",
        text="Quelle?",
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "Ja, Änderung ablehnen" in html
    assert 'name="back" value="/moderation?typ=wiki"' in html  # carried to the confirmed post
    assert 'href="/moderation?typ=wiki">Abbrechen' in html
    with app.app_context():
        assert db.session.get_one(WikiRevision, world.revision_id).state == "pending"
