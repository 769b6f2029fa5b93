"""Hiding and restoring a comment on the discussion page: a decision like one taken in the queue.

The discussions domain changes the comment and announces it (hook "comment.moderated"); this
module closes the comment's queue item (or writes a decided one), stores the decision, resolves
the reports, logs it and sends the statement of reasons the author can appeal.
"""

from __future__ import annotations

from sqlalchemy import update

from participation.core.permissions import InvalidState, NotAllowed
from participation.core.types import utcnow
from participation.discussions.dialect import insert_unless_exists
from participation.discussions.models import Comment
from participation.extensions import db
from participation.moderation import policy, reasons, services
from participation.moderation.models import RESTRICTIONS, Action, ItemStatus, ModerationItem, TargetType

IN_PLACE_ACTIONS = frozenset({Action.HIDE, Action.RESTORE})


def reason_choices() -> list[tuple[str, str]]:
    """Hook answer: the reason categories (code, label with Netiquette rule) for hiding in place."""
    return [(c.code, f"{c.label} ({c.rule})") for c in reasons.categories()]


def on_comment_moderated(
    moderator, comment: Comment, action: str, reason_code: str | None, text: str
) -> None:
    """Hook: a moderator hid or restored the comment in place; record it as a decision (or refuse)."""
    if not policy.can_moderate(moderator):
        raise NotAllowed("moderate")
    action = Action(action)
    if action not in IN_PLACE_ACTIONS:
        raise ValueError(f"{action} is not decided in place")
    category = reasons.category(reason_code) if reason_code else None
    if reason_code and category is None:
        raise ValueError("unknown reason category")
    if action in RESTRICTIONS and (category is None or not (text or "").strip()):
        raise ValueError("hiding needs a reason category and a text")
    item, seconds = _settle_item(moderator, comment)
    services.record_decision(moderator, item, comment, action, category, text, seconds, in_place=True)


def _settle_item(moderator, comment: Comment) -> tuple[ModerationItem, int | None]:
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
    item = services.find_item(TargetType.COMMENT, comment.id)
    db.session.refresh(item)
    if inserted:
        # Never in the queue: no waiting time for the transparency report's median.
        return item, None
    if not item.is_open:
        # Decided before (e.g. hidden earlier, restored now): the same row records the new decision.
        result = db.session.execute(
            update(ModerationItem)
            .where(ModerationItem.id == item.id, ModerationItem.status == ItemStatus.DECIDED.value)
            .values(version=ModerationItem.version + 1, decided_at=now, decided_by_id=moderator.id)
            .execution_options(synchronize_session=False)
        )
        db.session.refresh(item)
        if result.rowcount == 1:
            return item, None
    # Waiting in the queue (reported or held): this decision closes it, unless someone was quicker.
    opened_at = item.opened_at
    try:
        services.claim(item, item.version, moderator)
    except services.DecisionConflict as error:
        raise InvalidState("decided meanwhile") from error
    return item, services.seconds_since(opened_at)
