"""Outgoing mail: written to the log without MAIL_SERVER (so `make run` works offline), sent after commit."""

from __future__ import annotations

import logging
import smtplib

import pytest
from sqlalchemy import text

from participation.core import mail as mail_module
from participation.core.mail import Mail, deliver, queue_mail
from participation.extensions import db
from tests.conftest import post

LINK = "http://localhost/konto/bestaetigen/abc.def-123"


@pytest.fixture
def offline(app, monkeypatch):
    """The app as in development: no MAIL_SERVER; any SMTP connection attempt fails the test."""
    monkeypatch.setitem(app.config, "MAIL_SERVER", None)

    def no_smtp(*args, **kwargs):
        raise AssertionError(f"SMTP connection attempted: {args}")

    monkeypatch.setattr(smtplib, "SMTP", no_smtp)
    monkeypatch.setattr(smtplib, "SMTP_SSL", no_smtp)
    return app


def test_without_mail_server_deliver_writes_recipient_subject_and_link_to_the_log(offline, mailbox, caplog):
    caplog.set_level(logging.INFO, logger="participation.core.mail")
    with offline.app_context():
        deliver(Mail(to="anna@example.org", subject="Bitte bestätigen", body=f"Ihr Link:\n{LINK}\n"))
    logged = "\n".join(
        record.getMessage() for record in caplog.records if record.name == mail_module.log.name
    )
    assert "anna@example.org" in logged
    assert "Bitte bestätigen" in logged
    assert LINK in logged
    assert mailbox.messages == []


def test_without_mail_server_registration_logs_the_verification_link(offline, client, mailbox, caplog):
    """The whole way: the link a developer needs to verify a new account is in the log, nothing is sent."""
    caplog.set_level(logging.INFO, logger="participation.core.mail")
    response = post(
        client,
        "/konto/registrieren",
        {
            "email": "offline@example.org",
            "display_name": "Olga Offline",
            "password": "Lindenpark-Brunnen-7",
            "password_confirm": "Lindenpark-Brunnen-7",
        },
        token_from="/konto/registrieren",
    )
    assert response.status_code == 200
    logged = caplog.text
    assert "offline@example.org" in logged
    assert "http://localhost/konto/bestaetigen/" in logged
    assert mailbox.messages == []
    # The logged link really verifies the account.
    link = logged.split("http://localhost", 1)[1].split()[0]
    assert client.get(link).status_code == 302


def test_queued_mail_is_dropped_on_rollback_and_sent_on_commit(app, mailbox):
    with app.app_context():
        db.session.execute(text("SELECT 1"))  # a transaction is under way, as in every real view
        queue_mail(db.session, Mail(to="weg@example.org", subject="Verworfen", body="x\n"))
        db.session.rollback()
        queue_mail(db.session, Mail(to="da@example.org", subject="Gesendet", body="y\n"))
        assert mailbox.messages == []  # nothing before the commit
        db.session.commit()
    assert [message["To"] for message in mailbox.messages] == ["da@example.org"]


def test_mail_server_outage_is_logged_not_raised(app, monkeypatch, caplog):
    def refused(*args, **kwargs):
        raise ConnectionRefusedError("kein Server")

    monkeypatch.setattr(smtplib, "SMTP", refused)
    with app.app_context():
        queue_mail(db.session, Mail(to="anna@example.org", subject="Ausfall", body="z\n"))
        db.session.commit()  # must not raise: the user's action already succeeded
    assert "konnte nicht versendet werden" in caplog.text
    assert "anna@example.org" not in caplog.text  # the failure log names no address
