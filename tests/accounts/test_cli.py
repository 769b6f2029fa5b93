"""The accounts domain's command-line tools: `user create`, `user set-roles` and `seed-demo`."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select
from werkzeug.security import check_password_hash

from participation.accounts.demo import DEMO_ACCOUNTS
from participation.accounts.models import User
from participation.accounts.passwords import password_problems
from participation.core.legal_texts import LEGAL_PAGE_SLUGS
from participation.core.models import AuditLogEntry, LegalPage
from participation.discussions.models import Comment, CommentReport
from participation.extensions import db
from participation.moderation.models import Decision, ModerationItem, TargetType
from tests.conftest import ROLE_SETS, TEST_PASSWORD, UserInfo, login

PASSWORD = "Gartenzaun-Kastanie-42"
ACCOUNT_LINE = re.compile(r"^\s+(\S+@\S+)\s+(\S+)\s+(\S.*)$", re.M)


def find(app, email: str) -> dict | None:
    """A plain snapshot of an account (objects would detach when the context ends)."""
    with app.app_context():
        user = db.session.scalar(select(User).where(User.email == email))
        if user is None:
            return None
        return {
            "id": user.id,
            "name": user.display_name,
            "verified": user.is_verified,
            "roles": {str(role) for role in user.roles},
            "hash": user.password_hash,
        }


def counts(app) -> dict[str, int]:
    """Rows per table, over every domain's tables (demo seeders of all domains must be idempotent)."""
    with app.app_context():
        return {
            table.name: db.session.scalar(select(func.count()).select_from(table))
            for table in db.metadata.sorted_tables
        }


# --- user create --------------------------------------------------------------------------------


def test_create_user_with_roles(app, cli, client):
    result = cli(
        "user",
        "create",
        "Maria.Muster@Example.org",
        "--name",
        "Maria Muster",
        "--role",
        "moderator",
        "--role",
        "planner",
        "--password",
        PASSWORD,
    )
    assert result.exit_code == 0, result.output
    assert "maria.muster@example.org" in result.output
    user = find(app, "maria.muster@example.org")
    assert user is not None
    assert user["name"] == "Maria Muster"
    assert user["verified"] is True
    assert user["roles"] == {"moderator", "planner"}
    assert check_password_hash(user["hash"], PASSWORD)
    login(client, UserInfo(user["id"], "maria.muster@example.org", PASSWORD, "Maria Muster"))


def test_create_citizen_without_role(app, cli):
    result = cli("user", "create", "bert@example.org", "--name", "Bert", "--password", PASSWORD)
    assert result.exit_code == 0, result.output
    assert find(app, "bert@example.org")["roles"] == set()


def test_create_refuses_duplicate_email(app, cli, make_user):
    existing = make_user(email="doppelt@example.org")
    before = counts(app)
    result = cli("user", "create", "DOPPELT@example.org", "--name", "Zweite", "--password", PASSWORD)
    assert result.exit_code != 0
    assert "Es gibt bereits ein Konto mit" in result.output
    assert counts(app) == before
    assert find(app, "doppelt@example.org")["name"] == existing.name


@pytest.mark.parametrize("email", ["keine-adresse", "a@b", "zwei@@example.org", ""])
def test_create_refuses_invalid_email(app, cli, email):
    result = cli("user", "create", email, "--name", "Niemand", "--password", PASSWORD)
    assert result.exit_code != 0
    assert "EMAIL" in result.output
    assert counts(app)["users"] == 0


@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("passwort123", "zu verbreitet"),
        ("kurz", "mindestens 10 Zeichen"),
        ("lisa.lustig@example.org", "E-Mail-Adresse oder Ihren Namen"),
    ],
)
def test_create_refuses_weak_password(app, cli, password, message):
    result = cli("user", "create", "lisa.lustig@example.org", "--name", "Lisa Lustig", "--password", password)
    assert result.exit_code != 0
    assert message in result.output
    assert find(app, "lisa.lustig@example.org") is None


def test_create_prompts_for_password(app, cli):
    result = cli(
        "user", "create", "prompt@example.org", "--name", "Paul Prompt", input=f"{PASSWORD}\n{PASSWORD}\n"
    )
    assert result.exit_code == 0, result.output
    assert "Passwort" in result.output
    assert PASSWORD not in result.output  # hidden input is not echoed
    assert check_password_hash(find(app, "prompt@example.org")["hash"], PASSWORD)


def test_prompted_password_must_match_and_pass_the_policy(app, cli):
    mismatch = cli(
        "user", "create", "x@example.org", "--name", "X Y", input=f"{PASSWORD}\nAnders-{PASSWORD}\n"
    )
    assert mismatch.exit_code != 0
    common = cli("user", "create", "x@example.org", "--name", "X Y", input="passwort123\npasswort123\n")
    assert common.exit_code != 0 and "zu verbreitet" in common.output
    assert find(app, "x@example.org") is None


def test_unknown_role_is_refused(app, cli):
    result = cli(
        "user", "create", "r@example.org", "--name", "R", "--role", "superuser", "--password", PASSWORD
    )
    assert result.exit_code != 0
    assert find(app, "r@example.org") is None


# --- user set-roles -----------------------------------------------------------------------------


def test_set_roles_replaces_roles(app, cli, make_user):
    user = make_user(ROLE_SETS["moderator"], email="rollen@example.org")
    result = cli("user", "set-roles", "Rollen@Example.org", "planner", "admin")
    assert result.exit_code == 0, result.output
    assert find(app, user.email)["roles"] == {"planner", "admin"}
    with app.app_context():
        entry = db.session.scalar(select(AuditLogEntry).where(AuditLogEntry.action == "user.roles_changed"))
        assert entry.actor_id is None and entry.target_id == user.id
        assert entry.details == {"before": ["moderator"], "after": ["admin", "planner"]}


def test_set_roles_citizen_alone_removes_all(app, cli, make_user):
    make_user(ROLE_SETS["admin"])  # someone else stays admin
    user = make_user(frozenset(ROLE_SETS["moderator"] | ROLE_SETS["planner"] | ROLE_SETS["admin"]))
    result = cli("user", "set-roles", user.email, "citizen")
    assert result.exit_code == 0, result.output
    assert find(app, user.email)["roles"] == set()


def test_set_roles_keeps_the_last_admin(app, cli, make_user):
    user = make_user(ROLE_SETS["admin"])
    result = cli("user", "set-roles", user.email, "citizen")
    assert result.exit_code != 0
    assert "letzte" in result.output
    assert find(app, user.email)["roles"] == {"admin"}


def test_set_roles_for_unknown_email_fails(app, cli):
    result = cli("user", "set-roles", "niemand@example.org", "planner")
    assert result.exit_code != 0
    assert "Kein Konto mit niemand@example.org" in result.output
    assert counts(app)["users"] == 0


# --- seed-demo ----------------------------------------------------------------------------------


def printed_accounts(output: str) -> dict[str, str]:
    return {email: password for email, password, _label in ACCOUNT_LINE.findall(output)}


def test_seed_demo_creates_accounts_and_legal_pages(app, cli):
    result = cli("seed-demo")
    assert result.exit_code == 0, result.output
    printed = printed_accounts(result.output)
    assert printed == {account.email: account.password for account in DEMO_ACCOUNTS}
    roles = [frozenset(find(app, email)["roles"]) for email in printed]
    assert sorted(map(sorted, roles)) == [[], ["admin"], ["moderator"], ["planner"]]
    assert all(find(app, email)["verified"] for email in printed)
    with app.app_context():
        slugs = set(db.session.scalars(select(LegalPage.slug)))
        assert slugs == set(LEGAL_PAGE_SLUGS)
        assert all("Musterstadt" in db.session.get(LegalPage, slug).body for slug in slugs)


def test_seed_demo_twice_creates_no_duplicates(app, cli):
    first = cli("seed-demo")
    assert first.exit_code == 0, first.output
    after_first = counts(app)
    second = cli("seed-demo")
    assert second.exit_code == 0, second.output
    assert counts(app) == after_first
    assert all(find(app, account.email) is not None for account in DEMO_ACCOUNTS)
    assert printed_accounts(second.output) == printed_accounts(first.output)


def test_seed_demo_keeps_edited_legal_pages(app, cli):
    with app.app_context():
        db.session.add(LegalPage(slug="impressum", body="Eigenes Impressum"))
        db.session.commit()
    assert cli("seed-demo").exit_code == 0
    with app.app_context():
        assert db.session.get(LegalPage, "impressum").body == "Eigenes Impressum"


def test_seed_demo_if_empty_does_nothing_when_accounts_exist(app, cli, make_user):
    make_user(email="echt@example.org")
    before = counts(app)
    result = cli("seed-demo", "--if-empty")
    assert result.exit_code == 0, result.output
    assert counts(app) == before
    assert all(find(app, account.email) is None for account in DEMO_ACCOUNTS)


def test_seed_demo_if_empty_seeds_an_empty_database(app, cli):
    result = cli("seed-demo", "--if-empty")
    assert result.exit_code == 0, result.output
    assert all(find(app, account.email) is not None for account in DEMO_ACCOUNTS)


def test_demo_accounts_can_log_in_with_printed_passwords(app, cli):
    printed = printed_accounts(cli("seed-demo").output)
    assert len(printed) == 4
    for email, password in printed.items():
        browser = app.test_client()
        login(browser, UserInfo(find(app, email)["id"], email, password, ""))
        assert browser.get("/konto/").status_code == 200, email
    admin = next(account for account in DEMO_ACCOUNTS if account.roles == ROLE_SETS["admin"])
    browser = app.test_client()
    login(browser, UserInfo(0, admin.email, admin.password, ""))
    assert browser.get("/admin/").status_code == 200


@pytest.mark.parametrize("account", DEMO_ACCOUNTS, ids=lambda account: account.email)
def test_demo_passwords_pass_the_policy(app, account):
    with app.app_context():
        assert (
            password_problems(account.password, email=account.email, display_name=account.display_name) == []
        )
    assert account.password != TEST_PASSWORD


def test_seed_demo_gives_the_demo_moderator_a_queue_with_work_and_a_decision(app, cli):
    printed = printed_accounts(cli("seed-demo").output)
    moderator_email = next(a.email for a in DEMO_ACCOUNTS if a.roles == ROLE_SETS["moderator"])
    with app.app_context():
        everything = db.session.scalars(select(ModerationItem).order_by(ModerationItem.id)).all()
        # The demo's pending wiki change waits in the queue too (it entered when it was proposed).
        [wiki_item] = [i for i in everything if i.target_type == TargetType.WIKI_REVISION.value]
        assert wiki_item.is_open
        items = [i for i in everything if i.target_type == TargetType.COMMENT.value]
        open_items = [i for i in items if i.is_open]
        comments = {i.id: db.session.get(Comment, i.target_id) for i in items}
        reporters = {
            i.id: db.session.scalar(
                select(func.count()).where(
                    CommentReport.comment_id == i.target_id, CommentReport.resolved_at.is_(None)
                )
            )
            for i in items
        }
        held = [i for i in open_items if comments[i.id].status == "pending"]
        reported = [i for i in open_items if reporters[i.id] > 0]
        assert len(held) == 1 and reporters[held[0].id] == 0
        assert len(reported) >= 2 and max(reporters[i.id] for i in reported) >= 2
        [decided] = [i for i in items if not i.is_open]
        decision = db.session.scalar(select(Decision).where(Decision.item_id == decided.id))
        assert decision.action == "hide" and decision.reason_code == "spam" and decision.reason_text
        assert db.session.get(User, decision.moderator_id).email == moderator_email
        assert comments[decided.id].status == "hidden"
        assert (
            db.session.scalar(
                select(func.count()).where(
                    CommentReport.comment_id == decided.target_id, CommentReport.resolved_at.is_(None)
                )
            )
            == 0
        )
        audit = db.session.scalar(select(AuditLogEntry).where(AuditLogEntry.action == "moderation.hide"))
        assert audit.details["decision_id"] == decision.id
        decided_id = decided.id
    browser = app.test_client()
    login(browser, UserInfo(0, moderator_email, printed[moderator_email], ""))
    queue = browser.get("/moderation").get_data(as_text=True)
    for item in [*open_items, wiki_item]:
        assert f'/moderation/eintrag/{item.id}"' in queue
    assert f'/moderation/eintrag/{decided_id}"' not in queue
    assert "Wiki-Änderung: Bürgerbüro" in queue and '<span class="tag">wartet auf Freigabe</span>' in queue
    assert "Werbung für ein Kreditangebot" in browser.get(f"/moderation/eintrag/{decided_id}").get_data(
        as_text=True
    )
