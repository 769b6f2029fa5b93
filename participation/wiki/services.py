"""Proposing, publishing, deciding, restoring and protecting wiki pages. Services flush; views commit."""

from __future__ import annotations

from typing import Any, cast

from flask import url_for
from sqlalchemy import ColumnElement, CursorResult, func, select, update
from sqlalchemy.exc import IntegrityError

from participation.accounts.models import User
from participation.core.audit import record
from participation.core.fulltext import mark_stale
from participation.core.permissions import InvalidState, NotAllowed
from participation.core.types import utcnow
from participation.core.versioned import update_if_version
from participation.extensions import db
from participation.notifications.services import notify
from participation.projects import mark_page_changed
from participation.wiki import policy, search_source
from participation.wiki.models import RevisionState, WikiPage, WikiRevision
from participation.wiki.render import slugify
from participation.wiki.signals import wiki_change_proposed, wiki_changes_settled

# Paths under /wiki/ that are not pages.
RESERVED_SLUGS = frozenset({"neu", "pruefung", "suche"})


class EditConflict(Exception):
    """The edit was based on text that is no longer the approved revision."""

    def __init__(self, current: WikiRevision | None):
        super().__init__("edit based on an outdated revision")
        self.current = current


class DecisionConflict(Exception):
    """Someone else decided on the change first, or the page moved on meanwhile."""


class SlugTaken(Exception):
    """Another page already uses this address."""


class TitleTaken(Exception):
    """Another published page already has this title."""


class NoChange(Exception):
    """The proposal is identical to the text it is based on."""


class RejectionNeedsReason(InvalidState):
    """The author is told why their change was refused (the form checks it first)."""


def title_taken(title: str, except_page_id: int | None = None) -> bool:
    """True when another published page has this title (case-insensitive)."""
    query = select(WikiPage.id).where(
        WikiPage.approved_revision_id.is_not(None), func.lower(WikiPage.title) == title.strip().lower()
    )
    if except_page_id is not None:
        query = query.where(WikiPage.id != except_page_id)
    return db.session.scalar(query.limit(1)) is not None


def _page_path(page: WikiPage) -> str:
    """The page's local address (for notifications)."""
    return url_for("wiki.page", slug=page.slug)


def create_page(
    author: User, *, title: str, body: str, summary: str, slug: str = "", project_id: int | None = None
):
    """Propose a new page (citizens) or publish it (staff); returns the first revision.

    An address held only by a page nobody has published yet is not taken: the text becomes one
    more proposal for that page (no base), reviewed like any other. Approving one outdates the rest
    and tells their authors; nobody ever sees another person's proposal.
    """
    if not policy.can_create_page(author):
        raise NotAllowed("create wiki page")
    slug = slug or slugify(title)
    if not slug or slug in RESERVED_SLUGS:
        raise SlugTaken(slug)
    existing = db.session.scalar(select(WikiPage).where(WikiPage.slug == slug))
    if existing is not None:
        return _propose_for_unpublished(
            author, existing, title=title, body=body, summary=summary, project_id=project_id
        )
    if title_taken(title):
        raise TitleTaken(title)
    page = WikiPage(slug=slug, created_by_id=author.id)
    if policy.publishes_directly(author):
        page.project_id = project_id
    try:
        # A concurrent request may have taken the slug between the check and the insert.
        with db.session.begin_nested():
            db.session.add(page)
            db.session.flush()
    except IntegrityError as error:
        raise SlugTaken(slug) from error
    return _add_revision(author, page, title=title, body=body, summary=summary, base=None)


def _propose_for_unpublished(
    author: User, page: WikiPage, *, title: str, body: str, summary: str, project_id: int | None
) -> WikiRevision:
    """A new page's text for an address that only pending (or refused) proposals use so far."""
    if page.is_published or not policy.can_edit_page(author, page):
        raise SlugTaken(page.slug)
    if title_taken(title):
        raise TitleTaken(title)
    if policy.publishes_directly(author):
        page.project_id = project_id
    try:
        # Based on "no text yet", like every other proposal for this page; a citizen's earlier
        # proposal for it is replaced (withdrawn), as with edits.
        return _add_revision(author, page, title=title, body=body, summary=summary, base=None)
    except EditConflict as error:
        # Staff published here, but someone else published first: the address is taken now.
        raise SlugTaken(page.slug) from error


def propose_edit(
    author: User,
    page: WikiPage,
    *,
    title: str,
    body: str,
    summary: str,
    base_revision_id: int | None,
    project_id: int | None = None,
) -> WikiRevision:
    """Save an edit: published at once for staff, otherwise pending; never merged over newer text."""
    if not policy.can_edit_page(author, page):
        raise NotAllowed("edit wiki page")
    if page.approved_revision_id != base_revision_id:
        raise EditConflict(page.approved_revision)
    base = page.approved_revision
    if base is not None and base.title == title and base.body == body:
        if not (policy.publishes_directly(author) and project_id != page.project_id):
            raise NoChange()
    if (base is None or base.title.lower() != title.lower()) and title_taken(title, page.id):
        raise TitleTaken(title)
    if policy.publishes_directly(author):
        page.project_id = project_id
        if base is not None and base.title == title and base.body == body:
            return base
    return _add_revision(author, page, title=title, body=body, summary=summary, base=base_revision_id)


def _add_revision(author: User, page: WikiPage, *, title: str, body: str, summary: str, base: int | None):
    direct = policy.publishes_directly(author)
    if not direct:
        # A citizen's newer proposal replaces their earlier one on the same page.
        _withdraw_where(WikiRevision.page_id == page.id, WikiRevision.author_id == author.id)
    revision = WikiRevision(
        page_id=page.id,
        author_id=author.id,
        title=title,
        body=body,
        summary=summary,
        base_revision_id=base,
        state=(RevisionState.APPROVED if direct else RevisionState.PENDING).value,
    )
    if direct:
        revision.decided_by_id, revision.decided_at = author.id, utcnow()
    db.session.add(revision)
    db.session.flush()
    if direct:
        _move_pointer(page, revision, error=EditConflict)
    else:
        # The moderation desk (a later domain) puts the change into its queue, in this transaction.
        wiki_change_proposed.send(revision)
    return revision


def _withdraw_where(*conditions: ColumnElement[bool]) -> None:
    """End pending changes (the author's newer one replaces them, or the author withdraws or leaves)."""
    statement = (
        update(WikiRevision)
        .where(WikiRevision.state == RevisionState.PENDING.value, *conditions)
        .values(state=RevisionState.WITHDRAWN.value, version=WikiRevision.version + 1, decided_at=utcnow())
        .returning(WikiRevision.id)
        .execution_options(synchronize_session=False)
    )
    _settled(list(db.session.scalars(statement)))


def withdraw_all_of(user: User) -> None:
    """Account deletion: the person's pending proposals end (their texts stay in the history)."""
    _withdraw_where(WikiRevision.author_id == user.id)


def _settled(revision_ids: list[int]) -> None:
    """Tell later domains (the moderation queue) that these changes no longer wait."""
    if revision_ids:
        wiki_changes_settled.send(None, revision_ids=revision_ids)


def _move_pointer(page: WikiPage, revision: WikiRevision, *, error: type[Exception]) -> None:
    """Point the page at the revision, only if it still points at the revision's base (race-safe)."""
    expected = revision.base_revision_id
    condition = (
        WikiPage.approved_revision_id == expected
        if expected is not None
        else WikiPage.approved_revision_id.is_(None)
    )
    result = db.session.execute(
        update(WikiPage)
        .where(WikiPage.id == page.id, condition)
        .values(approved_revision_id=revision.id, title=revision.title)
        .execution_options(synchronize_session=False, versions_marked=True)
    )
    mark_page_changed(db.session, page.project_id)  # the bulk UPDATE's one project page
    # An UPDATE always yields a cursor result; its rowcount says whether the pointer still matched.
    if cast(CursorResult[Any], result).rowcount != 1:
        db.session.expire(page)
        raise error(page.approved_revision) if error is EditConflict else error()
    db.session.expire(page)
    # The bulk UPDATE bypassed the ORM: the search index takes the newly published text now.
    mark_stale(search_source.KIND, [page.id])
    _outdate_others(page, revision)


def _outdate_others(page: WikiPage, published: WikiRevision) -> None:
    """Pending changes based on the old text can no longer apply; tell their authors."""
    stale = db.session.scalars(
        select(WikiRevision).where(
            WikiRevision.page_id == page.id,
            WikiRevision.state == RevisionState.PENDING.value,
            WikiRevision.id != published.id,
        )
    ).all()
    if not stale:
        return
    db.session.execute(
        update(WikiRevision)
        .where(WikiRevision.id.in_([r.id for r in stale]), WikiRevision.state == RevisionState.PENDING.value)
        .values(state=RevisionState.OUTDATED.value, version=WikiRevision.version + 1, decided_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    _settled([r.id for r in stale])
    for revision in stale:
        db.session.expire(revision)
        notify(
            revision.author, "wiki_outdated", {"title": published.title}, url_for("wiki.edit", slug=page.slug)
        )


def _decide(
    moderator: User, revision: WikiRevision, expected_version: int, state: RevisionState, reason: str | None
) -> None:
    """The conditional UPDATE: only one decision per pending revision can ever succeed."""
    if not update_if_version(
        WikiRevision,
        revision.id,
        expected_version,
        WikiRevision.state == RevisionState.PENDING.value,
        state=state.value,
        decided_by_id=moderator.id,
        decided_at=utcnow(),
        decision_reason=reason,
    ):
        raise DecisionConflict()
    db.session.expire(revision)
    _settled([revision.id])


def tell_approved(revision: WikiRevision) -> None:
    """The author learns that their change is public (for callers that log the decision themselves)."""
    notify(revision.author, "wiki_approved", {"title": revision.title}, _page_path(revision.page))


def lock_page_of(revision: WikiRevision) -> None:
    """Take the page row's lock first (as approve does), for callers that write other rows before deciding."""
    db.session.execute(select(WikiPage.id).where(WikiPage.id == revision.page_id).with_for_update())


def approve_revision(moderator: User, revision: WikiRevision, expected_version: int) -> None:
    """Publish a pending change without logging or telling anyone: the caller records the decision."""
    if not policy.can_review_wiki(moderator):
        raise NotAllowed("review wiki")
    page = revision.page
    if title_taken(revision.title, page.id):
        raise TitleTaken(revision.title)
    # Page row first, then revision rows: the same lock order as direct publishing, so two
    # approvals on one page queue up instead of deadlocking on each other's pending rows.
    db.session.execute(select(WikiPage.id).where(WikiPage.id == page.id).with_for_update())
    _decide(moderator, revision, expected_version, RevisionState.APPROVED, None)
    _move_pointer(page, revision, error=DecisionConflict)


def reject_revision(moderator: User, revision: WikiRevision, expected_version: int, reason: str) -> None:
    """Refuse a pending change with a reason; the caller tells the author (notice or statement of reasons)."""
    if not policy.can_review_wiki(moderator):
        raise NotAllowed("review wiki")
    if not reason.strip():
        raise RejectionNeedsReason(revision.id)
    _decide(moderator, revision, expected_version, RevisionState.REJECTED, reason)


def reinstate(moderator: User, revision: WikiRevision) -> bool:
    """Undo a refusal after a successful appeal: publish the change, or mark it outdated if the page moved on.

    Returns True when the change is now the page's approved text. Outdated: the author is told
    (by the caller) that they may edit the current text again.
    """
    if not policy.can_review_wiki(moderator):
        raise NotAllowed("review wiki")
    page = revision.page
    # Page row first, as in approve(): concurrent publishing on the page waits for this decision.
    db.session.execute(select(WikiPage.id).where(WikiPage.id == page.id).with_for_update())
    db.session.refresh(page)
    publishable = page.approved_revision_id == revision.base_revision_id and not title_taken(
        revision.title, page.id
    )
    state = RevisionState.APPROVED if publishable else RevisionState.OUTDATED
    if not update_if_version(
        WikiRevision,
        revision.id,
        revision.version,
        WikiRevision.state == RevisionState.REJECTED.value,
        state=state.value,
        decided_by_id=moderator.id,
        decided_at=utcnow(),
        decision_reason=None,
    ):
        raise DecisionConflict()
    db.session.expire(revision)
    if publishable:
        _move_pointer(page, revision, error=DecisionConflict)
    record(moderator, "wiki.reinstate", page, revision_id=revision.id, published=publishable)
    return publishable


def withdraw(author: User, revision: WikiRevision) -> None:
    """The author takes back their own pending change."""
    if not policy.can_withdraw_revision(author, revision):
        raise NotAllowed("withdraw wiki revision")
    _withdraw_where(WikiRevision.id == revision.id)
    db.session.expire(revision)


def restore(moderator: User, revision: WikiRevision, summary: str) -> WikiRevision:
    """Publish an earlier approved text again as a new approved revision (audit-logged)."""
    if not policy.can_restore_revision(moderator, revision):
        raise NotAllowed("restore wiki revision")
    page = revision.page
    if title_taken(revision.title, page.id):
        raise TitleTaken(revision.title)
    restored = _add_revision(
        moderator,
        page,
        title=revision.title,
        body=revision.body,
        summary=summary,
        base=page.approved_revision_id,
    )
    record(moderator, "wiki.restore", page, revision_id=restored.id, restored_from=revision.id)
    return restored


def set_locked(moderator: User, page: WikiPage, locked: bool) -> None:
    """Lock a page so only staff can edit it, or unlock it again (audit-logged)."""
    if not policy.can_lock_page(moderator, page):
        raise NotAllowed("lock wiki page")
    page.locked = locked
    record(moderator, "wiki.lock" if locked else "wiki.unlock", page)
    db.session.flush()
