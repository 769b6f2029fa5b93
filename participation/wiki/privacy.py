"""What account deletion means for the wiki: texts stay (as "Gelöschtes Konto"), open proposals end."""

from __future__ import annotations

from sqlalchemy import update

from participation.core.types import utcnow
from participation.extensions import db
from participation.wiki.models import RevisionState, WikiRevision


def erase_wiki_data(user) -> None:
    """Keep every revision (page history must stay complete); withdraw the person's pending proposals."""
    # The author id stays: the users row is kept and reads "Gelöschtes Konto" once blanked.
    db.session.execute(
        update(WikiRevision)
        .where(WikiRevision.author_id == user.id, WikiRevision.state == RevisionState.PENDING.value)
        .values(state=RevisionState.WITHDRAWN.value, version=WikiRevision.version + 1, decided_at=utcnow())
        .execution_options(synchronize_session=False)
    )
