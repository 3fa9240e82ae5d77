"""Unbound extension singletons, wired to the app in create_app."""

from __future__ import annotations

from flask import Flask, current_app, g
from flask_babel import Babel
from flask_login import LoginManager
from flask_mailman import Mail
from flask_wtf import CSRFProtect
from sqlalchemy import Engine, create_engine
from sqlalchemy.orm import Session, sessionmaker


class Database:
    """One engine per app and one session per application context, closed at teardown.

    A few lines of our own instead of an extension whose async teardown runs through asgiref
    on every request.
    """

    def init_app(self, app: Flask, engine_options: dict) -> None:
        options = dict(engine_options)
        engine = create_engine(options.pop("url"), **options)
        app.extensions["advisory.db"] = (engine, sessionmaker(engine, expire_on_commit=False))
        app.teardown_appcontext(_close_session)

    @property
    def engine(self) -> Engine:
        return current_app.extensions["advisory.db"][0]

    @property
    def session(self) -> Session:
        session = g.get("_advisory_session")
        if session is None:
            session = g._advisory_session = current_app.extensions["advisory.db"][1]()
        return session


def _close_session(_error: BaseException | None) -> None:
    session = g.pop("_advisory_session", None)
    if session is not None:
        session.close()


db = Database()
csrf = CSRFProtect()
login_manager = LoginManager()
babel = Babel()
mail = Mail()
