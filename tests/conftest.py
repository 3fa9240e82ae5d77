"""Shared fixtures: an app on a migrated database with the directory, clients, factories."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator

import pytest
from sqlalchemy import create_engine, delete, select, text

from advisory import create_app
from advisory.database import upgrade
from advisory.extensions import db
from advisory.models import Base, Municipality, Role, User
from advisory.services.accounts import create_user, parse_scopes
from advisory.services.municipalities import import_municipalities

PASSWORD = "correct horse battery"
# Tables emptied after each test; the directory stays loaded for the whole session.
_DIRECTORY_TABLES = {"municipality", "alembic_version"}


def _database_url(tmp_path_factory) -> str:
    url = os.environ.get("ADVISORY_TEST_DATABASE_URL")
    if url:
        engine = create_engine(url)
        with engine.begin() as connection:
            connection.execute(text("DROP SCHEMA public CASCADE"))
            connection.execute(text("CREATE SCHEMA public"))
        engine.dispose()
        return url
    return f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.sqlite3'}"


@pytest.fixture(scope="session")
def database_url(tmp_path_factory) -> str:
    """Return the URL of a freshly migrated database holding the whole directory."""
    url = _database_url(tmp_path_factory)
    engine = create_engine(url)
    upgrade(engine)
    from sqlalchemy.orm import Session

    with Session(engine) as session:
        import_municipalities(session)
    engine.dispose()
    return url


def make_config(database_url: str, **extra) -> dict:
    return {
        "TESTING": True,
        "SECRET_KEY": "test-secret",
        "DATABASE_URL": database_url,
        "SESSION_COOKIE_SECURE": False,
        "REMEMBER_COOKIE_SECURE": False,
        # Tests sign in often from 127.0.0.1; tests/test_hardening.py checks the real limit.
        "LOGIN_RATE_LIMIT": "10000/minute",
        "PASSWORD_RESET_RATE_LIMIT": "10000/minute",
        **extra,
    }


def dispose(app) -> None:
    """Close the app's pooled connections (PostgreSQL warns about connections left open)."""
    with app.app_context():
        db.engine.dispose()


@pytest.fixture
def app(database_url):
    app = create_app(make_config(database_url))
    yield app
    _clean(app)
    dispose(app)


@pytest.fixture
def make_app():
    """Return a factory for extra apps with their own configuration; closes them afterwards."""
    apps = []

    def make(config: dict):
        apps.append(create_app(config))
        return apps[-1]

    yield make
    for extra in apps:
        dispose(extra)


def _clean(app) -> None:
    with app.app_context():
        db.session.rollback()
        for table in reversed(Base.metadata.sorted_tables):
            if table.name not in _DIRECTORY_TABLES:
                db.session.execute(delete(table))
        db.session.commit()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def municipality(app) -> Callable[[str], Municipality]:
    """Return a function that fetches a directory municipality by AGS."""

    def get(ags: str) -> Municipality:
        with app.app_context():
            found = db.session.scalar(select(Municipality).where(Municipality.ags == ags))
            db.session.expunge(found)
            return found

    return get


@pytest.fixture
def make_user(app) -> Callable[..., User]:
    """Return a factory creating accounts: make_user(Role.ADVISOR, scopes="09")."""
    counter = iter(range(1, 10_000))

    def make(
        role: Role,
        *,
        ags: str | None = None,
        scopes: str = "",
        email: str | None = None,
        password: str = PASSWORD,
    ) -> User:
        with app.app_context():
            municipality = (
                db.session.scalar(select(Municipality).where(Municipality.ags == ags))
                if ags
                else None
            )
            user = create_user(
                db.session,
                email=email or f"user{next(counter)}-{role.value}@example.org",
                name=f"Test {role.value}",
                password=password,
                role=role,
                municipality=municipality,
                scopes=parse_scopes(scopes),
            )
            db.session.refresh(user)
            db.session.expunge(user)
            return user

    return make


class Auth:
    """A small login helper around the test client, including the CSRF token."""

    def __init__(self, client):
        self.client = client

    def csrf_token(self, path: str = "/login") -> str:
        import re

        page = self.client.get(path).get_data(as_text=True)
        match = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page) or re.search(
            r'value="([^"]+)"[^>]*name="csrf_token"', page
        )
        assert match, f"no CSRF token on {path}"
        return match.group(1)

    def login(self, email: str, password: str = PASSWORD):
        return self.client.post(
            "/login",
            data={"email": email, "password": password, "csrf_token": self.csrf_token()},
        )

    def post(self, path: str, data: dict | None = None, token_from: str | None = None, **kwargs):
        token = self.csrf_token(token_from or path)
        return self.client.post(path, data={**(data or {}), "csrf_token": token}, **kwargs)


@pytest.fixture
def auth(client) -> Iterator[Auth]:
    yield Auth(client)


@pytest.fixture
def make_assessment(app) -> Callable[..., int]:
    """Return a factory starting an inventory: make_assessment("07333001", user) -> its id."""
    from advisory.content import current_questionnaire
    from advisory.services.assessments import start_assessment

    def make(ags: str, user: User) -> int:
        with app.app_context():
            municipality = db.session.scalar(select(Municipality).where(Municipality.ags == ags))
            creator = db.session.get(User, user.id)
            return start_assessment(db.session, municipality, creator, current_questionnaire()).id

    return make
