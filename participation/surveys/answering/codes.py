"""One-time participation codes: random, human-typeable, stored only as SHA-256, used once."""

from __future__ import annotations

import hashlib
import secrets
from typing import Any, cast

from sqlalchemy import CursorResult, func, insert, select, update

from participation.core import audit
from participation.core.types import Actor, utcnow
from participation.extensions import db
from participation.surveys.models import ParticipationCode, Survey

# No 0/O, 1/I/L: codes are typed from a printed letter.
ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 10
MAX_BATCH = 5000


def normalize_code(text: str | None) -> str:
    """Upper-case, without spaces and dashes (people type "abcde-fghjk" or "ABCDE FGHJK")."""
    return "".join(ch for ch in (text or "").upper() if ch.isalnum())


def hash_code(text: str) -> str:
    """The stored form of a code: SHA-256 of its normalized text."""
    return hashlib.sha256(normalize_code(text).encode()).hexdigest()


def format_code(code: str) -> str:
    """ABCDE-FGHJK: easier to read out and type."""
    return f"{code[:5]}-{code[5:]}"


def generate_codes(actor: Actor, survey: Survey, count: int) -> list[str]:
    """Create `count` new codes; the plain codes exist only in this return value (for CSV/print)."""
    if not 1 <= count <= MAX_BATCH:
        raise ValueError("count out of range")
    codes = {"".join(secrets.choice(ALPHABET) for _ in range(CODE_LENGTH)) for _ in range(count)}
    while len(codes) < count:
        codes.add("".join(secrets.choice(ALPHABET) for _ in range(CODE_LENGTH)))
    created = utcnow().date()
    db.session.execute(
        insert(ParticipationCode),
        [{"survey_id": survey.id, "code_hash": hash_code(c), "created_on": created} for c in codes],
    )
    audit.record(actor, "surveys.codes_generated", survey, count=count)
    return sorted(format_code(c) for c in codes)


def code_is_usable(survey: Survey, text: str) -> bool:
    """Known for this survey and not used yet (checked again, atomically, when answers are stored)."""
    if len(normalize_code(text)) != CODE_LENGTH:
        return False
    row = db.session.scalar(
        select(ParticipationCode.used.is_(False)).where(
            ParticipationCode.survey_id == survey.id, ParticipationCode.code_hash == hash_code(text)
        )
    )
    return bool(row)


def consume_code(survey: Survey, text: str) -> bool:
    """Mark the code used; only one of several parallel requests sees rowcount 1."""
    if len(normalize_code(text)) != CODE_LENGTH:
        return False
    statement = (
        update(ParticipationCode)
        .where(
            ParticipationCode.survey_id == survey.id,
            ParticipationCode.code_hash == hash_code(text),
            ParticipationCode.used.is_(False),
        )
        .values(used=True)
        .execution_options(synchronize_session=False)
    )
    # An UPDATE always yields a cursor result; its rowcount says whether this request used the code.
    return cast(CursorResult[Any], db.session.execute(statement)).rowcount == 1


def code_counts(survey: Survey) -> tuple[int, int]:
    """(generated, used) for the builder page."""
    total, used = db.session.execute(
        select(func.count(), func.count().filter(ParticipationCode.used)).where(
            ParticipationCode.survey_id == survey.id
        )
    ).one()
    return total, used
