"""After the load: every acknowledged write stored exactly once; and the figures into results.json.

Each request's token (in the survey's free-text answer, in the comment's body) is looked up where the
app keeps it. The anonymous survey is closed first through the app's own service, so that whatever it
holds back while open (batches, seal) is written out, as an operator's closing would.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path

from sqlalchemy import select

from bench.load.seed import Plan
from participation.accounts.models import User
from participation.discussions.models import Comment
from participation.extensions import db
from participation.surveys.builder.services import close
from participation.surveys.models import Answer, Survey

TOKEN = re.compile(r"\b(?:named|anonymous|bare|comment)-[0-9a-f]{16}\b")
RESULTS = Path(__file__).resolve().parent.parent / "results.json"


def check(sent: dict[str, bool], stored: list[str]) -> list[str]:
    """Problems: an acknowledged token not stored exactly once, any token stored twice, one never sent."""
    counts = Counter(stored)
    problems = []
    for token, acknowledged in sorted(sent.items()):
        if acknowledged and counts[token] != 1:
            problems.append(f"{token}: acknowledged, stored {counts[token]} times")
        elif not acknowledged and counts[token] > 1:
            problems.append(f"{token}: not acknowledged, stored {counts[token]} times")
    problems += [f"{token}: stored, never sent" for token in sorted(set(counts) - set(sent))]
    return problems


def stored_tokens(app, plan: Plan, planner_email: str) -> list[str]:
    """Every token the database holds (closing the anonymous survey first, through the service)."""
    with app.app_context():
        planner = db.session.scalar(select(User).where(User.email == planner_email))
        survey = db.session.get(Survey, plan.anonymous_survey)
        close(planner, survey)
        db.session.commit()
        texts = list(
            db.session.scalars(
                select(Answer.value_text).where(Answer.question_id.in_(list(plan.token_questions.values())))
            )
        )
        texts += db.session.scalars(select(Comment.body).where(Comment.project_id == plan.comment_project))
        db.session.remove()
    return [token for text in texts if text for token in TOKEN.findall(text)]


def write_results(figures: dict[str, float | int], path: Path = RESULTS) -> dict[str, float | int]:
    """Merge the figures into results.json (one flat object, sorted), keeping every other benchmark's keys."""
    results = json.loads(path.read_text()) if path.exists() else {}
    results.update(figures)
    path.write_text(json.dumps(results, indent=2, sort_keys=True) + "\n")
    return results
