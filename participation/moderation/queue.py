"""The queue's items: opening, closing, claiming for a decision, and what fits the object's state."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select, update

from participation.accounts.models import User
from participation.core.dialect import insert_unless_exists
from participation.core.types import utcnow
from participation.core.versioned import update_if_version
from participation.discussions.models import Comment, CommentStatus
from participation.extensions import db
from participation.moderation.errors import DecisionConflict
from participation.moderation.models import Action, ItemStatus, ModerationItem, TargetType
from participation.wiki.models import WikiRevision


def find_item(target_type: TargetType, target_id: int) -> ModerationItem | None:
    """The object's queue item (open or decided), if it ever had one."""
    return db.session.scalar(
        select(ModerationItem).where(
            ModerationItem.target_type == target_type.value, ModerationItem.target_id == target_id
        )
    )


def open_item(
    target_type: TargetType, target_id: int, project_id: int | None, author_id: int | None
) -> ModerationItem:
    """Put the object into the queue: a new row, or the decided row reopened (same row, new version)."""
    now = utcnow()
    insert_unless_exists(
        ModerationItem,
        target_type=target_type.value,
        target_id=target_id,
        project_id=project_id,
        author_id=author_id,
        status=ItemStatus.OPEN.value,
        opened_at=now,
        created_at=now,
        auto_hidden=False,
        version=1,
    )
    db.session.execute(
        update(ModerationItem)
        .where(
            ModerationItem.target_type == target_type.value,
            ModerationItem.target_id == target_id,
            ModerationItem.status == ItemStatus.DECIDED.value,
        )
        .values(
            status=ItemStatus.OPEN.value,
            opened_at=now,
            auto_hidden=False,
            version=ModerationItem.version + 1,
        )
        .execution_options(synchronize_session=False)
    )
    item = existing_item(target_type, target_id)
    db.session.refresh(item)
    return item


def existing_item(target_type: TargetType, target_id: int) -> ModerationItem:
    """The object's item, which the caller has just written (inserted or found by the unique key)."""
    return db.session.scalars(
        select(ModerationItem).where(
            ModerationItem.target_type == target_type.value, ModerationItem.target_id == target_id
        )
    ).one()


def close_items(target_type: TargetType, target_ids: list[int]) -> None:
    """The objects no longer wait (decided elsewhere, withdrawn, outdated): their open items close."""
    if not target_ids:
        return
    db.session.execute(
        update(ModerationItem)
        .where(
            ModerationItem.target_type == target_type.value,
            ModerationItem.status == ItemStatus.OPEN.value,
            ModerationItem.target_id.in_(target_ids),
        )
        .values(status=ItemStatus.DECIDED.value, version=ModerationItem.version + 1, decided_at=utcnow())
        .execution_options(synchronize_session=False)
    )


def target_of(item: ModerationItem) -> Comment | WikiRevision | None:
    """The comment or wiki revision behind an item (None when it was deleted)."""
    if item.target_type == TargetType.COMMENT.value:
        return db.session.get(Comment, item.target_id)
    return db.session.get(WikiRevision, item.target_id)


def allowed_actions(item: ModerationItem, target: Comment | WikiRevision | None) -> list[Action]:
    """The decisions that fit the object's current state."""
    if not item.is_open or target is None:
        return []
    if isinstance(target, WikiRevision):
        return [Action.PUBLISH, Action.REJECT] if target.is_pending else []
    status = CommentStatus(target.status)
    if status == CommentStatus.PENDING:
        return [Action.PUBLISH, Action.HIDE, Action.REMOVE]
    if status == CommentStatus.PUBLISHED:
        return [Action.DISMISS, Action.HIDE, Action.REMOVE]
    if status == CommentStatus.HIDDEN:
        if item.auto_hidden:
            return [Action.RESTORE, Action.DISMISS, Action.HIDE, Action.REMOVE]
        return [Action.RESTORE, Action.REMOVE]
    return [Action.DISMISS]  # removed or deleted by the author meanwhile: only close the reports


def claim(item: ModerationItem, expected_version: int, moderator: User) -> None:
    """The conditional UPDATE: only one decision per version of an open item can succeed."""
    if not update_if_version(
        ModerationItem,
        item.id,
        expected_version,
        ModerationItem.status == ItemStatus.OPEN.value,
        status=ItemStatus.DECIDED.value,
        decided_at=utcnow(),
        decided_by_id=moderator.id,
    ):
        raise DecisionConflict()
    db.session.refresh(item)


def seconds_since(moment: datetime) -> int:
    """Whole seconds from `moment` until now (time to decision)."""
    return max(0, int((utcnow() - moment).total_seconds()))
