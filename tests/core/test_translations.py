"""Message catalogues: all source strings translated, placeholders intact, compiled, served by language."""

from __future__ import annotations

import re
import shlex
import subprocess
import sys
from collections import Counter
from functools import cache
from pathlib import Path

import pytest
from babel.messages import frontend
from babel.messages.catalog import Catalog
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir, extract_from_file
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po

from participation.core import catalogs
from tests.conftest import post

ROOT = Path(__file__).resolve().parents[2]
TRANSLATIONS = ROOT / "participation" / "translations"
LOCALES = ["de", "en"]
KEYWORDS = {**DEFAULT_KEYWORDS, "_l": None, "lazy_gettext": None, "lazy_pgettext": ((1, "c"), 2)}
PLACEHOLDER = re.compile(r"%\(\w+\)[#0 +-]*\d*(?:\.\d+)?[a-zA-Z]")
# Words that are spelt the same in both languages; everything else in English must differ from the German.
SAME_IN_ENGLISH = {
    "Administration",
    "Code",
    "Codes",
    "Export",
    "Format",
    "Information",
    "Matrix",
    "Maximum",
    "Median",
    "Minimum",
    "Moderation",
    "Name",
    "n = %(n)s",
    "Netiquette",
    "Online",
    "Person",
    "Phase",
    "Spam",
    "Status",
    "System",
    "Text",
    "Text (Markdown)",
}


# --- extraction at test time --------------------------------------------------------------------


def _method_map() -> tuple[list, dict]:
    parse = getattr(frontend, "parse_mapping_cfg", None) or frontend.parse_mapping
    with open(ROOT / "babel.cfg", encoding="utf-8") as handle:
        return parse(handle)


def _walk_every_directory(dirpath: str) -> bool:
    # Unlike babel's default, underscore directories (templates/_macros) are real sources here.
    name = Path(dirpath).name
    return not (name.startswith(".") or name in {"__pycache__", "node_modules", "instance"})


@cache
def extracted() -> dict[str, str | None]:
    """Every msgid in the source tree with its msgid_plural (None for singular messages)."""
    method_map, options_map = _method_map()
    found: dict[str, str | None] = {}
    for _filename, _lineno, message, _comments, _context in extract_from_dir(
        str(ROOT), method_map, options_map, keywords=KEYWORDS, directory_filter=_walk_every_directory
    ):
        if isinstance(message, tuple):
            found[message[0]] = message[1]
        else:
            found.setdefault(message, None)
    return found


def load(locale: str) -> Catalog:
    return catalogs.read_catalog(TRANSLATIONS / locale / "LC_MESSAGES" / "messages.po")


def forms(message) -> list[str]:
    return list(message.string) if isinstance(message.string, (list, tuple)) else [message.string]


def key(message) -> str | tuple[str, ...]:
    return message.id if isinstance(message.id, str) else tuple(message.id)


def msgid_of(message) -> str:
    return message.id[0] if isinstance(message.id, (list, tuple)) else message.id


def test_extraction_finds_the_source_strings():
    """The extraction itself works: Python, templates, macros (jinja `do`), mail texts and plurals."""
    found = extracted()
    assert len(found) > 150
    assert "E-Mail-Adresse oder Passwort ist falsch." in found  # Python, gettext
    assert "Gelöschtes Konto" in found  # Python, lazy_gettext as _l
    assert "Zum Inhalt springen" in found  # base.html
    assert "Seitennavigation" in found  # _macros/forms.html uses {% do %}
    assert "Hallo %(name)s," in found  # mail/*.txt
    assert found["%(num)s Konto gefunden"] == "%(num)s Konten gefunden"  # ngettext


GETTEXT_CALL = re.compile(r"\b(_|gettext|ngettext)\(")
TEMPLATES_WITH_GETTEXT = sorted(
    p.relative_to(ROOT).as_posix()
    for p in (ROOT / "templates").rglob("*")
    if p.suffix in {".html", ".txt"} and GETTEXT_CALL.search(p.read_text(encoding="utf-8"))
)


@pytest.mark.parametrize("template", TEMPLATES_WITH_GETTEXT)
def test_every_template_with_gettext_calls_is_extracted(template):
    """A template that fails to parse is skipped silently by the jinja extractor; none may be."""
    method_map, options_map = _method_map()
    suffix = Path(template).suffix
    pattern = next(p for p, method in method_map if method == "jinja2" and p.endswith(suffix))
    messages = list(
        extract_from_file("jinja2", ROOT / template, keywords=KEYWORDS, options=options_map[pattern])
    )
    assert messages, f"{template} calls gettext but yields no messages (syntax error or missing extension?)"


def test_makefile_extraction_finds_every_message(tmp_path):
    """`make extract-messages` runs pybabel extract; it must see every message the source tree has."""
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    line = next(line for line in makefile.splitlines() if "pybabel extract" in line)
    args = shlex.split(line)[1:]
    output = tmp_path / "messages.pot"
    args[args.index("-o") + 1] = str(output)
    result = subprocess.run(
        [sys.executable, "-m", "babel.messages.frontend", "--quiet", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    with open(output, "rb") as handle:
        template_ids = {msgid_of(m) for m in read_po(handle) if m.id}
    missing = sorted(set(extracted()) - template_ids)
    assert not missing, "the Makefile's pybabel extract skips these (underscore directory?):\n" + "\n".join(
        missing
    )


# --- catalogue contents -------------------------------------------------------------------------


@pytest.mark.parametrize("locale", LOCALES)
def test_every_extracted_message_is_translated(locale):
    """Each msgid of the source exists in the catalogue, with every plural form filled and no fuzzy flag."""
    catalog = load(locale)
    problems = []
    by_id = {}
    for entry in catalog:  # pgettext entries carry a context: look them up by msgid too
        if entry.id:
            by_id.setdefault(msgid_of(entry), entry)
    for msgid, plural in sorted(extracted().items()):
        message = catalog.get(msgid) or by_id.get(msgid)
        if message is None:
            problems.append(f"absent:     {msgid!r}")
        elif message.fuzzy:
            problems.append(f"fuzzy:      {msgid!r}")
        elif not all(forms(message)):
            problems.append(f"empty:      {msgid!r}")
        elif (plural is not None) != message.pluralizable:
            problems.append(f"plural off: {msgid!r}")
    assert not problems, f"{locale}: run `make extract-messages` and translate:\n" + "\n".join(problems)
    assert catalogs.missing_translations(TRANSLATIONS / locale / "LC_MESSAGES" / "messages.po") == []


@pytest.mark.parametrize("locale", LOCALES)
def test_placeholders_are_kept(locale):
    """`%(name)s` placeholders in each msgstr form are exactly those of its msgid (or msgid_plural)."""
    catalog = load(locale)
    wrong = []
    for message in catalog:
        if not message.id:
            continue
        ids = list(message.id) if isinstance(message.id, (list, tuple)) else [message.id]
        for index, text in enumerate(forms(message)):
            source = ids[min(index, len(ids) - 1)]
            if Counter(PLACEHOLDER.findall(text)) != Counter(PLACEHOLDER.findall(source)):
                wrong.append(f"{source!r} -> {text!r}")
        wrong.extend(f"{msgid_of(message)!r}: {error}" for error in message.check(catalog))
    assert not wrong, "\n".join(wrong)


def test_german_catalogue_repeats_the_source():
    """German is the source language: msgstr is the msgid, plural forms are msgid and msgid_plural."""
    catalog = load("de")
    assert catalog.num_plurals == 2
    differing = [
        msgid_of(m)
        for m in catalog
        if m.id and forms(m) != (list(m.id) if isinstance(m.id, (list, tuple)) else [m.id])
    ]
    hint = "change German wording in the source, not in de/messages.po:\n"
    assert not differing, hint + "\n".join(differing)


def test_english_catalogue_is_really_english():
    """English entries are translations, not copied German (except words spelt the same)."""
    copied = [
        msgid_of(m)
        for m in load("en")
        if m.id and msgid_of(m) not in SAME_IN_ENGLISH and forms(m)[0] == msgid_of(m)
    ]
    assert not copied, "\n".join(copied)
    english = load("en")
    assert english.get("Impressum").string == "Legal notice (Impressum)"
    assert english.get("Gelöschtes Konto").string == "Deleted account"
    assert english.get("%(num)s Konto gefunden").string == ("%(num)s account found", "%(num)s accounts found")


@pytest.mark.parametrize("locale", LOCALES)
def test_compiled_catalogue_matches_the_po_file(locale):
    """The .mo the app loads holds exactly the .po's translations (`make translations` rebuilds it)."""
    directory = TRANSLATIONS / locale / "LC_MESSAGES"
    mo_path = directory / "messages.mo"
    assert mo_path.exists(), f"{mo_path} missing: run `make translations` (pybabel compile)"
    with open(mo_path, "rb") as handle:
        compiled = {key(m): tuple(forms(m)) for m in read_mo(handle) if m.id}
    source = {key(m): tuple(forms(m)) for m in load(locale) if m.id and not m.fuzzy and all(forms(m))}
    assert compiled == source, f"{mo_path} is stale: run `make translations`"


# --- the catalogue tool -------------------------------------------------------------------------

PO_TEMPLATE = """\
msgid ""
msgstr ""
"Language: de\\n"
"Plural-Forms: nplurals=2; plural=(n != 1);\\n"
"Content-Type: text/plain; charset=utf-8\\n"

msgid "Zeile"
msgstr ""

#, python-format
msgid "%(n)s Eintrag"
msgid_plural "%(n)s Einträge"
msgstr[0] ""
msgstr[1] ""

#, fuzzy
msgid "Alt"
msgstr "Ganz alt"

msgid "Eigen"
msgstr "Eigen"
"""


def test_missing_translations_lists_empty_partial_and_fuzzy(tmp_path):
    """Empty, half-filled plural and fuzzy entries count as missing; translated ones do not."""
    path = tmp_path / "messages.po"
    path.write_text(PO_TEMPLATE.replace('msgstr[0] ""', 'msgstr[0] "%(n)s Eintrag"'), encoding="utf-8")
    assert catalogs.missing_translations(path) == ["Zeile", "%(n)s Eintrag", "Alt"]


def test_fill_german_copies_msgids_and_drops_fuzzy(tmp_path):
    """fill-german sets msgstr = msgid (plurals: msgid, msgid_plural), clears fuzzy, keeps filled entries."""
    path = tmp_path / "messages.po"
    path.write_text(PO_TEMPLATE, encoding="utf-8")
    assert catalogs.main(["fill-german", str(path)]) == 0
    catalog = catalogs.read_catalog(path)
    assert catalog.get("Zeile").string == "Zeile"
    assert catalog.get("%(n)s Eintrag").string == ("%(n)s Eintrag", "%(n)s Einträge")
    assert catalog.get("Alt").string == "Alt"
    assert not catalog.get("Alt").fuzzy
    assert catalog.get("Eigen").string == "Eigen"
    assert catalogs.missing_translations(path) == []
    text = path.read_text(encoding="utf-8")
    assert "#:" not in text and "fuzzy" not in text
    assert text.index('msgid "%(n)s Eintrag"') < text.index('msgid "Alt"') < text.index('msgid "Zeile"')
    assert catalogs.fill_german(path) == 0  # idempotent


# --- the app speaks the reader's language -------------------------------------------------------


@pytest.mark.parametrize(
    ("accept_language", "lang"),
    [
        (None, "de"),
        ("de-DE,de;q=0.9,en;q=0.8", "de"),
        ("en", "en"),
        ("en-US,en;q=0.9", "en"),
        ("en-GB,en;q=0.8,de;q=0.5", "en"),
        ("fr", "de"),
        ("*", "de"),
    ],
)
def test_home_page_follows_accept_language(client, accept_language, lang):
    """Accept-Language picks German or English; anything else falls back to German."""
    headers = {"Accept-Language": accept_language} if accept_language else {}
    html = client.get("/", headers=headers).get_data(as_text=True)
    assert f'<html lang="{lang}">' in html
    if lang == "en":
        assert "Skip to content" in html and "Zum Inhalt springen" not in html
        assert "Legal notice (Impressum)" in html  # lazy_gettext in Python, rendered per request
    else:
        assert "Zum Inhalt springen" in html and "Skip to content" not in html
        assert ">Impressum<" in html


def test_language_switch_overrides_the_browser(client):
    """POST /sprache language=en makes the next pages English even when the browser asks for German."""
    german = {"Accept-Language": "de"}
    response = post(client, "/sprache", {"language": "en", "next": "/impressum"}, headers=german)
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/impressum")
    html = client.get("/", headers=german).get_data(as_text=True)
    assert '<html lang="en">' in html and "Skip to content" in html

    post(client, "/sprache", {"language": "de", "next": "/"}, headers={"Accept-Language": "en"})
    html = client.get("/", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert '<html lang="de">' in html and "Zum Inhalt springen" in html


def test_forms_errors_and_flashes_are_translated(client):
    """Lazy form labels, Python gettext messages and error pages come out in English too."""
    english = {"Accept-Language": "en"}
    page = client.get("/konto/anmelden", headers=english).get_data(as_text=True)
    assert "Email address" in page and "Stay logged in" in page and "Forgotten your password?" in page

    response = post(
        client,
        "/konto/anmelden",
        {"email": "nobody@example.org", "password": "wrong-password-123"},
        token_from="/konto/anmelden",
        headers=english,
    )
    assert "Email address or password is incorrect." in response.get_data(as_text=True)

    missing = client.get("/gibt-es-nicht", headers=english)
    assert missing.status_code == 404
    assert "Page not found" in missing.get_data(as_text=True)
