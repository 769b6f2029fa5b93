"""What the people concerned are told: the statement of reasons, report outcomes, auto-hiding.

Every restriction (queue, discussion page, wiki, sanctions) sends its statement through
send_statement: what was decided, why (category, text, Netiquette rule), who decided, how to object.
"""

from __future__ import annotations

from flask import url_for
from flask_babel import lazy_gettext as _l

from participation.accounts.models import User
from participation.core.i18n import format_when
from participation.extensions import db
from participation.moderation import reasons
from participation.moderation.models import ACTION_LABELS, Action, Decision
from participation.notifications.services import notify
from participation.projects.models import Project

STATEMENT_KIND = "moderation.statement"
STATEMENT_TEXT = _l(
    "Entscheidung der Moderation: %(what)s Grund: %(category)s – %(text)s (Netiquette, %(rule)s). "
    "Diese Entscheidung hat eine Person aus der Moderation getroffen. Sie können einmal Einspruch "
    "einlegen: Öffnen Sie den Link und begründen Sie Ihren Einspruch; eine andere Person entscheidet darüber."
)
BLOCK_KIND = "moderation.statement_block"
BLOCK_TEXT = _l(
    "Ihr Konto wurde von der Administration bis %(until)s gesperrt. Grund: %(category)s – %(text)s "
    "(Netiquette, %(rule)s). Diese Entscheidung hat eine Person getroffen. Einspruch können Sie per "
    "Antwort an die im Impressum genannte Kontaktadresse einlegen; eine andere Person entscheidet darüber."
)
REPORT_OUTCOME_KIND = "moderation.report_outcome"
REPORT_OUTCOME_TEXT = _l(
    "Ihre Meldung zu einem Kommentar im Vorhaben „%(project)s“ wurde von der Moderation geprüft. "
    "Ergebnis: %(outcome)s"
)
AUTO_HIDDEN_KIND = "moderation.auto_hidden"
AUTO_HIDDEN_TEXT = _l(
    "Ihr Kommentar im Vorhaben „%(project)s“ wurde mehrfach gemeldet und ist vorläufig ausgeblendet, "
    "bis eine Person aus der Moderation ihn geprüft hat. Sie erhalten danach Bescheid."
)
KINDS = {
    STATEMENT_KIND: STATEMENT_TEXT,
    BLOCK_KIND: BLOCK_TEXT,
    REPORT_OUTCOME_KIND: REPORT_OUTCOME_TEXT,
    AUTO_HIDDEN_KIND: AUTO_HIDDEN_TEXT,
}
REPORT_OUTCOMES = {
    Action.HIDE: _l("Der Kommentar wurde ausgeblendet."),
    Action.REMOVE: _l("Der Kommentar wurde entfernt."),
    Action.DISMISS: _l("Die Moderation hat keinen Verstoß festgestellt; der Kommentar bleibt sichtbar."),
    Action.PUBLISH: _l("Die Moderation hat keinen Verstoß festgestellt; der Kommentar bleibt sichtbar."),
    Action.RESTORE: _l("Die Moderation hat keinen Verstoß festgestellt; der Kommentar ist wieder sichtbar."),
}


WHAT = {
    Action.HIDE: _l("Ihr Kommentar im Vorhaben „%(place)s“ wurde ausgeblendet."),
    Action.REMOVE: _l("Ihr Kommentar im Vorhaben „%(place)s“ wurde entfernt."),
    Action.REJECT: _l("Ihre Änderung an der Wiki-Seite „%(place)s“ wurde nicht übernommen."),
    Action.MUTE: _l(
        "Ihr Konto wurde bis %(place)s stummgeschaltet: Sie können lesen und an Umfragen "
        "teilnehmen, aber nicht kommentieren, bewerten, melden oder das Wiki bearbeiten."
    ),
}


def send_statement(decision: Decision, what: str) -> None:
    """Statement of reasons: what, why (category, text, Netiquette rule), who decided, how to object."""
    category = reasons.category(decision.reason_code)
    subject = db.session.get(User, decision.subject_id) if decision.subject_id else None
    params = {
        "what": what,
        "category": category.label if category else decision.reason_code or "–",
        "rule": category.rule if category else "–",
        "text": decision.reason_text or "–",
    }
    if decision.action == Action.BLOCK.value:
        params["until"] = format_when(decision.ends_at) if decision.ends_at else "–"
        notify(subject, BLOCK_KIND, params, None)
        return
    notify(subject, STATEMENT_KIND, params, url_for("moderation.appeal", decision_id=decision.id))


def tell_reporters(reporter_ids: list[int], project: Project, action: Action) -> None:
    """Each reporter learns the outcome of their report (never who decided or about whom)."""
    outcome = str(REPORT_OUTCOMES.get(action, ACTION_LABELS[action]))
    for reporter_id in reporter_ids:
        notify(
            db.session.get(User, reporter_id),
            REPORT_OUTCOME_KIND,
            {"project": project.title, "outcome": outcome},
            url_for("projects.detail", project_slug=project.slug),
        )
