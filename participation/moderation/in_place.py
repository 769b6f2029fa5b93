"""Hiding and restoring a comment on the discussion page: a decision like one taken in the queue.

The discussions domain changes the comment and announces it (discussions.signals.comment_moderated,
connected in receivers.py); this module closes the comment's queue item (or writes a decided one),
then services.record_decision stores the decision, resolves the reports, logs it and sends the
statement of reasons the author can appeal.
"""

from __future__ import annotations

from participation.accounts.models import User
from participation.core.dialect import insert_unless_exists
from participation.core.permissions import NotAllowed
from participation.core.types import utcnow
from participation.core.versioned import update_if_version
from participation.discussions.models import Comment
from participation.extensions import db
from participation.moderation import policy, queue, reasons, services
from participation.moderation.errors import DecisionConflict, NotDecidedInPlace, NotWaiting
from participation.moderation.models import Action, ItemStatus, ModerationItem, TargetType

IN_PLACE_ACTIONS = frozenset({Action.HIDE, Action.RESTORE})


def reason_choices(_sender: object = None) -> list[tuple[str, str]]:
    """Answer to discussions' question: the reason categories (code, label with Netiquette rule)."""
    return [(c.code, f"{c.label} ({c.rule})") for c in reasons.categories()]


def on_comment_moderated(
    comment: Comment, *, moderator: User, action: str, reason_code: str | None, text: str
) -> None:
    """A moderator hid or restored the comment in place: record it as a decision (or refuse)."""
    if not policy.can_moderate(moderator):
        raise NotAllowed("moderate")
    chosen = Action(action) if action in {a.value for a in IN_PLACE_ACTIONS} else None
    if chosen is None:
        raise NotDecidedInPlace(action)
    category = services.checked_reason(chosen, reason_code, text)
    item, seconds = _settle_item(moderator, comment)
    services.record_decision(moderator, item, comment, chosen, category, text, seconds, in_place=True)


def _settle_item(moderator: User, comment: Comment) -> tuple[ModerationItem, int | None]:
    """The comment's item, decided now by this moderator; with the seconds it waited if it was queued."""
    now = utcnow()
    inserted = insert_unless_exists(
        ModerationItem,
        target_type=TargetType.COMMENT.value,
        target_id=comment.id,
        project_id=comment.project_id,
        author_id=comment.author_id,
        status=ItemStatus.DECIDED.value,
        opened_at=now,
        created_at=now,
        auto_hidden=False,
        decided_at=now,
        decided_by_id=moderator.id,
        version=1,
    )
    item = queue.existing_item(TargetType.COMMENT, comment.id)
    db.session.refresh(item)
    if inserted:
        # Never in the queue: no waiting time for the transparency report's median.
        return item, None
    if not item.is_open:
        # Decided before (e.g. hidden earlier, restored now): the same row records the new decision.
        recorded = update_if_version(
            ModerationItem,
            item.id,
            item.version,
            ModerationItem.status == ItemStatus.DECIDED.value,
            decided_at=now,
            decided_by_id=moderator.id,
        )
        db.session.refresh(item)
        if recorded:
            return item, None
    # Waiting in the queue (reported or held): this decision closes it, unless someone was quicker.
    opened_at = item.opened_at
    try:
        queue.claim(item, item.version, moderator)
    except DecisionConflict as error:
        raise NotWaiting("decided meanwhile") from error
    return item, queue.seconds_since(opened_at)
