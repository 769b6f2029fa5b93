"""The moderation desk's side of the contract: receivers for what discussions and the wiki announce.

Follow a reported comment: discussions.services.report sends discussions.signals.comment_reported,
on_comment_reported below opens the queue item; the decision (services.decide) changes the comment
through discussions.services.moderate_comment. connect() runs from init_app; blinker keeps one
connection per receiver function, so a second app does not subscribe twice.
"""

from __future__ import annotations

from participation.accounts.models import User
from participation.accounts.policy import is_staff
from participation.core.audit import record
from participation.discussions import services as discussion_services
from participation.discussions.links import permalink
from participation.discussions.models import Comment, CommentReport, CommentStatus
from participation.discussions.signals import (
    comment_held,
    comment_moderated,
    comment_reported,
    moderation_reasons_wanted,
)
from participation.extensions import db
from participation.moderation import in_place, reasons
from participation.moderation.models import TargetType
from participation.moderation.queue import close_items, open_item
from participation.moderation.statements import AUTO_HIDDEN_KIND
from participation.notifications.services import notify
from participation.projects.models import Project
from participation.wiki.models import WikiRevision
from participation.wiki.signals import wiki_change_proposed, wiki_changes_settled


def on_comment_held(comment: Comment, *, project: Project) -> None:
    """A comment was held by pre-moderation: it waits in the queue."""
    open_item(TargetType.COMMENT, comment.id, project.id, comment.author_id)


def on_comment_reported(comment: Comment, *, report: CommentReport, project: Project) -> None:
    """Open or reopen the item; K different reporters hide a citizen's comment until decided."""
    item = open_item(TargetType.COMMENT, comment.id, project.id, comment.author_id)
    if comment.status != CommentStatus.PUBLISHED.value:
        return
    author = db.session.get_one(User, comment.author_id)
    # Staff content is never hidden by citizens' reports: a person looks at it first.
    if is_staff(author) or discussion_services.open_reporters(comment) < reasons.threshold():
        return
    discussion_services.moderate_comment(None, comment, CommentStatus.HIDDEN, "auto")
    item.auto_hidden = True
    record(None, "moderation.auto_hidden", comment, label=f"Kommentar #{comment.id}", item_id=item.id)
    notify(
        author,
        AUTO_HIDDEN_KIND,
        {"project": project.title},
        permalink(project, comment.id),
    )
    db.session.flush()


def on_wiki_change_proposed(revision: WikiRevision) -> None:
    """A citizen's wiki change waits in the queue from the moment it is proposed."""
    item = open_item(TargetType.WIKI_REVISION, revision.id, None, revision.author_id)
    item.opened_at = revision.created_at
    db.session.flush()


def on_wiki_changes_settled(_sender: object, *, revision_ids: list[int]) -> None:
    """Changes decided on the wiki's review page, withdrawn or outdated no longer wait."""
    close_items(TargetType.WIKI_REVISION, revision_ids)


def connect() -> None:
    """Subscribe to the content domains' signals (strong references: module-level functions)."""
    comment_held.connect(on_comment_held, weak=False)
    comment_reported.connect(on_comment_reported, weak=False)
    comment_moderated.connect(in_place.on_comment_moderated, weak=False)
    moderation_reasons_wanted.connect(in_place.reason_choices, weak=False)
    wiki_change_proposed.connect(on_wiki_change_proposed, weak=False)
    wiki_changes_settled.connect(on_wiki_changes_settled, weak=False)
