"""Appeals: the person concerned objects once; another moderator upholds or overturns. Services flush."""

from __future__ import annotations

from flask import url_for
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from participation.accounts import services as account_services
from participation.accounts.models import User
from participation.core.audit import record
from participation.core.dialect import insert_unless_exists
from participation.core.permissions import NotAllowed
from participation.core.types import utcnow
from participation.core.versioned import update_if_version
from participation.discussions import services as discussion_services
from participation.discussions.models import Comment, CommentStatus
from participation.extensions import db
from participation.moderation import policy
from participation.moderation.errors import AlreadyAppealed, AnswerRequired, DecisionConflict
from participation.moderation.models import (
    APPEAL_LABELS,
    Action,
    Appeal,
    AppealStatus,
    Decision,
    ModerationItem,
)
from participation.moderation.queue import target_of
from participation.notifications.services import notify
from participation.wiki import services as wiki_services
from participation.wiki.models import RevisionState, WikiRevision

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


def file_appeal(author: User, decision: Decision, text: str) -> Appeal:
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
        raise AlreadyAppealed(decision.id)
    appeal = db.session.scalars(select(Appeal).where(Appeal.decision_id == decision.id)).one()
    record(
        author, "moderation.appeal_filed", decision, label=f"Entscheidung #{decision.id}", appeal_id=appeal.id
    )
    return appeal


def appeal_of(decision: Decision) -> Appeal | None:
    """The appeal against the decision, if one was filed."""
    return db.session.scalar(select(Appeal).where(Appeal.decision_id == decision.id))


def decide_appeal(
    moderator: User, appeal: Appeal, expected_version: int, overturn: bool, answer: str
) -> None:
    """A different moderator upholds or overturns the decision; the author learns the outcome."""
    decision = db.session.get_one(Decision, appeal.decision_id)
    if not policy.can_decide_appeal(moderator, decision):
        raise NotAllowed("decide appeal")
    if not answer.strip():
        raise AnswerRequired(appeal.id)
    status = AppealStatus.OVERTURNED if overturn else AppealStatus.UPHELD
    if not update_if_version(
        Appeal,
        appeal.id,
        expected_version,
        Appeal.status == AppealStatus.OPEN.value,
        status=status.value,
        decided_by_id=moderator.id,
        decided_at=utcnow(),
        answer=answer,
    ):
        raise DecisionConflict()
    db.session.refresh(appeal)
    kind: str = APPEAL_OUTCOME_KIND
    params: dict[str, str] = {}
    url: str | None = url_for("moderation.appeal", decision_id=decision.id)
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


def _reverse(moderator: User, decision: Decision) -> tuple[str, dict[str, str], str] | None:
    """Undo a restriction after a successful appeal; for a refused wiki change, what the author is told."""
    action = Action(decision.action)
    subject = db.session.get(User, decision.subject_id) if decision.subject_id else None
    outcome = None
    if action in (Action.HIDE, Action.REMOVE):
        comment = _decided_target(decision)
        if isinstance(comment, Comment) and comment.status in (
            CommentStatus.HIDDEN.value,
            CommentStatus.REMOVED.value,
        ):
            discussion_services.moderate_comment(moderator, comment, CommentStatus.PUBLISHED, None)
    elif action == Action.REJECT:
        outcome = _reinstate_wiki_change(moderator, decision)
    elif action == Action.MUTE and subject is not None:
        subject.muted_until = subject.mute_reason = None
    elif action == Action.BLOCK and subject is not None and subject.blocked_at is not None:
        account_services.unblock(moderator, subject)
    db.session.flush()
    return outcome


def _decided_target(decision: Decision) -> Comment | WikiRevision | None:
    """The comment or wiki revision the decision was about (None for sanctions or deleted content)."""
    item = db.session.get(ModerationItem, decision.item_id) if decision.item_id else None
    return target_of(item) if item is not None else None


def _reinstate_wiki_change(moderator: User, decision: Decision) -> tuple[str, dict[str, str], str] | None:
    """Publish the refused change if the page has not moved on; otherwise the author may edit again."""
    revision = _decided_target(decision)
    if not isinstance(revision, WikiRevision) or revision.state != RevisionState.REJECTED.value:
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
