"""What the confirmation step says before a survey is ended, deleted or its results are published."""

from __future__ import annotations

from flask import url_for
from flask_babel import gettext as _

from participation.core.confirm import Confirmation
from participation.surveys.models import Survey


def end_now(survey: Survey, responses: int) -> Confirmation:
    """Ending now: how many responses there are, and that nobody can answer afterwards."""
    return Confirmation(
        title=_("Umfrage „%(title)s“ jetzt beenden?", title=survey.title),
        details=[(_("Bisher eingegangene Antworten"), str(responses))],
        happens=[
            _("Die Umfrage endet sofort, auch wenn ein späteres Ende geplant war."),
            _(
                "Danach kann niemand mehr antworten oder eine Antwort ändern – auch nicht mit "
                "Teilnahmecode oder über die Erfassung durch die Verwaltung."
            ),
            _(
                "Die bisherigen Antworten bleiben erhalten und werden versiegelt: Sie werden in "
                "zufälliger Reihenfolge neu gespeichert, damit sich keine einer Teilnahme zuordnen lässt."
            ),
        ],
        final=_(
            "Eine beendete Umfrage lässt sich nicht wieder öffnen. Wer erneut fragen möchte, muss sie "
            "duplizieren und die Kopie veröffentlichen."
        ),
        button=_("Ja, Umfrage jetzt beenden"),
        cancel_url=url_for("surveys.edit", survey_id=survey.id),
    )


def publish_results(survey: Survey) -> Confirmation:
    """Publishing the results: they become public for everybody."""
    return Confirmation(
        title=_("Ergebnisse von „%(title)s“ veröffentlichen?", title=survey.title),
        happens=[
            _(
                "Die Ergebnisse werden für alle öffentlich sichtbar, auch ohne Anmeldung, und die Umfrage "
                "erscheint in der Liste der beendeten Umfragen mit Ergebnissen."
            ),
            _("Die Freitextantworten werden mit veröffentlicht, wie Sie es zuvor eingestellt haben.")
            if survey.texts_published
            else _("Freitextantworten bleiben verborgen, bis Sie sie eigens mit veröffentlichen."),
            _(
                "Die Zahlen der öffentlichen Ergebnisse erscheinen auch als offene Daten: eine CSV-Datei "
                "mit Beschreibung nach DCAT-AP.de im Katalog der Plattform, unter der Lizenz „Datenlizenz "
                "Deutschland – Namensnennung – Version 2.0“. Einzelne Antworten und Freitexte gehören nie "
                "dazu."
            ),
        ],
        final=_(
            "Sie können die Ergebnisse später wieder verbergen. Was bis dahin gelesen, heruntergeladen "
            "oder weitergegeben wurde, lässt sich aber nicht zurückholen."
        ),
        button=_("Ja, Ergebnisse veröffentlichen"),
        cancel_url=url_for("surveys.edit", survey_id=survey.id),
    )


def publish_texts(survey: Survey) -> Confirmation:
    """Publishing the free texts: every typed answer becomes public word for word."""
    return Confirmation(
        title=_("Freitextantworten von „%(title)s“ veröffentlichen?", title=survey.title),
        happens=[
            _(
                "Alle Freitextantworten dieser Umfrage werden in den öffentlichen Ergebnissen "
                "wörtlich gezeigt."
            ),
            _(
                "Prüfen Sie vorher, dass sie keine Namen, Adressen oder andere personenbezogene Daten "
                "enthalten."
            ),
        ],
        final=_(
            "Sie können die Freitexte später wieder verbergen. Was bis dahin gelesen, heruntergeladen "
            "oder weitergegeben wurde, lässt sich aber nicht zurückholen."
        ),
        button=_("Ja, Freitexte veröffentlichen"),
        cancel_url=url_for("surveys.edit", survey_id=survey.id),
    )


def delete(survey: Survey) -> Confirmation:
    """Deleting: the survey goes with everything built for it (only possible without responses)."""
    return Confirmation(
        title=_("Umfrage „%(title)s“ löschen?", title=survey.title),
        happens=[
            _(
                "Die Umfrage wird mit allen Seiten, Fragen, Antwortmöglichkeiten, Bedingungen und "
                "Teilnahmecodes gelöscht."
            ),
            _("Sie hat keine Antworten; eine Umfrage mit Antworten lässt sich nicht löschen."),
        ],
        final=_("Die gelöschte Umfrage lässt sich nicht wiederherstellen."),
        button=_("Ja, Umfrage endgültig löschen"),
        cancel_url=url_for("surveys.edit", survey_id=survey.id),
    )
