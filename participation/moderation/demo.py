"""Demo work for the moderation desk: reported comments, a held one and a decided one (idempotent).

Runs after the discussions demo (domain order); every piece is skipped when its project is missing
or when it exists already, so `flask seed-demo` can run any number of times.
"""

# ruff: noqa: E501  (German demo prose reads better unwrapped)

from __future__ import annotations

import secrets
from datetime import timedelta

from sqlalchemy import select

from participation.accounts.models import User
from participation.accounts.services import create_user
from participation.core.audit import record
from participation.core.types import utcnow
from participation.discussions.demo import demo_comment, demo_hidden, demo_report
from participation.discussions.models import Comment, CommentStatus
from participation.extensions import db
from participation.moderation.models import Action, Decision, ItemStatus, ModerationItem, TargetType
from participation.projects.models import Project

MODERATOR = "moderation@musterstadt.example"
ANNA = "buerger@musterstadt.example"
JONAS = "jonas.becker@musterstadt.example"
LENA = "lena.hoffmann@musterstadt.example"
# Authors who appear only here (random passwords: nobody logs in as them).
RUDE = ("bernd.brandt@musterstadt.example", "Bernd Brandt")
SPAM = ("kredit-express@musterstadt.example", "Kredit Express")
NEWCOMER = ("sophie.neumann@musterstadt.example", "Sophie Neumann")

RUDE_TEXT = "Wer hier noch für Radwege schreibt, hat vom echten Leben keine Ahnung. Ihr Ökospinner macht die Innenstadt kaputt."
HELD_TEXT = "Könnte man beim Umbau auch einen Trinkwasserbrunnen einplanen? Im Sommer wäre das für die Kinder wichtig."
SPAM_TEXT = "Günstige Kredite ohne Schufa! Jetzt unverbindlich anfragen unter www.kredit-express.example"
DEBATED_TEXT = "Warum nicht einfach Tempo 30 und keine baulichen Radwege? Das wäre billiger."
SPAM_REASON = "Werbung für ein Kreditangebot ohne Bezug zum Vorhaben."


def _known(email: str) -> User | None:
    """A demo account of the earlier seeders, by address (None when they did not run)."""
    return db.session.scalar(select(User).where(User.email == email))


def _person(email: str, name: str, days_old: int = 60) -> User:
    """A demo account that appears only here, created (with the given age) on the first run."""
    user = _known(email)
    if user is None:
        user = create_user(email, name, secrets.token_urlsafe(24), set())
        user.created_at = utcnow() - timedelta(days=days_old)
        db.session.flush()
    return user


def _project(slug: str) -> Project | None:
    return db.session.scalar(select(Project).where(Project.slug == slug))


def _item(comment: Comment, opened_at) -> ModerationItem:
    item = db.session.scalar(
        select(ModerationItem).where(
            ModerationItem.target_type == TargetType.COMMENT.value, ModerationItem.target_id == comment.id
        )
    )
    if item is None:
        item = ModerationItem(
            target_type=TargetType.COMMENT.value,
            target_id=comment.id,
            project_id=comment.project_id,
            author_id=comment.author_id,
            status=ItemStatus.OPEN.value,
            opened_at=opened_at,
            created_at=opened_at,
        )
        db.session.add(item)
        db.session.flush()
    return item


def seed_moderation(users: dict[str, User]) -> None:
    """Two reported comments and one held comment in the queue, and one decided item with its decision."""
    now = utcnow()
    radweg, spielplatz, markt = (
        _project(slug)
        for slug in ("radweg-bahnhofstrasse", "spielplatz-lindenpark", "neugestaltung-marktplatz")
    )
    jonas, lena = _known(JONAS), _known(LENA)
    if radweg is not None:
        rude = demo_comment(
            radweg, _person(*RUDE), RUDE_TEXT, CommentStatus.PUBLISHED, now - timedelta(days=2)
        )
        demo_report(rude, jonas, "abuse", None, now - timedelta(hours=30))
        demo_report(
            rude, lena, "abuse", "Beleidigt alle, die anderer Meinung sind.", now - timedelta(hours=26)
        )
        _item(rude, now - timedelta(hours=30))
        debated = db.session.scalar(
            select(Comment).where(Comment.project_id == radweg.id, Comment.body == DEBATED_TEXT)
        )
        if debated is not None:
            demo_report(debated, users.get(ANNA), "off_topic", None, now - timedelta(hours=5))
            _item(debated, now - timedelta(hours=5))
    if spielplatz is not None:
        # A new account's first comment, held by pre-moderation until a moderator publishes it.
        newcomer = _person(*NEWCOMER, days_old=1)
        held = demo_comment(spielplatz, newcomer, HELD_TEXT, CommentStatus.PENDING, now - timedelta(hours=3))
        _item(held, held.created_at)
    if markt is not None:
        _seed_decided(markt, users[MODERATOR], users.get(ANNA), now)


def _seed_decided(project: Project, moderator: User, reporter: User | None, now) -> None:
    """Spam reported by Anna, hidden by the demo moderator with a reason: a decision with statement."""
    author = _person(*SPAM, days_old=6)
    reported_at, decided_at = now - timedelta(days=5), now - timedelta(days=5) + timedelta(hours=3)
    spam = demo_comment(project, author, SPAM_TEXT, CommentStatus.PUBLISHED, reported_at - timedelta(hours=1))
    demo_report(spam, reporter, "spam", None, reported_at)
    item = _item(spam, reported_at)
    if not item.is_open:
        return  # decided in an earlier run
    demo_hidden(spam, moderator, SPAM_REASON, decided_at)
    item.status, item.decided_at, item.decided_by_id = ItemStatus.DECIDED.value, decided_at, moderator.id
    item.version += 1
    decision = Decision(
        item_id=item.id,
        subject_id=author.id,
        moderator_id=moderator.id,
        action=Action.HIDE.value,
        reason_code="spam",
        reason_text=SPAM_REASON,
        created_at=decided_at,
        seconds_to_decision=int((decided_at - reported_at).total_seconds()),
    )
    db.session.add(decision)
    db.session.flush()
    record(
        moderator,
        "moderation.hide",
        spam,
        reason=SPAM_REASON,
        label=f"Kommentar #{spam.id}",
        item_id=item.id,
        decision_id=decision.id,
        reason_code="spam",
        demo=True,
    )
