"""Feedback where the eye is: a confirmation shown next to the thing it is about.

After an action the browser is sent to an anchor (`#kommentar-12`), far down a long page; a
message at the top of that page would be out of sight. `flash_at` files the message under the
anchor; the page that renders the anchored element claims it (`claim_flashes`) and shows the
messages there, and the layout then leaves them out at the top. A page without that element
does not claim them, so they appear at the top as usual. Works without JavaScript.
"""

from __future__ import annotations

from flask import flash, g, session

ANCHOR_KEY = "flash_anchor"


def flash_at(anchor: str, message: str, category: str = "success") -> None:
    """Flash a message for the next page, to be shown at the element with this id."""
    flash(message, category)
    session[ANCHOR_KEY] = anchor


def flash_anchor() -> str | None:
    """The element id this request's messages belong to (read once, then forgotten)."""
    if "flash_anchor" not in g:
        g.flash_anchor = session.pop(ANCHOR_KEY, None)
    anchor: str | None = g.flash_anchor
    return anchor


def claim_flashes(anchor: str) -> bool:
    """True (once) when the messages belong to this element: its page shows them there."""
    if flash_anchor() != anchor:
        return False
    g.flashes_claimed = True
    return True


def flashes_claimed() -> bool:
    """Whether an element on this page shows the messages (the layout then skips them at the top)."""
    return bool(g.get("flashes_claimed"))
