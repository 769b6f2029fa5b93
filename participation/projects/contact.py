"""A project's contact text with its e-mail addresses and phone numbers as mailto:/tel: links."""

from __future__ import annotations

import re

from markupsafe import Markup, escape

_EMAIL = r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+"
# German numbers start with 0 or +: "01234 567-210", "+49 (0)1234 / 56 78"; plain numbers such as
# postcodes ("12345 Musterstadt") or years do not.
_PHONE = r"(?<![\w@+.])(?:\+|0)[\d ()/-]{4,}\d"
_LINKABLE = re.compile(f"(?P<email>{_EMAIL})|(?P<phone>{_PHONE})")
_MIN_PHONE_DIGITS = 6


def _tel_href(number: str) -> str:
    """The number for a tel: link: spaces and slashes dropped, digits, + and separators kept."""
    return "tel:" + re.sub(r"[\s/]", "", number)


def contact_links(text: str | None) -> Markup:
    """The escaped text with e-mail addresses and phone numbers linked; the shown text is unchanged."""
    source = text or ""
    out: list[str] = []
    position = 0
    for match in _LINKABLE.finditer(source):
        found = match.group()
        if match.group("email"):
            href = f"mailto:{found}"
        elif sum(ch.isdigit() for ch in found) >= _MIN_PHONE_DIGITS:
            href = _tel_href(found)
        else:
            continue
        out.append(str(escape(source[position : match.start()])))
        out.append(f'<a href="{escape(href)}">{escape(found)}</a>')
        position = match.end()
    out.append(str(escape(source[position:])))
    return Markup("".join(out))
