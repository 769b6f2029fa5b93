"""Decisions on queue items: the change goes through the content's own services, then one record path.

The queue's items: queue.py; what people are told: statements.py; subscriptions to what
discussions and the wiki announce: receivers.py; appeals: appeals.py; sanctions: sanctions.py;
decisions on the discussion page: in_place.py. Services flush, views commit.
"""

from __future__ import annotations

from participation.accounts.models import User
from participation.core.audit import record
from participation.core.permissions import NotAllowed
from participation.discussions import services as discussion_services
from participation.discussions.models import Comment, CommentStatus
from participation.extensions import db
from participation.moderation import policy, reasons, statements
from participation.moderation.errors import (
    DecisionConflict,
    NotWaiting,
    ReasonRequired,
    UnknownAction,
    UnknownReason,
)
from participation.moderation.models import RESTRICTIONS, Action, Decision, ModerationItem
from participation.moderation.queue import allowed_actions, claim, seconds_since, target_of
from participation.moderation.reasons import Category
from participation.projects.models import Project
from participation.wiki import services as wiki_services
from participation.wiki.models import WikiPage, WikiRevision

# What a decision on a comment makes of it (DISMISS keeps it as it is, see _apply_to_comment).
_COMMENT_OUTCOMES = {
    Action.PUBLISH: CommentStatus.PUBLISHED,
    Action.HIDE: CommentStatus.HIDDEN,
    Action.REMOVE: CommentStatus.REMOVED,
    Action.RESTORE: CommentStatus.PUBLISHED,
}


def checked_reason(action: Action, reason_code: str | None, text: str | None) -> Category | None:
    """The reason category; restrictions need a known one and a text, any code given must be known."""
    category = reasons.category(reason_code) if reason_code else None
    if reason_code and category is None:
        raise UnknownReason(reason_code)
    if action in RESTRICTIONS and (category is None or not (text or "").strip()):
        raise ReasonRequired(action.value)
    return category


def decide(
    moderator: User,
    item: ModerationItem,
    expected_version: int,
    action: str,
    reason_code: str | None,
    text: str | None,
) -> Decision:
    """Decide an open item; restrictions need a known reason category and a text."""
    if not policy.can_moderate(moderator):
        raise NotAllowed("moderate")
    try:
        chosen = Action(action)
    except ValueError as error:
        raise UnknownAction(action) from error
    target = target_of(item)
    if item.is_open and item.version != expected_version:
        raise DecisionConflict()
    if target is None or chosen not in allowed_actions(item, target):
        if not item.is_open:
            raise DecisionConflict()
        raise NotWaiting(chosen.value)
    category = checked_reason(chosen, reason_code, text)
    opened_at = item.opened_at
    if isinstance(target, WikiRevision):
        # Page row before queue rows: approving outdates the page's other changes and closes their
        # items, so two approvals on one page must queue up on the page, not deadlock on the items.
        wiki_services.lock_page_of(target)
    claim(item, expected_version, moderator)
    if isinstance(target, Comment):
        _apply_to_comment(moderator, item, target, chosen, text)
    else:
        _apply_to_revision(moderator, target, chosen, text)
    return record_decision(moderator, item, target, chosen, category, text, seconds_since(opened_at))


def _apply_to_comment(moderator: User, item: ModerationItem, comment: Comment, action: Action, text) -> None:
    outcome = _COMMENT_OUTCOMES.get(action)
    if action == Action.DISMISS and item.auto_hidden and comment.status == CommentStatus.HIDDEN:
        # Unfounded reports hid it automatically: dismissing them publishes it again.
        outcome = CommentStatus.PUBLISHED
    if outcome is not None:
        discussion_services.moderate_comment(moderator, comment, outcome, text)


def _apply_to_revision(moderator: User, revision: WikiRevision, action: Action, text: str | None) -> None:
    try:
        if action == Action.PUBLISH:
            # Logged and told once, by record_decision: not the wiki's own log entry as well.
            wiki_services.approve_revision(moderator, revision, revision.version)
        else:
            # The statement of reasons (record_decision) replaces the wiki's plain notice.
            wiki_services.reject_revision(moderator, revision, revision.version, text or "")
    except (wiki_services.DecisionConflict, wiki_services.TitleTaken) as error:
        raise DecisionConflict() from error


def record_decision(
    moderator: User,
    item: ModerationItem,
    target: Comment | WikiRevision,
    action: Action,
    category: Category | None,
    text: str | None,
    seconds: int | None,
    **details,
) -> Decision:
    """After the change itself: close the reports, store the decision, log it, send the statement."""
    audit_target: Comment | WikiPage
    label: str | None
    if isinstance(target, Comment):
        project = db.session.get_one(Project, target.project_id)
        reporter_ids = discussion_services.resolve_reports(moderator, target, action.value)
        statements.tell_reporters(reporter_ids, project, action)
        audit_target, label, place = target, f"Kommentar #{target.id}", project.title
    else:
        audit_target, label, place = target.page, None, target.title
    decision = Decision(
        item_id=item.id,
        subject_id=item.author_id,
        moderator_id=moderator.id,
        action=action.value,
        reason_code=category.code if category else None,
        reason_text=text or None,
        seconds_to_decision=seconds,
    )
    db.session.add(decision)
    db.session.flush()
    record(
        moderator,
        f"moderation.{action.value}",
        audit_target,
        reason=text or None,
        label=label,
        item_id=item.id,
        decision_id=decision.id,
        reason_code=decision.reason_code,
        **details,
    )
    if action in RESTRICTIONS:
        statements.send_statement(decision, str(statements.WHAT[action]) % {"place": place})
    elif isinstance(target, WikiRevision) and action == Action.PUBLISH:
        wiki_services.tell_approved(target)
    return decision
