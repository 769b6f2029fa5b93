"""Anonymous and code responses waiting for their batch: sealed (encrypted, padded) until it is written."""

from __future__ import annotations

from sqlalchemy import ForeignKey, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column

from participation.core.types import BigId
from participation.extensions import Model
from participation.surveys.models.responses import new_response_id


class WaitingResponse(Model):
    """One submitted response that waits, unreadable, until enough others wait to be written with it.

    Nothing but the survey is in clear: the answers, channel and way of taking part are inside `sealed`
    (AES-GCM with a key derived from SECRET_KEY, every payload of a survey padded to the same size), so the
    row says "someone answered", which a reader of the tables learns anyway. Deleted when its batch is
    written (surveys/answering/batches.py).
    """

    __tablename__ = "survey_waiting_responses"
    # No hidden insertion-ordered rowid on SQLite.
    __table_args__ = ({"sqlite_with_rowid": False},)

    # Random like a response id (it is not the response's id: that one is inside the sealed payload).
    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_response_id)
    survey_id: Mapped[int] = mapped_column(BigId, ForeignKey("surveys.id", ondelete="CASCADE"), index=True)
    sealed: Mapped[bytes] = mapped_column(LargeBinary)
