"""Decisions on queue items and statements of reasons. Services flush.

Appeals: appeals.py; sanctions: sanctions.py; decisions on the discussion page: in_place.py.
"""

from __future__ import annotations

from flask import url_for
from flask_babel import lazy_gettext as _l
from sqlalchemy import select, update

from participation.accounts.models import User
from participation.accounts.policy import is_staff
from participation.core.audit import record
from participation.core.permissions import InvalidState, NotAllowed
from participation.core.types import utcnow
from participation.discussions import services as discussion_services
from participation.discussions.dialect import insert_unless_exists
from participation.discussions.models import Comment, CommentReport, CommentStatus
from participation.extensions import db
from participation.moderation import policy, reasons
from participation.moderation.models import (
    ACTION_LABELS,
    RESTRICTIONS,
    Action,
    Decision,
    ItemStatus,
    ModerationItem,
    TargetType,
)
from participation.notifications.services import notify
from participation.projects.models import Project
from participation.wiki import services as wiki_services
from participation.wiki.models import RevisionState, WikiRevision

STATEMENT_KIND = "moderation.statement"
STATEMENT_TEXT = _l(
    "Entscheidung der Moderation: %(what)s Grund: %(category)s – %(text)s (Netiquette, %(rule)s). "
    "Diese Entscheidung hat eine Person aus der Moderation getroffen. Sie können einmal Einspruch "
    "einlegen: Öffnen Sie den Link und begründen Sie Ihren Einspruch; eine andere Person entscheidet darüber."
)
BLOCK_KIND = "moderation.statement_block"
BLOCK_TEXT = _l(
    "Ihr Konto wurde von der Administration bis %(until)s gesperrt. Grund: %(category)s – %(text)s "
    "(Netiquette, %(rule)s). Diese Entscheidung hat eine Person getroffen. Einspruch können Sie per "
    "Antwort an die im Impressum genannte Kontaktadresse einlegen; eine andere Person entscheidet darüber."
)
REPORT_OUTCOME_KIND = "moderation.report_outcome"
REPORT_OUTCOME_TEXT = _l(
    "Ihre Meldung zu einem Kommentar im Vorhaben „%(project)s“ wurde von der Moderation geprüft. "
    "Ergebnis: %(outcome)s"
)
AUTO_HIDDEN_KIND = "moderation.auto_hidden"
AUTO_HIDDEN_TEXT = _l(
    "Ihr Kommentar im Vorhaben „%(project)s“ wurde mehrfach gemeldet und ist vorläufig ausgeblendet, "
    "bis eine Person aus der Moderation ihn geprüft hat. Sie erhalten danach Bescheid."
)
KINDS = {
    STATEMENT_KIND: STATEMENT_TEXT,
    BLOCK_KIND: BLOCK_TEXT,
    REPORT_OUTCOME_KIND: REPORT_OUTCOME_TEXT,
    AUTO_HIDDEN_KIND: AUTO_HIDDEN_TEXT,
}
REPORT_OUTCOMES = {
    Action.HIDE: _l("Der Kommentar wurde ausgeblendet."),
    Action.REMOVE: _l("Der Kommentar wurde entfernt."),
    Action.DISMISS: _l("Die Moderation hat keinen Verstoß festgestellt; der Kommentar bleibt sichtbar."),
    Action.PUBLISH: _l("Die Moderation hat keinen Verstoß festgestellt; der Kommentar bleibt sichtbar."),
    Action.RESTORE: _l("Die Moderation hat keinen Verstoß festgestellt; der Kommentar ist wieder sichtbar."),
}


class DecisionConflict(Exception):
    """Someone else decided first (or the item changed): nothing was saved."""


class NotWaiting(InvalidState):
    """The decision does not fit the item's current state (it no longer waits for it)."""


# --- the queue's items ----------------------------------------------------------------------------


def find_item(target_type: TargetType, target_id: int) -> ModerationItem | None:
    """The object's queue item (open or decided), if it ever had one."""
    return db.session.scalar(
        select(ModerationItem).where(
            ModerationItem.target_type == target_type.value, ModerationItem.target_id == target_id
        )
    )


def open_item(target_type: TargetType, target_id: int, project_id, author_id) -> ModerationItem:
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
    item = find_item(target_type, target_id)
    db.session.refresh(item)
    return item


def on_comment_held(comment: Comment, project) -> None:
    """Hook: a comment was held by pre-moderation."""
    open_item(TargetType.COMMENT, comment.id, project.id, comment.author_id)


def open_reporters(comment_id: int) -> int:
    """Number of different people whose reports on the comment are not yet dealt with."""
    from sqlalchemy import func

    return db.session.scalar(
        select(func.count(func.distinct(CommentReport.reporter_id))).where(
            CommentReport.comment_id == comment_id, CommentReport.resolved_at.is_(None)
        )
    )


def on_comment_reported(report, comment: Comment, project) -> None:
    """Hook: open or reopen the item; K different reporters hide a citizen's comment until decided."""
    item = open_item(TargetType.COMMENT, comment.id, project.id, comment.author_id)
    if comment.status != CommentStatus.PUBLISHED.value:
        return
    author = db.session.get(User, comment.author_id)
    # Staff content is never hidden by citizens' reports: a person looks at it first.
    if is_staff(author) or open_reporters(comment.id) < reasons.threshold():
        return
    comment.hide(None, "auto")
    item.auto_hidden = True
    record(None, "moderation.auto_hidden", comment, label=f"Kommentar #{comment.id}", item_id=item.id)
    notify(
        author,
        AUTO_HIDDEN_KIND,
        {"project": project.title},
        discussion_services.permalink(project, comment.id),
    )
    db.session.flush()


def sync_wiki() -> None:
    """Pending wiki changes enter the queue (the wiki knows nothing of moderation)."""
    known = select(ModerationItem.target_id).where(
        ModerationItem.target_type == TargetType.WIKI_REVISION.value, ModerationItem.status == "open"
    )
    missing = db.session.execute(
        select(WikiRevision.id, WikiRevision.author_id, WikiRevision.created_at)
        .where(WikiRevision.state == RevisionState.PENDING.value, WikiRevision.id.not_in(known))
        .limit(500)
    ).all()
    for revision_id, author_id, created_at in missing:
        item = open_item(TargetType.WIKI_REVISION, revision_id, None, author_id)
        if item.version == 1:
            item.opened_at = created_at
    # Changes withdrawn or outdated meanwhile no longer wait.
    db.session.execute(
        update(ModerationItem)
        .where(
            ModerationItem.target_type == TargetType.WIKI_REVISION.value,
            ModerationItem.status == ItemStatus.OPEN.value,
            ModerationItem.target_id.in_(
                select(WikiRevision.id).where(WikiRevision.state != RevisionState.PENDING.value)
            ),
        )
        .values(status=ItemStatus.DECIDED.value, version=ModerationItem.version + 1, decided_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    db.session.flush()


def target_of(item: ModerationItem):
    """The comment or wiki revision behind an item (None when it was deleted)."""
    model = Comment if item.target_type == TargetType.COMMENT.value else WikiRevision
    return db.session.get(model, item.target_id)


def allowed_actions(item: ModerationItem, target) -> list[Action]:
    """The decisions that fit the object's current state."""
    if not item.is_open or target is None:
        return []
    if item.target_type == TargetType.WIKI_REVISION.value:
        return [Action.PUBLISH, Action.REJECT] if target.is_pending else []
    status = CommentStatus(target.status)
    if status == CommentStatus.PENDING:
        return [Action.PUBLISH, Action.HIDE, Action.REMOVE]
    if status == CommentStatus.PUBLISHED:
        return [Action.DISMISS, Action.HIDE, Action.REMOVE]
    if status == CommentStatus.HIDDEN:
        return (
            [Action.RESTORE, Action.DISMISS, Action.HIDE, Action.REMOVE]
            if item.auto_hidden
            else [
                Action.RESTORE,
                Action.REMOVE,
            ]
        )
    return [Action.DISMISS]  # removed or deleted by the author meanwhile: only close the reports


# --- decisions -------------------------------------------------------------------------------------


def claim(item: ModerationItem, expected_version: int, moderator) -> None:
    """The conditional UPDATE: only one decision per version of an open item can succeed."""
    result = db.session.execute(
        update(ModerationItem)
        .where(
            ModerationItem.id == item.id,
            ModerationItem.version == expected_version,
            ModerationItem.status == ItemStatus.OPEN.value,
        )
        .values(
            status=ItemStatus.DECIDED.value,
            version=ModerationItem.version + 1,
            decided_at=utcnow(),
            decided_by_id=moderator.id,
        )
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        raise DecisionConflict()
    db.session.refresh(item)


def _project(comment: Comment) -> Project:
    return db.session.get(Project, comment.project_id)


def _apply_to_comment(moderator, item, comment: Comment, action: Action, text: str | None) -> None:
    auto_hidden = item.auto_hidden and comment.status == CommentStatus.HIDDEN.value
    if action == Action.PUBLISH:
        comment.status = CommentStatus.PUBLISHED.value
        discussion_services.notify_reply(comment, _project(comment))
    elif action == Action.HIDE:
        if comment.status == CommentStatus.HIDDEN.value:
            comment.hidden_by_id, comment.hidden_reason = moderator.id, text
        else:
            comment.hide(moderator.id, text or "")
    elif action == Action.REMOVE:
        comment.status = CommentStatus.REMOVED.value
        comment.hidden_at, comment.hidden_by_id, comment.hidden_reason = utcnow(), moderator.id, text
    elif action == Action.RESTORE or (action == Action.DISMISS and auto_hidden):
        comment.restore()


def _resolve_reports(moderator, comment: Comment, action: Action) -> None:
    """Close the open reports and tell each reporter the outcome."""
    reporter_ids = db.session.scalars(
        select(CommentReport.reporter_id).where(
            CommentReport.comment_id == comment.id, CommentReport.resolved_at.is_(None)
        )
    ).all()
    if not reporter_ids:
        return
    db.session.execute(
        update(CommentReport)
        .where(CommentReport.comment_id == comment.id, CommentReport.resolved_at.is_(None))
        .values(resolved_at=utcnow(), resolved_by_id=moderator.id, resolution=action.value)
        .execution_options(synchronize_session=False)
    )
    project = _project(comment)
    outcome = str(REPORT_OUTCOMES.get(action, ACTION_LABELS[action]))
    for reporter_id in reporter_ids:
        notify(
            db.session.get(User, reporter_id),
            REPORT_OUTCOME_KIND,
            {"project": project.title, "outcome": outcome},
            url_for("projects.detail", project_slug=project.slug),
        )


def decide(
    moderator,
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
        action = Action(action)
    except ValueError as error:
        raise NotWaiting("unknown action") from error
    target = target_of(item)
    if item.is_open and item.version != expected_version:
        raise DecisionConflict()
    if action not in allowed_actions(item, target):
        if not item.is_open:
            raise DecisionConflict()
        raise NotWaiting(f"{action} does not fit")
    category = reasons.category(reason_code) if reason_code else None
    if action in RESTRICTIONS and (category is None or not (text or "").strip()):
        raise ValueError("restrictions need a reason category and a text")
    if reason_code and category is None:
        raise ValueError("unknown reason category")
    opened_at = item.opened_at
    claim(item, expected_version, moderator)
    if item.target_type == TargetType.COMMENT.value:
        _apply_to_comment(moderator, item, target, action, text)
    else:
        _apply_to_revision(moderator, target, action, text, category)
    return record_decision(moderator, item, target, action, category, text, seconds_since(opened_at))


def seconds_since(moment) -> int:
    """Whole seconds from `moment` until now (time to decision)."""
    return max(0, int((utcnow() - moment).total_seconds()))


def record_decision(
    moderator, item: ModerationItem, target, action: Action, category, text, seconds, **details
) -> Decision:
    """After the change itself: close the reports, store the decision, log it, send the statement."""
    if item.target_type == TargetType.COMMENT.value:
        _resolve_reports(moderator, target, action)
        audit_target, label = target, f"Kommentar #{target.id}"
    else:
        audit_target, label = target.page, None
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
        send_statement(decision, _what(item, target, action))
    return decision


def _apply_to_revision(moderator, revision: WikiRevision, action: Action, text, category) -> None:
    try:
        if action == Action.PUBLISH:
            wiki_services.approve(moderator, revision, revision.version)
        else:
            # The wiki's own conditional UPDATE; the statement of reasons replaces its plain notice.
            wiki_services._decide(moderator, revision, revision.version, RevisionState.REJECTED, text)
    except (wiki_services.DecisionConflict, wiki_services.TitleTaken) as error:
        raise DecisionConflict() from error


_WHAT = {
    Action.HIDE: _l("Ihr Kommentar im Vorhaben „%(place)s“ wurde ausgeblendet."),
    Action.REMOVE: _l("Ihr Kommentar im Vorhaben „%(place)s“ wurde entfernt."),
    Action.REJECT: _l("Ihre Änderung an der Wiki-Seite „%(place)s“ wurde nicht übernommen."),
    Action.MUTE: _l(
        "Ihr Konto wurde bis %(place)s stummgeschaltet: Sie können lesen und an Umfragen "
        "teilnehmen, aber nicht kommentieren, bewerten, melden oder das Wiki bearbeiten."
    ),
}


def _what(item, target, action: Action) -> str:
    if action == Action.REJECT:
        place = target.title
    else:
        place = _project(target).title
    return str(_WHAT[action]) % {"place": place}


def send_statement(decision: Decision, what: str) -> None:
    """Statement of reasons: what, why (category, text, Netiquette rule), who decided, how to object."""
    category = reasons.category(decision.reason_code)
    subject = db.session.get(User, decision.subject_id) if decision.subject_id else None
    params = {
        "what": what,
        "category": category.label if category else decision.reason_code or "–",
        "rule": category.rule if category else "–",
        "text": decision.reason_text or "–",
    }
    if decision.action == Action.BLOCK.value:
        from flask_babel import format_datetime

        params["until"] = format_datetime(decision.ends_at, "dd.MM.yyyy HH:mm") if decision.ends_at else "–"
        notify(subject, BLOCK_KIND, params, None)
        return
    notify(subject, STATEMENT_KIND, params, url_for("moderation.appeal", decision_id=decision.id))
