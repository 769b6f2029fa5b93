"""Real servers for the operations tests: gunicorn serving the app on a loopback port, over SQLite."""

from __future__ import annotations

import http.client
import os
import secrets
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from participation import ROOT, create_app
from participation.extensions import db
from tests.conftest import free_port


@dataclass
class Gunicorn:
    """A running gunicorn master: its port, pid file and log."""

    port: int
    process: subprocess.Popen
    pid_file: Path
    log: Path

    @property
    def master_pid(self) -> int:
        return int(self.pid_file.read_text().strip())

    def workers(self) -> set[int]:
        """The master's worker processes (its children, from /proc)."""
        pid = self.master_pid
        children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
        return {int(child) for child in children}


def prepared_database(folder: Path) -> str:
    """An SQLite file with the schema, made through the app (as `flask db upgrade` would, faster)."""
    url = f"sqlite:///{folder}/ops.sqlite"
    application = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "schema-only"})
    with application.app_context():
        db.create_all()
        db.engine.dispose()
    return url


def get(port: int, path: str = "/", timeout: float = 10.0) -> tuple[int, bytes]:
    """One plain GET on a fresh connection: (status, body)."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        connection.request("GET", path)
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


def wait_until_answering(
    port: int, path: str, process: subprocess.Popen, log: Path, seconds: float = 30
) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"server on {port} exited:\n{log.read_text()[-3000:]}")
        try:
            status, _body = get(port, path, timeout=2)
            if status == 200:
                return
        except OSError:
            pass
        time.sleep(0.1)
    raise RuntimeError(
        f"server on {port} did not answer {path} within {seconds} s:\n{log.read_text()[-3000:]}"
    )


@contextmanager
def gunicorn(folder: Path, *, workers: int = 2, env: dict[str, str] | None = None) -> Iterator[Gunicorn]:
    """gunicorn with sync workers (as in the README and deploy/participation.service) on a free port."""
    port = free_port()
    pid_file, log = folder / f"gunicorn-{port}.pid", folder / f"gunicorn-{port}.log"
    environment = {
        **os.environ,
        "DATABASE_URL": prepared_database(folder),
        "SECRET_KEY": "ops-" + secrets.token_hex(16),
        "PARTICIPATION_ENV": "development",
        "RATELIMIT_STORAGE_URI": "memory://",
        **(env or {}),
    }
    environment.pop("TEST_DATABASE_URL", None)
    command = [
        sys.executable, "-m", "gunicorn", "app:app", "--bind", f"127.0.0.1:{port}", "--workers", str(workers),
        "--pid", str(pid_file), "--graceful-timeout", "20", "--no-control-socket",
    ]  # fmt: skip
    with log.open("w") as output:
        process = subprocess.Popen(
            command, cwd=ROOT, env=environment, stdout=output, stderr=subprocess.STDOUT
        )
    try:
        wait_until_answering(port, "/healthz", process, log)
        yield Gunicorn(port, process, pid_file, log)
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(timeout=25)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
