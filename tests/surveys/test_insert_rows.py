"""Multi-row INSERTs of answers (answering/rows.py): one statement, rows in the list's order, values kept."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from sqlalchemy import select

from participation.extensions import db
from participation.surveys.answering import rows as rows_module
from participation.surveys.answering.rows import insert_rows
from participation.surveys.models import Answer, Response
from participation.surveys.models.responses import new_answer_id, new_response_id
from tests.conftest import count_queries, is_postgres
from tests.surveys.factories import every_type_survey

TEXTS = ["a,b", "{x}", 'q"uo\\te', "NULL", "Grüße € 😀", "", "it's"]


def _answers(response_id: str, question_id: int, count: int) -> list[dict]:
    rows = []
    for n in range(count):
        rows.append(
            {
                "id": new_answer_id(),
                "response_id": response_id,
                "question_id": question_id,
                "option_id": None,
                "row_id": None,
                # Mixed Python number types in one column (psycopg refuses mixed arrays on its own).
                "value_number": [Decimal("12.5"), 3, 2.25, None][n % 4],
                "value_text": TEXTS[n % len(TEXTS)] if n % 5 else None,
                "value_date": date(1990, 10, 3) if n % 2 else None,
                "rank": n if n % 3 else None,
                "dont_know": n % 7 == 0,
            }
        )
    return rows


def _insert(app, planner, count: int) -> tuple[list[dict], list[str]]:
    s = every_type_survey(app, planner.id, anonymous=False)
    with app.app_context():
        response_id = new_response_id()
        response = {"id": response_id, "survey_id": s.id, "user_id": None, "channel": "online"}
        response |= {"via": "open", "submitted_on": date(2026, 12, 6)}
        rows = _answers(response_id, s.q["short"], count)
        with count_queries(db.engine) as statements:
            insert_rows(Response, [response])
            insert_rows(Answer, rows)
            insert_rows(Answer, [])
        db.session.commit()
    return rows, statements


def _stored(app, response_id: str) -> list[tuple]:
    with app.app_context():
        query = select(Answer.id, Answer.value_number, Answer.value_text, Answer.value_date, Answer.rank)
        query = query.add_columns(Answer.dont_know).where(Answer.response_id == response_id)
        return [tuple(row) for row in db.session.execute(query.order_by(Answer.id))]


def _expected(rows: list[dict]) -> list[tuple]:
    def number(value):
        return None if value is None else Decimal(str(value))

    return sorted(
        (r["id"], number(r["value_number"]), r["value_text"], r["value_date"], r["rank"], r["dont_know"])
        for r in rows
    )


def test_answers_are_stored_exactly_in_one_statement(app, planner):
    rows, statements = _insert(app, planner, 30)
    assert len(statements) == 2  # the response and its answers; an empty list sends nothing
    stored = _stored(app, rows[0]["response_id"])
    assert [(i, Decimal(str(n)) if n is not None else None, *rest) for i, n, *rest in stored] == _expected(
        rows
    )


def test_the_statement_is_prepared_once_for_any_number_of_rows(app, planner):
    _insert(app, planner, 3)
    if is_postgres():
        before = rows_module._json_insert.cache_info()
        _insert(app, planner, 40)
        after = rows_module._json_insert.cache_info()
        assert after.misses == before.misses and after.hits == before.hits + 2
    else:
        before = rows_module._values_insert.cache_info()
        _insert(app, planner, 3)
        after = rows_module._values_insert.cache_info()
        assert after.misses == before.misses


def test_more_rows_than_one_values_statement_takes_keep_their_order(app, planner, monkeypatch):
    monkeypatch.setattr(rows_module, "ROWS_PER_INSERT", 7)
    rows, statements = _insert(app, planner, 30)
    answer_statements = [s for s in statements if s.lstrip().upper().startswith("INSERT INTO SURVEY_ANSWERS")]
    assert len(answer_statements) == (1 if is_postgres() else 5)
    with app.app_context():
        query = select(Answer.id).where(Answer.response_id == rows[0]["response_id"])
        if not is_postgres():  # SQLite's rowid is the integer key itself: no order on disk to see
            assert sorted(db.session.scalars(query)) == sorted(row["id"] for row in rows)
            return
        stored = db.session.scalars(query.order_by(db.text("ctid"))).all()
    assert stored == [row["id"] for row in rows]
