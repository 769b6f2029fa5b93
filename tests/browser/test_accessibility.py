"""axe-core (WCAG 2.1 A/AA) finds no violations on any page type, in the state a real user sees it."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from axe_playwright_python.sync_playwright import Axe

from participation.accounts import services
from participation.accounts.models import Role, User
from participation.accounts.tokens import make_reset_token
from participation.extensions import db
from participation.projects.models import Project
from tests.browser.conftest import Site

AXE_OPTIONS = {
    "runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]},
    # Two best-practice rules Lighthouse's accessibility score counts: no skipped heading level going
    # down, and only roles an element may have (a heading with role=status broke both).
    "rules": {"heading-order": {"enabled": True}, "aria-allowed-role": {"enabled": True}},
}

SCENARIOS: dict[str, Callable[[Site], None]] = {}


def scenario(name: str):
    def register(function: Callable[[Site], None]):
        SCENARIOS[name] = function
        return function

    return register


def heading(site: Site) -> str:
    return site.page.locator("main h1").first.inner_text()


def submit_main_form(site: Site, button_text: str | None = None, status: int = 200) -> None:
    """Submit the page's main form with the mouse and wait for the answer."""
    button = site.page.locator("main button[type=submit]")
    if button_text:
        button = button.filter(has_text=button_text)
    with (
        site.page.expect_navigation(),
        site.page.expect_response(lambda r: r.request.method == "POST") as answer,
    ):
        button.first.click()
    assert answer.value.status == status, f"POST answered {answer.value.status}, expected {status}"


def assert_error_summary(site: Site, *messages: str) -> None:
    summary = site.page.locator(".error-summary")
    assert summary.is_visible()
    for message in messages:
        assert message in summary.inner_text()


def admin_with_target(site: Site) -> tuple:
    """Log in as an admin; there is a second account to look at."""
    target = site.make_user(name="Erika Mustermann", email="erika.mustermann@example.org")
    admin = site.login_as("admin")
    return admin, target


# --- public pages --------------------------------------------------------------------------------


@scenario("home")
def _home(site: Site) -> None:
    site.goto("/")
    assert "Bürgerbeteiligung in" in heading(site)


@scenario("search-results")
def _search_results(site: Site) -> None:
    with site.app.app_context():
        project = Project(slug="suchtest", title="Suchtest", summary="Bäume und Bänke.", description="")
        db.session.add(project)
        db.session.commit()
        db.session.remove()
    site.goto("/suche?q=B%C3%A4ume")
    assert site.page.locator(".search-hits mark").count() >= 1


@scenario("search-stop-words-only")
def _search_stop_words(site: Site) -> None:
    site.goto("/suche?q=und+der")
    assert site.page.locator("main [role=status]").is_visible()


@scenario("menu-open-on-a-phone")
def _menu_open(site: Site) -> None:
    site.page.set_viewport_size({"width": 360, "height": 740})
    site.login_as("admin")
    site.goto("/wiki/")
    site.page.click(".menu-toggle summary")
    assert site.page.locator(".nav-panel").is_visible()


@scenario("home-unverified")
def _home_unverified(site: Site) -> None:
    site.login_as("citizen", verified=False)
    site.goto("/")
    assert site.page.locator(".notice-warning button", has_text="Link erneut senden").is_visible()


for _slug, _title in [
    ("impressum", "Impressum"),
    ("datenschutz", "Datenschutz"),
    ("barrierefreiheit", "Barrierefreiheit"),
    ("netiquette", "Netiquette"),
    ("leichte-sprache", "Leichte Sprache"),
    ("gebaerdensprache", "Gebärdensprache"),
]:

    def _legal_page(site: Site, slug: str = _slug, title: str = _title) -> None:
        site.goto(f"/{slug}")
        assert title in heading(site)

    SCENARIOS[f"legal-{_slug}"] = _legal_page


@scenario("login")
def _login(site: Site) -> None:
    site.goto("/konto/anmelden")
    assert heading(site) == "Anmelden"


@scenario("login-errors")
def _login_errors(site: Site) -> None:
    site.goto("/konto/anmelden")
    submit_main_form(site)
    assert_error_summary(
        site, "Bitte geben Sie Ihre E-Mail-Adresse ein.", "Bitte geben Sie Ihr Passwort ein."
    )
    assert site.page.locator("#email").get_attribute("aria-invalid") == "true"


@scenario("login-wrong-password")
def _login_wrong_password(site: Site) -> None:
    user = site.make_user()
    site.goto("/konto/anmelden")
    site.page.fill("#email", user.email)
    site.page.fill("#password", "falsch-falsch-falsch")
    submit_main_form(site)
    assert_error_summary(site, "E-Mail-Adresse oder Passwort ist falsch.")


@scenario("register")
def _register(site: Site) -> None:
    site.goto("/konto/registrieren")
    assert heading(site) == "Konto anlegen"


@scenario("register-errors")
def _register_errors(site: Site) -> None:
    site.goto("/konto/registrieren")
    site.page.fill("#email", "keine-adresse")
    site.page.fill("#password", "kurz")
    submit_main_form(site)
    assert_error_summary(
        site, "Bitte geben Sie eine gültige E-Mail-Adresse ein.", "Bitte geben Sie einen Anzeigenamen ein."
    )


@scenario("register-done")
def _register_done(site: Site) -> None:
    site.goto("/konto/registrieren")
    site.page.fill("#email", "neu@example.org")
    site.page.fill("#display_name", "Neue Person")
    site.page.fill("#password", "Lindenpark-Brunnen-7")
    site.page.fill("#password_confirm", "Lindenpark-Brunnen-7")
    submit_main_form(site)
    assert heading(site) == "Bitte bestätigen Sie Ihre E-Mail-Adresse"


@scenario("forgot-password")
def _forgot_password(site: Site) -> None:
    site.goto("/konto/passwort-vergessen")
    assert heading(site) == "Passwort vergessen"


@scenario("forgot-password-errors")
def _forgot_password_errors(site: Site) -> None:
    site.goto("/konto/passwort-vergessen")
    submit_main_form(site)
    assert_error_summary(site, "Bitte geben Sie Ihre E-Mail-Adresse ein.")


@scenario("forgot-password-done")
def _forgot_password_done(site: Site) -> None:
    site.goto("/konto/passwort-vergessen")
    site.page.fill("#email", "unbekannt@example.org")
    submit_main_form(site)
    assert heading(site) == "Bitte sehen Sie in Ihr Postfach"


def _reset_path(site: Site) -> str:
    user = site.make_user()
    with site.app.app_context():
        token = make_reset_token(db.session.get(User, user.id))
        db.session.remove()
    return f"/konto/passwort-neu/{token}"


@scenario("reset-password")
def _reset_password(site: Site) -> None:
    site.goto(_reset_path(site))
    assert heading(site) == "Neues Passwort festlegen"


@scenario("reset-password-errors")
def _reset_password_errors(site: Site) -> None:
    site.goto(_reset_path(site))
    site.page.fill("#password", "Lindenpark-Brunnen-7")
    site.page.fill("#password_confirm", "etwas anderes")
    submit_main_form(site)
    assert_error_summary(site, "Die Passwörter stimmen nicht überein.")


@scenario("link-invalid")
def _link_invalid(site: Site) -> None:
    site.goto("/konto/bestaetigen/kein-gueltiger-token", status=400)
    assert heading(site) == "Dieser Link ist ungültig oder abgelaufen"


@scenario("not-found-404")
def _not_found(site: Site) -> None:
    site.goto("/gibt-es-nicht", status=404)
    assert heading(site) == "Seite nicht gefunden"


@scenario("forbidden-403")
def _forbidden(site: Site) -> None:
    site.login_as("citizen")
    site.goto("/admin/", status=403)
    assert heading(site) == "Kein Zugriff"


# --- the signed-in person's own pages ------------------------------------------------------------


def _own_page(path: str, title: str) -> Callable[[Site], None]:
    def run(site: Site) -> None:
        site.login_as("citizen")
        site.goto(path)
        assert heading(site) == title
        assert site.page.locator(".subnav [aria-current=page]").count() == 1

    return run


SCENARIOS["profile"] = _own_page("/konto/", "Mein Konto")
SCENARIOS["password-change"] = _own_page("/konto/passwort", "Passwort ändern")
SCENARIOS["email-change"] = _own_page("/konto/e-mail", "E-Mail-Adresse ändern")
SCENARIOS["my-data"] = _own_page("/konto/daten", "Meine Daten")
SCENARIOS["account-delete"] = _own_page("/konto/loeschen", "Konto löschen")


@scenario("password-change-errors")
def _password_change_errors(site: Site) -> None:
    site.login_as("citizen")
    site.goto("/konto/passwort")
    site.page.fill("#current_password", "nicht-das-passwort")
    site.page.fill("#password", "Neuer-Brunnenweg-42")
    site.page.fill("#password_confirm", "Neuer-Brunnenweg-42")
    submit_main_form(site)
    assert_error_summary(site, "Das aktuelle Passwort ist falsch.")


@scenario("account-delete-errors")
def _account_delete_errors(site: Site) -> None:
    site.login_as("citizen")
    site.goto("/konto/loeschen")
    submit_main_form(site)
    assert site.page.locator(".error-summary").is_visible()


# --- administration ------------------------------------------------------------------------------


@scenario("admin-index")
def _admin_index(site: Site) -> None:
    site.login_as("admin")
    site.goto("/admin/")
    assert heading(site) == "Verwaltung"


@scenario("admin-user-list")
def _admin_user_list(site: Site) -> None:
    site.make_user({Role.MODERATOR}, name="Moderation Mitte")
    site.make_user(verified=False, name="Noch Unbestätigt")
    admin_with_target(site)
    site.goto("/admin/benutzer")
    assert site.page.locator("tbody tr").count() == 4


@scenario("admin-user-list-empty-search")
def _admin_user_list_empty(site: Site) -> None:
    site.login_as("admin")
    site.goto("/admin/benutzer?q=niemand-heisst-so")
    assert "Keine Konten gefunden." in site.page.locator("tbody").inner_text()


@scenario("admin-user-detail")
def _admin_user_detail(site: Site) -> None:
    _admin, target = admin_with_target(site)
    site.goto(f"/admin/benutzer/{target.id}")
    assert heading(site) == "Erika Mustermann"
    assert site.page.locator("#block-text").is_visible()


@scenario("admin-user-detail-block-error")
def _admin_user_detail_block_error(site: Site) -> None:
    _admin, target = admin_with_target(site)
    site.goto(f"/admin/benutzer/{target.id}")
    submit_main_form(site, "Konto sperren", status=400)
    assert_error_summary(site, "Bitte begründen Sie die Entscheidung für die betroffene Person.")
    assert site.page.locator("#block-text").get_attribute("aria-invalid") == "true"


def _fill_block_form(site: Site) -> None:
    """The shared sanction form: duration, category (with its rule), the reason for the person."""
    site.page.fill("#block-days", "7")
    site.page.select_option("#block-reason_code", "spam")
    site.page.fill("#block-text", "Wiederholt beleidigende Beiträge")


@scenario("admin-user-block-confirmation")
def _admin_user_block_confirmation(site: Site) -> None:
    """The confirmation step before blocking: what happens, what cannot be undone, the reason typed."""
    _admin, target = admin_with_target(site)
    site.goto(f"/admin/benutzer/{target.id}")
    _fill_block_form(site)
    submit_main_form(site, "Konto sperren", status=200)
    assert heading(site) == "Konto von Erika Mustermann sperren?"
    assert "Wiederholt beleidigende Beiträge" in site.page.locator("main").inner_text()


@scenario("admin-user-detail-blocked")
def _admin_user_detail_blocked(site: Site) -> None:
    _admin, target = admin_with_target(site)
    site.goto(f"/admin/benutzer/{target.id}")
    _fill_block_form(site)
    submit_main_form(site, "Konto sperren", status=200)  # the confirmation step (core/confirm.py)
    submit_main_form(site, "Ja, Konto sperren", status=302)
    assert site.page.locator("main button", has_text="Sperre aufheben").is_visible()


@scenario("admin-audit-log")
def _admin_audit_log(site: Site) -> None:
    admin, target = admin_with_target(site)
    with site.app.app_context():
        actor, person = db.session.get(User, admin.id), db.session.get(User, target.id)
        services.set_roles(actor, person, {Role.MODERATOR, Role.PLANNER})
        services.block(actor, person, "Wiederholt beleidigende Beiträge")
        services.unblock(None, person)
        db.session.commit()
        db.session.remove()
    site.goto("/admin/protokoll")
    # two "user.created" lines from make_user, then the three admin actions, each a sentence
    assert site.page.locator(".audit-line").count() == 5
    log = site.page.locator(".audit-lines").inner_text()
    for sentence in (
        "hat die Rollen für das Konto von Erika Mustermann geändert",
        "hat das Konto von Erika Mustermann gesperrt",
        "hat die Sperre für das Konto von Erika Mustermann aufgehoben",
    ):
        assert sentence in log


@scenario("admin-settings")
def _admin_settings(site: Site) -> None:
    site.login_as("admin")
    site.goto("/admin/einstellungen")
    assert heading(site) == "Einstellungen"


@scenario("admin-legal-page-edit")
def _admin_legal_page_edit(site: Site) -> None:
    site.login_as("admin")
    site.goto("/admin/einstellungen/impressum")
    assert heading(site) == "Impressum bearbeiten"
    assert site.page.locator("#body").input_value().strip()


@scenario("admin-legal-page-edit-errors")
def _admin_legal_page_edit_errors(site: Site) -> None:
    site.login_as("admin")
    site.goto("/admin/einstellungen/impressum")
    site.page.fill("#body", "")
    submit_main_form(site)
    assert_error_summary(site, "Der Text darf nicht leer sein.")


# --- the check -----------------------------------------------------------------------------------


def describe(violations: list[dict]) -> str:
    """Each violation with id, help, and every node's target and axe's explanation (colours included)."""
    lines = []
    for violation in violations:
        lines.append(f"- {violation['id']} ({violation.get('impact')}): {violation['help']}")
        for node in violation["nodes"]:
            lines.append(f"    target {', '.join(map(str, node['target']))}")
            for check in node.get("any", []) + node.get("all", []) + node.get("none", []):
                data = check.get("data")
                detail = ""
                if isinstance(data, dict) and "contrastRatio" in data:
                    detail = (
                        f" [fg {data.get('fgColor')} bg {data.get('bgColor')}"
                        f" ratio {data.get('contrastRatio')} need {data.get('expectedContrastRatio')}]"
                    )
                lines.append(f"      {check['message']}{detail}")
    return "\n".join(lines)


BROKEN_ID_REFERENCES = """() => {
    const broken = [];
    const check = (el, attr, ids) => {
        for (const id of ids.split(/\\s+/).filter(Boolean)) {
            if (!document.getElementById(id)) {
                broken.push(`${el.tagName.toLowerCase()}${el.id ? '#' + el.id : ''} ${attr}="${id}"`);
            }
        }
    };
    for (const attr of ['aria-describedby', 'aria-labelledby', 'aria-controls', 'aria-errormessage']) {
        for (const el of document.querySelectorAll(`[${attr}]`)) check(el, attr, el.getAttribute(attr));
    }
    for (const label of document.querySelectorAll('label[for]')) check(label, 'for', label.htmlFor);
    return broken;
}"""


def axe_problems(site: Site, context: str | None = None) -> tuple[list[str], dict]:
    """What axe-core (WCAG 2.1 A/AA, within ``context`` if given) and the id check find on the page now,
    as lines for a report, with axe's whole response."""
    result = Axe().run(site.page, context=context, options=AXE_OPTIONS)
    violations = result.response["violations"]
    # axe files a reference to a missing id only under "incomplete"; a form field pointing its
    # description at nothing is still wrong, so it is checked here directly.
    broken = site.page.evaluate(BROKEN_ID_REFERENCES)
    problems = []
    if violations:
        problems.append(f"axe found {len(violations)} WCAG violation(s):\n{describe(violations)}")
    if broken:
        problems.append("ID references to elements that do not exist: " + "; ".join(broken))
    return problems, result.response


@pytest.mark.parametrize("name", list(SCENARIOS))
def test_page_has_no_wcag_violations(site: Site, name: str) -> None:
    SCENARIOS[name](site)
    problems, response = axe_problems(site)
    report = f"{name} ({site.page.url}):\n" + "\n".join(problems)
    if problems:
        print(report)
    assert not problems, report
    # axe really ran the WCAG rules on this page (not an empty result from a broken injection)
    assert response["passes"], "axe reported no passing rules at all"


def test_axe_check_catches_a_real_violation(site: Site) -> None:
    """The harness is not vacuous: an unlabelled field and an image without alt text are reported."""
    site.goto("/")
    site.page.evaluate(
        """() => {
            const main = document.querySelector('main');
            main.insertAdjacentHTML(
                'beforeend', '<input type="text" id="unlabelled"><img src="/static/img/logo.svg">'
            );
        }"""
    )
    result = Axe().run(site.page, options=AXE_OPTIONS)
    found = {violation["id"] for violation in result.response["violations"]}
    assert {"label", "image-alt"} <= found, describe(result.response["violations"])
