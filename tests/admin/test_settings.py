"""Admin settings: editing the legal and access pages, sanitising their text, the footer links."""

from __future__ import annotations

import html as html_lib
import re

import pytest
from sqlalchemy import func, select

from participation.core.demo import seed_legal_pages
from participation.core.legal_texts import default_legal_text
from participation.core.models import AuditLogEntry, LegalPage
from participation.extensions import db
from tests.conftest import post

SLUGS = ("impressum", "datenschutz", "barrierefreiheit", "netiquette", "leichte-sprache", "gebaerdensprache")
TITLES = {
    "impressum": "Impressum",
    "datenschutz": "Datenschutz",
    "barrierefreiheit": "Barrierefreiheit",
    "netiquette": "Netiquette",
    "leichte-sprache": "Leichte Sprache",
    "gebaerdensprache": "Gebärdensprache",
}
EMPTY = "Der Text darf nicht leer sein."


def save(client, slug: str, body: str):
    return post(
        client, f"/admin/einstellungen/{slug}", {"body": body}, token_from=f"/admin/einstellungen/{slug}"
    )


def stored(app, slug: str) -> str | None:
    with app.app_context():
        page = db.session.get(LegalPage, slug)
        return page.body if page else None


def footer_of(html: str) -> str:
    return html.split('<footer class="site-footer">', 1)[1]


def test_settings_lists_the_four_legal_pages(client, logged_in):
    logged_in("admin")
    response = client.get("/admin/einstellungen")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    main = html.split("<main", 1)[1].split("</main>", 1)[0]
    for slug, title in TITLES.items():
        assert f'href="/admin/einstellungen/{slug}"' in main
        assert f"{title} bearbeiten" in main
    assert "Musterstadt" in main


@pytest.mark.parametrize(
    ("who", "final_status"), [("admin", 200), ("citizen", 403), ("moderator", 403), ("planner", 403)]
)
def test_admin_settings_english_address_redirects_permanently_and_the_target_checks_the_role(
    client, logged_in, who, final_status
):
    logged_in(who)
    response = client.get("/admin/settings")
    assert response.status_code == 308
    assert response.headers["Location"] == "/admin/einstellungen"
    followed = client.get("/admin/settings", follow_redirects=True)
    assert followed.status_code == final_status
    assert followed.request.path == "/admin/einstellungen"
    if final_status == 200:
        assert "<h1>Einstellungen</h1>" in followed.get_data(as_text=True)
    else:
        assert "Kein Zugriff" in followed.get_data(as_text=True)


def test_admin_settings_english_address_sends_anonymous_visitors_to_login(client):
    response = client.get("/admin/settings", follow_redirects=True)
    assert [r.status_code for r in response.history] == [308, 302]
    assert response.request.path == "/konto/anmelden"
    assert response.request.args["next"] == "/admin/einstellungen"


@pytest.mark.parametrize("slug", SLUGS)
def test_edit_form_starts_with_the_shipped_text(client, logged_in, slug):
    logged_in("admin")
    html = client.get(f"/admin/einstellungen/{slug}").get_data(as_text=True)
    textarea = html_lib.unescape(re.search(r"<textarea[^>]*>(.*?)</textarea>", html, re.S).group(1))
    shipped = default_legal_text(slug, "Musterstadt")
    assert textarea.replace("\r\n", "\n").strip() == shipped.strip()
    assert "Musterstadt" in textarea
    assert "$site_name" not in textarea


def test_saving_impressum_shows_rendered_markdown(app, client, logged_in):
    logged_in("admin")
    body = "# Impressum der Stadt\n\nStadt **Beispielhausen**, Rathausplatz 1\n\n- Telefon: 01234 5678"
    response = save(client, "impressum", body)
    assert response.status_code == 302
    assert response.location.endswith("/impressum")
    assert stored(app, "impressum") == body
    page = client.get("/impressum").get_data(as_text=True)
    assert "<strong>Beispielhausen</strong>" in page
    assert "<li>Telefon: 01234 5678</li>" in page
    assert "Impressum der Stadt</h2>" in page  # sections sit under the page's own h1, never beside it
    assert "Der Text wurde gespeichert." in page
    # The other pages keep their templates.
    assert "Beispielhausen" not in client.get("/datenschutz").get_data(as_text=True)


def test_saving_again_replaces_the_text(app, client, logged_in):
    logged_in("admin")
    save(client, "netiquette", "Erste Fassung")
    save(client, "netiquette", "Zweite Fassung")
    assert stored(app, "netiquette") == "Zweite Fassung"
    page = client.get("/netiquette").get_data(as_text=True)
    assert "Zweite Fassung" in page and "Erste Fassung" not in page
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(LegalPage)) == 1


@pytest.mark.parametrize(
    "body",
    [
        "<script>alert(1)</script>",
        "[x](javascript:alert(1))",
        "[x](JaVaScRiPt:alert(1))",
        "[x](java&#x09;script:alert(1))",
        '<img src=x onerror="alert(1)">',
        "![x](javascript:alert(1))",
        "<a href='javascript:alert(1)'>x</a>",
    ],
)
def test_script_in_legal_text_is_neutralised(client, logged_in, body):
    logged_in("admin")
    assert save(client, "impressum", f"Text davor\n\n{body}\n\nText danach").status_code == 302
    page = client.get("/impressum").get_data(as_text=True)
    article = page.split('<article class="prose">', 1)[1].split("</article>", 1)[0]
    assert "Text davor" in article and "Text danach" in article
    assert "<script" not in article.lower()
    assert "<img" not in article.lower()
    assert not re.search(r"<[^>]*\son\w+\s*=", article, re.I)
    for href in re.findall(r'href="([^"]*)"', article):
        assert not html_lib.unescape(href).lower().replace("\t", "").startswith("javascript"), href


@pytest.mark.parametrize("body", ["", "   \r\n  ", "\u200b"])
def test_empty_body_is_refused(app, client, logged_in, body):
    logged_in("admin")
    response = save(client, "datenschutz", body)
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert EMPTY in html or "Der Text enthält keine sichtbaren Zeichen." in html
    assert stored(app, "datenschutz") is None
    with app.app_context():
        saved = (
            select(func.count())
            .select_from(AuditLogEntry)
            .where(AuditLogEntry.action == "settings.legal_page_saved")
        )
        assert db.session.scalar(saved) == 0


def test_plain_empty_body_names_the_german_error(client, logged_in):
    logged_in("admin")
    assert EMPTY in save(client, "impressum", "").get_data(as_text=True)


def test_control_characters_are_refused(app, client, logged_in):
    logged_in("admin")
    response = save(client, "impressum", "Text\x00mit NUL")
    assert response.status_code == 200
    assert "Der Text enthält unzulässige Steuerzeichen." in response.get_data(as_text=True)
    assert stored(app, "impressum") is None


def test_saving_writes_an_audit_row(app, client, logged_in):
    admin = logged_in("admin")
    save(client, "barrierefreiheit", "Wir bemühen uns um Barrierefreiheit.")
    with app.app_context():
        [entry] = db.session.scalars(
            select(AuditLogEntry).where(AuditLogEntry.action == "settings.legal_page_saved")
        ).all()
        assert entry.actor_id == admin.id
        assert entry.target_label == "barrierefreiheit"
        assert entry.details["slug"] == "barrierefreiheit"
        page = db.session.get(LegalPage, "barrierefreiheit")
        assert page.updated_by_id == admin.id


@pytest.mark.parametrize("slug", SLUGS)
def test_unedited_pages_show_the_german_template(client, slug):
    response = client.get(f"/{slug}")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    article = html.split('<article class="prose">', 1)[1].split("</article>", 1)[0]
    assert f"<h1>{TITLES[slug]}</h1>" in article
    assert "Musterstadt" in article
    assert "$site_name" not in article


def test_unedited_impressum_names_itself_once_and_starts_its_sections_at_h2(client):
    html = client.get("/impressum").get_data(as_text=True)
    assert re.findall(r"<h[1-6]>Impressum</h[1-6]>", html) == ["<h1>Impressum</h1>"]
    assert "<h2>Anbieter</h2>" in html
    assert "Angaben gemäß § 5" in html


def test_unknown_legal_slug_is_404(client, logged_in):
    logged_in("admin")
    assert client.get("/admin/einstellungen/agb").status_code == 404
    assert client.get("/agb").status_code == 404


@pytest.mark.parametrize(
    ("who", "path"),
    [
        ("anonymous", "/"),
        ("anonymous", "/impressum"),
        ("anonymous", "/konto/anmelden"),
        ("anonymous", "/konto/registrieren"),
        ("anonymous", "/gibt-es-nicht"),
        ("citizen", "/konto/"),
        ("citizen", "/admin/"),
        ("admin", "/admin/einstellungen"),
        ("admin", "/admin/protokoll"),
    ],
)
def test_every_page_footer_links_all_legal_pages(client, logged_in, who, path):
    if who != "anonymous":
        logged_in(who)
    footer = footer_of(client.get(path).get_data(as_text=True))
    for slug, title in TITLES.items():
        assert f'<a href="/{slug}">{title}</a>' in footer


@pytest.mark.parametrize("slug", ["leichte-sprache", "gebaerdensprache"])
@pytest.mark.parametrize("who", ["citizen", "moderator", "planner"])
def test_only_admins_edit_the_access_pages(app, client, logged_in, who, slug):
    logged_in(who)
    assert client.get(f"/admin/einstellungen/{slug}").status_code == 403
    response = post(client, f"/admin/einstellungen/{slug}", {"body": "Übernommen"})
    assert response.status_code == 403
    assert stored(app, slug) is None


@pytest.mark.parametrize("slug", ["leichte-sprache", "gebaerdensprache"])
def test_admin_edits_the_access_pages(app, client, logged_in, slug):
    logged_in("admin")
    assert save(client, slug, "Unser **Video** folgt.").status_code == 302
    assert stored(app, slug) == "Unser **Video** folgt."
    assert "<strong>Video</strong>" in client.get(f"/{slug}").get_data(as_text=True)


def test_start_page_links_leichte_sprache_and_gebaerdensprache(client):
    html = client.get("/").get_data(as_text=True)
    main = html.split("<main", 1)[1].split("</main>", 1)[0]
    assert '<a href="/leichte-sprache">Informationen in Leichter Sprache</a>' in main
    assert '<a href="/gebaerdensprache">Informationen in Deutscher Gebärdensprache</a>' in main


def test_leichte_sprache_default_is_easy_read(client):
    html = client.get("/leichte-sprache").get_data(as_text=True)
    article = html.split('<article class="prose">', 1)[1].split("</article>", 1)[0]
    sentences = re.findall(r"<p>(.*?)</p>", article, re.S)
    # One statement per line: every paragraph is one short sentence.
    assert len(sentences) > 30
    for sentence in sentences:
        text = re.sub(r"<[^>]+>", "", sentence)
        assert len(text.split()) <= 15, text
    for topic in ("Vorhaben", "Umfrage", "Diskussion", "Wissens-Seiten", "Konto", "Hilfe"):
        assert topic in article


def test_gebaerdensprache_default_embeds_nothing_from_elsewhere(client):
    html = client.get("/gebaerdensprache").get_data(as_text=True)
    article = html.split('<article class="prose">', 1)[1].split("</article>", 1)[0]
    assert "Gebärdensprache" in article and "[" in article  # the placeholder the admin replaces
    assert "<iframe" not in article and "<video" not in article and "http" not in article


def test_seeding_stores_every_default_text_once(app):
    with app.app_context():
        seed_legal_pages()
        seed_legal_pages()
        db.session.commit()
        slugs = set(db.session.scalars(select(LegalPage.slug)))
    assert slugs == set(SLUGS)
