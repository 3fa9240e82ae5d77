"""Forgotten passwords: a one-time link through a real SMTP server, then a new password."""

from __future__ import annotations

import datetime as dt
import email
import email.policy
import re
import time

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import select

from advisory.extensions import db
from advisory.models import AuditEvent, OneTimeToken, Role, User
from tests.conftest import Auth, make_config
from tests.test_team import Inbox, _free_port

NEW_PASSWORD = "quiet rivers carry old lanterns"


@pytest.fixture
def smtp():
    inbox = Inbox()
    port = _free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    yield inbox, port
    controller.stop()


@pytest.fixture
def mail_app(app, database_url, make_app, smtp):
    """An app sending mail to the local SMTP server; `app` cleans the shared database."""
    return make_app(
        make_config(
            database_url,
            MAIL_SERVER="127.0.0.1",
            MAIL_PORT=smtp[1],
            MAIL_USE_TLS=False,
            MAIL_DEFAULT_SENDER="advisory@example.org",
            MAIL_BACKEND="smtp",  # Flask-Mailman keeps mail in memory under TESTING otherwise
        )
    )


def wait_for(inbox, count: int = 1):
    for _ in range(100):
        if len(inbox.messages) >= count:
            break
        time.sleep(0.05)
    return inbox.messages


def body(content: str) -> str:
    return email.message_from_string(content, policy=email.policy.default).get_content()


def request_link(mail_app, address: str):
    return Auth(mail_app.test_client()).post("/forgot-password", {"email": address})


def test_the_forgotten_password_is_reset_through_a_real_smtp_server(mail_app, smtp, make_user):
    inbox = smtp[0]
    user = make_user(Role.MUNICIPAL_EDITOR, ags="07333001", email="erika@example.org")
    login_page = mail_app.test_client().get("/login").get_data(as_text=True)
    assert 'href="/forgot-password"' in login_page
    old = Auth(mail_app.test_client())
    old.login(user.email)
    assert old.client.get("/").status_code == 200

    answer = request_link(mail_app, "Erika@Example.org")
    assert answer.status_code == 200 and "eine Stunde" in answer.get_data(as_text=True)
    ((recipients, content),) = wait_for(inbox)
    assert recipients == ["erika@example.org"]
    link = re.search(r"http://localhost(/reset-password/\S+)", body(content)).group(1)

    visitor = Auth(mail_app.test_client())
    assert visitor.client.get(link).status_code == 200
    done = visitor.post(link, {"password": NEW_PASSWORD})
    assert done.status_code == 302 and done.location == "/login"
    assert old.client.get("/").status_code == 302  # the old sign-in has ended
    assert Auth(mail_app.test_client()).login(user.email).location != "/"  # old password refused
    fresh = Auth(mail_app.test_client())
    assert fresh.login(user.email, NEW_PASSWORD).location == "/"

    again = Auth(mail_app.test_client())
    assert again.client.get(link).status_code == 410
    used = again.client.get(link).get_data(as_text=True)
    assert "bereits verwendet" in used
    with mail_app.app_context():
        kinds = list(db.session.scalars(select(AuditEvent.kind)))
        assert "password_reset_requested" in kinds and "password_reset_by_link" in kinds
        assert not db.session.scalar(select(User.must_change_password).where(User.id == user.id))
        stored = db.session.scalar(select(OneTimeToken.token_hash))
        assert link.rsplit("/", 1)[1] not in stored


def test_an_expired_link_is_refused_and_an_unknown_one_is_not_found(mail_app, smtp, make_user):
    inbox = smtp[0]
    user = make_user(Role.MUNICIPAL_VIEWER, ags="07333001", email="kim@example.org")
    request_link(mail_app, user.email)
    ((_, content),) = wait_for(inbox)
    link = re.search(r"http://localhost(/reset-password/\S+)", body(content)).group(1)
    with mail_app.app_context():
        row = db.session.scalar(select(OneTimeToken))
        assert row.purpose == "password_reset"
        assert abs(row.expires_at - row.created_at - dt.timedelta(hours=1)).total_seconds() < 5
        row.expires_at = dt.datetime.now(dt.UTC) - dt.timedelta(seconds=1)
        db.session.commit()
    visitor = Auth(mail_app.test_client())
    expired = visitor.client.get(link)
    assert expired.status_code == 410 and "abgelaufen" in expired.get_data(as_text=True)
    assert visitor.client.get("/reset-password/not-a-token").status_code == 404


def test_an_unknown_address_gets_the_same_answer_and_no_mail(mail_app, smtp, make_user):
    make_user(Role.MUNICIPAL_VIEWER, ags="07333001", email="known@example.org")
    unknown = request_link(mail_app, "nobody@example.org")
    known = request_link(mail_app, "known@example.org")
    assert unknown.status_code == known.status_code == 200
    strip = re.compile(r'name="csrf_token"[^>]*>|value="[^"]*"')
    assert strip.sub("", unknown.get_data(as_text=True)) == strip.sub(
        "", known.get_data(as_text=True)
    )
    messages = wait_for(smtp[0])
    time.sleep(0.3)
    assert [recipients for recipients, _ in messages] == [["known@example.org"]]


def test_a_weak_new_password_is_refused_with_a_message(mail_app, smtp, make_user):
    user = make_user(Role.MUNICIPAL_VIEWER, ags="07333001", email="lena.weber@example.org")
    request_link(mail_app, user.email)
    ((_, content),) = wait_for(smtp[0])
    link = re.search(r"http://localhost(/reset-password/\S+)", body(content)).group(1)
    visitor = Auth(mail_app.test_client())
    for weak, words in (("short", "12 Zeichen"), ("lena.weber 2024!", "E-Mail-Adresse")):
        refused = visitor.post(link, {"password": weak})
        assert refused.status_code == 422
        assert words in refused.get_data(as_text=True)
    assert visitor.client.get(link).status_code == 200  # the link still works


def test_without_mail_there_is_no_form_but_advice(app, make_user):
    make_user(Role.MUNICIPAL_VIEWER, ags="07333001", email="known@example.org")
    client = app.test_client()
    assert "/forgot-password" not in client.get("/login").get_data(as_text=True)
    page = client.get("/forgot-password").get_data(as_text=True)
    assert 'name="email"' not in page and "Administrat" in page
    posted = Auth(client).post("/forgot-password", {"email": "known@example.org"}, "/login")
    assert posted.status_code == 200
    with app.app_context():
        assert db.session.scalar(select(OneTimeToken)) is None


def test_reset_requests_per_address_are_limited(database_url, make_app, app, smtp, make_user):
    make_user(Role.MUNICIPAL_VIEWER, ags="07333001", email="flooded@example.org")
    limited = make_app(
        make_config(
            database_url,
            MAIL_SERVER="127.0.0.1",
            MAIL_PORT=smtp[1],
            MAIL_USE_TLS=False,
            MAIL_BACKEND="smtp",
            WTF_CSRF_ENABLED=False,
            PASSWORD_RESET_RATE_LIMIT="3/minute",
        )
    )

    def ask(address: str):
        return limited.test_client().post(
            "/forgot-password",
            data={"email": "flooded@example.org"},
            environ_base={"REMOTE_ADDR": address},
            headers={"Accept-Language": "en"},
        )

    codes = [ask("203.0.113.5").status_code for _ in range(4)]
    assert codes == [200, 200, 200, 429]
    assert "try again" in ask("203.0.113.5").get_data(as_text=True)
    assert len(wait_for(smtp[0], 3)) == 3  # the fourth request sent no mail
    assert ask("198.51.100.4").status_code == 200  # another address is not affected
    # Sign-in attempts from the limited address are counted apart: refused, but not limited.
    attempt = limited.test_client().post(
        "/login",
        data={"email": "flooded@example.org", "password": "wrong"},
        environ_base={"REMOTE_ADDR": "203.0.113.5"},
    )
    assert attempt.status_code == 422
