"""The clients: each with its own session (cookies, CSRF token), alternating between two instances.

A window runs `clients` threads until `count` requests were made or `seconds` have passed, whichever
comes first; its rate counts acknowledged requests only. Every write carries a unique token, kept with
whether the server acknowledged it, for the check that each acknowledged write is stored once.
"""

from __future__ import annotations

import html
import itertools
import re
import secrets
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field

import requests

TIMEOUT = 60
INPUT = re.compile(r"<input\b[^>]*>", re.IGNORECASE)
ATTRIBUTE = re.compile(r'\b(name|value|type)="([^"]*)"')


def hidden_fields(page: str) -> dict[str, str]:
    """The hidden inputs of a page's forms (csrf_token, page …), as a browser would send them back."""
    fields = {}
    for tag in INPUT.findall(page):
        attributes = dict(ATTRIBUTE.findall(tag))
        if attributes.get("type") == "hidden" and "name" in attributes:
            fields[attributes["name"]] = html.unescape(attributes.get("value", ""))
    if "csrf_token" not in fields:
        raise RuntimeError("no CSRF token on the page")
    return fields


def new_token(kind: str) -> str:
    return f"{kind}-{secrets.token_hex(8)}"


@dataclass
class Client:
    """One visitor: a cookie jar, the hidden fields of its form, the instances it alternates between."""

    ports: list[int]
    session: requests.Session = field(default_factory=requests.Session)
    fields: dict[str, str] = field(default_factory=dict)
    turn: int = 0

    def url(self, path: str) -> str:
        """The next instance in turn."""
        self.turn += 1
        return f"http://127.0.0.1:{self.ports[self.turn % len(self.ports)]}{path}"

    def get(self, path: str) -> requests.Response:
        return self.session.get(self.url(path), timeout=TIMEOUT, allow_redirects=False)

    def post(self, path: str, data) -> requests.Response:
        return self.session.post(self.url(path), data=data, timeout=TIMEOUT, allow_redirects=False)

    def open_form(self, path: str) -> None:
        """GET a form page and keep its hidden fields (the CSRF token of this session)."""
        response = self.get(path)
        if response.status_code != 200:
            raise RuntimeError(f"GET {path}: {response.status_code}")
        self.fields = hidden_fields(response.text)

    def log_in(self, email: str, password: str) -> None:
        self.open_form("/konto/anmelden")
        response = self.post("/konto/anmelden", {**self.fields, "email": email, "password": password})
        if response.status_code != 302:
            raise RuntimeError(f"login of {email}: {response.status_code}")


@dataclass
class Ledger:
    """Tokens sent, each with whether it was acknowledged; shared by the threads of a run."""

    sent: dict[str, bool] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def record(self, token: str, acknowledged: bool) -> None:
        with self.lock:
            if token in self.sent:
                raise RuntimeError(f"token {token} used twice")
            self.sent[token] = acknowledged

    def of_kind(self, kind: str) -> dict[str, bool]:
        return {token: ack for token, ack in self.sent.items() if token.startswith(kind + "-")}


@dataclass
class Window:
    """What one window did."""

    label: str
    acknowledged: int = 0
    failed: int = 0
    seconds: float = 0.0
    statuses: dict[int, int] = field(default_factory=dict)

    @property
    def rate(self) -> float:
        return self.acknowledged / self.seconds if self.seconds else 0.0


# A request: gets the client (per thread) and returns whether it was acknowledged and its status.
Request = Callable[[Client], tuple[bool, int]]


def run_window(label: str, clients: list[Client], request: Request, count: int, seconds: float) -> Window:
    """Each client a thread, requests until `count` in all or `seconds` have passed."""
    window = Window(label)
    tickets = itertools.count()
    lock = threading.Lock()
    deadline = time.perf_counter() + seconds
    crashed: list[BaseException] = []

    def work(client: Client) -> None:
        while time.perf_counter() < deadline and next(tickets) < count and not crashed:
            try:
                ok, status = request(client)
            except requests.RequestException:
                ok, status = False, 0  # no answer (refused, reset, timed out): a failed request
            except BaseException as error:  # a bug of the harness ends the run, not one thread quietly
                crashed.append(error)
                return
            with lock:
                window.acknowledged += ok
                window.failed += not ok
                window.statuses[status] = window.statuses.get(status, 0) + 1

    started = time.perf_counter()
    threads = [threading.Thread(target=work, args=(client,), daemon=True) for client in clients]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    window.seconds = time.perf_counter() - started
    if crashed:
        raise RuntimeError(f"window {label}: a client failed") from crashed[0]
    return window
