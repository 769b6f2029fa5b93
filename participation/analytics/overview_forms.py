"""Participation overview: the period and scope form (GET; it changes nothing, so no CSRF token)."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectField, StringField
from wtforms.validators import ValidationError

from participation.analytics.overview_query import Period, Scope

MAX_DAYS = 3 * 366  # about three years: enough for any council question, and a bounded week list
FORMATS = ("%Y-%m-%d", "%d.%m.%Y")  # the date picker's value, and what people type


def parse_day(text: str) -> date | None:
    """A day from "2026-12-06" or "06.12.2026"; None when it is neither."""
    for pattern in FORMATS:
        try:
            return datetime.strptime(text.strip(), pattern).date()
        except ValueError:
            continue
    return None


class OverviewForm(FlaskForm):
    class Meta:
        csrf = False

    von = StringField(_l("Von (Datum)"), description=_l("z. B. 01.01.2026"))
    bis = StringField(_l("Bis (Datum)"), description=_l("z. B. 31.12.2026"))
    auswahl = SelectField(_l("Projekt oder Umfrage"), choices=[], validate_choice=True)

    def validate_von(self, field) -> None:
        if parse_day(field.data or "") is None:
            raise ValidationError(_l("Bitte geben Sie ein Datum im Format TT.MM.JJJJ ein."))

    def validate_bis(self, field) -> None:
        last = parse_day(field.data or "")
        if last is None:
            raise ValidationError(_l("Bitte geben Sie ein Datum im Format TT.MM.JJJJ ein."))
        first = parse_day(self.von.data or "")
        if first is not None and last < first:
            raise ValidationError(_l("Das Ende darf nicht vor dem Anfang liegen."))
        if first is not None and (last - first).days > MAX_DAYS:
            raise ValidationError(_l("Bitte wählen Sie höchstens drei Jahre."))

    def period(self) -> Period:
        """The chosen days (call after validate())."""
        return Period(parse_day(self.von.data), parse_day(self.bis.data))  # type: ignore[arg-type]

    def scope(self) -> Scope:
        """The chosen project ("p12") or survey ("s7"), or everything."""
        value = self.auswahl.data or ""
        if value.startswith("p"):
            return Scope(project_id=int(value[1:]))
        if value.startswith("s"):
            return Scope(survey_id=int(value[1:]))
        return Scope()


def defaults(today: date) -> dict[str, str]:
    """The last twelve months up to today, as the form shows them."""
    return {
        "von": (today - timedelta(days=364)).strftime("%d.%m.%Y"),
        "bis": today.strftime("%d.%m.%Y"),
        "auswahl": "",
    }
