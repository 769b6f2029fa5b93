"""Date labels for long comment threads: the site's date-time pattern resolved once per page."""

from __future__ import annotations

import re
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from babel import dates
from flask_babel import get_locale, get_timezone

from participation.core.i18n import datetime_pattern

# Numeric LDML fields of the "short" date and time patterns, computed without Babel's per-call set-up.
_DATE_FIELDS = {
    "d": lambda v: str(v.day),
    "dd": lambda v: f"{v.day:02d}",
    "M": lambda v: str(v.month),
    "MM": lambda v: f"{v.month:02d}",
    "yy": lambda v: f"{v.year % 100:02d}",
    "y": lambda v: str(v.year),
    "yyyy": lambda v: str(v.year),
}
_TIME_FIELDS = {
    "H": lambda v: str(v.hour),
    "HH": lambda v: f"{v.hour:02d}",
    "h": lambda v: str(v.hour % 12 or 12),
    "hh": lambda v: f"{v.hour % 12 or 12:02d}",
    "m": lambda v: str(v.minute),
    "mm": lambda v: f"{v.minute:02d}",
}


def _fast_zone(timezone):
    """The same zone from zoneinfo (conversion in C, same IANA rules) instead of pytz (in Python)."""
    try:
        return ZoneInfo(timezone.zone)
    except (AttributeError, ValueError, ZoneInfoNotFoundError):  # not pytz, or no system tz database
        return timezone


def _datetime_formatter():
    """The `datetime` Jinja filter (reader's language and time zone), resolved once per page.

    Flask-Babel looks up locale and time zone on every call (~90 µs). Here the pattern is parsed
    once and split: the date fields are filled once per local day, the time fields once per
    minute of the day, so each comment costs one time-zone conversion and two look-ups.
    Patterns with other fields (weekday names, ...) fall back to Babel.
    """
    locale, timezone = get_locale(), _fast_zone(get_timezone())
    parsed = dates.parse_pattern(datetime_pattern())
    periods = dates.get_period_names("abbreviated", locale=locale)
    months = dates.get_month_names("abbreviated", locale=locale)
    date_fields = {**_DATE_FIELDS, "MMM": lambda v: months[v.month]}
    time_fields = {**_TIME_FIELDS, "a": lambda v: periods["pm" if v.hour >= 12 else "am"]}
    names = set(re.findall(r"%\((\w+)\)s", parsed.format))
    if not names <= set(date_fields) | set(time_fields):
        return lambda value: parsed.apply(value.astimezone(timezone), locale)
    # Per local day: the pattern with the date filled in and the time fields left as %(name)s.
    keep_time = {name: f"%({name})s" for name in names & set(time_fields)}
    days: dict[tuple[int, int, int], str] = {}
    minutes: dict[int, dict[str, str]] = {}

    def format_short(value) -> str:
        local = value.astimezone(timezone)
        day_key = (local.year, local.month, local.day)
        day = days.get(day_key)
        if day is None:
            filled = {name: date_fields[name](local).replace("%", "%%") for name in names - keep_time.keys()}
            day = days[day_key] = parsed.format % {**filled, **keep_time}
        minute_key = local.hour * 60 + local.minute
        time = minutes.get(minute_key)
        if time is None:
            time = minutes[minute_key] = {name: time_fields[name](local) for name in keep_time}
        return day % time

    return format_short
