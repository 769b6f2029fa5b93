"""Load test: the app under concurrent clients against a bare insert, as an operator would measure.

`make bench-load` (python -m bench.load) makes a PostgreSQL database of its own (bench_load_<pid>_…,
dropped afterwards), seeds it through the app factory (bench/load/seed.py), starts two gunicorn
instances of the app (bench/load/wsgi.py: the factory with explicit rate limits, Redis as their
storage) and two of the bare baseline (bench/load/bare.py: one multi-row INSERT per request through
psycopg), each with two sync workers on loopback ports, and runs CLIENTS clients (threads with their own
sessions and CSRF tokens), every request to the other instance than the last. Windows alternate:
app workload, bare insert, next workload, bare insert …, ROUNDS times; a window ends after SECONDS or
its count of requests. Figures (rates count acknowledged requests only):

- load_submit_ratio_named: final submits of a non-anonymous survey (log-in access, each by its own
  logged-in account) per second ÷ bare inserts of the same response per second in the windows after them;
- load_submit_ratio_anonymous: the same for an anonymous open survey, without an account;
- load_read_ratio: anonymous reads of a project page with 1,800 comments in 50 threads ÷ bare inserts
  (anonymous visitors get the page from each worker's cache: participation/projects/page_cache.py);
- load_comment_ratio: comments posted by logged-in citizens ÷ bare inserts;
- load_*_per_s: the absolute rates; load_bare_insert_per_s over every bare window of the run;
- load_failed_requests: requests not acknowledged (should be 0); load_acknowledged_writes and
  load_write_problems: after the run every acknowledged write (its unique token) must be stored exactly
  once, no token twice (0 problems, else the command fails).

Rate limits: every client comes from 127.0.0.1, so the app's per-address and per-account limits would
measure 429 pages; bench/load/wsgi.py sets each of them (open-survey submissions, login failures,
comments of new accounts) to a number no run reaches, still counted in Redis. A limit added to the app
later shows up as 429 in a window's statuses and in load_failed_requests. The read page's comments are
inserted in bulk (as bench/discussions.py does); accounts, surveys and projects come from the services.
`python -m bench` (make bench) runs this module too; `make bench-load` runs it alone.

Settings by environment: BENCH_LOAD_DATABASE_URL (a PostgreSQL server's maintenance database, default
postgresql+psycopg://postgres@127.0.0.1:5432/postgres), BENCH_LOAD_REDIS_URL (redis://127.0.0.1:6379/0),
BENCH_LOAD_CLIENTS (8, from 8 to 16), BENCH_LOAD_SECONDS (6), BENCH_LOAD_ROUNDS (2); BENCH_LOAD_KEEP=1
keeps the database and the folder (gunicorn logs) of a failed run to look into (drop them by hand).
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
import tempfile
import threading
import time
from dataclasses import asdict
from pathlib import Path

from bench.load import servers
from bench.load.clients import Client, Ledger, Window, new_token, run_window
from bench.load.seed import PASSWORD, PLANNER, Plan, seed, seed_app
from bench.load.verify import check, stored_tokens

ORDER = ("named", "anonymous", "read", "comment")
NAMED_PER_WINDOW = 1000  # accounts prepared (logged in) per named window: its count (≥ 3 s of load)
COUNT = 3000  # the other windows' count (time-bounded on this machine)


def _setting(name: str, default: int) -> int:
    return int(os.environ.get(f"BENCH_LOAD_{name}") or default)


def run() -> dict[str, float | int]:
    """For `python -m bench`: the figures; a lost or doubled write raises."""
    figures, problems = measure()
    if problems:
        raise RuntimeError("load test: writes not stored exactly once:\n" + "\n".join(problems[:20]))
    return figures


def measure() -> tuple[dict[str, float | int], list[str]]:
    """Set up, load, verify, clean up (also on Ctrl-C, SIGTERM, SIGHUP); returns figures and problems."""
    clients = min(max(_setting("CLIENTS", 8), 8), 16)
    seconds, rounds = float(_setting("SECONDS", 6)), _setting("ROUNDS", 2)
    folder = tempfile.mkdtemp(prefix="bench-load-")
    with servers.interrupts_as_keyboard_interrupt():
        stack = servers.Stack(
            os.environ.get("BENCH_LOAD_DATABASE_URL") or servers.ADMIN_URL,
            os.environ.get("BENCH_LOAD_REDIS_URL") or servers.REDIS_URL,
            Path(folder),
        )
        try:
            return _measure(stack, clients, seconds, rounds)
        finally:
            if os.environ.get("BENCH_LOAD_KEEP"):  # for looking into a failed run: say what is left
                problems = [f"kept (BENCH_LOAD_KEEP): database {stack.name}, folder {folder}"]
                stack.database_created = False
                problems += stack.close()
            else:
                problems = stack.close()
                shutil.rmtree(folder, ignore_errors=True)
            for problem in problems:
                print(f"  !!! cleanup: {problem}", flush=True)


def _measure(stack: servers.Stack, clients: int, seconds: float, rounds: int):
    started = time.perf_counter()
    database_url = stack.create_database()
    secret_key = "bench-load-" + secrets.token_hex(16)
    app = seed_app(database_url, secret_key)
    named_count = NAMED_PER_WINDOW * rounds + clients  # + the warm-up's
    plan = seed(app, named_count, clients)
    plan_file = stack.folder / "plan.json"
    plan_file.write_text(json.dumps(asdict(plan), default=str))
    print(f"  seeded in {time.perf_counter() - started:.1f} s", flush=True)
    app_env = {
        "DATABASE_URL": database_url,
        "SECRET_KEY": secret_key,
        "PARTICIPATION_ENV": "development",  # production marks cookies Secure: not sent over plain http
        "RATELIMIT_STORAGE_URI": stack.redis_url,
        "BENCH_LOAD_REDIS_PREFIX": stack.redis_prefix,
    }
    bare_env = {"BENCH_LOAD_PLAN": str(plan_file), "BENCH_LOAD_BARE_DSN": servers.psycopg_dsn(database_url)}
    app_ports = [stack.gunicorn("bench.load.wsgi", app_env) for _ in range(2)]
    bare_ports = [stack.gunicorn("bench.load.bare", bare_env) for _ in range(2)]
    stack.wait_until_answering(app_ports, "/healthz")
    stack.wait_until_answering(bare_ports, "/")
    ledger = Ledger()
    workloads = _workloads(plan, app_ports, bare_ports, clients, ledger)
    print(f"  {clients} clients prepared after {time.perf_counter() - started:.1f} s", flush=True)
    for kind in (*ORDER, "bare"):  # warm-up: every worker has its templates and connections
        run_window(kind, *workloads[kind](warm_up=True), seconds=seconds)
    windows: dict[str, list[Window]] = {kind: [] for kind in ORDER}
    bare_after: dict[str, list[Window]] = {kind: [] for kind in ORDER}
    for _round in range(rounds):
        for kind in ORDER:
            windows[kind].append(_report(run_window(kind, *workloads[kind](), seconds=seconds)))
            bare_after[kind].append(_report(run_window("bare", *workloads["bare"](), seconds=seconds)))
    figures = _figures(windows, bare_after)
    problems = check(ledger.sent, stored_tokens(app, plan, PLANNER))
    figures["load_acknowledged_writes"] = sum(ledger.sent.values())
    figures["load_write_problems"] = len(problems)
    figures["load_clients"] = clients
    print(f"  load test took {time.perf_counter() - started:.1f} s", flush=True)
    with app.app_context():
        from participation.extensions import db  # reason: the seeding app's pool closes before the drop

        db.engine.dispose()
    return figures, problems


def _report(window: Window) -> Window:
    statuses = ", ".join(f"{status}: {n}" for status, n in sorted(window.statuses.items()))
    done = f"{window.acknowledged} in {window.seconds:.1f} s"
    print(f"  {window.label:<10} {window.rate:8.1f}/s  ({done}; {statuses})", flush=True)
    return window


def _rate(windows: list[Window]) -> float:
    seconds = sum(w.seconds for w in windows)
    return sum(w.acknowledged for w in windows) / seconds if seconds else 0.0


def _figures(windows: dict[str, list[Window]], bare_after: dict[str, list[Window]]) -> dict[str, float | int]:
    names = {
        "named": "load_submit_ratio_named",
        "anonymous": "load_submit_ratio_anonymous",
        "read": "load_read_ratio",
        "comment": "load_comment_ratio",
    }
    rates = {"named": "load_submit_named", "anonymous": "load_submit_anonymous", "read": "load_read"}
    figures: dict[str, float | int] = {}
    for kind in ORDER:
        rate, bare = _rate(windows[kind]), _rate(bare_after[kind])
        figures[names[kind]] = round(rate / bare, 3) if bare else 0.0
        figures[f"{rates.get(kind, 'load_comment')}_per_s"] = round(rate, 1)
    every_bare = [w for kind in ORDER for w in bare_after[kind]]
    figures["load_bare_insert_per_s"] = round(_rate(every_bare), 1)
    everything = every_bare + [w for kind in ORDER for w in windows[kind]]
    figures["load_failed_requests"] = sum(w.failed for w in everything)
    return figures


def _workloads(plan: Plan, app_ports: list[int], bare_ports: list[int], clients: int, ledger: Ledger):
    """Per workload, a function giving (clients, request, count) for its next window."""
    anonymous_path = f"/umfragen/{plan.anonymous_survey}/teilnehmen"
    named_path = f"/umfragen/{plan.named_survey}/teilnehmen"
    comment_path = f"/projekte/{plan.comment_slug}/kommentieren"
    read_path = f"/projekte/{plan.read_slug}"

    def prepared(count: int, make) -> list[Client]:
        made: list[Client] = []
        lock = threading.Lock()
        numbers = iter(range(count))

        def work():
            while True:
                with lock:
                    number = next(numbers, None)
                if number is None:
                    return
                client = make(number)
                with lock:
                    made.append(client)

        threads = [threading.Thread(target=work, daemon=True) for _ in range(clients)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        return made

    def logged_in(email: str, form: str) -> Client:
        client = Client(app_ports)
        client.log_in(email, PASSWORD)
        client.open_form(form)
        return client

    def anonymous_visitor(_n: int) -> Client:
        client = Client(app_ports)
        client.open_form(anonymous_path)
        return client

    anonymous = prepared(clients, anonymous_visitor)
    readers = [Client(app_ports) for _ in range(clients)]
    writers = prepared(clients, lambda n: logged_in(plan.commenter_emails[n], comment_path))
    # The session's CSRF token from the survey's thank-you page (any page has it, in the header's logout
    # form): rendering the questionnaire itself for hundreds of accounts only lengthens the preparation.
    thanks_path = f"/umfragen/{plan.named_survey}/danke"
    named = prepared(len(plan.named_emails), lambda n: logged_in(plan.named_emails[n], thanks_path))
    bare_clients = [Client(bare_ports) for _ in range(clients)]
    lock = threading.Lock()

    def submit(kind: str, path: str, survey_kind: str, client: Client) -> tuple[bool, int]:
        token = new_token(kind)
        data = plan.submission(survey_kind, client.fields.get("csrf_token", ""), token)  # bare: none
        try:
            response = client.post(path, data)
        except Exception:
            ledger.record(token, False)
            raise
        if kind == "bare":
            ok = response.status_code == 200
        else:  # the app's acknowledgement: on to the thank-you page
            ok = response.status_code == 302 and "/danke" in response.headers.get("Location", "")
        ledger.record(token, ok)
        return ok, response.status_code

    def named_submit(_client: Client) -> tuple[bool, int]:
        with lock:
            client = named.pop()  # each submission by an account of its own
        return submit("named", named_path, "named", client)

    def comment(client: Client) -> tuple[bool, int]:
        token = new_token("comment")
        data = {
            "csrf_token": client.fields["csrf_token"],
            "parent_id": "",
            "body": f"Lastprobe {token}: mehr Bäume.",
        }
        try:
            response = client.post(comment_path, data)
        except Exception:
            ledger.record(token, False)
            raise
        ok = response.status_code == 302
        ledger.record(token, ok)
        return ok, response.status_code

    def read(client: Client) -> tuple[bool, int]:
        response = client.get(read_path)
        return response.status_code == 200 and len(response.content) > 0, response.status_code

    def bare(client: Client) -> tuple[bool, int]:
        return submit("bare", "/antwort", "bare", client)

    def window(pool: list[Client], request, count: int):
        def next_window(warm_up: bool = False):
            return pool, request, (2 * clients if warm_up else count)

        return next_window

    def named_window(warm_up: bool = False):
        count = clients if warm_up else NAMED_PER_WINDOW
        return [Client(app_ports) for _ in range(clients)], named_submit, min(count, len(named))

    return {
        "named": named_window,
        "anonymous": window(anonymous, lambda c: submit("anonymous", anonymous_path, "anonymous", c), COUNT),
        "read": window(readers, read, COUNT),
        "comment": window(writers, comment, COUNT),
        "bare": window(bare_clients, bare, 2 * COUNT),
    }
