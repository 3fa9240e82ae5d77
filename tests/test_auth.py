"""Sign-in, the failed sign-in limit, password change and the audit log."""

from __future__ import annotations

from sqlalchemy import select

from advisory.extensions import db
from advisory.models import AuditEvent, Role, User
from tests.conftest import PASSWORD, Auth


def audit_kinds(app) -> list[str]:
    with app.app_context():
        return list(db.session.scalars(select(AuditEvent.kind).order_by(AuditEvent.id)))


def test_passwords_are_stored_as_scrypt_hashes(app, make_user):
    user = make_user(Role.TRAINER, scopes="09")
    with app.app_context():
        stored = db.session.get(User, user.id).password_hash
    assert stored.startswith("scrypt:") and PASSWORD not in stored


def test_sign_in_and_out_are_audited(app, auth, make_user):
    user = make_user(Role.MUNICIPAL_EDITOR, ags="07333001")
    response = auth.login(user.email)
    assert response.status_code == 302 and response.location == "/"
    assert auth.client.get("/").status_code == 200
    auth.post("/logout", token_from="/")
    assert auth.client.get("/").status_code == 302
    assert audit_kinds(app)[-2:] == ["login", "logout"]


def test_wrong_password_is_refused_with_a_clear_message(app, auth, make_user):
    user = make_user(Role.MUNICIPAL_EDITOR, ags="07333001")
    response = auth.login(user.email, "wrong password")
    assert response.status_code == 422
    assert "E-Mail-Adresse oder Passwort ist nicht korrekt" in response.get_data(as_text=True)
    assert audit_kinds(app)[-1] == "login_failed"


def test_sign_in_pauses_after_five_failures_even_for_the_right_password(app, auth, make_user):
    user = make_user(Role.MUNICIPAL_EDITOR, ags="07333001")
    for _ in range(5):
        auth.login(user.email, "wrong password")
    response = auth.login(user.email, PASSWORD)
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Zu viele fehlgeschlagene Anmeldeversuche" in page
    assert auth.client.get("/").status_code == 302


def test_disabled_accounts_cannot_sign_in(app, auth, make_user):
    user = make_user(Role.MUNICIPAL_EDITOR, ags="07333001")
    with app.app_context():
        db.session.get(User, user.id).active = False
        db.session.commit()
    assert auth.login(user.email).status_code == 422


def test_password_change_ends_other_sessions(app, make_user):
    user = make_user(Role.ADVISOR, scopes="08")
    first, second = Auth(app.test_client()), Auth(app.test_client())
    first.login(user.email)
    second.login(user.email)
    response = first.post(
        "/account/password",
        {"current_password": PASSWORD, "new_password": "a brand new passphrase"},
    )
    assert response.status_code == 302
    assert first.client.get("/").status_code == 200
    assert second.client.get("/").status_code == 302
    assert audit_kinds(app)[-1] == "password_changed"


def test_password_change_explains_what_is_wrong_next_to_the_field(auth, make_user):
    user = make_user(Role.ADVISOR, scopes="08")
    auth.login(user.email)
    response = auth.post(
        "/account/password", {"current_password": PASSWORD, "new_password": "short"}
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert 'id="new_password-error"' in page and "mindestens 12 Zeichen" in page
    assert 'aria-describedby="new_password-hint new_password-error"' in page


def test_only_local_redirects_after_sign_in(auth, make_user):
    user = make_user(Role.ADVISOR, scopes="08")
    token = auth.csrf_token()
    response = auth.client.post(
        "/login",
        data={
            "email": user.email,
            "password": PASSWORD,
            "csrf_token": token,
            "next": "https://evil.example/",
        },
    )
    assert response.location == "/"


def test_session_cookie_is_http_only_and_lax(auth, make_user):
    user = make_user(Role.ADVISOR, scopes="08")
    response = auth.login(user.email)
    cookie = next(c for c in response.headers.getlist("Set-Cookie") if c.startswith("session="))
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
