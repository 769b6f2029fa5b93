"""Appeals by another moderator, auto-hide, pre-moderation and mute/block on every write route."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from participation.accounts.models import User
from participation.core.settings import PREMODERATION_FIRST_N, set_setting
from participation.discussions.models import Comment
from participation.extensions import db
from participation.moderation.models import Appeal, Decision
from participation.projects.models import Project
from participation.wiki import services as wiki_services
from tests.conftest import ROLE_SETS, post
from tests.moderation.conftest import client_for, decide, item_for, report_as


def _hidden_by_mod(app, people, project, add_comment):
    comment_id = add_comment(project, people["author"].id, "Geheimer Text 4711")
    report_as(app, people["r1"], project, comment_id)
    item = item_for(app, "comment", comment_id)
    decide(client_for(app, people["mod"]), item.id, "hide", item.version, "umgangston", "Zu scharf.")
    with app.app_context():
        decision_id = db.session.scalar(select(Decision.id).where(Decision.item_id == item.id))
    return comment_id, decision_id


def test_author_appeals_once_and_another_moderator_overturns(app, people, project, add_comment, mailbox):
    comment_id, decision_id = _hidden_by_mod(app, people, project, add_comment)
    author = client_for(app, people["author"])
    page = f"/moderation/entscheidung/{decision_id}"
    assert "Zu scharf." in author.get(page).get_data(as_text=True)
    assert post(author, page, {"text": "Das war sachlich."}, token_from=page).status_code == 302
    again = post(author, page, {"text": "Nochmal."}, token_from=page)
    assert "bereits Einspruch" in author.get(again.headers["Location"]).get_data(as_text=True)
    with app.app_context():
        appeals = db.session.scalars(select(Appeal)).all()
        assert len(appeals) == 1
        appeal = appeals[0]
    assert "Einspruch gegen Entscheidung" in client_for(app, people["mod2"]).get("/moderation").get_data(
        as_text=True
    )
    review = f"/moderation/einspruch/{appeal.id}"
    same = client_for(app, people["mod"])
    assert "andere Person" in same.get(review).get_data(as_text=True)
    data = {"outcome": "aufheben", "answer": "Sie haben recht.", "version": str(appeal.version)}
    assert post(same, review + "/entscheiden", data, token_from=review).status_code == 403
    other = client_for(app, people["mod2"])
    assert post(other, review + "/entscheiden", data, token_from=review).status_code == 302
    with app.app_context():
        assert db.session.get(Comment, comment_id).status == "published"
        assert db.session.get(Appeal, appeal.id).status == "overturned"
    assert "Sie haben recht." in mailbox.body(mailbox.last_to(people["author"].email))


def test_only_the_person_concerned_appeals(app, people, project, add_comment):
    _comment_id, decision_id = _hidden_by_mod(app, people, project, add_comment)
    page = f"/moderation/entscheidung/{decision_id}"
    stranger = client_for(app, people["r2"])
    assert stranger.get(page).status_code == 403
    assert post(stranger, page, {"text": "x"}, token_from="/").status_code == 403


def test_auto_hide_at_threshold_but_never_staff(app, people, project, add_comment, make_user):
    citizen_comment = add_comment(project, people["author"].id)
    planner = make_user(ROLE_SETS["planner"])
    staff_comment = add_comment(project, planner.id)
    for key in ("r1", "r2"):
        report_as(app, people[key], project, citizen_comment)
        report_as(app, people[key], project, staff_comment)
    with app.app_context():
        assert db.session.get(Comment, citizen_comment).status == "published"  # K-1 reporters
    report_as(app, people["r3"], project, citizen_comment)
    report_as(app, people["r3"], project, staff_comment)
    with app.app_context():
        assert db.session.get(Comment, citizen_comment).status == "hidden"
        assert db.session.get(Comment, staff_comment).status == "published"
    assert item_for(app, "comment", citizen_comment).auto_hidden
    assert item_for(app, "comment", staff_comment).is_open


def test_threshold_is_configurable(app, people, project, add_comment):
    with app.app_context():
        set_setting(None, "moderation.autohide_threshold", "1")
        db.session.commit()
    comment_id = add_comment(project, people["author"].id)
    report_as(app, people["r1"], project, comment_id)
    with app.app_context():
        assert db.session.get(Comment, comment_id).status == "hidden"


def _write(client, project, path, data):
    return post(client, f"/projekte/{project.slug}{path}", data, token_from="/")


@pytest.mark.parametrize("switch", ["project", "first_n"])
def test_premoderation_holds_and_hides_from_everyone_else(app, people, project, switch):
    with app.app_context():
        if switch == "project":
            db.session.get(Project, project.id).premoderation = True
        else:
            set_setting(None, PREMODERATION_FIRST_N, "2")
        db.session.commit()
    author = client_for(app, people["author"])
    response = _write(author, project, "/kommentieren", {"body": "Wartender Text 0815"})
    assert response.status_code == 302
    assert "wartet auf Freigabe" in author.get(response.headers["Location"]).get_data(as_text=True)
    with app.app_context():
        comment = db.session.scalar(select(Comment))
        assert comment.status == "pending"
    assert "Wartender Text 0815" in author.get(project.url).get_data(as_text=True)
    for viewer in (app.test_client(), client_for(app, people["r1"])):
        for path in (project.url, project.comment_url(comment.id)):
            assert "Wartender Text 0815" not in viewer.get(path).get_data(as_text=True)
    moderator = client_for(app, people["mod"])
    assert "Wartender Text 0815" in moderator.get(project.url).get_data(as_text=True)
    item = item_for(app, "comment", comment.id)
    assert item.is_open
    assert "wartet auf Freigabe" in moderator.get("/moderation?grund=vorab").get_data(as_text=True)


def test_hidden_comment_invisible_on_every_read_path(app, people, project, add_comment):
    comment_id, _decision = _hidden_by_mod(app, people, project, add_comment)
    for viewer in (app.test_client(), client_for(app, people["r2"])):
        for path in (
            project.url,
            project.comment_url(comment_id),
            f"/projekte/{project.slug}?sortierung=neueste",
        ):
            assert "Geheimer Text 4711" not in viewer.get(path).get_data(as_text=True)
    assert "Geheimer Text 4711" in client_for(app, people["author"]).get(project.url).get_data(as_text=True)


# --- sanctions --------------------------------------------------------------------------------------

WRITE_ROUTES = {
    "comment": ("/kommentieren", {"body": "Neuer Text"}),
    "reply": ("/kommentieren", {"body": "Antwort", "parent_id": "{other}"}),
    "edit": ("/kommentare/{own}/bearbeiten", {"body": "Geändert"}),
    "vote": ("/kommentare/{other}/bewerten", {"value": "1"}),
    "report": ("/kommentare/{other}/melden", {"reason": "spam"}),
}


def _sanction(app, people, kind: str) -> None:
    actor = client_for(app, people["admin"] if kind == "block" else people["mod"])
    path = f"/moderation/konto/{people['author'].id}"
    action = "sperren" if kind == "block" else "stummschalten"
    response = post(
        actor,
        f"{path}/{action}",
        {
            f"{kind}-days": "7",
            f"{kind}-reason_code": "spam",
            f"{kind}-text": "Werbung in Serie.",
            "confirmed": "1",
        },
        token_from=path,
    )
    assert response.status_code == 302, response.get_data(as_text=True)[:1500]


@pytest.mark.parametrize("kind", ["mute", "block"])
@pytest.mark.parametrize("route", sorted(WRITE_ROUTES) + ["wiki_create", "wiki_edit"])
def test_sanctions_enforced_on_every_write_route(app, people, project, add_comment, kind, route):
    own = add_comment(project, people["author"].id)
    other = add_comment(project, people["r1"].id)
    author = client_for(app, people["author"])
    _sanction(app, people, kind)
    if route.startswith("wiki"):
        with app.app_context():
            page = wiki_services.create_page(
                db.session.get(User, people["mod"].id), title="Bäume", body="Text", summary="neu"
            ).page
            db.session.commit()
            slug = page.slug
        path = "/wiki/neu" if route == "wiki_create" else f"/wiki/{slug}/bearbeiten"
        response = post(author, path, {"title": "Neu", "body": "x", "summary": "y"}, token_from="/")
    else:
        template, data = WRITE_ROUTES[route]
        data = {k: v.format(own=own, other=other) for k, v in data.items()}
        response = _write(author, project, template.format(own=own, other=other), data)
    # Muted: forbidden. Blocked: every session ended, so the request is anonymous.
    assert response.status_code in ((403,) if kind == "mute" else (302, 401))
    if kind == "block":
        assert "/konto/anmelden" in response.headers["Location"]
    with app.app_context():
        assert db.session.scalar(select(db.func.count()).select_from(Comment)) == 2
        assert db.session.get(Comment, own).body == "Ein Kommentar."


def test_mute_sends_statement_and_muted_person_can_still_read(app, people, project, mailbox):
    _sanction(app, people, "mute")
    body = mailbox.body(mailbox.last_to(people["author"].email))
    assert "stummgeschaltet" in body and "Werbung in Serie." in body and "Regel 6" in body
    author = client_for(app, people["author"])
    assert author.get(project.url).status_code == 200
    with app.app_context():
        assert db.session.get(User, people["author"].id).is_muted


def test_moderators_cannot_block_or_mute_staff(app, people):
    moderator = client_for(app, people["mod"])
    block_path = f"/moderation/konto/{people['author'].id}/sperren"
    data = {"block-days": "7", "block-reason_code": "spam", "block-text": "x"}
    assert post(moderator, block_path, data, token_from="/").status_code == 403
    mute_path = f"/moderation/konto/{people['mod2'].id}/stummschalten"
    data = {"mute-days": "7", "mute-reason_code": "spam", "mute-text": "x"}
    assert post(moderator, mute_path, data, token_from="/").status_code == 403


def test_sanction_with_unknown_reason_is_refused(app, people):
    moderator = client_for(app, people["mod"])
    path = f"/moderation/konto/{people['author'].id}"
    data = {"mute-days": "7", "mute-reason_code": "erfunden", "mute-text": "x"}
    response = post(moderator, path + "/stummschalten", data, token_from=path)
    assert response.status_code == 400 and "Diesen Grund gibt es nicht" in response.get_data(as_text=True)
    with app.app_context():
        assert not db.session.get(User, people["author"].id).is_muted
