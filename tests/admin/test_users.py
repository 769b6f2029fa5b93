"""Admin account pages: list and search, roles, blocking, and the role matrix of every admin route."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest
from sqlalchemy import func, select

from participation.accounts import services as accounts
from participation.accounts.models import User
from participation.core.models import AuditLogEntry, LegalPage
from participation.core.permissions import InvalidState
from participation.core.privacy import erase_user_data
from participation.core.types import utcnow
from participation.extensions import db
from tests.conftest import ROLE_SETS, get_user, login, post

LAST_ADMIN = "Die Seite braucht mindestens eine aktive Administratorin bzw. einen Administrator."
REASON_REQUIRED = "Bitte begründen Sie die Entscheidung für die betroffene Person."
BLOCKED_LOGIN = "Dieses Konto ist gesperrt. Bitte wenden Sie sich an die Verwaltung."


# --- helpers ------------------------------------------------------------------------------------


def block_data(reason: str, days: int = 30) -> dict[str, str]:
    """The sanction form as the admin page sends it (the same form as the moderation desk's)."""
    return {"block-days": str(days), "block-reason_code": "spam", "block-text": reason, "confirmed": "1"}


def audit_rows(app, action: str) -> list[AuditLogEntry]:
    with app.app_context():
        rows = db.session.scalars(select(AuditLogEntry).where(AuditLogEntry.action == action)).all()
        db.session.expunge_all()
        return list(rows)


def changes(app) -> list[str]:
    """Every audit action except the account creations the fixtures write."""
    with app.app_context():
        return list(
            db.session.scalars(select(AuditLogEntry.action).where(AuditLogEntry.action != "user.created"))
        )


def roles_of(app, user_id: int) -> set[str]:
    with app.app_context():
        return {str(role) for role in get_user(app, user_id).roles}


def blocked_at(app, user_id: int):
    with app.app_context():
        return get_user(app, user_id).blocked_at


def bulk_users(app, names: list[str]) -> None:
    """Insert many accounts at once (no password hashing, no audit rows)."""
    with app.app_context():
        db.session.add_all(
            User(email=f"bulk{number}@example.org", display_name=name, email_verified_at=utcnow())
            for number, name in enumerate(names)
        )
        db.session.commit()


def delete_account(app, user_id: int) -> None:
    with app.app_context():
        erase_user_data(get_user(app, user_id))
        db.session.commit()


def is_anonymous(client) -> bool:
    """The profile page sends anonymous visitors to the login form."""
    response = client.get("/konto/")
    return response.status_code == 302 and urlsplit(response.location).path == "/konto/anmelden"


# --- list, search, pagination -------------------------------------------------------------------


def test_admin_sees_accounts(client, logged_in, make_user):
    admin = logged_in("admin")
    other = make_user(email="heinrich.fischer@example.org", name="Heinrich Fischer")
    html = client.get("/admin/benutzer").get_data(as_text=True)
    assert "Heinrich Fischer" in html and other.email in html
    assert admin.name in html
    assert "2 Konten gefunden" in html
    assert f'href="/admin/benutzer/{other.id}"' in html


@pytest.mark.parametrize(
    "query",
    ["fisch", "FISCHER", "heinrich f", "h.fischer@", "H.FISCHER@RATHAUS", "rathaus.example"],
)
def test_search_by_part_of_name_or_email_ignores_case(client, logged_in, make_user, query):
    logged_in("admin")
    make_user(email="h.fischer@rathaus.example", name="Heinrich Fischer")
    make_user(email="gertrud@example.org", name="Gertrud Baumann")
    html = client.get("/admin/benutzer", query_string={"q": query}).get_data(as_text=True)
    assert "Heinrich Fischer" in html
    assert "Gertrud Baumann" not in html


@pytest.mark.parametrize(
    ("query", "name"), [("Weiß", "Grete Weiß"), ("öztürk", "Ayşe Öztürk"), ("ÄRGER", "Jan Ärger")]
)
def test_search_ignores_case_of_german_letters(client, logged_in, make_user, query, name):
    logged_in("admin")
    make_user(name=name)
    make_user(name="Otto Normal")
    html = client.get("/admin/benutzer", query_string={"q": query}).get_data(as_text=True)
    assert name in html
    assert "Otto Normal" not in html


@pytest.mark.parametrize(
    ("query", "found", "not_found"),
    [
        ("x_m", "Max_Muster", "MaxiMuster"),
        ("50%", "Rabatt 50% Petra", "Rabatt 500 Paul"),
        ("%", "Rabatt 50% Petra", "MaxiMuster"),
    ],
)
def test_like_wildcards_in_search_are_literal(client, logged_in, app, query, found, not_found):
    logged_in("admin")
    bulk_users(app, ["Max_Muster", "MaxiMuster", "Rabatt 50% Petra", "Rabatt 500 Paul"])
    html = client.get("/admin/benutzer", query_string={"q": query}).get_data(as_text=True)
    assert found in html
    assert not_found not in html


def test_filter_by_role(client, logged_in, make_user):
    logged_in("admin")
    make_user(ROLE_SETS["moderator"], name="Moritz Moderator")
    make_user(ROLE_SETS["planner"], name="Paula Planerin")
    make_user(name="Anna Buergerin")
    html = client.get("/admin/benutzer", query_string={"role": "moderator"}).get_data(as_text=True)
    assert "Moritz Moderator" in html
    assert "Paula Planerin" not in html and "Anna Buergerin" not in html
    assert "1 Konto gefunden" in html


def test_pagination(client, logged_in, app):
    logged_in("admin")
    bulk_users(app, [f"Seitentest {number:02d}" for number in range(55)])
    first = client.get("/admin/benutzer").get_data(as_text=True)
    assert first.count('href="/admin/benutzer/') == 50
    assert "Seite 1 von 2" in first and "seite=2" in first
    # Newest first: the five oldest bulk accounts (and the admin) are on page 2.
    assert "Seitentest 54" in first and "Seitentest 04" not in first
    response = client.get("/admin/benutzer", query_string={"seite": 2})
    second = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Seite 2 von 2" in second
    assert second.count('href="/admin/benutzer/') == 6
    assert all(f"Seitentest {number:02d}" in second for number in range(5))
    assert "Seitentest 54" not in second


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"q": "Fischer\x00"}, "Der Text enthält unzulässige Steuerzeichen."),
        ({"q": "x" * 10_000}, "Der Suchbegriff ist zu lang."),
        ({"q": "\u202e"}, None),
        ({"role": "superuser"}, None),
        ({"seite": "-3"}, None),
        ({"seite": "999999"}, None),
    ],
)
def test_bad_search_input_is_no_server_error(client, logged_in, make_user, params, message):
    logged_in("admin")
    make_user(name="Gertrud Baumann")
    response = client.get("/admin/benutzer", query_string=params)
    assert response.status_code == 200
    if message:
        html = response.get_data(as_text=True)
        assert message in html
        # The invalid search is ignored rather than half-applied.
        assert "Gertrud Baumann" in html


# --- roles --------------------------------------------------------------------------------------


def test_admin_gives_roles(app, client, logged_in, make_user):
    admin = logged_in("admin")
    target = make_user(name="Clara Citizen")
    response = post(
        client,
        f"/admin/benutzer/{target.id}/rollen",
        {"roles": ["moderator", "planner"]},
        token_from="/admin/",
    )
    assert response.status_code == 302
    assert roles_of(app, target.id) == {"moderator", "planner"}
    [entry] = audit_rows(app, "user.roles_changed")
    assert entry.actor_id == admin.id and entry.target_id == target.id
    # People are referenced by id only (no name copied into the append-only log) ...
    assert entry.target_label is None
    assert entry.details["before"] == [] and entry.details["after"] == ["moderator", "planner"]
    assert "Die Rollen wurden gespeichert." in client.get(response.location).get_data(as_text=True)
    # ... and the log page shows the current name.
    assert "Clara Citizen" in client.get("/admin/protokoll").get_data(as_text=True)


@pytest.mark.parametrize("roles", [["superuser"], ["moderator", "superuser"], ["citizen"], ["ADMIN"]])
def test_tampered_role_is_refused(app, client, logged_in, make_user, roles):
    logged_in("admin")
    target = make_user(ROLE_SETS["planner"])
    response = post(client, f"/admin/benutzer/{target.id}/rollen", {"roles": roles}, token_from="/admin/")
    assert response.status_code == 400
    assert roles_of(app, target.id) == {"planner"}
    assert changes(app) == []


def test_last_admin_cannot_drop_admin_role(app, client, logged_in):
    admin = logged_in("admin")
    response = post(
        client, f"/admin/benutzer/{admin.id}/rollen", {"roles": ["moderator"]}, token_from="/admin/"
    )
    assert response.status_code == 400
    assert LAST_ADMIN in response.get_data(as_text=True)
    assert roles_of(app, admin.id) == {"admin"}
    assert changes(app) == []


def test_admin_role_can_go_while_another_admin_remains(app, client, logged_in, make_user):
    logged_in("admin")
    other = make_user(ROLE_SETS["admin"])
    response = post(client, f"/admin/benutzer/{other.id}/rollen", {}, token_from="/admin/")
    assert response.status_code == 302
    assert roles_of(app, other.id) == set()


@pytest.mark.parametrize("method", ["GET", "POST roles", "POST block", "POST unblock"])
def test_unknown_or_deleted_user_is_404(app, client, logged_in, make_user, method):
    logged_in("admin")
    gone = make_user()
    delete_account(app, gone.id)
    suffix, data = {
        "GET": ("", None),
        "POST roles": ("/rollen", {"roles": ["moderator"]}),
        "POST block": ("/sperren", block_data("Spam")),
        "POST unblock": ("/entsperren", {}),
    }[method]
    for user_id in (gone.id, 987654):
        path = f"/admin/benutzer/{user_id}{suffix}"
        response = client.get(path) if data is None else post(client, path, data, token_from="/admin/")
        assert response.status_code == 404, path
    assert changes(app) == []


# --- blocking -----------------------------------------------------------------------------------


def test_block_needs_a_reason(app, client, logged_in, make_user):
    logged_in("admin")
    target = make_user()
    response = post(client, f"/admin/benutzer/{target.id}/sperren", block_data("   "), token_from="/admin/")
    assert response.status_code == 400
    assert REASON_REQUIRED in response.get_data(as_text=True)
    assert blocked_at(app, target.id) is None
    assert changes(app) == []


def test_block_ends_sessions_and_login(app, client, logged_in, make_user):
    admin = logged_in("admin")
    target = make_user(name="Bert Blockiert")
    target_client = app.test_client()
    login(target_client, target)
    copy = app.test_client()
    copy.set_cookie("session", target_client.get_cookie("session").value)
    assert copy.get("/konto/").status_code == 200  # the copied cookie works before the block

    reason = "Wiederholte Beleidigungen"
    response = post(
        client,
        f"/admin/benutzer/{target.id}/sperren",
        block_data(reason),
        token_from="/admin/",
    )
    assert response.status_code == 302
    assert blocked_at(app, target.id) is not None

    assert is_anonymous(target_client)
    assert is_anonymous(copy)
    refused = post(target_client, "/konto/anmelden", {"email": target.email, "password": target.password})
    assert BLOCKED_LOGIN in refused.get_data(as_text=True)
    assert is_anonymous(target_client)

    # One block, one entry: the sanction decision (with category and end), not a second "user.blocked".
    [entry] = audit_rows(app, "moderation.block")
    assert (entry.actor_id, entry.target_id, entry.reason) == (admin.id, target.id, reason)
    assert audit_rows(app, "user.blocked") == []
    assert reason in client.get(f"/admin/benutzer/{target.id}").get_data(as_text=True)


def test_unblock(app, client, logged_in, make_user):
    admin = logged_in("admin")
    target = make_user()
    post(
        client,
        f"/admin/benutzer/{target.id}/sperren",
        block_data("Spam"),
        token_from="/admin/",
    )
    detail = client.get(f"/admin/benutzer/{target.id}").get_data(as_text=True)
    assert f'action="/admin/benutzer/{target.id}/entsperren"' in detail
    response = post(client, f"/admin/benutzer/{target.id}/entsperren", {}, token_from="/admin/")
    assert response.status_code == 302
    assert blocked_at(app, target.id) is None
    [entry] = audit_rows(app, "user.unblocked")
    assert (entry.actor_id, entry.target_id) == (admin.id, target.id)
    login(app.test_client(), target)  # can log in again


def test_admin_cannot_block_themselves(app, client, logged_in):
    admin = logged_in("admin")
    assert "/sperren" not in client.get(f"/admin/benutzer/{admin.id}").get_data(as_text=True)
    response = post(client, f"/admin/benutzer/{admin.id}/sperren", block_data("Test"), token_from="/admin/")
    assert response.status_code == 403
    assert blocked_at(app, admin.id) is None
    assert post(client, f"/admin/benutzer/{admin.id}/entsperren", {}, token_from="/admin/").status_code == 403


def test_last_admin_cannot_be_blocked(app, make_user):
    only_admin = make_user(ROLE_SETS["admin"])
    with app.app_context():
        target = get_user(app, only_admin.id)
        with pytest.raises(InvalidState):
            accounts.block(None, target, "Test")
        db.session.rollback()
        assert get_user(app, only_admin.id).blocked_at is None
        assert accounts.admin_count() == 1


def test_another_admin_can_be_blocked_while_one_remains(app, client, logged_in, make_user):
    logged_in("admin")
    other = make_user(ROLE_SETS["admin"])
    response = post(
        client,
        f"/admin/benutzer/{other.id}/sperren",
        block_data("Ausgeschieden"),
        token_from="/admin/",
    )
    assert response.status_code == 302
    assert blocked_at(app, other.id) is not None
    with app.app_context():
        assert accounts.admin_count() == 1


# --- role matrix and CSRF -----------------------------------------------------------------------

GET_ROUTES = [
    "/admin/",
    "/admin/benutzer",
    "/admin/benutzer/{target}",
    "/admin/protokoll",
    "/admin/einstellungen",
] + [
    f"/admin/einstellungen/{slug}"
    for slug in (
        "impressum",
        "datenschutz",
        "barrierefreiheit",
        "netiquette",
        "leichte-sprache",
        "gebaerdensprache",
    )
]
POST_ROUTES = [
    ("/admin/benutzer/{target}/rollen", {"roles": ["moderator", "admin"]}),
    ("/admin/benutzer/{target}/sperren", block_data("Spam")),
    ("/admin/benutzer/{target}/entsperren", {}),
    ("/admin/einstellungen/impressum", {"body": "# Geändert"}),
    ("/admin/protokoll.csv", {}),
]
ROUTES = [("GET", path, None) for path in GET_ROUTES] + [("POST", path, data) for path, data in POST_ROUTES]
# English aliases: a permanent redirect for everyone; the German target checks the role.
REDIRECTS = {"/admin/settings": "/admin/einstellungen"}


def test_matrix_covers_every_admin_route(app):
    adapter = app.url_map.bind("localhost")
    covered = {adapter.match(path.format(target=1), method=method)[0] for method, path, _data in ROUTES}
    covered |= {adapter.match(path, method="GET")[0] for path in REDIRECTS}
    admin_endpoints = {
        rule.endpoint for rule in app.url_map.iter_rules() if rule.endpoint.startswith("admin.")
    }
    assert covered == admin_endpoints


@pytest.mark.parametrize("role", ["anonymous", "citizen", "moderator", "planner", "admin"])
@pytest.mark.parametrize(("method", "path", "data"), ROUTES, ids=[f"{m} {p}" for m, p, _d in ROUTES])
def test_role_matrix(app, client, logged_in, make_user, role, method, path, data):
    if role != "anonymous":
        logged_in(role)
    target = make_user(name="Ziel Person")
    url = path.format(target=target.id)
    response = client.get(url) if method == "GET" else post(client, url, data)
    if role == "anonymous":
        assert response.status_code == 302
        location = urlsplit(response.location)
        assert location.path == "/konto/anmelden"
        assert parse_qs(location.query)["next"] == [url]
    elif role == "admin":
        # The CSV download is the one POST that answers with content (the file) instead of a redirect.
        assert response.status_code == (200 if method == "GET" or path.endswith(".csv") else 302)
        return
    else:
        assert response.status_code == 403
        assert "Kein Zugriff" in response.get_data(as_text=True)
    assert changes(app) == []
    assert roles_of(app, target.id) == set() and blocked_at(app, target.id) is None
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(LegalPage)) == 0


@pytest.mark.parametrize("role", ["anonymous", "citizen", "moderator", "planner", "admin"])
@pytest.mark.parametrize(("path", "target"), REDIRECTS.items())
def test_english_aliases_redirect_everyone_permanently(client, logged_in, role, path, target):
    if role != "anonymous":
        logged_in(role)
    response = client.get(path)
    assert response.status_code == 308
    assert response.location == target
    # The alias only answers GET: a POST is 405, not form data passed on by a 308.
    assert post(client, path, {}).status_code == 405


@pytest.mark.parametrize(("path", "data"), POST_ROUTES, ids=[p for p, _d in POST_ROUTES])
def test_post_without_csrf_token_changes_nothing(app, client, logged_in, make_user, path, data):
    logged_in("admin")
    target = make_user(ROLE_SETS["planner"])
    if "entsperren" in path:
        with app.app_context():
            accounts.block(None, get_user(app, target.id), "Vorher gesperrt")
            db.session.commit()
    before = changes(app)
    response = client.post(path.format(target=target.id), data=data)
    assert response.status_code == 400
    assert changes(app) == before
    assert roles_of(app, target.id) == {"planner"}
    assert (blocked_at(app, target.id) is not None) == ("entsperren" in path)
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(LegalPage)) == 0
