"""Why the moderation desk refuses: one class per reason, the German explanation on the class."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from participation.core.permissions import InvalidState


class DecisionConflict(InvalidState):
    """Someone else decided first (or the item changed): nothing was saved."""

    message = _l(
        "Jemand aus der Moderation hat hierüber bereits entschieden. Ihre Entscheidung wurde nicht "
        "gespeichert; es hat sich nichts geändert. Bitte sehen Sie sich den aktuellen Stand an."
    )


class NotWaiting(InvalidState):
    """The decision does not fit the item's current state (it no longer waits for it)."""

    message = _l("Diese Entscheidung passt nicht mehr zum Stand des Beitrags. Es hat sich nichts geändert.")


class UnknownAction(NotWaiting):
    """The form sent a decision the desk does not know."""


class NotDecidedInPlace(NotWaiting):
    """Only hiding and restoring are decided on the discussion page."""


class UnknownReason(NotWaiting):
    """The reason category is not (or no longer) configured."""


class ReasonRequired(NotWaiting):
    """Restrictions (hide, remove, reject, mute, block) need a reason category and a text."""


class SanctionTooLong(InvalidState):
    """A mute or block lasts between one day and a year."""

    message = _l("Bitte eine Zahl zwischen 1 und 365.")


class AlreadyAppealed(InvalidState):
    """One appeal per decision."""

    message = _l("Gegen diese Entscheidung haben Sie bereits Einspruch eingelegt.")


class AnswerRequired(InvalidState):
    """Deciding an appeal needs an answer to the person."""

    message = _l("Bitte geben Sie eine Begründung an.")


class BadCategoryLine(InvalidState):
    """A line of the admin's reason categories is not `code | label | rule` (0: no line at all)."""

    message = _l("Zeile %(line)s ist nicht im Format „code | Bezeichnung | Regel“.")

    def __init__(self, line: int) -> None:
        super().__init__(line)
        self.line = line

    @property
    def user_message(self) -> str:
        """The explanation naming the line."""
        return str(self.message) % {"line": self.line}
