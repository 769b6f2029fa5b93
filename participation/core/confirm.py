"""Safe irreversible actions: one server-rendered confirmation step before a POST that cannot be undone.

The first POST of such a form is checked as usual (CSRF token, permission, the fields) and then, unless
it carries ``confirmed=1``, only renders the confirmation page: what will happen, what cannot be undone,
and the same form again with everything the person typed as hidden fields plus ``confirmed=1``.
Nothing is written before that second POST. No JavaScript is involved, so it works everywhere.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from flask import render_template, request
from flask.typing import ResponseReturnValue

CONFIRM_FIELD = "confirmed"
CSRF_FIELD = "csrf_token"


@dataclass(frozen=True)
class Confirmation:
    """What the confirmation page says and where its buttons lead."""

    title: str
    happens: Sequence[str]  # what the action does, one sentence each
    final: str  # what cannot be undone afterwards
    button: str  # the primary button: "Ja, endgültig …"
    cancel_url: str
    # What the person entered or chose, shown back to them (label, value).
    details: Sequence[tuple[str, str]] = field(default_factory=tuple)


def confirmed() -> bool:
    """Whether this POST comes from the confirmation step (carries ``confirmed=1``)."""
    return request.form.get(CONFIRM_FIELD) == "1"


def _is_csrf(name: str) -> bool:
    # A form with a prefix names its token "<prefix>-csrf_token".
    return name == CSRF_FIELD or name.endswith(f"-{CSRF_FIELD}")


def carried_fields() -> list[tuple[str, str]]:
    """The submitted fields to send again unchanged (the page renders a fresh CSRF token itself)."""
    return [
        (name, value)
        for name, value in request.form.items(multi=True)
        if name != CONFIRM_FIELD and not _is_csrf(name)
    ]


def csrf_field_name() -> str:
    """The token's field name as the original form sent it (prefixed forms validate that name)."""
    return next((name for name in request.form if _is_csrf(name)), CSRF_FIELD)


def confirmation_page(
    confirmation: Confirmation, template: str = "core/confirm.html", **context: Any
) -> ResponseReturnValue:
    """The confirmation step (200): nothing has changed yet; its form posts the same data confirmed."""
    return render_template(
        template,
        confirmation=confirmation,
        carried=carried_fields(),
        csrf_name=csrf_field_name(),
        confirm_field=CONFIRM_FIELD,
        action_url=request.path,
        **context,
    ), 200
