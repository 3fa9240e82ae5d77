"""Per-address sign-in limit with Flask-Limiter, counted in the application's own database.

The `limits` library (behind Flask-Limiter) keeps counters in memory, Redis, Memcached or
MongoDB. In memory, every gunicorn worker would count for itself; the others are services this
app does not need otherwise. `SQLStorage` implements the library's storage interface (fixed
window) on one table, so every worker and every server sharing the database shares the counts.
"""

from __future__ import annotations

import time
from typing import ClassVar

from flask import Flask, current_app
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from limits.storage import Storage
from sqlalchemy import Engine, delete, insert, select, update
from sqlalchemy.exc import IntegrityError, SQLAlchemyError

from advisory.models import RateLimitWindow

SCHEME = "advisory+sql"
_table = RateLimitWindow.__table__


class SQLStorage(Storage):
    """Fixed-window counters in the `rate_limit_window` table (SQLite and PostgreSQL)."""

    STORAGE_SCHEME: ClassVar[list[str]] = [SCHEME]

    def __init__(self, uri: str | None = None, wrap_exceptions: bool = False, **options):
        super().__init__(uri, wrap_exceptions=wrap_exceptions, **options)
        self.engine: Engine = options["engine"]

    @property
    def base_exceptions(self):
        return SQLAlchemyError

    def incr(self, key: str, expiry: int, amount: int = 1) -> int:
        """Add `amount` to the key's window (starting a new one when it has ended)."""
        key = key[:255]
        for _attempt in range(3):
            now = time.time()
            with self.engine.begin() as connection:
                done = connection.execute(
                    update(_table)
                    .where(_table.c.key == key, _table.c.expires_at > now)
                    .values(count=_table.c.count + amount)
                )
                if done.rowcount == 0:
                    done = connection.execute(
                        update(_table)
                        .where(_table.c.key == key)
                        .values(count=amount, expires_at=now + expiry)
                    )
                if done.rowcount == 0:
                    try:
                        with connection.begin_nested():
                            connection.execute(
                                insert(_table).values(
                                    key=key, count=amount, expires_at=now + expiry
                                )
                            )
                    except IntegrityError:
                        continue  # another worker created the row meanwhile: count again
                return connection.scalar(select(_table.c.count).where(_table.c.key == key))
        raise RuntimeError(f"could not count rate limit key {key!r}")

    def _row(self, key: str):
        with self.engine.connect() as connection:
            return connection.execute(
                select(_table.c.count, _table.c.expires_at).where(_table.c.key == key[:255])
            ).first()

    def get(self, key: str) -> int:
        row = self._row(key)
        return row.count if row is not None and row.expires_at > time.time() else 0

    def get_expiry(self, key: str) -> float:
        row = self._row(key)
        return row.expires_at if row is not None and row.expires_at > time.time() else time.time()

    def check(self) -> bool:
        try:
            with self.engine.connect() as connection:
                connection.scalar(select(1))
        except SQLAlchemyError:
            return False
        return True

    def reset(self) -> int | None:
        with self.engine.begin() as connection:
            return connection.execute(delete(_table)).rowcount

    def clear(self, key: str) -> None:
        with self.engine.begin() as connection:
            connection.execute(delete(_table).where(_table.c.key == key[:255]))


# Views limited per client address on POST, each by its own setting (a Flask-Limiter string).
LIMITED_VIEWS = {
    "auth.login": "LOGIN_RATE_LIMIT",
    "auth.forgot_password": "PASSWORD_RESET_RATE_LIMIT",
    "auth.reset_password": "PASSWORD_RESET_RATE_LIMIT",
}


def _setting(name: str):
    return lambda: current_app.config[name]


def init_app(app: Flask, engine: Engine) -> Limiter:
    """Limit POSTs to the views in `LIMITED_VIEWS` per client address.

    Sign-in attempts (`LOGIN_RATE_LIMIT`) and reset mails (`PASSWORD_RESET_RATE_LIMIT`): the
    latter keeps a stranger from flooding a colleague's mailbox or probing many addresses.
    """
    limiter = Limiter(
        key_func=get_remote_address,
        storage_uri=f"{SCHEME}://",
        storage_options={"engine": engine},
        strategy="fixed-window",
        headers_enabled=True,
        key_prefix="advisory",
    )
    limiter.init_app(app)
    for endpoint, setting in LIMITED_VIEWS.items():
        view = app.view_functions[endpoint]
        app.view_functions[endpoint] = limiter.limit(
            _setting(setting), methods=["POST"], scope=endpoint
        )(view)
    app.extensions["advisory.limiter"] = limiter
    return limiter
