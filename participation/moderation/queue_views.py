"""The queue and the one decision screen per item: comments and wiki changes decided the same way.

A decision is taken in the queue row (the page comes back with the row gone; enhance.js swaps the
row in place) or on the item's own page; both post the same DecisionForm to `decide`.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any
from urllib.parse import parse_qs, urlsplit

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.datastructures import MultiDict

from participation.core.confirm import confirmation_page, confirmed
from participation.core.paging import page_arg
from participation.core.permissions import InvalidState, policy_required
from participation.discussions.models import REPORT_REASON_LABELS, Comment
from participation.discussions.visibility import visible_body
from participation.extensions import db
from participation.moderation import confirmations, policy, queries, services
from participation.moderation.blueprint import bp, checked, load, refused
from participation.moderation.errors import DecisionConflict
from participation.moderation.forms import ACTION_BUTTONS, DecisionForm, category_choices
from participation.moderation.models import ACTION_LABELS, Action, ModerationItem, TargetType
from participation.moderation.queue import allowed_actions, find_item, target_of
from participation.moderation.queue_rows import build_rows
from participation.projects.models import Project
from participation.wiki.diff import render_diff
from participation.wiki.models import WikiRevision

QUEUE_PATH = "/moderation"
# The queue's filters as they appear in its address.
FILTER_NAMES = ("typ", "grund", "vorhaben", "neu", "seite")


def _filters(args: MultiDict) -> dict[str, Any]:
    """The queue's filter values in a query string (Any: url_for types its keyword arguments loosely)."""
    return {name: args.get(name, "") for name in FILTER_NAMES if args.get(name)}


def _back(value: str | None) -> str | None:
    """The queue address a decision came from; anything else (another host, another page) is ignored."""
    if not value:
        return None
    parts = urlsplit(value)
    if parts.scheme or parts.netloc or parts.path != QUEUE_PATH:
        return None
    return url_for("moderation.queue", **_filters(MultiDict(parse_qs(parts.query))))


def _queue_page(args: MultiDict, failed: tuple[int, DecisionForm] | None = None, status: int = 200):
    kind, reason = args.get("typ", ""), args.get("grund", "")
    raw_project = args.get("vorhaben", "")
    project_id = int(raw_project) if raw_project.isdigit() else None
    new_only = args.get("neu") == "1"
    show_items = kind != queries.APPEAL_TYPE
    show_appeals = kind in ("", queries.APPEAL_TYPE) and not reason and project_id is None and not new_only
    number = int(args["seite"]) if args.get("seite", "").isdigit() else page_arg()
    pagination, rows = (
        queries.queue_page(kind, reason, project_id, new_only, number) if show_items else (None, [])
    )
    filters = _filters(args)
    back = url_for("moderation.queue", **filters)
    choices = category_choices()  # read once for every row's form
    forms: dict[int, DecisionForm] = {}
    row_actions: dict[int, list[Action]] = {}
    for row in rows:
        form = failed[1] if failed and failed[0] == row.item.id else None
        form = form or DecisionForm(formdata=None, version=row.item.version, back=back)
        row_actions[row.item.id] = allowed_actions(row.item, row.target)
        form.set_actions(row_actions[row.item.id], choices)
        forms[row.item.id] = form.for_item(row.item.id)
    return render_template(
        "moderation/queue.html",
        pagination=pagination,
        rows=rows,
        forms=forms,
        row_actions=row_actions,
        appeals=queries.open_appeals() if show_appeals else [],
        kind=kind,
        reason=reason,
        project_id=project_id,
        new_only=new_only,
        projects=queries.projects_with_items(),
        reason_labels=REPORT_REASON_LABELS,
        action_labels=ACTION_LABELS,
        action_buttons=ACTION_BUTTONS,
        now=datetime.now(UTC),
        filters={k: v for k, v in filters.items() if k != "seite"},
    ), status


@bp.route("")
@policy_required(policy.can_moderate)
def queue():
    """Everything waiting, oldest first, with its content and context; decided in the row itself."""
    return _queue_page(request.args)


def _item_page(item: ModerationItem, form: DecisionForm | None = None, status: int = 200):
    target = target_of(item)
    actions = allowed_actions(item, target)
    form = form or DecisionForm(formdata=None, version=item.version)
    form.set_actions(actions)
    form.for_item(item.id)
    row = build_rows([item])[0]
    context: dict[str, Any] = {"item": item, "row": row, "target": target, "form": form, "actions": actions}
    if isinstance(target, Comment):
        context["project"] = db.session.get(Project, target.project_id)
        context["view"] = visible_body(target, current_user)
        context["reports"] = queries.reports_for(target.id)
    elif isinstance(target, WikiRevision):
        published = row.published
        context["diff"] = render_diff(published.body if published else "", target.body)
        context["title_diff"] = render_diff(published.title if published else "", target.title)
    context["decisions"] = queries.decisions_for(item.id)
    return render_template(
        "moderation/item.html",
        reason_labels=REPORT_REASON_LABELS,
        action_labels=ACTION_LABELS,
        action_buttons=ACTION_BUTTONS,
        author=row.author,
        **context,
    ), status


@bp.route("/eintrag/<int:item_id>")
@policy_required(policy.can_moderate)
def item(item_id: int):
    """One item, whatever its kind: the content (never editable), its context, history and the decision."""
    return _item_page(load(ModerationItem, item_id))


@bp.route("/wiki-aenderung/<int:revision_id>")
@policy_required(policy.can_moderate)
def wiki_change(revision_id: int):
    """A wiki change's decision screen by the change's number (where /wiki/pruefung/<id> leads)."""
    found = find_item(TargetType.WIKI_REVISION, load(WikiRevision, revision_id).id)
    if found is None:
        flash(_("Diese Änderung hat nie auf eine Entscheidung gewartet."), "error")
        return redirect(url_for("moderation.queue", typ="wiki"))
    return redirect(url_for("moderation.item", item_id=found.id))


@bp.route("/eintrag/<int:item_id>/entscheiden", methods=["POST"])
@policy_required(policy.can_moderate)
def decide(item_id: int):
    """Decide; a second moderator acting on the same version gets a clear message and nothing changes."""
    item = load(ModerationItem, item_id)
    target = target_of(item)
    form = DecisionForm()
    form.set_actions(allowed_actions(item, target))
    version, valid = checked(form)
    back = _back(form.back.data)
    here = back or url_for("moderation.item", item_id=item.id)
    if not valid:
        if item.is_open and version == item.version:
            if back:
                return _queue_page(MultiDict(parse_qs(urlsplit(back).query)), (item.id, form), 400)
            return _item_page(item, form, 400)
        flash(DecisionConflict().user_message, "error")
        return redirect(here)
    # Rejecting a wiki change tells its author at once and cannot be taken back: ask first.
    if form.action.data == Action.REJECT.value and isinstance(target, WikiRevision) and not confirmed():
        return confirmation_page(
            confirmations.reject_wiki_change(
                item.id, target, form.reason_code.data, form.text.data or "", cancel_url=here
            )
        )
    try:
        services.decide(current_user, item, version, form.action.data, form.reason_code.data, form.text.data)
    except InvalidState as error:  # DecisionConflict, NotWaiting and its kinds
        refused(error)
        return redirect(here)
    db.session.commit()
    flash(_("Die Entscheidung ist gespeichert; Betroffene wurden benachrichtigt."), "success")
    return redirect(back or url_for("moderation.queue"))
