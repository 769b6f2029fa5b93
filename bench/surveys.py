"""Survey results and exports at 100,000 responses × 12 questions; export memory at 1,000,000 responses.

Figures (measured in the same run, on the same SQLite file):
- survey_results_ratio: the results computation (every figure of the page, by surveys.results.compute)
  ÷ one hand-written single-scan GROUP BY over the same answers (counts, sums, sums of squares, min, max)
  on a raw DB-API cursor. The baseline computes less (no quartiles, no bases, no per-day series).
- export_csv_speed_ratio: rows/s of the real CSV download (test client, streamed to the end) ÷ rows/s of
  a raw cursor over the same ordered join, grouped per response, written with csv.writer.
- export_xlsx_ratio: seconds of the XLSX download ÷ seconds of the German CSV download of the same
  100,000 responses (best of two each, same run); the target is <= 2.
- export_peak_mb: peak RSS of a separate process that downloads the CSV of 1,000,000 responses;
  export_xlsx_peak_mb_100k / export_ods_peak_mb_100k: the same for XLSX and ODS at 100,000 responses.
- results_queries_small / results_queries_large: SQL statements of the results page at 100 and 100,000
  responses (must be equal).
"""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
import tempfile
import time

from sqlalchemy import event, text

from participation import create_app
from participation.accounts.models import Role
from participation.accounts.services import create_user
from participation.extensions import db
from participation.surveys import services
from participation.surveys.models import Survey
from participation.surveys.results.services import compute

PASSWORD = "Bench-Lindenpark-2026"
LARGE, HUGE, SMALL = 100_000, 1_000_000, 100


def sqlite_app(path: str):
    """The app on a SQLite file, set up for benchmarks (cheap hashes, no CSRF, in-memory limits)."""
    return create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "bench",
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{path}",
            "RATELIMIT_STORAGE_URI": "memory://",
            "PASSWORD_HASH_METHOD": "scrypt:1024:8:1",
            "WTF_CSRF_ENABLED": False,
        }
    )


def _survey(owner, title: str) -> Survey:
    """Twelve questions of every kind that produces figures."""
    survey = services.create_survey(owner, title=title, access="open", anonymous=True)
    page = survey.pages[0]

    def add(kind, label, settings=None, options=(), rows=()):
        question = services.add_question(owner, page, kind, label, settings=settings or {})
        for option in options:
            services.add_option(owner, question, option)
        for row in rows:
            services.add_option(owner, question, row, kind="row")

    add("single", "Verkehrsmittel", options=("Rad", "Auto", "Bus", "Zu Fuß"))
    add("multiple", "Wünsche", options=("Bäume", "Bänke", "Licht", "Wege"))
    add("scale", "Zufriedenheit", {"scale_min": 1, "scale_max": 5})
    add("number", "Kilometer", {"decimal": True})
    add("yesno", "Wohnen Sie hier?")
    add("matrix", "Bewerten Sie", {"scale_min": 1, "scale_max": 5}, rows=("Licht", "Lärm"))
    add("ranking", "Ordnen Sie", options=("Grün", "Parken", "Markt"))
    add("short_text", "Ein Wort", {"max_length": 50})
    add("date", "Seit wann?")
    add("single", "Ortsteil", options=("Nord", "Süd", "Ost", "West", "Mitte"))
    add("scale", "Sicherheit", {"scale_min": 1, "scale_max": 5})
    add("number", "Alter")
    services.publish(owner, survey)
    return survey


def _fill(survey: Survey, count: int) -> None:
    """Responses and answers by INSERT … SELECT (random but plausible values), in the database itself."""
    sid = survey.id
    conn = db.session.connection()
    conn.execute(
        text(
            "INSERT INTO survey_responses (id, survey_id, user_id, channel, via, submitted_on) "
            "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < :count) "
            "SELECT lower(hex(randomblob(16))), :sid, NULL, "
            "CASE i % 10 WHEN 0 THEN 'telefon' WHEN 1 THEN 'papier' WHEN 2 THEN 'buergerbuero' "
            "ELSE 'online' END, "
            "'open', date('2026-01-01', '+' || (i % 60) || ' days') FROM n"
        ),
        {"count": count, "sid": sid},
    )
    insert = (
        "INSERT INTO survey_answers (response_id, question_id, option_id, row_id, value_number, value_text, "
        "value_date, rank, dont_know) "
        "SELECT r.id, {qid}, {option}, {row}, {number}, {text}, {date}, {rank}, 0 "
        "FROM survey_responses r WHERE r.survey_id = {sid} {extra}"
    )

    def run(
        question, option="NULL", row="NULL", number="NULL", text_="NULL", date="NULL", rank="NULL", extra=""
    ):
        sql = insert.format(
            qid=question.id,
            option=option,
            row=row,
            number=number,
            text=text_,
            date=date,
            rank=rank,
            sid=sid,
            extra=extra,
        )
        conn.exec_driver_sql(sql)

    for question in survey.questions:
        choices = [o.id for o in question.choices]
        if question.qtype == "single":
            run(question, option=f"{choices[0]} + abs(random()) % {len(choices)}")
        elif question.qtype == "multiple":
            for option_id in choices:
                run(question, option=str(option_id), extra="AND abs(random()) % 3 = 0")
        elif question.qtype == "scale":
            run(question, number="1 + abs(random()) % 5")
        elif question.qtype == "number":
            run(question, number="(abs(random()) % 100000) / 100.0", extra="AND abs(random()) % 10 > 0")
        elif question.qtype == "yesno":
            run(question, number="abs(random()) % 2")
        elif question.qtype == "matrix":
            for row in question.rows:
                run(question, row=str(row.id), number="1 + abs(random()) % 5")
        elif question.qtype == "ranking":
            # A permutation per response, chosen by the response id (the same for all its rank rows).
            for position, option_id in enumerate(choices):
                rank = f"1 + ((unicode(substr(r.id, 1, 1)) + {position}) % 3)"
                run(question, option=str(option_id), rank=rank)
        elif question.qtype == "short_text":
            run(question, text_="'Antwort ' || (abs(random()) % 1000)", extra="AND abs(random()) % 4 = 0")
        elif question.qtype == "date":
            run(question, date="date('1990-01-01', '+' || (abs(random()) % 12000) || ' days')")


BASELINE_SQL = (
    "SELECT a.question_id, a.option_id, a.row_id, count(*), sum(a.value_number), "
    "sum(a.value_number * a.value_number), min(a.value_number), max(a.value_number) "
    "FROM survey_answers a JOIN survey_responses r ON r.id = a.response_id WHERE r.survey_id = ? "
    "GROUP BY a.question_id, a.option_id, a.row_id, a.value_number"
)
EXPORT_SQL = (
    "SELECT r.id, r.submitted_on, r.channel, a.question_id, a.option_id, a.row_id, a.value_number, "
    "a.value_text, a.value_date, a.rank FROM survey_responses r LEFT JOIN survey_answers a "
    "ON a.response_id = r.id WHERE r.survey_id = ? ORDER BY r.id, a.id"
)


def _best(fn, repeat: int = 3) -> float:
    best = float("inf")
    for _ in range(repeat):
        started = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - started)
    return best


def _baseline_export(raw, survey_id: int) -> int:
    """Raw cursor → one csv.writer row per response (values in question order, nothing else)."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";")
    cursor = raw.cursor()
    cursor.execute(EXPORT_SQL, (survey_id,))
    current, values, rows = None, [], 0
    for record in cursor:
        if record[0] != current:
            if current is not None:
                writer.writerow(values)
                rows += 1
                if rows % 1000 == 0:
                    out.seek(0)
                    out.truncate()
            current, values = record[0], [record[0], record[1], record[2]]
        values.append(
            record[6] if record[6] is not None else record[4] or record[7] or record[8] or record[9]
        )
    writer.writerow(values)
    return rows + 1


def _download(client, survey_id: int, fmt: str = "csv") -> int:
    """Stream the export to the end; CSV: the number of data rows, other formats: the number of bytes."""
    # A POST, like the export form (the bench app has CSRF off); every column header as its code.
    response = client.post(
        f"/umfragen/verwaltung/{survey_id}/export/datei",
        data={"format": fmt, "kopf": "codes"},
        buffered=False,
    )
    assert response.status_code == 200, response.status_code
    lines = size = 0
    for chunk in response.response:
        lines += chunk.count(b"\r\n")
        size += len(chunk)
    response.close()
    return lines - 1 if fmt == "csv" else size


def _login(client, email: str) -> None:
    response = client.post("/konto/anmelden", data={"email": email, "password": PASSWORD})
    assert response.status_code == 302, response.status_code


# The child reads its peak from /proc (VmHWM, this process's own memory): ru_maxrss would report the
# parent's size, because Linux carries the high-water mark of the spawning process across exec.
MEMORY_CHILD = """
import re, sys
sys.path.insert(0, {root!r})
from bench.surveys import _download, _login, sqlite_app
app = sqlite_app({path!r})
client = app.test_client()
_login(client, {email!r})
rows = _download(client, {sid}, {fmt!r})
with open("/proc/self/status") as status:
    print(rows, re.search(r"VmHWM:\\s+(\\d+) kB", status.read()).group(1))
"""


def _peak(root: str, path: str, survey_id: int, fmt: str) -> tuple[int, float]:
    """Rows (CSV) or bytes, and the peak RSS in MB, of a separate process that downloads one export."""
    code = MEMORY_CHILD.format(
        root=root, path=path, email="planung@musterstadt.example", sid=survey_id, fmt=fmt
    )
    child = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=root)
    rows, peak_kb = (int(v) for v in child.stdout.split()[-2:])
    return rows, round(peak_kb / 1024, 1)


def run() -> dict[str, float]:
    """Generate the data, measure, and report the five figures."""
    tmp = tempfile.mkdtemp(prefix="bench-surveys-")
    path = f"{tmp}/bench.sqlite"
    app = sqlite_app(path)
    with app.app_context():
        db.create_all()
        owner = create_user("planung@musterstadt.example", "Planung", PASSWORD, {Role.PLANNER}, verified=True)
        surveys = {size: _survey(owner, f"Bench {size}") for size in (SMALL, LARGE, HUGE)}
        db.session.commit()
        ids = {size: s.id for size, s in surveys.items()}
        for size, survey in surveys.items():
            started = time.perf_counter()
            _fill(survey, size)
            db.session.commit()
            print(f"  generated {size:>9,} responses in {time.perf_counter() - started:.1f} s", flush=True)
        db.session.execute(text("ANALYZE"))
        db.session.commit()

        survey = db.session.get(Survey, ids[LARGE])
        ours = _best(lambda: compute(survey))
        raw = db.engine.raw_connection()
        try:
            baseline = _best(lambda: raw.cursor().execute(BASELINE_SQL, (ids[LARGE],)).fetchall())
            started = time.perf_counter()
            baseline_rows = _baseline_export(raw, ids[LARGE])
            baseline_rate = baseline_rows / (time.perf_counter() - started)
        finally:
            raw.close()
        engine = db.engine

    client = app.test_client()
    _login(client, "planung@musterstadt.example")
    started = time.perf_counter()
    exported = _download(client, ids[LARGE])
    export_rate = exported / (time.perf_counter() - started)
    assert exported == LARGE == baseline_rows, (exported, baseline_rows)

    def queries(size: int) -> int:
        statements = []

        def count(*_args):
            statements.append(1)

        event.listen(engine, "before_cursor_execute", count)
        try:
            assert client.get(f"/umfragen/{ids[size]}/ergebnisse").status_code == 200
        finally:
            event.remove(engine, "before_cursor_execute", count)
        return len(statements)

    small_queries, large_queries = queries(SMALL), queries(LARGE)
    csv_seconds = _best(lambda: _download(client, ids[LARGE], "csv"), repeat=2)
    xlsx_seconds = _best(lambda: _download(client, ids[LARGE], "xlsx"), repeat=2)
    print(
        f"  export of {LARGE:,} responses: German CSV {csv_seconds:.2f} s, XLSX {xlsx_seconds:.2f} s",
        flush=True,
    )

    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    rows, peak_mb = _peak(root, path, ids[HUGE], "csv")
    assert rows == HUGE, rows
    # XLSX and ODS are written row by row into a temporary file; 100,000 responses keep the run short.
    xlsx_bytes, xlsx_mb = _peak(root, path, ids[LARGE], "xlsx")
    ods_bytes, ods_mb = _peak(root, path, ids[LARGE], "ods")
    assert xlsx_bytes > 0 and ods_bytes > 0
    return {
        "survey_results_ratio": round(ours / baseline, 2),
        "export_csv_speed_ratio": round(export_rate / baseline_rate, 2),
        "export_xlsx_ratio": round(xlsx_seconds / csv_seconds, 2),
        "export_peak_mb": peak_mb,
        "export_xlsx_peak_mb_100k": xlsx_mb,
        "export_ods_peak_mb_100k": ods_mb,
        "results_queries_small": small_queries,
        "results_queries_large": large_queries,
    }


if __name__ == "__main__":
    print(json.dumps(run(), indent=2))
