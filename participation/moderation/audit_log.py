"""The audit log as the moderation desk and the admin area show it: filters, query, CSV.

One filter form and one CSV for both logs; the moderation log sees the moderation-relevant codes,
the admin log every code.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from sqlalchemy import Select, and_, or_, select
from wtforms import DateField, SelectField, StringField
from wtforms.validators import Length, Optional

from participation.accounts.models import Role, User, UserRole
from participation.core.audit_texts import ACTION_NAMES, name_for
from participation.core.forms import SelectChoice
from participation.core.models import AuditLogEntry
from participation.core.search import contains
from participation.core.types import utcnow
from participation.core.validators import SafeText, normalize_text
from participation.discussions.models import Comment
from participation.extensions import db
from participation.moderation.log_lines import LogLine

# The codes the moderation log shows (the admin log shows all).
MODERATION_PREFIXES = ("moderation.", "comment.", "wiki.", "user.blocked", "user.unblocked")
SYSTEM = "plattform"
PERIODS = {"": None, "7": 7, "30": 30, "365": 365}
CSV_LIMIT = 10_000


def moderation_codes() -> list[str]:
    """The action codes of the moderation log's select, in the registry's order."""
    return [code for code in ACTION_NAMES if code.startswith(MODERATION_PREFIXES)]


class AuditFilterForm(FlaskForm):
    class Meta:
        csrf = False

    action = SelectField(_l("Art der Aktion"), validators=[Optional()])
    actor = SelectField(_l("Wer hat gehandelt"), validators=[Optional()])
    person = StringField(
        _l("Betroffene oder handelnde Person (Name)"),
        filters=[normalize_text],
        validators=[Optional(), Length(max=100, message=_l("Der Suchbegriff ist zu lang.")), SafeText()],
    )
    period = SelectField(
        _l("Zeitraum"),
        choices=[
            SelectChoice("", _l("Gesamter Zeitraum")),
            SelectChoice("7", _l("Letzte 7 Tage")),
            SelectChoice("30", _l("Letzte 30 Tage")),
            SelectChoice("365", _l("Letzte 12 Monate")),
        ],
        validators=[Optional()],
    )
    since = DateField(_l("Von (Datum)"), validators=[Optional()])
    until = DateField(_l("Bis (Datum)"), validators=[Optional()])

    def fill_choices(self, codes: Iterable[str]) -> None:
        """The action types and the staff accounts to choose from (one query)."""
        self.action.choices = [SelectChoice("", _l("Alle Aktionen"))] + [
            SelectChoice(code, name_for(code)) for code in codes
        ]
        staff = db.session.scalars(
            select(User)
            .where(User.id.in_(select(UserRole.user_id).where(UserRole.role.in_([r.value for r in Role]))))
            .where(User.deleted_at.is_(None))
            .order_by(User.display_name)
        )
        self.actor.choices = (
            [SelectChoice("", _l("Alle"))]
            + [SelectChoice(str(user.id), user.public_name) for user in staff]
            + [SelectChoice(SYSTEM, _l("Die Plattform (automatisch)"))]
        )


def _day(value: date | None, extra: int = 0) -> datetime | None:
    return datetime.combine(value, time(), tzinfo=UTC) + timedelta(days=extra) if value else None


def filtered_query(form: AuditFilterForm, codes: list[str] | None) -> Select[AuditLogEntry]:
    """Entries matching the valid filters, newest first; codes=None means every code (admin log)."""
    form.validate()
    query = select(AuditLogEntry)
    if codes is not None:
        query = query.where(or_(*[AuditLogEntry.action.startswith(p) for p in MODERATION_PREFIXES]))
    ok = {name: not form[name].errors for name in ("action", "actor", "person", "period", "since", "until")}
    if ok["action"] and form.action.data:
        query = query.where(AuditLogEntry.action == form.action.data)
    if ok["actor"] and form.actor.data == SYSTEM:
        query = query.where(AuditLogEntry.actor_id.is_(None))
    elif ok["actor"] and (form.actor.data or "").isdigit():
        query = query.where(AuditLogEntry.actor_id == int(form.actor.data))
    if ok["person"] and form.person.data:
        query = query.where(_about_person(form.person.data))
    days = PERIODS.get(form.period.data or "") if ok["period"] else None
    if days:
        query = query.where(AuditLogEntry.created_at >= utcnow() - timedelta(days=days))
    if ok["since"] and form.since.data:
        query = query.where(AuditLogEntry.created_at >= _day(form.since.data))
    if ok["until"] and form.until.data:
        query = query.where(AuditLogEntry.created_at < _day(form.until.data, 1))
    return query.order_by(AuditLogEntry.id.desc())


def _about_person(name: str) -> Any:
    """Entries a person with this name acted in or is the subject of (their account or their comment)."""
    people = select(User.id).where(
        User.deleted_at.is_(None), or_(contains(User.display_name, name), contains(User.email, name))
    )
    return or_(
        AuditLogEntry.actor_id.in_(people),
        and_(AuditLogEntry.target_type == "users", AuditLogEntry.target_id.in_(people)),
        and_(
            AuditLogEntry.target_type == "comments",
            AuditLogEntry.target_id.in_(select(Comment.id).where(Comment.author_id.in_(people))),
        ),
    )


def filter_args(form: AuditFilterForm) -> dict[str, str]:
    """The filter as query-string arguments (pagination links, the CSV form's action)."""
    names = ("action", "actor", "person", "period", "since", "until")
    return {name: form[name].raw_data[0] for name in names if form[name].raw_data and form[name].raw_data[0]}


def filter_details(form: AuditFilterForm) -> dict[str, str]:
    """The filter of a download as audit details (prefixed: "actor" is record()'s own argument)."""
    return {f"filter_{name}": value for name, value in filter_args(form).items()}


# CSV: one column per field; details the fixed columns do not carry get a column each.
CSV_COLUMNS = (
    ("id", _l("Nummer")),
    ("when", _l("Zeitpunkt (UTC)")),
    ("actor", _l("Person")),
    ("actor_id", _l("Personennummer")),
    ("name", _l("Aktion")),
    ("code", _l("Aktionscode")),
    ("text", _l("Beschreibung")),
    ("target", _l("Betrifft")),
    ("target_type", _l("Art des Ziels")),
    ("target_id", _l("Nummer des Ziels")),
    ("category", _l("Kategorie")),
    ("rule", _l("Regel")),
    ("reason", _l("Begründung")),
    ("ends", _l("Gilt bis")),
)
DETAIL_HEADERS = {
    "item_id": _l("Eintrag in der Warteschlange"),
    "decision_id": _l("Entscheidung Nr."),
    "appeal_id": _l("Einspruch Nr."),
    "revision_id": _l("Wiki-Fassung Nr."),
    "restored_from": _l("Wiederhergestellt aus Fassung Nr."),
    "published": _l("Veröffentlicht"),
    "format": _l("Format"),
    "count": _l("Anzahl"),
    "before": _l("Vorher"),
    "after": _l("Nachher"),
    "roles": _l("Rollen"),
    "question": _l("Frage"),
    "questions": _l("Anzahl Fragen"),
    "option": _l("Antwortoption"),
    "page": _l("Seite"),
    "old_title": _l("Bisheriger Titel"),
    "new_title": _l("Neuer Titel"),
    "old_label": _l("Bisherige Bezeichnung"),
    "new_label": _l("Neue Bezeichnung"),
    "label": _l("Bezeichnung"),
    "code": _l("Kennung"),
    "rule": _l("Netiquette-Regel"),
    "operator": _l("Vergleich"),
    "source": _l("Quelle"),
    "source_survey": _l("Kopiert aus Umfrage Nr."),
    "layout": _l("Aufbau"),
    "language": _l("Sprache"),
    "skipped": _l("Übersprungen"),
    "slug": _l("Adresse"),
    "length": _l("Länge (Zeichen)"),
    "fields": _l("Geänderte Felder"),
    "response": _l("Antwort Nr."),
    "channel": _l("Weg"),
    "with_code": _l("Mit Teilnahmecode"),
    "demo": _l("Beispieldaten"),
    "ended": _l("Beendet am"),
    "extended_from": _l("Bisheriges Ende"),
    "filter_action": _l("Filter: Art der Aktion"),
    "filter_actor": _l("Filter: Wer hat gehandelt"),
    "filter_person": _l("Filter: Person"),
    "filter_period": _l("Filter: Zeitraum (Tage)"),
    "filter_since": _l("Filter: von"),
    "filter_until": _l("Filter: bis"),
}
# Details already in a fixed column, or only meaningful inside the program.
DETAILS_IN_COLUMNS = frozenset({"reason_code", "ends_at", "until"})


def _cell(value: Any) -> str:
    if isinstance(value, (list, tuple)):
        value = ", ".join(str(v) for v in value)
    elif isinstance(value, dict):
        value = ", ".join(f"{k}: {v}" for k, v in sorted(value.items()))
    elif isinstance(value, bool):
        value = "ja" if value else "nein"
    text = "" if value is None else str(value)
    # Spreadsheet formula injection: a leading = + - @ would be executed by Excel/LibreOffice.
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def csv_text(lines: list[LogLine]) -> str:
    """The lines as a semicolon CSV with German headers (BOM first, for Excel)."""
    detail_keys = sorted({key for line in lines for key in line.details} - DETAILS_IN_COLUMNS)
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";")
    writer.writerow(
        [str(header) for _key, header in CSV_COLUMNS] + [str(DETAIL_HEADERS.get(k, k)) for k in detail_keys]
    )
    for line in lines:
        entry = line.entry
        fixed = {
            "id": entry.id,
            "when": entry.created_at.isoformat(timespec="seconds"),
            "actor": line.actor,
            "actor_id": entry.actor_id,
            "name": name_for(entry.action),
            "code": entry.action,
            "text": line.text,
            "target": line.target,
            "target_type": entry.target_type,
            "target_id": entry.target_id,
            "category": line.category,
            "rule": line.rule,
            "reason": entry.reason,
            "ends": line.ends,
        }
        row = [fixed[key] for key, _header in CSV_COLUMNS] + [line.details.get(k) for k in detail_keys]
        writer.writerow([_cell(value) for value in row])
    return "\ufeff" + buffer.getvalue()
