"""Raw responses by keyset (#16 item 2): a page reads limit + 1 responses from its cursor on the
exports' index, never the pages before it; the statements per page do not grow with the survey."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from participation.api import tokens
from participation.extensions import db
from participation.surveys.exports import reading
from tests.api.conftest import Bulk
from tests.conftest import count_queries, get_user
from tests.surveys.results_factories import results_survey


@pytest.fixture
def responses_read(monkeypatch) -> list[list[str]]:
    """The response ids of every batch the export reader reads (one list per batch)."""
    batches: list[list[str]] = []
    original = reading._read_answers

    def counting(connection, responses):
        batches.append([row[0] for row in responses])
        return original(connection, responses)

    monkeypatch.setattr(reading, "_read_answers", counting)
    return batches


def _survey_with_token(app, planner, make_user, number: int) -> tuple[int, str, list[str]]:
    built = results_survey(app, planner.id)
    ids = Bulk(app, make_user().id).responses(built.id, number)
    with app.app_context():
        _token, secret = tokens.create(
            get_user(app, planner.id), "Skript", [built.id], date.today() + timedelta(days=1)
        )
        db.session.commit()
    return built.id, secret, ids


def _page(app, client, url: str, secret: str) -> tuple[dict, list[str]]:
    with app.app_context():
        with count_queries(db.engine) as statements:
            response = client.get(url, headers={"Authorization": f"Bearer {secret}"})
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    return response.json, list(statements)


def test_page_two_reads_only_from_its_cursor(app, client, planner, make_user, responses_read):
    """Page 2 of 10,000 responses reads the 101 responses after page 1's last id, and nothing else."""
    survey_id, secret, ids = _survey_with_token(app, planner, make_user, 10_000)
    first, _ = _page(app, client, f"/api/v1/surveys/{survey_id}/responses?limit=100", secret)
    assert responses_read == [ids[:101]]
    responses_read.clear()
    second, statements = _page(app, client, first["next"], secret)
    assert [row[0] for row in second["items"]] == ids[100:200]
    assert responses_read == [ids[100:201]]
    # The keyset condition is in the SQL: the database starts at the cursor on the (survey_id, id) index.
    (select_responses,) = [s for s in statements if "FROM survey_responses" in s]
    assert "survey_responses.id >" in select_responses and "ORDER BY survey_responses.id" in select_responses


def test_statements_per_page_are_constant(app, client, planner, make_user, responses_read):
    """The same statements for page 1, page 2 and the last page, at 10 and at 10,000 responses."""
    counts = {}
    for number in (10, 10_000):
        survey_id, secret, _ids = _survey_with_token(app, planner, make_user, number)
        url = f"/api/v1/surveys/{survey_id}/responses?limit=5"
        first, one = _page(app, client, url, secret)
        second, two = _page(app, client, first["next"], secret)
        counts[number] = (len(one), len(two))
        assert len(second["items"]) == 5
    last_survey, secret, _ids = _survey_with_token(app, planner, make_user, 7)
    first, _ = _page(app, client, f"/api/v1/surveys/{last_survey}/responses?limit=5", secret)
    last, last_statements = _page(app, client, first["next"], secret)
    assert last["next"] is None and len(last["items"]) == 2
    assert counts[10] == counts[10_000] == (len(last_statements), len(last_statements)), counts
    # One batch of answers per page, whatever the survey's size (read through the driver's cursor).
    assert all(len(batch) <= 6 for batch in responses_read)


def test_file_exports_still_read_from_the_start_in_full_batches(app, planner, make_user):
    """Without a keyset start the exports read every response, BATCH at a time, as before."""
    survey_id, _secret, ids = _survey_with_token(app, planner, make_user, 2_500)
    with app.app_context():
        sizes = [len(batch) for batch in reading.read_batches(survey_id, None)]
        assert sizes == [reading.BATCH, 500]
        tail = [r.id for b in reading.read_batches(survey_id, None, 50, after=ids[2400]) for r in b]
        assert tail == ids[2401:]
        explicit = [r.id for b in reading.read_batches(survey_id, None, 10, after=ids[2489]) for r in b]
        assert explicit == ids[2490:]
        assert sum(len(batch) for batch in reading.read_batches(survey_id, None)) == 2_500
