"""Alembic migrations build exactly the schema the models describe."""

from sqlalchemy import create_engine

from advisory.database import current_revision, schema_differences


def test_upgrade_head_on_an_empty_database_matches_the_models(database_url):
    # The session fixture migrated an empty database (SQLite, or PostgreSQL in CI).
    engine = create_engine(database_url)
    try:
        assert current_revision(engine) is not None
        assert schema_differences(engine) == []
    finally:
        engine.dispose()
