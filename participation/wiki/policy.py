"""Who may read, propose, publish, review and protect wiki pages. Pure functions, also used in templates."""

from __future__ import annotations

from collections.abc import Callable

from participation.accounts.policy import Viewer, can_contribute, can_participate, is_moderator, is_staff
from participation.wiki.models import WikiPage, WikiRevision


def _is(user: Viewer, other_id: int | None) -> bool:
    return bool(other_id is not None and user is not None and user.is_authenticated and user.id == other_id)


def can_review_wiki(user: Viewer) -> bool:
    """Moderators and admins review pending changes, see every revision, lock and restore."""
    return is_moderator(user)


def publishes_directly(user: Viewer) -> bool:
    """Moderators, planners and admins publish without review (when based on the current text)."""
    return is_staff(user)


def can_view_revision(user: Viewer, revision: WikiRevision) -> bool:
    """Approved text is public; anything else only for its author and reviewers."""
    return revision.is_approved or can_review_wiki(user) or _is(user, revision.author_id)


def can_view_page(user: Viewer, page: WikiPage, *, has_own_revision: bool = False) -> bool:
    """Published pages are public; an unpublished new page only for reviewers and its proposers."""
    return page.is_published or can_review_wiki(user) or has_own_revision


def can_create_page(user: Viewer) -> bool:
    """Verified, active, not muted accounts may propose new pages."""
    return can_contribute(user)


def can_edit_page(user: Viewer, page: WikiPage) -> bool:
    """Verified, not muted accounts propose changes; a locked page only staff may edit."""
    if not can_contribute(user):
        return False
    return not page.locked or is_staff(user)


def can_lock_page(user: Viewer, page: WikiPage) -> bool:
    """Reviewers lock and unlock pages."""
    return can_review_wiki(user)


def can_restore_revision(user: Viewer, revision: WikiRevision) -> bool:
    """Reviewers restore an earlier approved revision that is not the current one."""
    return (
        can_review_wiki(user) and revision.is_approved and revision.page.approved_revision_id != revision.id
    )


def can_withdraw_revision(user: Viewer, revision: WikiRevision) -> bool:
    """The author withdraws their own change while it waits for review."""
    return revision.is_pending and _is(user, revision.author_id) and can_participate(user)


TEMPLATE_POLICIES: dict[str, Callable[..., bool]] = {
    "can_review_wiki": can_review_wiki,
    "can_view_wiki_revision": can_view_revision,
    "can_create_wiki_page": can_create_page,
    "can_edit_wiki_page": can_edit_page,
    "can_lock_wiki_page": can_lock_page,
    "can_restore_wiki_revision": can_restore_revision,
    "can_withdraw_wiki_revision": can_withdraw_revision,
    "wiki_publishes_directly": publishes_directly,
}
