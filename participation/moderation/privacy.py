"""The moderation part of "Meine Daten": decisions about the person and the person's appeals.

Account deletion needs no eraser here: accounts are anonymised, not deleted, so decisions and
appeals keep their links (the audit trail and the transparency figures depend on them).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from participation.accounts.models import User
from participation.extensions import db
from participation.moderation import reasons
from participation.moderation.models import Appeal, Decision


def _iso(value) -> str | None:
    return value.isoformat() if value else None


def export_moderation(user: User) -> dict[str, Any]:
    """Decisions that concern the person (with the stated reasons) and the appeals they filed."""
    decisions = db.session.scalars(
        select(Decision).where(Decision.subject_id == user.id).order_by(Decision.id)
    ).all()
    appeals = db.session.scalars(select(Appeal).where(Appeal.author_id == user.id).order_by(Appeal.id)).all()
    return {
        # The deciding moderator is not named: the statement of reasons says "a person decided".
        "decisions": [
            {
                "id": d.id,
                "action": d.action,
                "action_label": d.action_label,
                "reason_code": d.reason_code,
                "reason_label": _label(d.reason_code),
                "reason_text": d.reason_text,
                "ends_at": _iso(d.ends_at),
                "created_at": _iso(d.created_at),
            }
            for d in decisions
        ],
        "appeals": [
            {
                "decision_id": a.decision_id,
                "text": a.text,
                "status": a.status,
                "answer": a.answer,
                "created_at": _iso(a.created_at),
                "decided_at": _iso(a.decided_at),
            }
            for a in appeals
        ],
    }


def _label(code: str | None) -> str | None:
    category = reasons.category(code) if code else None
    return str(category.label) if category else None
