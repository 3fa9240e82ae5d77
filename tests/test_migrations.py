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


def test_upgrading_keeps_every_answer(tmp_path):
    """Answers saved under the first schema are still there after upgrading to the newest."""
    from sqlalchemy import text

    from advisory.database import upgrade

    engine = create_engine(f"sqlite:///{tmp_path}/old.sqlite3")
    upgrade(engine, "0001")
    with engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO municipality (id, ags, name, search_key, search_key_plain, state_code,"
                " state_name, district_code, district_name, association_code, district_free,"
                " population, area_km2) VALUES (1, '07333001', 'Albisheim (Pfrimm)', 'albisheim',"
                " 'albisheim', '07', 'Rheinland-Pfalz', '07333', 'Donnersbergkreis', '073335003',"
                " 0, 1779, 10.74)"
            )
        )
        connection.execute(
            text(
                "INSERT INTO assessment (id, municipality_id, questionnaire_id,"
                " questionnaire_version, status, revision, created_at, updated_at) VALUES"
                " (1, 1, 'smart-city-inventur', '1.0.0', 'in_progress', 1, '2026-01-01',"
                " '2026-01-01')"
            )
        )
        connection.execute(
            text(
                "INSERT INTO answer (assessment_id, question_id, status, value, revision,"
                " updated_at)"
                " VALUES (1, 'strategy.budget', 'answered', '\"budget_line\"', 3, '2026-01-01')"
            )
        )
    upgrade(engine)
    with engine.connect() as connection:
        row = connection.execute(text("SELECT status, value, revision FROM answer")).one()
    assert tuple(row) == ("answered", '"budget_line"', 3)
    assert schema_differences(engine) == []
    engine.dispose()
