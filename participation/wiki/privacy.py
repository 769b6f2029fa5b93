"""What account deletion means for the wiki: texts stay (as "Gelöschtes Konto"), open proposals end."""

from __future__ import annotations

from participation.accounts.models import User
from participation.wiki.services import withdraw_all_of


def erase_wiki_data(user: User) -> None:
    """Keep every revision (page history must stay complete); withdraw the person's pending proposals."""
    # The author id stays: the users row is kept and reads "Gelöschtes Konto" once blanked.
    withdraw_all_of(user)
