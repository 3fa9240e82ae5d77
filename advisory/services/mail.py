"""Outgoing e-mail through Flask-Mailman, only when SMTP is configured (ADVISORY_MAIL_SERVER)."""

from __future__ import annotations

from flask import Flask, current_app

from advisory.extensions import mail


def init_mail(app: Flask) -> None:
    """Wire Flask-Mailman when a mail server is configured; otherwise mail stays off."""
    if app.config.get("MAIL_SERVER"):
        mail.init_app(app)


def mail_enabled() -> bool:
    return bool(current_app.config.get("MAIL_SERVER"))


def send_mail(to: str, subject: str, body: str) -> bool:
    """Send a plain-text message; return False when mail is off or the server refused it."""
    if not mail_enabled():
        return False
    from flask_mailman import EmailMessage

    message = EmailMessage(
        subject=subject,
        body=body,
        from_email=current_app.config.get("MAIL_DEFAULT_SENDER"),
        to=[to],
    )
    try:
        return message.send() == 1
    except OSError:
        current_app.logger.exception("Sending mail to the SMTP server failed")
        return False
