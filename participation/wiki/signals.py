"""What the wiki announces to later domains (the moderation desk subscribes by importing these).

The wiki never imports the moderation desk: whoever needs to act connects a receiver.
"""

from __future__ import annotations

from blinker import Namespace

_signals = Namespace()

# A citizen proposed a change (a pending revision is written). Sender: the revision.
wiki_change_proposed = _signals.signal("wiki-change-proposed")

# Pending changes stopped waiting, whoever decided: approved, rejected, withdrawn, outdated or
# ended by an account deletion. Sender None; keyword: revision_ids (list of ids).
wiki_changes_settled = _signals.signal("wiki-changes-settled")
