"""District and region view and synthetic inventories: figures, candidates, never mixed."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select

from advisory.content import current_questionnaire
from advisory.extensions import db
from advisory.models import Assessment, InventorySummary, Municipality, Role, User
from advisory.region_charts import MapPoint, map_svg
from advisory.services import synthetic
from advisory.services.assessments import start_assessment
from advisory.services.portfolio import refresh_summary
from advisory.services.regions import (
    Member,
    RegionFilters,
    domain_stats,
    region_view,
    shared_candidates,
)
from advisory.services.synthetic import delete_synthetic, seed_synthetic
from recommendations import CatalogueError, default_content_dir, load_catalogue
from tests.conftest import Auth

DISTRICT = "07333"  # Donnersbergkreis
TODAY = dt.date(2026, 12, 3)
DOMAINS = [("skills", "Skills"), ("mobility", "Mobility")]


def _member(name: str, skills: int | None, mobility: int | None = 1, **extra) -> Member:
    domains = {
        "skills": {"applicable": True, "score": None, "level": skills},
        "mobility": {"applicable": mobility is not None, "score": None, "level": mobility},
    }
    return Member(
        ags=name,
        name=name,
        district_code=DISTRICT,
        district_name="Donnersbergkreis",
        population=1000,
        latitude=49.6,
        longitude=8.0,
        assessment_id=extra.get("assessment_id", 1),
        status="validated",
        level=extra.get("level"),
        score=extra.get("score"),
        domains=domains,
    )


# --- figures from plain data ------------------------------------------------------------------


def test_levels_are_counted_per_domain_with_medians_and_not_applicable_apart():
    members = [
        _member("A", 1, level=1, score=10.0),
        _member("B", 2, None, level=2, score=30.0),
        _member("C", 2, 3, level=2, score=35.0),
        _member("D", 4, 1, level=None, score=70.0),
        _member("E", None, 1, assessment_id=None),  # no inventory: not counted at all
    ]
    overall, (skills, mobility) = domain_stats(members, DOMAINS)
    assert overall.counts == (1, 2, 0, 0, 0) and overall.no_level == 1
    assert overall.median_level == 2 and overall.median_score == 32.5
    assert skills.counts == (1, 2, 0, 1, 0) and skills.median_level == 2
    assert mobility.counts == (2, 0, 1, 0, 0) and mobility.not_applicable == 1
    assert mobility.median_level == 1


def test_a_shared_gap_with_a_shareable_listed_solution_is_a_candidate():
    catalogue = load_catalogue(default_content_dir())
    members = [_member(name, level) for name, level in [("A", 1), ("B", 2), ("C", 2), ("D", 4)]]
    (candidate,) = shared_candidates(members, DOMAINS, catalogue, TODAY)
    assert candidate.domain_id == "skills"
    assert [m.name for m in candidate.members] == ["A", "B", "C"]  # lowest level first
    assert candidate.concerned == 3 and candidate.with_level == 4 and candidate.share == 75
    # Moodle is listed and its entry documents operation for an association.
    assert "moodle" in [offer.id for offer in candidate.offers]
    # Mobility: everyone at level 1, but no listed solution can be run jointly.
    assert "mobility" not in [
        c.domain_id for c in shared_candidates(members, DOMAINS, catalogue, TODAY)
    ]


def test_two_members_with_a_gap_are_not_yet_a_candidate():
    catalogue = load_catalogue(default_content_dir())
    members = [_member("A", 1), _member("B", 2), _member("C", 4), _member("D", 5)]
    assert shared_candidates(members, DOMAINS, catalogue, TODAY) == []


def test_shared_operation_must_be_a_text_in_both_languages():
    from recommendations.catalogue_loader import solution_data, solution_from_data

    catalogue = load_catalogue(default_content_dir())
    versions = {r.version: r for r in catalogue.requirement_versions}
    moodle = catalogue.solution("moodle")
    assert moodle.shareable and moodle.shared_operation is not None
    assert not catalogue.solution("grafana").shareable  # its entry says nothing about it
    data = solution_data(moodle)
    data["shared_operation"] = "yes"
    with pytest.raises(CatalogueError) as caught:
        solution_from_data(data, versions)
    assert "shared_operation" in {p.path for p in caught.value.problems}


def test_the_map_has_a_title_a_legend_and_escapes_names():
    svg = map_svg(
        [MapPoint("<A&B>: 2", 49.6, 8.0, 2), MapPoint("C: –", 49.7, 8.1, None)],
        "Map",
        "Two places",
        {2: "2 – Alignment", None: "no level"},
    )
    assert svg.startswith("<svg") and 'role="img"' in svg
    assert "&lt;A&amp;B&gt;: 2" in svg and "<A&B>" not in svg
    assert (
        "<rect" in svg
        and "2 – Alignment" in svg
        and "http" not in svg.replace("http://www.w3.org/2000/svg", "")
    )


# --- synthetic inventories --------------------------------------------------------------------


def _district_size(session) -> int:
    return session.scalar(
        select(func.count()).where(
            Municipality.district_code == DISTRICT, Municipality.population > 0
        )
    )


def test_seeding_marks_inventories_synthetic_with_the_same_summary_the_services_store(
    app, monkeypatch
):
    monkeypatch.setattr(synthetic, "BATCH", 5)  # several batches, each committed on its own
    with app.app_context():
        result = seed_synthetic(db.session, 12, district=DISTRICT)
        assert result.created == 12
        rows = db.session.scalars(select(Assessment).where(Assessment.synthetic.is_(True))).all()
        assert len(rows) == 12
        statuses = {row.status for row in rows}
        assert len(statuses) >= 2  # a share is submitted or validated
        for assessment in rows[:4]:
            stored = db.session.get(InventorySummary, assessment.id)
            seeded = (stored.score, stored.level, stored.answered, stored.shown, stored.domains)
            db.session.expunge(stored)
            again = refresh_summary(db.session, assessment)
            assert (again.score, again.level, again.answered, again.shown, again.domains) == seeded
        db.session.rollback()
        # Reproducible and idempotent: municipalities that have an inventory are left alone.
        assert seed_synthetic(db.session, None, district=DISTRICT).created == (
            _district_size(db.session) - 12
        )
        assert seed_synthetic(db.session, 5, district=DISTRICT).created == 0
        replaced = seed_synthetic(db.session, 3, district=DISTRICT, replace=True)
        assert replaced.deleted == _district_size(db.session) and replaced.created == 3
        assert delete_synthetic(db.session) == 3
        assert db.session.scalar(select(func.count()).select_from(InventorySummary)) == 0


def test_real_figures_never_count_synthetic_inventories_and_the_other_way_round(app, make_user):
    editor = make_user(Role.MUNICIPAL_EDITOR, ags="07333001")
    with app.app_context():
        seed_synthetic(db.session, None, district=DISTRICT)
        place = db.session.scalar(select(Municipality).where(Municipality.ags == "07333006"))
        user = db.session.get(User, editor.id)
        # The synthetic inventory of a municipality neither blocks nor feeds a real one.
        real = start_assessment(db.session, place, user, current_questionnaire())
        assert real.previous_id is None and not real.synthetic
        admin = make_user(Role.ADMIN)
        admin = db.session.get(User, admin.id)
        questionnaire = current_questionnaire()
        real_view = region_view(
            db.session, admin, RegionFilters(district=DISTRICT), questionnaire, today=TODAY
        )
        fake_view = region_view(
            db.session,
            admin,
            RegionFilters(district=DISTRICT, synthetic=True),
            questionnaire,
            today=TODAY,
        )
        size = _district_size(db.session)
        assert real_view.inventories == 1 and not real_view.synthetic
        assert [m.name for m in real_view.members if m.assessment_id] == ["Biedesheim"]
        assert real_view.status_counts == {"in_progress": 1, "not_started": size - 1}
        # Biedesheim's newest inventory is now the real one: it left the synthetic figures.
        assert fake_view.inventories == size - 1
        assert sum(fake_view.status_counts.values()) == size
        assert "Biedesheim" not in [m.name for m in fake_view.members if m.assessment_id]


def test_municipal_users_see_their_district_without_names_and_only_from_five(app, make_user):
    viewer = make_user(Role.MUNICIPAL_VIEWER, ags="07333001")
    with app.app_context():
        user = db.session.get(User, viewer.id)
        questionnaire = current_questionnaire()
        seed_synthetic(db.session, 4, district=DISTRICT)
        few = region_view(
            db.session, user, RegionFilters(state="09", synthetic=True), questionnaire
        )
        assert few.title == "Donnersbergkreis" and few.suppressed
        assert few.members == () and few.domains == () and few.candidates == ()
        seed_synthetic(db.session, 1, district=DISTRICT)
        enough = region_view(db.session, user, RegionFilters(synthetic=True), questionnaire)
        assert not enough.suppressed and enough.inventories == 5
        assert enough.overall.counted + enough.overall.no_level == 5
        assert enough.members == () and all(c.members == () for c in enough.candidates)


def test_the_page_labels_synthetic_data_and_says_what_a_wrong_district_is(app, make_user):
    advisor = make_user(Role.ADVISOR, scopes="07")
    with app.app_context():
        seed_synthetic(db.session, 6, district=DISTRICT)
    auth = Auth(app.test_client())
    auth.login(advisor.email)
    page = auth.client.get("/regions/?district=Donnersbergkreis&data=synthetic")
    text = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "Kreis: Donnersbergkreis" in text and "synthetisch" in text
    assert "<svg" in text and "Synthetische Daten." in text
    real = auth.client.get("/regions/?district=07333").get_data(as_text=True)
    assert "Synthetische Daten." not in real and "0 mit Bestandsaufnahme" in real
    wrong = auth.client.get("/regions/?district=09162&data=made-up")
    assert wrong.status_code == 400
    assert "Wählen Sie einen der angebotenen Werte." in wrong.get_data(as_text=True)


def test_cli_seeds_and_deletes_synthetic_inventories(app):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["seed-synthetic", "--count", "3", "--district", DISTRICT])
    assert result.exit_code == 0, result.output
    assert "3 created" in result.output
    result = runner.invoke(args=["seed-synthetic", "--delete"])
    assert "Synthetic inventories deleted: 3." in result.output
    assert runner.invoke(args=["seed-synthetic", "--count", "0"]).exit_code != 0


def test_worker_processes_draw_the_same_inventories_as_one_process(app):
    def seeded() -> dict[str, tuple]:
        rows = db.session.execute(
            select(Municipality.ags, InventorySummary.status, InventorySummary.score)
            .join(InventorySummary, InventorySummary.municipality_id == Municipality.id)
            .order_by(Municipality.ags)
        )
        return {ags: (status, score) for ags, status, score in rows}

    with app.app_context():
        assert seed_synthetic(db.session, 6, district=DISTRICT, workers=2).created == 6
        parallel = seeded()
        seed_synthetic(db.session, 6, district=DISTRICT, replace=True, workers=1)
        assert seeded() == parallel and len(parallel) == 6
