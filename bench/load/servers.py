"""What the load test runs on and takes down again: its own database, gunicorn instances, Redis keys.

Everything started here is stopped in `Stack.close()`, which the harness calls from a `finally`;
SIGINT, SIGTERM and SIGHUP are turned into KeyboardInterrupt for the run, so an
interrupted run cleans up too. Only a SIGKILL leaves things behind: a database named bench_load_<pid>_…,
gunicorn processes started by that pid, keys under bench-load-<pid>-… in Redis.
"""

from __future__ import annotations

import contextlib
import http.client
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import psycopg
import redis
from sqlalchemy import make_url

from participation import ROOT

ADMIN_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
REDIS_URL = "redis://127.0.0.1:6379/0"
# The app's README and deploy/participation.service: gunicorn, sync workers; two per instance here.
WORKERS = 2


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def psycopg_dsn(url: str) -> str:
    """A SQLAlchemy URL (postgresql+psycopg://…) as the connection string psycopg takes."""
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


@contextlib.contextmanager
def interrupts_as_keyboard_interrupt() -> Iterator[None]:
    """SIGINT, SIGTERM and SIGHUP end the run through every finally, so nothing is left running.

    SIGINT too: a shell without job control starts background jobs with it ignored.
    """

    def stop(signum, _frame):
        raise KeyboardInterrupt(f"signal {signum}")

    previous = {
        number: signal.signal(number, stop) for number in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)
    }
    try:
        yield
    finally:
        for number, handler in previous.items():
            signal.signal(number, handler)


@dataclass
class Stack:
    """The run's database, Redis key prefix, folder and gunicorn processes."""

    admin_url: str
    redis_url: str
    folder: Path
    name: str = field(default_factory=lambda: f"bench_load_{os.getpid()}_{secrets.token_hex(3)}")
    processes: list[subprocess.Popen] = field(default_factory=list)
    database_created: bool = False

    @property
    def database_url(self) -> str:
        return make_url(self.admin_url).set(database=self.name).render_as_string(hide_password=False)

    @property
    def redis_prefix(self) -> str:
        return self.name.replace("_", "-")

    def create_database(self) -> str:
        """The run's own database; first a clear word when PostgreSQL or Redis is not there."""
        try:
            with redis.Redis.from_url(self.redis_url, socket_connect_timeout=5) as client:
                client.ping()
        except redis.RedisError as error:
            raise RuntimeError(f"no Redis at {self.redis_url} (BENCH_LOAD_REDIS_URL): {error}") from error
        try:
            dsn = psycopg_dsn(self.admin_url)
            with psycopg.connect(dsn, autocommit=True, connect_timeout=5) as connection:
                connection.execute(f'CREATE DATABASE "{self.name}"')
        except psycopg.Error as error:
            where = f"{self.admin_url} (BENCH_LOAD_DATABASE_URL)"
            raise RuntimeError(f"cannot create a PostgreSQL database through {where}: {error}") from error
        self.database_created = True
        return self.database_url

    def gunicorn(self, module: str, env: dict[str, str]) -> int:
        """Start gunicorn (sync workers) for module:app on a free loopback port; returns the port."""
        port = free_port()
        log = self.folder / f"gunicorn-{port}.log"
        command = [
            sys.executable, "-m", "gunicorn", f"{module}:app", "--bind", f"127.0.0.1:{port}",
            "--workers", str(WORKERS), "--worker-class", "sync", "--no-control-socket",
            "--graceful-timeout", "5",
        ]  # fmt: skip
        with log.open("w") as output:
            process = subprocess.Popen(
                command, cwd=ROOT, env={**os.environ, **env}, stdout=output, stderr=subprocess.STDOUT
            )
        self.processes.append(process)
        return port

    def wait_until_answering(self, ports: list[int], path: str, seconds: float = 300) -> None:
        """Until every port answers path (any status below 500): the workers have imported the app.

        Eight workers import the app at once (some 3 s of CPU each); on a shared two-core machine
        under load that took longer than a minute.
        """
        deadline = time.monotonic() + seconds
        waiting = set(ports)
        while waiting and time.monotonic() < deadline:
            for process in self.processes:
                if process.poll() is not None:
                    raise RuntimeError(f"gunicorn exited ({process.args}); see the logs in {self.folder}")
            for port in list(waiting):
                with contextlib.suppress(OSError):
                    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
                    connection.request("GET", path)
                    if connection.getresponse().status < 500:
                        waiting.discard(port)
                    connection.close()
            time.sleep(0.2)
        if waiting:
            logs = "\n".join(p.read_text()[-2000:] for p in self.folder.glob("gunicorn-*.log"))
            raise RuntimeError(f"gunicorn on {sorted(waiting)} did not answer within {seconds} s:\n{logs}")

    def close(self) -> list[str]:
        """Stop the processes, drop the database, delete the Redis keys; returns what failed (if anything)."""
        problems = []
        for process in self.processes:
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
        for process in self.processes:
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        self.processes.clear()
        if self.database_created:
            try:
                with psycopg.connect(psycopg_dsn(self.admin_url), autocommit=True) as connection:
                    connection.execute(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')
                self.database_created = False
            except psycopg.Error as error:
                problems.append(f"database {self.name} not dropped: {error}")
        try:
            delete_redis_keys(self.redis_url, self.redis_prefix)
        except Exception as error:  # noqa: BLE001 - a cleanup step reports, the others still run
            problems.append(f"Redis keys {self.redis_prefix}:* not deleted: {error}")
        return problems


def delete_redis_keys(url: str, prefix: str) -> int:
    """Delete the run's rate-limit keys (exactly those under its prefix)."""
    client = redis.Redis.from_url(url)
    try:
        keys = list(client.scan_iter(match=f"{prefix}:*", count=1000))
        return int(client.delete(*keys)) if keys else 0
    finally:
        client.close()
