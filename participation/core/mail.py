"""Outgoing e-mail: queued in the transaction, sent over SMTP only after it commits."""

from __future__ import annotations

import logging
import smtplib
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formataddr, make_msgid
from typing import Any

from flask import Flask, Response, after_this_request, current_app, has_request_context, render_template
from flask_babel import force_locale
from sqlalchemy import event
from sqlalchemy.orm import Session, scoped_session

log = logging.getLogger(__name__)

_OUTBOX_KEY = "participation_outbox"


@dataclass(frozen=True)
class Mail:
    to: str
    subject: str
    body: str


def render_mail(to: str, template: str, locale: str | None, **context: Any) -> Mail:
    """Render templates/mail/<template>.txt in the recipient's language; the first line is the subject."""
    with force_locale(locale or current_app.config["DEFAULT_LOCALE"]):
        text = render_template(f"mail/{template}.txt", **context)
    subject, _, body = text.strip().partition("\n")
    return Mail(to=to, subject=subject.strip(), body=body.strip() + "\n")


def queue_mail(session: Session | scoped_session[Any], mail: Mail, *, after_response: bool = False) -> None:
    """Send the mail once the current transaction commits; drop it on rollback.

    after_response: inside a request, hand the mail to the SMTP server only once the response has
    gone out. For answers that must not reveal by their timing whether a mail was sent at all
    (the reset form: only known addresses get one).
    """
    session.info.setdefault(_OUTBOX_KEY, []).append((mail, after_response))


def deliver(mail: Mail) -> None:
    """Send one mail over SMTP, or write it to the log when no MAIL_SERVER is configured."""
    config = current_app.config
    sender = config["MAIL_SENDER"]
    if not config.get("MAIL_SERVER"):
        log.info(
            "E-Mail (kein MAIL_SERVER gesetzt)\nAn: %s\nBetreff: %s\n\n%s", mail.to, mail.subject, mail.body
        )
        return
    message = EmailMessage()
    message["From"] = formataddr((config["SITE_NAME"], sender))
    message["To"] = mail.to
    message["Subject"] = mail.subject
    message["Message-ID"] = make_msgid(domain=sender.rpartition("@")[2] or None)
    message["Auto-Submitted"] = "auto-generated"
    message.set_content(mail.body)
    with smtplib.SMTP(config["MAIL_SERVER"], config["MAIL_PORT"], timeout=15) as smtp:
        if config.get("MAIL_USE_TLS"):
            smtp.starttls()
        if config.get("MAIL_USERNAME"):
            smtp.login(config["MAIL_USERNAME"], config.get("MAIL_PASSWORD") or "")
        smtp.send_message(message)


def _deliver_safely(mail: Mail) -> None:
    """Deliver one mail; an unreachable mail server is logged, never raised."""
    try:
        deliver(mail)
    except (OSError, smtplib.SMTPException):
        # The user's action already succeeded; a mail server outage must not turn it into a 500.
        log.exception("E-Mail an einen Empfänger konnte nicht versendet werden (Betreff: %s)", mail.subject)


def _deliver_after_response(mails: list[Mail]) -> None:
    """Send the mails when the WSGI server closes the response, i.e. after its last byte went out.

    Registered from the commit inside the view, before Flask runs the after-request functions.
    """
    # Flask types the current_app proxy as Flask, so mypy does not see the proxy's own method.
    app: Flask = current_app._get_current_object()  # type: ignore[attr-defined]

    def send_all() -> None:
        with app.app_context():
            for mail in mails:
                _deliver_safely(mail)

    @after_this_request
    def _on_close(response: Response) -> Response:
        response.call_on_close(send_all)
        return response


@event.listens_for(Session, "after_commit")
def _send_outbox(session: Session) -> None:
    outbox = session.info.pop(_OUTBOX_KEY, None)
    later: list[Mail] = []
    for mail, after_response in outbox or ():
        if after_response and has_request_context():
            later.append(mail)
        else:
            _deliver_safely(mail)
    if later:
        _deliver_after_response(later)


@event.listens_for(Session, "after_rollback")
def _drop_outbox(session: Session) -> None:
    session.info.pop(_OUTBOX_KEY, None)
