"""The readable side of "Meine Daten": what each JSON key means, German labels for codes, the ZIP file.

The download is a ZIP with `meine-daten.json` (the machine-readable export, keys unchanged) and
`meine-daten.html` (the same data for people: headings, labels, times in Europe/Berlin). FIELDS is the
documented list of the JSON's keys; the HTML page prints it, and a test checks that every key the
exporters produce is in it, so a new key cannot slip in undocumented.

The exporters belong to their domains (core.privacy's registry); this module only describes their
output, as a reader of a published format does, and imports none of them.
"""

from __future__ import annotations

import io
import json
import zipfile
from datetime import date, datetime
from typing import Any

from flask_babel import lazy_gettext as _l

from participation.core.i18n import format_day, format_when

JSON_NAME = "meine-daten.json"
HTML_NAME = "meine-daten.html"

SECTIONS: dict[str, Any] = {
    "account": _l("Ihr Konto"),
    "discussions": _l("Diskussionen"),
    "moderation": _l("Moderation: Entscheidungen und Einsprüche"),
    "notifications": _l("Benachrichtigungen"),
    "surveys": _l("Umfragen"),
    "wiki": _l("Wiki: Ihre Textvorschläge"),
}

# Every key of the JSON file by its path (list positions left out) and what it means.
FIELDS: dict[str, Any] = {
    "generated_at": _l("Zeitpunkt, zu dem die Datei erstellt wurde"),
    "account": _l("Ihr Konto"),
    "account.email": _l("E-Mail-Adresse"),
    "account.pending_email": _l("Neue E-Mail-Adresse, noch nicht bestätigt"),
    "account.display_name": _l("Angezeigter Name"),
    "account.locale": _l("Sprache der Oberfläche (leer: wie im Browser eingestellt)"),
    "account.notify_by_email": _l("Benachrichtigungen auch per E-Mail"),
    "account.roles": _l("Rollen über „Bürgerin/Bürger“ hinaus"),
    "account.created_at": _l("Konto angelegt am"),
    "account.email_verified_at": _l("E-Mail-Adresse bestätigt am"),
    "account.active_sessions": _l("Angemeldete Geräte und Browser (Anzahl)"),
    "discussions": _l("Diskussionen"),
    "discussions.comments": _l("Ihre Kommentare"),
    "discussions.comments.id": _l("Nummer des Kommentars"),
    "discussions.comments.project": _l("Vorhaben (Adresskürzel)"),
    "discussions.comments.parent_id": _l("Antwort auf Kommentar Nummer"),
    "discussions.comments.status": _l("Status"),
    "discussions.comments.body": _l("Text (leer, wenn Sie ihn gelöscht haben)"),
    "discussions.comments.created_at": _l("Geschrieben am"),
    "discussions.comments.edited_at": _l("Zuletzt bearbeitet am"),
    "discussions.comments.earlier_versions": _l("Frühere Fassungen"),
    "discussions.comments.earlier_versions.body": _l("Text der früheren Fassung"),
    "discussions.comments.earlier_versions.written_at": _l("Geschrieben am"),
    "discussions.comments.earlier_versions.replaced_at": _l("Ersetzt am"),
    "discussions.votes": _l("Ihre Bewertungen von Kommentaren"),
    "discussions.votes.comment_id": _l("Kommentar Nummer"),
    "discussions.votes.value": _l("Bewertung"),
    "discussions.votes.created_at": _l("Bewertet am"),
    "discussions.reports": _l("Ihre Meldungen von Kommentaren"),
    "discussions.reports.comment_id": _l("Kommentar Nummer"),
    "discussions.reports.reason": _l("Grund"),
    "discussions.reports.text": _l("Ihre Erläuterung"),
    "discussions.reports.created_at": _l("Gemeldet am"),
    "moderation": _l("Moderation: Entscheidungen und Einsprüche"),
    "moderation.decisions": _l("Entscheidungen, die Sie betreffen"),
    "moderation.decisions.id": _l("Nummer der Entscheidung"),
    "moderation.decisions.action": _l("Maßnahme (Code)"),
    "moderation.decisions.action_label": _l("Maßnahme"),
    "moderation.decisions.reason_code": _l("Grund (Code)"),
    "moderation.decisions.reason_label": _l("Grund"),
    "moderation.decisions.reason_text": _l("Begründung"),
    "moderation.decisions.ends_at": _l("Gilt bis"),
    "moderation.decisions.created_at": _l("Entschieden am"),
    "moderation.appeals": _l("Ihre Einsprüche"),
    "moderation.appeals.decision_id": _l("Zur Entscheidung Nummer"),
    "moderation.appeals.text": _l("Ihr Einspruch"),
    "moderation.appeals.status": _l("Stand"),
    "moderation.appeals.answer": _l("Antwort der Moderation"),
    "moderation.appeals.created_at": _l("Eingelegt am"),
    "moderation.appeals.decided_at": _l("Entschieden am"),
    "notifications": _l("Benachrichtigungen"),
    "notifications.kind": _l("Art (Code)"),
    "notifications.text": _l("Text"),
    "notifications.url": _l("Verweis"),
    "notifications.created_at": _l("Erhalten am"),
    "notifications.read_at": _l("Gelesen am"),
    "surveys": _l("Umfragen"),
    "surveys.responses": _l("Ihre Antworten in nicht anonymen Umfragen"),
    "surveys.responses.survey": _l("Umfrage"),
    "surveys.responses.submitted_on": _l("Abgegeben am"),
    "surveys.responses.channel": _l("Weg der Antwort"),
    "surveys.responses.answers": _l("Antworten"),
    "surveys.responses.answers.code": _l("Fragecode"),
    "surveys.responses.answers.question": _l("Frage"),
    "surveys.responses.answers.answer": _l("Ihre Antwort"),
    "surveys.anonymous_participations": _l(
        "Anonyme Umfragen, an denen Sie teilgenommen haben "
        "(ohne Ihre Antworten: sie sind nicht mit Ihnen verbunden)"
    ),
    "surveys.drafts": _l("Umfragen mit einem gespeicherten, noch nicht abgegebenen Entwurf"),
    "wiki": _l("Wiki: Ihre Textvorschläge"),
    "wiki.page": _l("Seite (Adresskürzel)"),
    "wiki.title": _l("Titel"),
    "wiki.summary": _l("Zusammenfassung der Änderung"),
    "wiki.body": _l("Text"),
    "wiki.state": _l("Stand"),
    "wiki.created_at": _l("Vorgeschlagen am"),
    "wiki.decision_reason": _l("Begründung der Entscheidung"),
}

# Codes in the JSON and what they say; a code not listed here is shown as it is.
VALUES: dict[str, dict[Any, Any]] = {
    "account.roles": {"moderator": _l("Moderation"), "planner": _l("Planung"), "admin": _l("Administration")},
    "account.locale": {"de": _l("Deutsch"), "en": _l("Englisch")},
    "discussions.comments.status": {
        "published": _l("veröffentlicht"),
        "pending": _l("wartet auf Prüfung"),
        "hidden": _l("von der Moderation ausgeblendet"),
        "removed": _l("von der Moderation entfernt"),
        "deleted": _l("von Ihnen gelöscht"),
    },
    "discussions.votes.value": {1: _l("Zustimmung (+1)"), -1: _l("Ablehnung (−1)")},
    "discussions.reports.reason": {
        "spam": _l("Spam"),
        "abuse": _l("Beleidigung oder Hassrede"),
        "off_topic": _l("Off-Topic"),
        "personal_data": _l("Personenbezogene Daten"),
        "unlawful": _l("Rechtswidriger Inhalt"),
        "other": _l("Sonstiges"),
    },
    "moderation.appeals.status": {
        "open": _l("offen"),
        "upheld": _l("zurückgewiesen – Entscheidung bleibt"),
        "overturned": _l("stattgegeben – Entscheidung aufgehoben"),
    },
    "surveys.responses.channel": {
        "online": _l("Online"),
        "telefon": _l("Telefon"),
        "buergerbuero": _l("Bürgerbüro"),
        "papier": _l("Papier/Post"),
    },
    "wiki.state": {
        "pending": _l("wartet auf Prüfung"),
        "approved": _l("freigegeben"),
        "rejected": _l("abgelehnt"),
        "withdrawn": _l("zurückgezogen"),
        "outdated": _l("überholt"),
    },
}


def label(path: str) -> str:
    """The German (or English) name of a key; an undocumented key is shown as it is."""
    return str(FIELDS.get(path, path.rsplit(".", 1)[-1]))


def shown(path: str, value: Any) -> str:
    """A single value for people: labelled codes, Ja/Nein, Berlin times, German days, "–" for nothing."""
    if value is None or value == "":
        return "–"
    if isinstance(value, bool):
        return str(_l("Ja") if value else _l("Nein"))
    labels = VALUES.get(path)
    if labels and value in labels:
        return str(labels[value])
    if isinstance(value, str) and path.endswith("_at"):
        try:
            return format_when(datetime.fromisoformat(value))
        except ValueError:
            return value
    if isinstance(value, str) and path.endswith("_on"):
        try:
            return format_day(date.fromisoformat(value))
        except ValueError:
            return value
    return str(value)


def as_json(data: dict[str, Any]) -> str:
    """The machine-readable export, exactly as the JSON download writes it."""
    return json.dumps(data, ensure_ascii=False, indent=2)


def archive(json_text: str, html_text: str) -> bytes:
    """The ZIP: the JSON file and the readable HTML page side by side."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as bundle:
        bundle.writestr(HTML_NAME, html_text)
        bundle.writestr(JSON_NAME, json_text)
    return buffer.getvalue()
