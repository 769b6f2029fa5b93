"""deploy/nginx.conf in front of gunicorn: slow clients do not block, `kill -HUP` fails no request.

Debian's nginx runs the shipped file with only addresses and paths replaced, as the current user
(`-p prefix -c conf`, everything in a temporary folder), in front of gunicorn with two sync workers
on loopback ports. Without nginx, the same slow clients make gunicorn unreachable (the control).
"""

from __future__ import annotations

import os
import re
import select
import signal
import socket
import subprocess
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest

from participation import ROOT
from participation.extensions import limiter
from tests.conftest import free_port
from tests.ops.conftest import NGINX
from tests.ops.servers import Gunicorn, get, gunicorn, wait_until_answering

SLOW_CLIENTS = 50
HOLD_SECONDS = 20.0
PROBE_AT = (2.0, 6.0, 10.0, 15.0)  # seconds into the hold
NORMAL_LIMIT = 1.0  # seconds for a normal request while the slow clients hold


def site_config(gunicorn_port: int, port: int, redirect_port: int, folder: Path) -> str:
    """deploy/nginx.conf with loopback ports, no TLS, the repository's static folder, a temp error log."""
    text = (ROOT / "deploy" / "nginx.conf").read_text()
    listens = iter([f"listen 127.0.0.1:{redirect_port};", f"listen 127.0.0.1:{port};"])
    lines = []
    for line in text.splitlines():
        stripped = line.strip()
        if stripped.startswith(("ssl_", "listen [::]")):
            continue  # no certificate here; loopback only
        if stripped.startswith("listen "):
            line = line.replace(stripped, next(listens))
        lines.append(line)
    text = "\n".join(lines)
    replaced = {
        "server 127.0.0.1:8000;": f"server 127.0.0.1:{gunicorn_port};",
        "alias /srv/participation/static/;": f"alias {ROOT / 'static'}/;",
        "/var/log/nginx/participation-error.log": str(folder / "site-error.log"),
    }
    for old, new in replaced.items():
        assert text.count(old) == 1, f"deploy/nginx.conf changed: {old!r} not found once"
        text = text.replace(old, new)
    return text


def main_config(folder: Path, site: Path) -> str:
    """The http frame Debian's /etc/nginx/nginx.conf would give, with every path in the folder."""
    kinds = ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
    temp_paths = "\n".join(f"    {kind}_temp_path {folder / kind};" for kind in kinds)
    # As root (CI), nginx would hand its workers to "nobody", who cannot read this private folder.
    user = "user root;\n" if os.geteuid() == 0 else ""
    return (
        f"{user}worker_processes 1;\npid {folder / 'nginx.pid'};\nerror_log {folder / 'error.log'} warn;\n"
        "events { worker_connections 1024; }\n"
        f"http {{\n    include /etc/nginx/mime.types;\n    default_type application/octet-stream;\n"
        f"{temp_paths}\n    access_log off;\n    include {site};\n}}\n"
    )


@dataclass
class Stack:
    app: Gunicorn
    nginx_port: int
    folder: Path


@contextmanager
def nginx_in_front(folder: Path, upstream_port: int) -> Iterator[int]:
    """The shipped nginx configuration in front of a loopback port; yields nginx's port."""
    port, redirect_port = free_port(), free_port()
    site = folder / "participation.conf"
    site.write_text(site_config(upstream_port, port, redirect_port, folder))
    conf = folder / "nginx.conf"
    conf.write_text(main_config(folder, site))
    command = [NGINX, "-p", f"{folder}/", "-c", str(conf), "-e", str(folder / "error.log")]
    checked = subprocess.run([*command, "-t"], capture_output=True, text=True)
    assert checked.returncode == 0, checked.stderr
    log = folder / "nginx.out"
    with log.open("w") as output:
        nginx = subprocess.Popen([*command, "-g", "daemon off;"], stdout=output, stderr=subprocess.STDOUT)
    try:
        wait_until_answering(port, "/static/css/main.css", nginx, log, seconds=10)
        yield port
    finally:
        nginx.send_signal(signal.SIGQUIT)  # graceful stop
        try:
            nginx.wait(timeout=10)
        except subprocess.TimeoutExpired:
            nginx.kill()
            nginx.wait()


@pytest.fixture(scope="module")
def stack(tmp_path_factory) -> Iterator[Stack]:
    folder = tmp_path_factory.mktemp("nginx")
    # servers.prepared_database builds an app in this process: give the suite its limiter back.
    saved, saved_limits = dict(limiter.__dict__), dict(limiter.limit_manager.__dict__)
    with gunicorn(folder, env={"TRUSTED_PROXIES": "1"}) as app:
        limiter.__dict__.update(saved)
        limiter.limit_manager.__dict__.update(saved_limits)
        with nginx_in_front(folder, app.port) as port:
            for _warm_up in range(4):  # each worker compiles its templates on its first page
                assert get(port, "/")[0] == 200
            yield Stack(app, port, folder)


def test_with_gunicorn_down_visitors_get_a_german_page_not_nginx_s_own(tmp_path):
    """502/504 from nginx itself: static/errors/nicht-erreichbar.html (German and English, no database)."""
    with nginx_in_front(tmp_path, free_port()) as port:  # nothing listens upstream
        status, body = get(port, "/projekte/")
    page = body.decode("utf-8")
    assert status == 502
    assert "Vorübergehend nicht erreichbar" in page and 'lang="de"' in page
    assert "Temporarily unavailable" in page and "<center>nginx" not in page


def hold_headers(port: int, count: int, until: float, sockets: list[socket.socket]) -> None:
    """Slowloris: open connections that send a request line and then one header line every 2 s."""
    for _ in range(count):
        connection = socket.create_connection(("127.0.0.1", port), timeout=5)
        connection.sendall(b"GET / HTTP/1.1\r\nHost: localhost\r\n")
        sockets.append(connection)
    while time.monotonic() < until:
        time.sleep(2)
        for connection in sockets:
            try:
                connection.sendall(b"X-Slow: 1\r\n")
            except OSError:
                pass  # cut by the server


def still_open(sockets: list[socket.socket]) -> int:
    """How many slow connections the server has neither answered (408) nor closed yet."""
    readable, _writable, _errors = select.select(sockets, [], [], 0)
    return len(sockets) - len(readable)


def timed_get(port: int, timeout: float) -> tuple[float, int | None]:
    started = time.monotonic()
    try:
        status, _body = get(port, "/", timeout=timeout)
    except OSError:
        status = None
    return time.monotonic() - started, status


def test_slow_clients_do_not_block_a_normal_request(stack, tmp_path, keep_limiter):
    with gunicorn(tmp_path, workers=2) as bare:  # the control: the same gunicorn without nginx
        through_nginx: list[socket.socket] = []
        direct: list[socket.socket] = []
        start = time.monotonic()
        until = start + HOLD_SECONDS
        holders = [
            threading.Thread(target=hold_headers, args=(port, SLOW_CLIENTS, until, held))
            for port, held in ((stack.nginx_port, through_nginx), (bare.port, direct))
        ]
        for holder in holders:
            holder.start()
        probes = []
        try:
            for at in PROBE_AT:
                time.sleep(max(0.0, start + at - time.monotonic()))
                held = still_open(through_nginx)
                seconds, status = timed_get(stack.nginx_port, timeout=5)
                probes.append((at, held, seconds, status))
            control_seconds, control_status = timed_get(bare.port, timeout=3)
        finally:
            for holder in holders:
                holder.join()
            for connection in through_nginx + direct:
                connection.close()
        report = ", ".join(f"{at:.0f} s: {s * 1000:.0f} ms ({held} held)" for at, held, s, _ in probes)
        print(f"\nnormal request through nginx during {SLOW_CLIENTS} slow clients: {report}")
        print(f"the same directly at gunicorn: {control_status} after {control_seconds:.1f} s")
        assert all(status == 200 for *_rest, status in probes), probes
        assert all(seconds < NORMAL_LIMIT for _at, _held, seconds, _status in probes), report
        # The probe at 2 s ran while every slow client was still held.
        assert probes[0][1] == SLOW_CLIENTS, probes
        # Without nginx the two sync workers sit on slow clients: the normal request gets nowhere.
        assert control_status is None, (control_status, control_seconds)


def test_kill_hup_of_the_gunicorn_master_fails_no_request(stack):
    workers_before = stack.app.workers()
    results: list[tuple[int | None, float]] = []
    hup_at, deadline = time.monotonic() + 1.0, time.monotonic() + 8.0
    hup_sent = False
    while time.monotonic() < deadline and len(results) < 2000:
        if not hup_sent and time.monotonic() >= hup_at:
            os.kill(stack.app.master_pid, signal.SIGHUP)
            hup_sent = True
        seconds, status = timed_get(stack.nginx_port, timeout=30)
        results.append((status, seconds))
    failures = [result for result in results if result[0] != 200]
    slowest = max(seconds for _status, seconds in results)
    print(f"\nkill -HUP during {len(results)} requests: {len(failures)} failed, slowest {slowest:.2f} s")
    assert hup_sent and len(results) >= 20
    assert failures == []
    # The reload really happened: the workers serving now are new processes.
    deadline = time.monotonic() + 10
    while stack.app.workers() & workers_before and time.monotonic() < deadline:
        time.sleep(0.2)
    assert not stack.app.workers() & workers_before
    assert len(stack.app.workers()) == 2
    assert re.search(rb"ok", get(stack.nginx_port, "/healthz")[1])
