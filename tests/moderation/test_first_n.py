"""First-N pre-moderation counts an account's public contributions in discussions and the wiki."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from participation.accounts.models import User
from participation.core.settings import PREMODERATION_FIRST_N, published_contributions, set_setting
from participation.discussions.models import Comment
from participation.extensions import db
from participation.wiki import services as wiki_services
from tests.conftest import post
from tests.moderation.conftest import client_for


@pytest.fixture
def first_two_held(app):
    with app.app_context():
        set_setting(None, PREMODERATION_FIRST_N, "2")
        db.session.commit()


def _wiki_change(app, author_id: int, moderator_id: int, title: str, outcome: str) -> None:
    """A citizen proposes a page; a moderator approves or rejects it (or it stays pending)."""
    with app.test_request_context():
        author = db.session.get(User, author_id)
        revision = wiki_services.create_page(author, title=title, body="Text.", summary="neu")
        assert revision.is_pending  # citizens' wiki changes are always reviewed, new account or not
        moderator = db.session.get(User, moderator_id)
        if outcome == "approved":
            wiki_services.approve_revision(moderator, revision, revision.version)
        elif outcome == "rejected":
            wiki_services.reject_revision(moderator, revision, revision.version, "Doppelt.")
        db.session.commit()


def _write(app, person, project, body: str) -> str:
    client = client_for(app, person)
    assert (
        post(client, f"{project.url}/kommentieren", {"body": body}, token_from=project.url).status_code == 302
    )
    with app.app_context():
        return db.session.scalar(select(Comment.status).where(Comment.body == body))


def _count(app, user_id: int) -> int:
    with app.app_context():
        return published_contributions(db.session.get(User, user_id))


def test_an_approved_wiki_change_counts_towards_the_first_n(
    app, people, project, add_comment, first_two_held
):
    author = people["author"]
    add_comment(project, author.id, "Mein erster Kommentar.")
    _wiki_change(app, author.id, people["mod"].id, "Stadtbücherei", "approved")
    assert _count(app, author.id) == 2  # one comment, one approved wiki change
    assert _write(app, author, project, "Der dritte Beitrag.") == "published"


def test_wiki_changes_that_were_not_published_do_not_count(app, people, project, add_comment, first_two_held):
    other = people["r1"]
    add_comment(project, other.id, "Mein erster Kommentar.")
    _wiki_change(app, other.id, people["mod"].id, "Wochenmarkt", "pending")
    _wiki_change(app, other.id, people["mod"].id, "Freibad", "rejected")
    assert _count(app, other.id) == 1
    assert _write(app, other, project, "Noch ein Beitrag.") == "pending"


def test_a_new_account_is_held_until_n_contributions_across_domains(app, people, project, first_two_held):
    author = people["author"]
    assert _write(app, author, project, "Ganz neu hier.") == "pending"
    _wiki_change(app, author.id, people["mod"].id, "Stadtpark", "approved")
    assert _write(app, author, project, "Zweiter Versuch.") == "pending"  # one contribution so far
    with app.app_context():
        db.session.scalar(select(Comment).where(Comment.body == "Ganz neu hier.")).status = "published"
        db.session.commit()
    assert _write(app, author, project, "Jetzt frei.") == "published"
    # The wiki keeps reviewing every citizen's change, however many contributions they have.
    with app.test_request_context():
        revision = wiki_services.create_page(
            db.session.get(User, author.id), title="Rathaus", body="Text.", summary="neu"
        )
        assert revision.is_pending and published_contributions(revision.author) == 3
