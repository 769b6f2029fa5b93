"""How each audit-log action reads in words: one sentence per action code that any domain records.

Every `audit.record(actor, "<code>", ...)` in the code needs an entry here (a test finds the calls
and fails for a code without one). Placeholders: %(actor)s the person (or "Die Plattform"),
%(target)s what the entry is about as a noun phrase ("den Kommentar von … zu „…“"), and the entry's
detail keys by name (a missing detail reads as "–").
"""

from __future__ import annotations

from flask_babel import LazyString
from flask_babel import lazy_gettext as _l

AUDIT_TEXTS: dict[str, LazyString] = {
    # Moderation decisions on content (moderation/services.py: f"moderation.{Action}").
    "moderation.publish": _l("%(actor)s hat %(target)s freigegeben"),
    "moderation.hide": _l("%(actor)s hat %(target)s ausgeblendet"),
    "moderation.remove": _l("%(actor)s hat %(target)s entfernt"),
    "moderation.restore": _l("%(actor)s hat %(target)s wieder veröffentlicht"),
    "moderation.dismiss": _l("%(actor)s hat %(target)s geprüft: die Meldungen sind unbegründet"),
    "moderation.reject": _l("%(actor)s hat %(target)s abgelehnt"),
    "moderation.auto_hidden": _l("%(actor)s hat %(target)s nach mehreren Meldungen vorläufig ausgeblendet"),
    # Sanctions (moderation/sanctions.py).
    "moderation.mute": _l("%(actor)s hat %(target)s stummgeschaltet"),
    "moderation.mute_extended": _l("%(actor)s hat die Stummschaltung für %(target)s verlängert"),
    "moderation.unmute": _l("%(actor)s hat die Stummschaltung für %(target)s aufgehoben"),
    "moderation.block": _l("%(actor)s hat %(target)s gesperrt"),
    "moderation.block_extended": _l("%(actor)s hat die Sperre für %(target)s verlängert"),
    # Appeals (moderation/appeals.py: f"moderation.appeal_{AppealStatus}").
    "moderation.appeal_filed": _l("%(actor)s hat Einspruch gegen %(target)s eingelegt"),
    "moderation.appeal_upheld": _l("%(actor)s hat den Einspruch gegen %(target)s zurückgewiesen"),
    "moderation.appeal_overturned": _l(
        "%(actor)s hat dem Einspruch gegen %(target)s stattgegeben und die Entscheidung aufgehoben"
    ),
    "moderation.log_exported": _l("%(actor)s hat das Moderationsprotokoll als CSV heruntergeladen"),
    # Planner tokens for the API (api/tokens.py, api/responses.py).
    "api.token_created": _l(
        "%(actor)s hat den API-Zugangsschlüssel „%(label)s“ für %(count)s Umfrage(n) angelegt"
    ),
    "api.token_revoked": _l("%(actor)s hat den API-Zugangsschlüssel „%(label)s“ widerrufen"),
    "api.token_used": _l(
        "%(actor)s hat mit einem API-Zugangsschlüssel %(count)s Antworten von %(target)s gelesen"
    ),
    "admin.audit_log_exported": _l("%(actor)s hat das Protokoll als CSV heruntergeladen"),
    "moderation.settings_changed": _l("%(actor)s hat die Moderationseinstellungen geändert"),
    "moderation.category_added": _l("%(actor)s hat den Moderationsgrund „%(label)s“ angelegt"),
    "moderation.category_renamed": _l(
        "%(actor)s hat den Moderationsgrund „%(old_label)s“ in „%(label)s“ umbenannt"
    ),
    "moderation.category_retired": _l("%(actor)s hat den Moderationsgrund „%(label)s“ stillgelegt"),
    "moderation.category_reactivated": _l(
        "%(actor)s hat den Moderationsgrund „%(label)s“ wieder aufgenommen"
    ),
    # Wiki (wiki/services.py).
    "wiki.approve": _l("%(actor)s hat %(target)s freigegeben"),
    "wiki.reject": _l("%(actor)s hat %(target)s abgelehnt"),
    "wiki.reinstate": _l("%(actor)s hat %(target)s nach einem Einspruch wieder eingesetzt"),
    "wiki.restore": _l("%(actor)s hat eine frühere Fassung von %(target)s wiederhergestellt"),
    "wiki.lock": _l("%(actor)s hat %(target)s für Bürgerinnen und Bürger gesperrt"),
    "wiki.unlock": _l("%(actor)s hat %(target)s wieder zum Bearbeiten freigegeben"),
    # Accounts (accounts/services.py).
    "user.created": _l("%(actor)s hat %(target)s angelegt"),
    "user.roles_changed": _l("%(actor)s hat die Rollen für %(target)s geändert"),
    "user.blocked": _l("%(actor)s hat %(target)s gesperrt"),
    "user.unblocked": _l("%(actor)s hat die Sperre für %(target)s aufgehoben"),
    "account.password_reset": _l("%(actor)s hat das Passwort des eigenen Kontos zurückgesetzt"),
    # Projects (projects/services.py).
    "project.created": _l("%(actor)s hat %(target)s angelegt"),
    "project.updated": _l("%(actor)s hat %(target)s geändert"),
    "project.deleted": _l("%(actor)s hat das Vorhaben %(target)s gelöscht"),
    # Surveys (surveys/…).
    "surveys.created": _l("%(actor)s hat %(target)s angelegt"),
    "surveys.imported": _l("%(actor)s hat %(target)s aus LimeSurvey importiert"),
    "surveys.duplicated": _l("%(actor)s hat %(target)s als Kopie einer anderen Umfrage angelegt"),
    "surveys.updated": _l("%(actor)s hat %(target)s geändert"),
    "surveys.published": _l("%(actor)s hat %(target)s veröffentlicht"),
    "surveys.closed": _l("%(actor)s hat %(target)s beendet"),
    "surveys.deleted": _l("%(actor)s hat %(target)s gelöscht"),
    "surveys.results_published": _l("%(actor)s hat die Ergebnisse von %(target)s veröffentlicht"),
    "surveys.results_hidden": _l("%(actor)s hat die Ergebnisse von %(target)s wieder verborgen"),
    "surveys.texts_published": _l("%(actor)s hat die Freitexte von %(target)s veröffentlicht"),
    "surveys.texts_hidden": _l("%(actor)s hat die Freitexte von %(target)s wieder verborgen"),
    "surveys.page_renamed": _l("%(actor)s hat in %(target)s eine Seite umbenannt"),
    "surveys.question_reworded": _l("%(actor)s hat in %(target)s die Frage %(question)s umformuliert"),
    "surveys.option_relabelled": _l("%(actor)s hat in %(target)s eine Antwortoption umbenannt"),
    "surveys.condition_added": _l("%(actor)s hat in %(target)s eine Bedingung hinzugefügt"),
    "surveys.codes_generated": _l("%(actor)s hat für %(target)s %(count)s Teilnahmecodes erzeugt"),
    "surveys.response_entered": _l("%(actor)s hat für %(target)s eine Antwort stellvertretend erfasst"),
    "surveys.exported": _l("%(actor)s hat %(target)s exportiert (%(format)s)"),
    "surveys.export_failed": _l(
        "%(actor)s wollte %(target)s exportieren (%(format)s); der Export schlug fehl"
    ),
    # Site settings (core/legal.py).
    "settings.legal_page_saved": _l("%(actor)s hat den Text der Seite %(target)s gespeichert"),
    # Reference population (analytics/services.py).
    "analytics.population_uploaded": _l(
        "%(actor)s hat die Bevölkerungszahlen %(target)s gespeichert (%(count)s Zellen)"
    ),
    "analytics.population_made_current": _l(
        "%(actor)s hat die Bevölkerungszahlen %(target)s zum aktuellen Stand gemacht"
    ),
}

# An entry whose code has no sentence (written by older code) still reads as a sentence.
UNKNOWN_TEXT = _l("%(actor)s: Aktion „%(code)s“ an %(target)s")


def text_for(action: str) -> LazyString:
    """The sentence pattern of an action code (a general one for codes without their own)."""
    return AUDIT_TEXTS.get(action, UNKNOWN_TEXT)


# The short names of the filter's "Art der Aktion" select and the CSV's "Aktion" column.
ACTION_NAMES: dict[str, LazyString] = {
    "moderation.publish": _l("Inhalt freigegeben"),
    "moderation.hide": _l("Inhalt ausgeblendet"),
    "moderation.remove": _l("Inhalt entfernt"),
    "moderation.restore": _l("Inhalt wieder veröffentlicht"),
    "moderation.dismiss": _l("Meldungen unbegründet"),
    "moderation.reject": _l("Änderung abgelehnt"),
    "moderation.auto_hidden": _l("Automatisch ausgeblendet"),
    "moderation.mute": _l("Stummgeschaltet"),
    "moderation.mute_extended": _l("Stummschaltung verlängert"),
    "moderation.unmute": _l("Stummschaltung aufgehoben"),
    "moderation.block": _l("Gesperrt (Moderation)"),
    "moderation.block_extended": _l("Sperre verlängert"),
    "moderation.appeal_filed": _l("Einspruch eingelegt"),
    "moderation.appeal_upheld": _l("Einspruch zurückgewiesen"),
    "moderation.appeal_overturned": _l("Einspruch stattgegeben"),
    "moderation.log_exported": _l("Moderationsprotokoll heruntergeladen"),
    "admin.audit_log_exported": _l("Protokoll heruntergeladen"),
    "moderation.settings_changed": _l("Moderationseinstellungen geändert"),
    "moderation.category_added": _l("Moderationsgrund angelegt"),
    "moderation.category_renamed": _l("Moderationsgrund umbenannt"),
    "moderation.category_retired": _l("Moderationsgrund stillgelegt"),
    "moderation.category_reactivated": _l("Moderationsgrund wieder aufgenommen"),
    "wiki.approve": _l("Wiki-Änderung freigegeben"),
    "wiki.reject": _l("Wiki-Änderung abgelehnt"),
    "wiki.reinstate": _l("Wiki-Änderung wieder eingesetzt"),
    "wiki.restore": _l("Wiki-Fassung wiederhergestellt"),
    "wiki.lock": _l("Wiki-Seite gesperrt"),
    "wiki.unlock": _l("Wiki-Seite entsperrt"),
    "user.created": _l("Konto angelegt"),
    "user.roles_changed": _l("Rollen geändert"),
    "user.blocked": _l("Konto gesperrt"),
    "user.unblocked": _l("Sperre aufgehoben"),
    "account.password_reset": _l("Passwort zurückgesetzt"),
    "project.created": _l("Vorhaben angelegt"),
    "project.updated": _l("Vorhaben geändert"),
    "project.deleted": _l("Vorhaben gelöscht"),
    "surveys.created": _l("Umfrage angelegt"),
    "surveys.imported": _l("Umfrage importiert"),
    "surveys.duplicated": _l("Umfrage kopiert"),
    "surveys.updated": _l("Umfrage geändert"),
    "surveys.published": _l("Umfrage veröffentlicht"),
    "surveys.closed": _l("Umfrage beendet"),
    "surveys.deleted": _l("Umfrage gelöscht"),
    "surveys.results_published": _l("Ergebnisse veröffentlicht"),
    "surveys.results_hidden": _l("Ergebnisse verborgen"),
    "surveys.texts_published": _l("Freitexte veröffentlicht"),
    "surveys.texts_hidden": _l("Freitexte verborgen"),
    "surveys.page_renamed": _l("Umfrageseite umbenannt"),
    "surveys.question_reworded": _l("Frage umformuliert"),
    "surveys.option_relabelled": _l("Antwortoption umbenannt"),
    "api.token_created": _l("API-Zugangsschlüssel angelegt"),
    "api.token_revoked": _l("API-Zugangsschlüssel widerrufen"),
    "api.token_used": _l("Antworten per API-Zugangsschlüssel gelesen"),
    "surveys.condition_added": _l("Bedingung hinzugefügt"),
    "surveys.codes_generated": _l("Teilnahmecodes erzeugt"),
    "surveys.response_entered": _l("Antwort stellvertretend erfasst"),
    "surveys.exported": _l("Umfrage exportiert"),
    "surveys.export_failed": _l("Export fehlgeschlagen"),
    "settings.legal_page_saved": _l("Rechtstext gespeichert"),
    "analytics.population_uploaded": _l("Bevölkerungszahlen gespeichert"),
    "analytics.population_made_current": _l("Bevölkerungszahlen als aktuell markiert"),
}


def name_for(action: str) -> str:
    """The short name of an action code (the code itself for codes without a name)."""
    return str(ACTION_NAMES[action]) if action in ACTION_NAMES else action
