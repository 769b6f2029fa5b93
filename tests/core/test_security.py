"""Unit tests for the redirect-target check and the download headers."""

from __future__ import annotations

import re
from urllib.parse import unquote

import pytest

from participation.core.downloads import attachment_headers
from participation.core.security import is_safe_next, safe_next

GOOD_TARGETS = [
    "/",
    "/konto/",
    "/admin/benutzer?q=anna&seite=2",
    "/ok?next=//x",  # the query is not where the browser goes
    "/konto/anmelden?next=https://evil.example",
    "/%2F%2Fx",  # an encoded slash is a path segment on this site, not a host
    "/impressum#kontakt",
    "/ümlaut/pfad",
]

EVIL_TARGETS = [
    None,
    "",
    "//x",
    "///x",
    "//evil.example/konto",
    "/\\x",
    "/\\/x",
    "\\\\x",
    "\\/x",
    "/x\\y",
    "https://x",
    "http://evil.example/",
    "HTTPS://evil.example/",
    "javascript:x",
    "JaVaScRiPt:alert(1)",
    "data:text/html,<script>alert(1)</script>",
    "mailto:a@example.org",
    "/\tx",
    "/\t/x",
    "/\nx",
    "/\r/x",
    "/\x00x",
    "\t//x",
    " /x",
    "x",
    "konto/",
    "%2F%2Fx",
    "?next=/",
    "#/",
]


@pytest.mark.parametrize("target", GOOD_TARGETS)
def test_local_paths_are_safe(target):
    assert is_safe_next(target) is True
    assert safe_next(target, "/fallback") == target


@pytest.mark.parametrize("target", EVIL_TARGETS)
def test_targets_that_could_leave_the_site_are_refused(target):
    assert is_safe_next(target) is False
    assert safe_next(target, "/fallback") == "/fallback"


# --- Content-Disposition ------------------------------------------------------------------------

# RFC 5987 attr-char, plus percent-encoded octets.
EXT_VALUE_RE = re.compile(r"^(?:[A-Za-z0-9!#$&+\-.^_`|~]|%[0-9A-F]{2})+$")
HEADER_RE = re.compile(r'^attachment; filename="([^"]*)"; filename\*=UTF-8\'\'(\S+)$')

FILENAMES = [
    "Ergebnisse Marktplatz – Größe.csv",
    "meine-daten-2026-11-27.json",
    'Umfrage "Spielplatz"; Teil 1.csv',
    "Umfrage A/B.csv",
    "Bericht\\Entwurf.csv",
    "Ölwechsel 100%.csv",
    "渋谷 Umfrage.csv",
    "Zeile\r\nX-Injected: 1.csv",
]


def _parts(filename: str) -> tuple[str, str]:
    headers = attachment_headers(filename)
    assert list(headers) == ["Content-Disposition"]
    match = HEADER_RE.match(headers["Content-Disposition"])
    assert match, headers["Content-Disposition"]
    return match.group(1), match.group(2)


@pytest.mark.parametrize("filename", FILENAMES)
def test_filename_star_is_rfc5987_encoded_and_round_trips(filename):
    _fallback, encoded = _parts(filename)
    assert EXT_VALUE_RE.match(encoded), f"characters outside RFC 5987 attr-char in {encoded!r}"
    assert unquote(encoded, encoding="utf-8", errors="strict") == filename


@pytest.mark.parametrize("filename", FILENAMES)
def test_ascii_fallback_is_plain_and_cannot_break_the_header(filename):
    fallback, _encoded = _parts(filename)
    assert fallback.isascii()
    assert re.fullmatch(r"[A-Za-z0-9._-]+", fallback), fallback
    assert fallback.rsplit(".", 1)[-1] == filename.rsplit(".", 1)[-1]


def test_ascii_fallback_keeps_german_words_readable():
    fallback, encoded = _parts("Ergebnisse Marktplatz – Größe.csv")
    assert fallback.startswith("Ergebnisse_Marktplatz_")
    # Umlauts lose their dots, but "ß" must not vanish ("Groe" is not a word; "Grosse"/"Groesse" are).
    assert re.search(r"_Gro(e)?sse\.csv$", fallback), fallback
    assert encoded == "Ergebnisse%20Marktplatz%20%E2%80%93%20Gr%C3%B6%C3%9Fe.csv"


def test_fallback_for_a_name_without_any_ascii_letters():
    fallback, encoded = _parts("渋谷")
    assert fallback and fallback.isascii()
    assert unquote(encoded) == "渋谷"
