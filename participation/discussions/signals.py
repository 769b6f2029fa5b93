"""What discussions announce to later domains (the moderation desk subscribes by importing these).

Each signal's sender is the comment it is about; the keyword arguments are listed with it.
Discussions never import the moderation desk: whoever needs to act connects a receiver.
"""

from __future__ import annotations

from blinker import Namespace

_signals = Namespace()

# A comment was held for review before publication (pre-moderation). Keywords: project.
comment_held = _signals.signal("comment-held")

# Someone reported a comment (the report row is written). Keywords: report, project.
comment_reported = _signals.signal("comment-reported")

# A moderator hid or restored a comment on the discussion page (the comment is changed).
# Keywords: moderator, action ("hide" or "restore"), reason_code, text. A receiver may refuse
# by raising an InvalidState; the view then rolls the whole request back.
comment_moderated = _signals.signal("comment-moderated")

# A question rather than an event: the reason categories a moderator picks from when hiding in
# place. Sender None; each receiver returns a list of (code, label) pairs (see reason_categories).
moderation_reasons_wanted = _signals.signal("comment-moderation-reasons-wanted")
