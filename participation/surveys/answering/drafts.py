"""Unfinished questionnaires kept to be resumed later: by account, by participation code, or in the session.

An account's draft is a row keyed by (survey, account); a code's draft a row keyed by the code's hash (no
account anywhere); an open survey's draft lives only in the visitor's signed session cookie. None of them
points to a response: they are deleted when the response is submitted and when the survey ends.
"""

from __future__ import annotations

import json
from collections.abc import MutableMapping
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete

from participation.core.types import utcnow
from participation.extensions import db
from participation.surveys.answering.codes import code_is_usable, hash_code
from participation.surveys.errors import NotAnswerable
from participation.surveys.models import Draft, State, Survey
from participation.surveys.models.responses import CodeDraft
from participation.surveys.questions import Raw

SESSION_KEY = "survey_draft"
# The session is a cookie (at most about 4 KB after compressing, base64 and signing, next to the login
# and CSRF entries): answers longer than this many UTF-8 bytes cannot be kept there.
SESSION_DRAFT_LIMIT = 2000


@dataclass
class Resume:
    """Where a saved questionnaire continues: its answers, the index of its page, when it was begun."""

    raw: Raw
    page_index: int
    started_at: datetime | None


def save_draft(user, survey: Survey, raw: Raw, page_index: int) -> Draft:
    """Keep an account holder's unfinished answers (also in anonymous surveys, until they submit)."""
    if survey.state is not State.OPEN:
        raise NotAnswerable()
    draft = db.session.get(Draft, (survey.id, user.id))
    if draft is None:
        draft = Draft(survey_id=survey.id, user_id=user.id, started_at=utcnow())
        db.session.add(draft)
    draft.data = raw
    draft.page = page_index
    return draft


def load_draft(user, survey: Survey) -> Draft | None:
    """The account's saved draft for this survey, if any."""
    if user is None or not user.is_authenticated:
        return None
    return db.session.get(Draft, (survey.id, user.id))


def account_resume(user, survey: Survey) -> Resume | None:
    """Where the account's draft continues (None without one)."""
    draft = load_draft(user, survey)
    if draft is None:
        return None
    return Resume(draft.data or {}, draft.page, draft.started_at or draft.saved_at)


def delete_account_draft(survey: Survey, user_id: int) -> None:
    """Forget the account's draft of this survey (its response was just submitted)."""
    db.session.execute(delete(Draft).where(Draft.survey_id == survey.id, Draft.user_id == user_id))


def save_code_draft(survey: Survey, code: str, raw: Raw, page_index: int) -> CodeDraft:
    """Keep a code's unfinished answers under the code's hash (the code must still be unused)."""
    if survey.state is not State.OPEN or not code_is_usable(survey, code):
        raise NotAnswerable()
    key = hash_code(code)
    draft = db.session.get(CodeDraft, key)
    if draft is None:
        draft = CodeDraft(code_hash=key, survey_id=survey.id, started_at=utcnow())
        db.session.add(draft)
    draft.data = raw
    draft.page = page_index
    return draft


def code_resume(survey: Survey, code: str) -> Resume | None:
    """Where an unused code's draft continues (None without one, or for another survey's code)."""
    draft = db.session.get(CodeDraft, hash_code(code))
    if draft is None or draft.survey_id != survey.id:
        return None
    return Resume(draft.data or {}, draft.page, draft.started_at)


def delete_code_draft(survey: Survey, code: str) -> None:
    """Forget a code's draft (its response was just submitted)."""
    db.session.execute(
        delete(CodeDraft).where(CodeDraft.survey_id == survey.id, CodeDraft.code_hash == hash_code(code))
    )


def save_session_draft(store: MutableMapping, survey: Survey, raw: Raw, page_index: int) -> bool:
    """Keep an open survey's answers in the session (one survey at a time); False when they are too long."""
    if survey.state is not State.OPEN:
        raise NotAnswerable()
    if len(json.dumps(raw, ensure_ascii=False).encode()) > SESSION_DRAFT_LIMIT:
        return False
    previous = store.get(SESSION_KEY) or {}
    started = previous.get("started") if previous.get("survey") == survey.id else None
    store[SESSION_KEY] = {
        "survey": survey.id,
        "data": raw,
        "page": page_index,
        "started": started or utcnow().isoformat(),
    }
    return True


def session_resume(store: MutableMapping, survey: Survey) -> Resume | None:
    """Where the session's draft of this open survey continues (None without one)."""
    kept = store.get(SESSION_KEY)
    if not kept or kept.get("survey") != survey.id or survey.state is not State.OPEN:
        return None
    return Resume(kept.get("data") or {}, int(kept.get("page") or 0), datetime.fromisoformat(kept["started"]))


def clear_session_draft(store: MutableMapping, survey_id: int) -> None:
    """Forget the session's draft of this survey (it was submitted)."""
    if (store.get(SESSION_KEY) or {}).get("survey") == survey_id:
        store.pop(SESSION_KEY, None)


def discard_drafts(survey: Survey) -> int:
    """Delete every account and code draft of a survey (it has ended); returns how many went."""
    gone = 0
    for model in (Draft, CodeDraft):
        result = db.session.execute(
            delete(model).where(model.survey_id == survey.id),
            execution_options={"synchronize_session": False},
        )
        gone += result.rowcount or 0  # type: ignore[attr-defined]
    return gone
