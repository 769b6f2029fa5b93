"""/healthz: 200 while the database and the rate-limit storage answer, else 503; quiet and cheap."""

from __future__ import annotations

import logging
import shutil
import subprocess
import time

import pytest

from participation.extensions import db
from tests.conftest import count_queries, free_port
from tests.ops.conftest import outage_app


def test_healthy_answer_is_plain_cheap_and_sets_no_cookie(outage):
    client = outage.app.test_client()
    with outage.app.app_context():
        engine = db.engine
    with count_queries(engine) as statements:
        response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_data(as_text=True) == "ok\n"
    assert response.mimetype == "text/plain"
    assert response.headers["Cache-Control"] == "no-store"
    assert "Set-Cookie" not in response.headers
    assert [statement.strip().upper() for statement in statements] == ["SELECT 1"]


def test_database_down_means_503_and_back_up_means_200_without_a_log_line(outage, caplog):
    client = outage.app.test_client()
    outage.down()
    with caplog.at_level(logging.DEBUG, logger="participation"):
        response = client.get("/healthz")
    assert response.status_code == 503
    assert response.get_data(as_text=True) == "unavailable: database\n"
    assert response.headers["Retry-After"] == "30"
    assert "Set-Cookie" not in response.headers
    # Load balancers ask every few seconds: an outage must not fill the log from here.
    assert [record for record in caplog.records if record.name.startswith("participation")] == []
    outage.up()
    assert client.get("/healthz").status_code == 200


def test_not_rate_limited(tmp_path, keep_limiter):
    for outage in outage_app(tmp_path, {"RATELIMIT_DEFAULT": "3 per minute"}):
        client = outage.app.test_client()
        assert [client.get("/").status_code for _ in range(4)] == [200, 200, 200, 429]
        assert {client.get("/healthz").status_code for _ in range(10)} == {200}


def test_rate_limit_storage_down_means_503(tmp_path, keep_limiter):
    closed = f"redis://127.0.0.1:{free_port()}/0"
    for outage in outage_app(tmp_path, {"RATELIMIT_STORAGE_URI": closed}):
        response = outage.app.test_client().get("/healthz")
        assert response.status_code == 503
        assert response.get_data(as_text=True) == "unavailable: rate-limit storage\n"


@pytest.mark.skipif(
    not shutil.which("redis-server"), reason="redis-server fehlt: der Fall mit laufendem Redis entfällt"
)
def test_rate_limit_storage_up_means_200(tmp_path, keep_limiter):
    port = free_port()
    redis = subprocess.Popen(
        ["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        for outage in outage_app(tmp_path, {"RATELIMIT_STORAGE_URI": f"redis://127.0.0.1:{port}/0"}):
            client = outage.app.test_client()
            deadline = time.monotonic() + 10
            while (status := client.get("/healthz").status_code) != 200 and time.monotonic() < deadline:
                time.sleep(0.1)  # redis-server is still starting
            assert status == 200
            redis.terminate()
            redis.wait(timeout=10)
            assert client.get("/healthz").status_code == 503
    finally:
        if redis.poll() is None:
            redis.kill()
            redis.wait()
