"""What a final submission costs in SQL statements (#15 items 1 and 2), counted through the test client.

Named: at most 12. Anonymous and by code: at most 30, also for the submission that writes a whole batch
(it used to be some 200: every answer of ten neighbouring responses deleted and inserted again).
"""

from __future__ import annotations

from participation.extensions import db
from participation.surveys.answering import batches
from tests.conftest import count_queries, csrf_token, login
from tests.surveys.factories import every_type_survey
from tests.surveys.test_participation import make_codes

K = batches.BATCH_SIZE


def _form(s, token: str, text: str) -> dict:
    return {
        "csrf_token": token,
        "page": s.pages[0],
        "action": "submit",
        f"q{s.q['short']}": text,
        f"q{s.q['single']}": str(s.o["single:Brunnen"]),
        f"q{s.q['multiple']}": [str(s.o["multiple:Bäume"]), str(s.o["multiple:Licht"])],
        f"q{s.q['dec']}": "12,5",
        f"q{s.q['matrix']}_{s.o['matrix:Sauberkeit']}": "4",
        f"q{s.q['matrix']}_{s.o['matrix:Sicherheit']}": "2",
        f"q{s.q['long']}": "Mehr Bänke am Brunnen",
    }


def _statements_of_submission(app, client, s, text: str, **extra) -> list[str]:
    """The statements of one final submit (the CSRF token is fetched before counting)."""
    form = {**_form(s, csrf_token(client, f"/umfragen/{s.id}"), text), **extra}
    with app.app_context():
        engine = db.engine
    with count_queries(engine) as statements:
        response = client.post(f"/umfragen/{s.id}/teilnehmen", data=form)
    assert response.status_code == 302 and response.headers["Location"].endswith("/danke"), (
        response.status_code
    )
    return statements


def _logged_in_client(app, make_user):
    client = app.test_client()
    login(client, make_user())
    return client


def test_a_named_submission_costs_at_most_12_statements(app, planner, make_user):
    s = every_type_survey(app, planner.id, anonymous=False)
    statements = _statements_of_submission(app, _logged_in_client(app, make_user), s, "Benannt")
    assert len(statements) <= 12, "\n".join(statements)
    # The survey row (its pages and questions are the worker's copy, kept since the page before), the
    # login, and the response with its answers and the deletion of the account's draft (PostgreSQL: one
    # statement, SQLite: three): no lookup of an own response where none may be changed.
    with app.app_context():
        postgresql = db.engine.dialect.name == "postgresql"
    assert len(statements) == (3 if postgresql else 5), "\n".join(statements)
    assert not any("FROM survey_responses" in sql or "FROM survey_questions" in sql for sql in statements)


def _answer_inserts(statements: list[str]) -> int:
    return sum(sql.lstrip().upper().startswith("INSERT INTO SURVEY_ANSWERS") for sql in statements)


def test_an_anonymous_submission_costs_at_most_30_statements(app, planner, make_user, monkeypatch):
    monkeypatch.setitem(app.config, "SURVEY_BATCH_SIZE", K)
    s = every_type_survey(app, planner.id, anonymous=True)
    counted = [
        _statements_of_submission(app, _logged_in_client(app, make_user), s, f"Anonym{number}")
        for number in range(K)
    ]
    for statements in counted:
        assert len(statements) <= 30, "\n".join(statements)
    # Ten wait (no answer written); the eleventh writes the whole batch's answers in one statement.
    assert [_answer_inserts(statements) for statements in counted] == [0] * (K - 1) + [1]


def test_a_code_submission_costs_at_most_30_statements(app, planner, monkeypatch):
    monkeypatch.setitem(app.config, "SURVEY_BATCH_SIZE", K)
    s = every_type_survey(app, planner.id, access="code", anonymous=True)
    codes = make_codes(app, s, planner, K)
    for code in codes:
        statements = _statements_of_submission(app, app.test_client(), s, "Code", code=code)
        assert len(statements) <= 30, "\n".join(statements)
