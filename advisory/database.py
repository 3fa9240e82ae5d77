"""Schema management through Alembic, callable from the CLI, the start script and tests."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import JSON, Engine, event, func, select

from advisory.models import Base

if TYPE_CHECKING:
    from alembic.config import Config

# Alembic is imported inside the functions: it costs over a second at start-up otherwise.
MIGRATIONS = Path(__file__).parent / "migrations"


def alembic_config(engine: Engine) -> Config:
    """Return an Alembic configuration pointing at the shipped migrations and this engine."""
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.set_main_option("sqlalchemy.url", engine.url.render_as_string(hide_password=False))
    return config


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Apply migrations up to the revision (all of them by default)."""
    from alembic import command

    config = alembic_config(engine)
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, revision)


def current_revision(engine: Engine) -> str | None:
    """Return the revision the database is at, or None for an empty database."""
    from alembic.migration import MigrationContext

    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def schema_differences(engine: Engine) -> list:
    """Return what differs between the migrated database and the models (empty when in sync)."""
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    with engine.connect() as connection:
        context = MigrationContext.configure(
            connection, opts={"compare_type": True, "include_name": ours}
        )
        return compare_metadata(context, Base.metadata)


def ours(name: str | None, type_: str, _parent_names: dict) -> bool:
    """Leave out the job queue's own tables (huey creates `huey_*` on PostgreSQL)."""
    return not (type_ == "table" and name is not None and name.startswith("huey_"))


def make_revision(engine: Engine, message: str) -> None:
    """Autogenerate a new migration from the difference between models and database."""
    from alembic import command

    config = alembic_config(engine)
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.revision(config, message=message, autogenerate=True)


def tune_sqlite(engine: Engine) -> None:
    """Use write-ahead logging and foreign keys on SQLite; readers then never block the writer."""
    if engine.dialect.name != "sqlite":
        return

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record) -> None:
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()


def rows_as_json(dialect: str, columns, *criteria):
    """Return a scalar subquery that gives the selected rows as one JSON array of arrays.

    Read with `json_rows`. One row instead of many: SQLite's driver gives up Python's
    interpreter lock for every row it steps through, and with several requests in one worker
    each of those hand-overs may wait for another thread.
    """
    if dialect == "postgresql":
        items = func.json_agg(func.json_build_array(*columns))
    else:  # JSON columns hold JSON text: json() puts them in as JSON, not as a string
        items = func.json_group_array(
            func.json_array(*(func.json(c) if isinstance(c.type, JSON) else c for c in columns))
        )
    return select(items).where(*criteria).scalar_subquery()


def json_rows(value) -> list[list]:
    """Read what `rows_as_json` selected (SQLite gives text, PostgreSQL JSON; no rows: [])."""
    if value is None:
        return []
    return json.loads(value) if isinstance(value, str) else value
