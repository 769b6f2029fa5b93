"""The load benchmark's parts (bench/load), quickly: its check, its result writer, its windows, and on
PostgreSQL its seed, its form and its bare insert against the real schema – so `make bench-load` (not run
in CI) cannot rot unnoticed."""

from __future__ import annotations

import json
import os
import secrets
import threading
import time

import pytest
from sqlalchemy import create_engine, make_url, text

from bench.load.bare import create_bare_app
from bench.load.clients import Client, hidden_fields, new_token, run_window
from bench.load.seed import PASSWORD, PLANNER, seed, seed_app
from bench.load.servers import psycopg_dsn
from bench.load.verify import check, stored_tokens, write_results
from participation.extensions import db
from tests.conftest import is_postgres


def test_check_names_lost_doubled_and_unknown_writes():
    sent = {"bare-1": True, "bare-2": True, "bare-3": False, "bare-4": False, "bare-5": True}
    stored = ["bare-1", "bare-2", "bare-2", "bare-4", "bare-9"]
    assert check(sent, stored) == [
        "bare-2: acknowledged, stored 2 times",
        "bare-5: acknowledged, stored 0 times",
        "bare-9: stored, never sent",
    ]
    # Not acknowledged may or may not have been stored, but never twice.
    assert check({"bare-3": False, "bare-4": False}, ["bare-4"]) == []
    assert check({"bare-3": False}, ["bare-3", "bare-3"]) == ["bare-3: not acknowledged, stored 2 times"]


def test_results_are_merged_into_the_file_keeping_other_benchmarks_keys(tmp_path):
    path = tmp_path / "results.json"
    path.write_text(json.dumps({"thread_queries_10": 6, "load_read_ratio": 0.1}))
    written = write_results({"load_read_ratio": 0.52, "load_read_per_s": 40.5}, path)
    assert written == json.loads(path.read_text())
    assert written == {"thread_queries_10": 6, "load_read_ratio": 0.52, "load_read_per_s": 40.5}
    assert list(json.loads(path.read_text())) == sorted(written)  # sorted: diffs between runs stay small


def test_hidden_fields_are_what_a_browser_sends_back():
    page = (
        '<form><input type="hidden" name="csrf_token" value="a&amp;b"><input name="email" value="x">'
        '<input value="7" type="hidden" name="page"></form>'
    )
    assert hidden_fields(page) == {"csrf_token": "a&b", "page": "7"}
    with pytest.raises(RuntimeError):
        hidden_fields("<form></form>")


def test_a_window_ends_at_its_count_or_its_time_and_counts_only_acknowledged():
    calls = []
    lock = threading.Lock()

    def request(client):
        with lock:
            calls.append(client)
            number = len(calls)
        time.sleep(0.005)
        return number % 3 != 0, 200 if number % 3 else 500

    clients = [Client([1]), Client([2]), Client([3])]
    window = run_window("x", clients, request, count=30, seconds=30)
    assert len(calls) == 30 and window.acknowledged + window.failed == 30
    assert window.failed == 10 and window.statuses == {200: 20, 500: 10}
    assert set(map(id, calls)) == set(map(id, clients))  # every client worked
    calls.clear()
    started = time.perf_counter()
    window = run_window("y", clients, request, count=10**9, seconds=0.3)
    assert 0.3 <= window.seconds < 2 and time.perf_counter() - started < 2
    assert window.rate == pytest.approx(window.acknowledged / window.seconds)


def test_a_failing_client_ends_the_window_loudly():
    def request(client):
        raise KeyError("csrf_token")

    with pytest.raises(RuntimeError, match="window z: a client failed") as failure:
        run_window("z", [Client([1]), Client([2])], request, count=100, seconds=5)
    assert isinstance(failure.value.__cause__, KeyError)


def test_tokens_alternate_instances_and_never_repeat():
    client = Client([5001, 5002])
    assert [client.url("/x") for _ in range(3)] == [
        f"http://127.0.0.1:{port}/x" for port in (5002, 5001, 5002)
    ]
    assert len({new_token("bare") for _ in range(1000)}) == 1000


@pytest.mark.skipif(not is_postgres(), reason="the load test's bare insert and seed are PostgreSQL's")
def test_seed_form_and_bare_insert_store_each_token_once(keep_limiter):
    url = os.environ["TEST_DATABASE_URL"]
    schema = f"bench_{os.getpid()}_{secrets.token_hex(3)}"
    admin = create_engine(url)
    with admin.begin() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    options = {"connect_args": {"options": f"-csearch_path={schema}"}}
    app = seed_app(url, "bench-test-" + secrets.token_hex(8), options)
    try:
        plan = seed(app, named_accounts=1, commenters=1, read_comments=60)
        sent = {}
        # The anonymous survey's form, as the clients send it, is a complete response to the real app.
        client = app.test_client()
        path = f"/umfragen/{plan.anonymous_survey}/teilnehmen"
        csrf = hidden_fields(client.get(f"/umfragen/{plan.anonymous_survey}/danke").get_data(as_text=True))
        token = new_token("anonymous")
        data = plan.submission("anonymous", csrf["csrf_token"], token)
        response = client.post(path, data=data)
        assert response.status_code == 302 and "/danke" in response.headers["Location"]
        sent[token] = True
        # The named survey: logged in with a seeded account, the token from any page after the login.
        named = app.test_client()
        login = hidden_fields(named.get("/konto/anmelden").get_data(as_text=True))
        form = {**login, "email": plan.named_emails[0], "password": PASSWORD}
        assert named.post("/konto/anmelden", data=form).status_code == 302
        csrf = hidden_fields(named.get(f"/umfragen/{plan.named_survey}/danke").get_data(as_text=True))
        token = new_token("named")
        data = plan.submission("named", csrf["csrf_token"], token)
        response = named.post(f"/umfragen/{plan.named_survey}/teilnehmen", data=data)
        assert response.status_code == 302 and "/danke" in response.headers["Location"]
        sent[token] = True
        # The baseline: one statement per response on the same schema, with the token where the app keeps it.
        dsn = psycopg_dsn(
            make_url(url).update_query_dict({"options": f"-csearch_path={schema}"}).render_as_string(False)
        )
        bare_app = create_bare_app(dsn, json.loads(json.dumps(plan.__dict__, default=str)))
        for _ in range(3):
            token = new_token("bare")
            answer = bare_app.test_client().post("/antwort", data=plan.submission("bare", "", token))
            assert answer.status_code == 200
            sent[token] = True
        bare_app.extensions["bench_load_connection"]["conn"].close()
        assert check(sent, stored_tokens(app, plan, PLANNER)) == []
        with app.app_context():
            rows = db.session.execute(
                text("SELECT count(*) FROM survey_answers a JOIN survey_responses r ON r.id = a.response_id "
                     "WHERE r.survey_id = :s"), {"s": plan.bare_survey}
            ).scalar()  # fmt: skip
            db.session.remove()
        assert rows == 3 * len(plan.bare_rows)  # the same response as the app stores, row for row
    finally:
        with app.app_context():
            db.engine.dispose()
        with admin.begin() as connection:
            connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()
