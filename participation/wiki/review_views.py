"""Reviewing pending wiki changes happens on the moderation desk; the wiki's review addresses lead there.

A pending change enters the moderation queue when it is proposed (wiki.signals.wiki_change_proposed)
and is decided on the desk's one decision screen, like a comment: word diff, the proposer's note,
category, rule and reason; one log entry, one statement of reasons, one notification. The desk
(a later domain) approves and rejects through wiki.services.approve_revision / reject_revision.
These redirects name the desk's endpoints only by string, so the wiki imports nothing of it.
"""

from __future__ import annotations

from flask import abort, redirect, url_for

from participation.core.permissions import policy_required
from participation.extensions import db
from participation.wiki import policy
from participation.wiki.models import WikiRevision
from participation.wiki.views import bp


@bp.route("/pruefung")
@policy_required(policy.can_review_wiki)
def review_list():
    """The changes waiting for review are in the moderation queue, with their diffs: go there."""
    return redirect(url_for("moderation.queue", typ="wiki"))


@bp.route("/pruefung/<int:revision_id>")
@policy_required(policy.can_review_wiki)
def review(revision_id: int):
    """One decision screen for every kind of item: the moderation desk's, found by the change's number."""
    if db.session.get(WikiRevision, revision_id) is None:
        abort(404)
    return redirect(url_for("moderation.wiki_change", revision_id=revision_id))
