"""Appeals: the person concerned objects once; another moderator upholds or overturns. Services flush."""

from __future__ import annotations

from flask import url_for
from flask_babel import lazy_gettext as _l
from sqlalchemy import select, update

from participation.accounts import services as account_services
from participation.accounts.models import User
from participation.core.audit import record
from participation.core.permissions import InvalidState, NotAllowed
from participation.core.types import utcnow
from participation.discussions.dialect import insert_unless_exists
from participation.discussions.models import CommentStatus
from participation.extensions import db
from participation.moderation import policy
from participation.moderation.models import (
    APPEAL_LABELS,
    Action,
    Appeal,
    AppealStatus,
    Decision,
    ModerationItem,
)
from participation.moderation.services import DecisionConflict, target_of
from participation.notifications.services import notify
from participation.wiki import services as wiki_services
from participation.wiki.models import RevisionState

APPEAL_OUTCOME_KIND = "moderation.appeal_outcome"
APPEAL_OUTCOME_TEXT = _l(
    "Über Ihren Einspruch wurde entschieden: %(outcome)s. Antwort der Moderation: %(answer)s"
)
WIKI_PUBLISHED_KIND = "moderation.appeal_outcome_wiki_published"
WIKI_PUBLISHED_TEXT = _l(
    "Über Ihren Einspruch wurde entschieden: %(outcome)s. Ihre Änderung an der Wiki-Seite „%(title)s“ "
    "ist jetzt veröffentlicht. Antwort der Moderation: %(answer)s"
)
WIKI_OUTDATED_KIND = "moderation.appeal_outcome_wiki_outdated"
WIKI_OUTDATED_TEXT = _l(
    "Über Ihren Einspruch wurde entschieden: %(outcome)s. Die Wiki-Seite „%(title)s“ wurde inzwischen "
    "geändert, daher kann Ihre Änderung nicht mehr übernommen werden. Sie können die Seite auf Grundlage "
    "des aktuellen Textes erneut bearbeiten. Antwort der Moderation: %(answer)s"
)
KINDS = {
    APPEAL_OUTCOME_KIND: APPEAL_OUTCOME_TEXT,
    WIKI_PUBLISHED_KIND: WIKI_PUBLISHED_TEXT,
    WIKI_OUTDATED_KIND: WIKI_OUTDATED_TEXT,
}


def file_appeal(author, decision: Decision, text: str) -> Appeal:
    """Object once to a restriction that concerns oneself; the appeal enters the queue."""
    if not policy.can_appeal(author, decision):
        raise NotAllowed("appeal")
    if not insert_unless_exists(
        Appeal,
        decision_id=decision.id,
        author_id=author.id,
        text=text,
        status=AppealStatus.OPEN.value,
        created_at=utcnow(),
        version=1,
    ):
        raise InvalidState("already appealed")
    appeal = db.session.scalar(select(Appeal).where(Appeal.decision_id == decision.id))
    record(
        author, "moderation.appeal_filed", decision, label=f"Entscheidung #{decision.id}", appeal_id=appeal.id
    )
    return appeal


def appeal_of(decision: Decision) -> Appeal | None:
    """The appeal against the decision, if one was filed."""
    return db.session.scalar(select(Appeal).where(Appeal.decision_id == decision.id))


def decide_appeal(moderator, appeal: Appeal, expected_version: int, overturn: bool, answer: str) -> None:
    """A different moderator upholds or overturns the decision; the author learns the outcome."""
    decision = db.session.get(Decision, appeal.decision_id)
    if not policy.can_decide_appeal(moderator, decision):
        raise NotAllowed("decide appeal")
    if not answer.strip():
        raise ValueError("answer required")
    status = AppealStatus.OVERTURNED if overturn else AppealStatus.UPHELD
    result = db.session.execute(
        update(Appeal)
        .where(Appeal.id == appeal.id, Appeal.version == expected_version, Appeal.status == "open")
        .values(
            status=status.value,
            version=Appeal.version + 1,
            decided_by_id=moderator.id,
            decided_at=utcnow(),
            answer=answer,
        )
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        raise DecisionConflict()
    db.session.refresh(appeal)
    kind, params, url = APPEAL_OUTCOME_KIND, {}, url_for("moderation.appeal", decision_id=decision.id)
    if overturn:
        kind, params, url = _reverse(moderator, decision) or (kind, params, url)
    record(
        moderator,
        f"moderation.appeal_{status.value}",
        decision,
        reason=answer,
        label=f"Entscheidung #{decision.id}",
        appeal_id=appeal.id,
    )
    notify(
        db.session.get(User, appeal.author_id),
        kind,
        {"outcome": str(APPEAL_LABELS[status]), "answer": answer, **params},
        url,
    )


def _reverse(moderator, decision: Decision) -> tuple[str, dict, str] | None:
    """Undo a restriction after a successful appeal; for a refused wiki change, what the author is told."""
    action = Action(decision.action)
    subject = db.session.get(User, decision.subject_id) if decision.subject_id else None
    outcome = None
    if action in (Action.HIDE, Action.REMOVE):
        item = db.session.get(ModerationItem, decision.item_id)
        comment = target_of(item)
        if comment is not None and comment.status in (
            CommentStatus.HIDDEN.value,
            CommentStatus.REMOVED.value,
        ):
            comment.status = CommentStatus.PUBLISHED.value
            comment.hidden_at = comment.hidden_by_id = comment.hidden_reason = None
    elif action == Action.REJECT:
        outcome = _reinstate_wiki_change(moderator, decision)
    elif action == Action.MUTE and subject is not None:
        subject.muted_until = subject.mute_reason = None
    elif action == Action.BLOCK and subject is not None and subject.blocked_at is not None:
        account_services.unblock(moderator, subject)
    db.session.flush()
    return outcome


def _reinstate_wiki_change(moderator, decision: Decision) -> tuple[str, dict, str] | None:
    """Publish the refused change if the page has not moved on; otherwise the author may edit again."""
    item = db.session.get(ModerationItem, decision.item_id) if decision.item_id else None
    revision = target_of(item) if item is not None else None
    if revision is None or revision.state != RevisionState.REJECTED.value:
        return None
    try:
        published = wiki_services.reinstate(moderator, revision)
    except wiki_services.DecisionConflict as error:
        raise DecisionConflict() from error
    page = revision.page
    params = {"title": revision.title}
    if published:
        return WIKI_PUBLISHED_KIND, params, url_for("wiki.page", slug=page.slug)
    return WIKI_OUTDATED_KIND, params, url_for("wiki.edit", slug=page.slug)
