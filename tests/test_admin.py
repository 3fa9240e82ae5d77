"""Account administration: creating accounts, changing roles and scopes, all audited."""

from __future__ import annotations

from sqlalchemy import select

from advisory.extensions import db
from advisory.models import AuditEvent, Role, User
from tests.conftest import Auth


def admin_client(app, make_user) -> Auth:
    admin = make_user(Role.ADMIN)
    auth = Auth(app.test_client())
    auth.login(admin.email)
    return auth


def test_admin_creates_a_municipal_editor_by_postal_code(app, make_user):
    auth = admin_client(app, make_user)
    response = auth.post(
        "/admin/users/new",
        {
            "email": "Neu@Herrenberg.example.org",
            "name": "Nina Neu",
            "role": "municipal_editor",
            "municipality": "71083",
            "password": "ein langes Passwort",
            "scopes": "",
        },
    )
    assert response.status_code == 302
    with app.app_context():
        user = db.session.scalar(select(User).where(User.email == "neu@herrenberg.example.org"))
        assert user.municipality.ags == "08115021"


def test_admin_form_puts_errors_next_to_the_fields(app, make_user):
    auth = admin_client(app, make_user)
    response = auth.post(
        "/admin/users/new",
        {
            "email": "x@example.org",
            "name": "X",
            "role": "advisor",
            "municipality": "",
            "password": "ein langes Passwort",
            "scopes": "9 123",
        },
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert 'id="scopes-error"' in page and "2 Ziffern für ein Land" in page
    response = auth.post(
        "/admin/users/new",
        {
            "email": "y@example.org",
            "name": "Y",
            "role": "municipal_viewer",
            "municipality": "Gibtsnichtdorf",
            "password": "ein langes Passwort",
            "scopes": "",
        },
    )
    assert "Keine Kommune passt" in response.get_data(as_text=True)


def test_role_changes_are_audited(app, make_user):
    auth = admin_client(app, make_user)
    target = make_user(Role.MUNICIPAL_VIEWER, ags="07333001")
    response = auth.post(
        f"/admin/users/{target.id}",
        {
            "name": target.name,
            "role": "advisor",
            "municipality": "",
            "scopes": "07 08115",
            "active": "y",
        },
    )
    assert response.status_code == 302
    with app.app_context():
        event = db.session.scalars(
            select(AuditEvent).where(AuditEvent.kind == "role_changed")
        ).one()
        assert event.detail["before"]["role"] == "municipal_viewer"
        assert event.detail["after"] == {
            "role": "advisor",
            "municipality": None,
            "scopes": ["district:08115", "state:07"],
        }
    assert "Rolle oder Zuständigkeit geändert" in auth.client.get("/admin/audit").get_data(
        as_text=True
    )


def test_admins_cannot_lock_themselves_out(app, make_user):
    admin = make_user(Role.ADMIN)
    auth = Auth(app.test_client())
    auth.login(admin.email)
    response = auth.post(
        f"/admin/users/{admin.id}",
        {"name": "Me", "role": "trainer", "municipality": "", "scopes": "07"},
    )
    assert response.status_code == 422
    assert "eigene Administrationsrolle" in response.get_data(as_text=True)
