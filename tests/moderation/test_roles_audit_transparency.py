"""Role matrix over every moderation route, audit log immutability and CSV, transparency, settings."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from participation.core.models import AppendOnlyError, AuditLogEntry
from participation.extensions import db
from participation.moderation import reasons
from participation.moderation.models import Appeal, Decision
from participation.moderation.transparency import TIMEZONE, monthly_figures
from tests.conftest import ROLE_SETS, login, post
from tests.moderation.conftest import audit_count, client_for, decide, item_for, report_as


@pytest.fixture
def world(app, people, project, add_comment):
    """An open item, a decided one with its decision and an open appeal against it."""
    open_comment = add_comment(project, people["author"].id)
    report_as(app, people["r1"], project, open_comment)
    decided = add_comment(project, people["author"].id)
    report_as(app, people["r2"], project, decided)
    item = item_for(app, "comment", decided)
    decide(client_for(app, people["mod"]), item.id, "hide", item.version, "spam", "Werbung.")
    with app.app_context():
        decision_id = db.session.scalar(select(Decision.id))
        db.session.add(Appeal(decision_id=decision_id, author_id=people["author"].id, text="Bitte prüfen."))
        db.session.commit()
        appeal_id = db.session.scalar(select(Appeal.id))
    return {
        "item": item_for(app, "comment", open_comment).id,
        "decision": decision_id,
        "appeal": appeal_id,
        "user": people["author"].id,
    }


STAFF_GETS = [
    "/moderation",
    "/moderation/eintrag/{item}",
    "/moderation/einspruch/{appeal}",
    "/moderation/konto/{user}",
    "/moderation/protokoll",
    "/moderation/protokoll.csv",
]
ROLES = ["anonymous", "unverified", "citizen", "planner", "moderator", "admin"]


def _client(app, make_user, role):
    client = app.test_client()
    if role == "anonymous":
        return client
    if role == "unverified":
        login(client, make_user(ROLE_SETS["citizen"], verified=False))
    else:
        login(client, make_user(ROLE_SETS[role]))
    return client


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("path", STAFF_GETS)
def test_staff_pages_only_for_moderators_and_admins(app, make_user, world, role, path):
    client, url = _client(app, make_user, role), path.format(**world)
    # The CSV download is a POST (it goes on record); the pages are reads.
    response = post(client, url) if url.endswith(".csv") else client.get(url)
    if role in ("moderator", "admin"):
        assert response.status_code == 200
    elif role == "anonymous":
        assert response.status_code == 302 and "/konto/anmelden" in response.headers["Location"]
    else:
        assert response.status_code == 403


STAFF_POSTS = [
    ("/moderation/eintrag/{item}/entscheiden", {"action": "dismiss", "version": "1"}),
    ("/moderation/einspruch/{appeal}/entscheiden", {"outcome": "aufrecht", "answer": "Nein", "version": "1"}),
    (
        "/moderation/konto/{user}/stummschalten",
        {"mute-days": "3", "mute-reason_code": "spam", "mute-text": "x"},
    ),
    ("/moderation/konto/{user}/stummschaltung-aufheben", {}),
]


@pytest.mark.parametrize("role", ["anonymous", "unverified", "citizen", "planner"])
@pytest.mark.parametrize(("path", "data"), STAFF_POSTS)
def test_staff_posts_refused_for_others(app, make_user, world, role, path, data):
    client = _client(app, make_user, role)
    response = post(client, path.format(**world), data, token_from="/")
    assert response.status_code in (302, 403)
    if response.status_code == 302:
        assert "/konto/anmelden" in response.headers["Location"]
    assert item_for(app, "comment", 0) is None
    with app.app_context():
        assert db.session.scalar(select(Appeal.status)) == "open"


@pytest.mark.parametrize("role", ROLES)
def test_settings_and_block_only_for_admins(app, make_user, world, role):
    client = _client(app, make_user, role)
    expected = 200 if role == "admin" else (302 if role == "anonymous" else 403)
    assert client.get("/moderation/einstellungen").status_code == expected
    if role != "admin":
        data = {"block-days": "3", "block-reason_code": "spam", "block-text": "x"}
        assert post(client, f"/moderation/konto/{world['user']}/sperren", data).status_code in (302, 403)


@pytest.mark.parametrize("role", ROLES)
def test_transparency_page_is_public(app, make_user, role):
    assert _client(app, make_user, role).get("/moderation/transparenz").status_code == 200


def test_decision_page_is_for_the_person_concerned_and_moderators(app, make_user, people, world):
    path = f"/moderation/entscheidung/{world['decision']}"
    assert client_for(app, people["author"]).get(path).status_code == 200
    assert client_for(app, people["mod2"]).get(path).status_code == 200
    assert client_for(app, people["r1"]).get(path).status_code == 403  # someone else's decision
    assert app.test_client().get(path).status_code == 302


def test_no_route_changes_or_deletes_audit_rows(app, people, world):
    with app.app_context():
        before = [
            (e.id, e.action, e.reason) for e in db.session.scalars(select(AuditLogEntry).order_by("id"))
        ]
    admin = client_for(app, people["admin"])
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/moderation") or "POST" not in rule.methods:
            continue
        path = rule.rule
        for name, value in world.items():
            path = path.replace(f"<int:{name}_id>", str(value))
        path = path.replace("<int:item_id>", str(world["item"])).replace(
            "<int:appeal_id>", str(world["appeal"])
        )
        path = path.replace("<int:user_id>", str(world["user"])).replace(
            "<int:decision_id>", str(world["decision"])
        )
        post(admin, path, {"id": before[0][0], "action": "x", "reason": "überschrieben"}, token_from="/")
    with app.app_context():
        after = [(e.id, e.action, e.reason) for e in db.session.scalars(select(AuditLogEntry).order_by("id"))]

        entry = db.session.get(AuditLogEntry, before[0][0])
        db.session.delete(entry)
        with pytest.raises(AppendOnlyError):
            db.session.flush()
        db.session.rollback()
    assert after[: len(before)] == before


def test_log_filter_and_csv_export(app, people, world):
    moderator = client_for(app, people["mod2"])
    html = moderator.get("/moderation/protokoll?action=moderation.hide").get_data(as_text=True)
    assert "ausgeblendet" in html and "Werbung." in html
    assert "vorläufig ausgeblendet" not in html  # the automatic hide is another action type
    assert "moderation.hide" not in html.split('<ol class="audit-lines">', 1)[1]  # words, not codes
    csv = post(moderator, f"/moderation/protokoll.csv?actor={people['mod'].id}")
    assert csv.mimetype == "text/csv"
    text = csv.get_data(as_text=True)
    assert "moderation.hide" in text and "Werbung." in text
    tomorrow = (datetime.now(UTC) + timedelta(days=2)).date().isoformat()
    assert "moderation.hide" not in post(moderator, f"/moderation/protokoll.csv?since={tomorrow}").get_data(
        as_text=True
    )


def test_csv_cells_cannot_inject_formulas(app, people, project, add_comment):
    comment_id = add_comment(project, people["author"].id)
    report_as(app, people["r1"], project, comment_id)
    item = item_for(app, "comment", comment_id)
    decide(client_for(app, people["mod"]), item.id, "hide", item.version, "spam", '=HYPERLINK("x")')
    text = post(client_for(app, people["mod"]), "/moderation/protokoll.csv").get_data(as_text=True)
    assert "'=HYPERLINK" in text


def test_transparency_figures_match_hand_counts(app, people, project, add_comment):
    comments = [add_comment(project, people["author"].id) for _ in range(3)]
    report_as(app, people["r1"], project, comments[0], "spam")
    report_as(app, people["r2"], project, comments[0], "spam")
    report_as(app, people["r1"], project, comments[1], "abuse")
    report_as(app, people["r1"], project, comments[2], "abuse")
    moderator = client_for(app, people["mod"])
    for comment_id, action, code in (
        (comments[0], "hide", "spam"),
        (comments[1], "hide", "beleidigung"),
        (comments[2], "dismiss", ""),
    ):
        item = item_for(app, "comment", comment_id)
        decide(moderator, item.id, action, item.version, code, "Begründung" if code else "")
    with app.app_context():
        decision = db.session.scalar(select(Decision).where(Decision.action == "hide").limit(1))
        db.session.add(
            Appeal(decision_id=decision.id, author_id=people["author"].id, text="x", status="upheld")
        )
        db.session.commit()
        month = monthly_figures()[0]
        assert month.reports == 4
        assert month.actions == {"hide": 2, "dismiss": 1}
        assert month.decisions == {"spam": 1, "beleidigung": 1, "ohne": 1}
        assert month.appeals == 1 and month.appeal_outcomes == {"upheld": 1}
        seconds = sorted(db.session.scalars(select(Decision.seconds_to_decision)))
        assert month.median_seconds == seconds[1]
        assert month.month == datetime.now(UTC).astimezone(TIMEZONE).strftime("%Y-%m")
    html = app.test_client().get("/moderation/transparenz").get_data(as_text=True)
    assert "Eingegangene Meldungen" in html and "<dd>4</dd>" in html


def test_admin_changes_thresholds_and_bad_numbers_are_refused(app, people):
    admin = client_for(app, people["admin"])
    path = "/moderation/einstellungen"
    bad = post(admin, path, {"threshold": "0", "first_n": "abc"}, token_from=path)
    assert bad.status_code == 400 and "zwischen 1 und 100" in bad.get_data(as_text=True)
    assert post(admin, path, {"threshold": "5", "first_n": "2"}, token_from=path).status_code == 302
    with app.app_context():
        assert reasons.threshold() == 5 and reasons.first_n() == 2
    assert audit_count(app, "moderation.settings_changed") == 1
