"""Why a survey refused an action: one exception class per reason, its German explanation on the class.

Views flash `exc.user_message`; no view matches strings.
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from participation.core.permissions import InvalidState


class SurveyStateError(InvalidState):
    """A survey action that is not possible in the survey's present state."""

    message = _l("Das ist in diesem Zustand nicht möglich.")


# --- the survey as a whole ----------------------------------------------------------------------


class AlreadyPublished(SurveyStateError):
    """Publishing twice."""

    message = _l("Die Umfrage ist bereits veröffentlicht.")


class NoQuestions(SurveyStateError):
    """Publishing a survey that asks nothing."""

    message = _l("Die Umfrage braucht mindestens eine Frage.")


class NotOpen(SurveyStateError):
    """Ending a survey that is not open or scheduled."""

    message = _l("Die Umfrage ist nicht geöffnet.")


# --- structure locks once responses exist -------------------------------------------------------


class StructureLocked(SurveyStateError):
    """The survey has responses: this edit would orphan or re-interpret them."""


class HasResponses(StructureLocked):
    """Deleting a survey, question or option that responses refer to."""

    message = _l(
        "Die Umfrage hat bereits Antworten: Fragen und Antwortmöglichkeiten können nicht mehr "
        "gelöscht werden, sonst gingen Antworten verloren. Formulierungen dürfen Sie ändern."
    )


class TypeFixed(StructureLocked):
    """Changing an answered question's type."""

    message = _l(
        "Die Umfrage hat bereits Antworten: Der Fragetyp kann nicht mehr geändert werden, sonst "
        "passten die gespeicherten Antworten nicht mehr. Formulierungen dürfen Sie ändern."
    )


class SettingsFixed(StructureLocked):
    """Changing an answered question's limits, scale or choice rules."""

    message = _l(
        "Die Umfrage hat bereits Antworten: Grenzen, Skala und Auswahlregeln bleiben, wie sie "
        "sind. Formulierungen dürfen Sie ändern."
    )


class FlagsFixed(StructureLocked):
    """Changing an answered option's "Sonstiges" or "schließt aus" flag."""

    message = _l("Die Umfrage hat bereits Antworten: „Sonstiges“ und „schließt aus“ bleiben, wie sie sind.")


class ParticipationModeFixed(StructureLocked):
    """Changing who takes part, or anonymity, after responses came in."""

    message = _l(
        "Die Umfrage hat bereits Antworten: Teilnahmeart und Anonymität können nicht mehr geändert werden."
    )


class ConditionsFixed(StructureLocked):
    """Adding, removing or re-linking conditions after responses came in."""

    message = _l(
        "Die Umfrage hat bereits Antworten: Bedingungen können nicht mehr hinzugefügt, gelöscht oder "
        "anders verknüpft werden, sonst stimmte in den Ergebnissen nicht mehr, wem eine Frage gezeigt "
        "wurde."
    )


class PageHasQuestions(StructureLocked):
    """Deleting a page that still holds questions."""

    message = _l("Die Seite enthält noch Fragen. Verschieben oder löschen Sie diese zuerst.")


# --- structure rules that hold with or without responses ---------------------------------------


class LastPage(SurveyStateError):
    """Deleting the only page."""

    message = _l("Eine Umfrage braucht mindestens eine Seite.")


class UnknownType(SurveyStateError):
    """A question type the registry does not know (only a tampered form sends one)."""


class SourceOfConditions(SurveyStateError):
    """Changing the type of a question that conditions look at."""

    message = _l(
        "Bedingungen anderer Fragen oder Seiten beziehen sich auf diese Frage. Löschen Sie zuerst "
        "diese Bedingungen, dann können Sie den Fragetyp ändern."
    )


class UsedInConditions(SurveyStateError):
    """Deleting a question or option that a condition refers to."""

    message = _l("Eine Bedingung bezieht sich darauf. Bitte löschen Sie zuerst die Bedingung.")


class ConditionOrder(SurveyStateError):
    """A condition looking at a question asked at the same time or later."""

    message = _l("Bedingungen dürfen sich nur auf Fragen beziehen, die vorher gestellt werden.")


class OperatorMismatch(SurveyStateError):
    """A condition operator that does not suit its source question's type."""

    message = _l("Diese Bedingung passt nicht zum Typ der Frage.")


class OptionMissing(SurveyStateError):
    """A choice condition without an option of its source question."""

    message = _l("Bitte wählen Sie eine Antwort dieser Frage.")


class ValueMissing(SurveyStateError):
    """A comparing condition without a value."""

    message = _l("Bitte geben Sie einen Wert an.")


class UnknownMode(SurveyStateError):
    """A condition mode other than AND ("all") and OR ("any")."""


# --- answering ----------------------------------------------------------------------------------


class NotAnswerable(SurveyStateError):
    """Storing or drafting answers while the survey is not open."""

    message = _l("Diese Umfrage ist derzeit nicht geöffnet.")


class UnknownChannel(SurveyStateError):
    """A response channel that does not exist (only a tampered form sends one)."""


class ChangesNotAllowed(SurveyStateError):
    """Changing a response where the survey does not allow it (or is anonymous, or closed)."""
