"""Tests for the solution and training catalogue: shipped content, listing rule, validation."""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess
import sys
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
import yaml

from recommendations.catalogue import (
    LISTED,
    NOT_ADMITTED,
    PENDING_REVIEW,
    Catalogue,
    CatalogueError,
    Party,
    Reference,
    Requirement,
    RequirementCatalogue,
    RequirementStatus,
    Review,
    SizeFit,
    Solution,
    Text,
    add_months,
    default_content_dir,
    fits,
    listing_status,
    load_catalogue,
)

FIXTURES = Path(__file__).parent / "fixtures"
TODAY = dt.date(2026, 11, 28)
T = Text("de", "en")


# --------------------------------------------------------------------------- factories


def make_requirement(rid: str, obligation: str = "must", applies_if: str | None = None, **kw: Any):
    return Requirement(
        id=rid,
        number=kw.pop("number", 1),
        title=T,
        description=T,
        obligation=obligation,
        evidence=T,
        references=(Reference("ref"),),
        review_interval_months=kw.pop("review_interval_months", 12),
        applies_if=applies_if,
    )


@pytest.fixture
def requirements() -> RequirementCatalogue:
    reqs = (
        make_requirement("data_protection", number=1),
        make_requirement("cloud_security", applies_if="saas", number=2),
        make_requirement("exit", number=3, review_interval_months=24),
        make_requirement("domain_standards", applies_if="domain_standard_exists", number=4),
        make_requirement("open_source", applies_if="publicly_funded", number=5),
        make_requirement("accessibility", applies_if="citizen_facing", number=6),
        make_requirement("ai_transparency", applies_if="uses_ai", number=7),
        make_requirement("interoperability", obligation="should", number=8),
    )
    return RequirementCatalogue("base-requirements", "1.0.0", dt.date(2026, 1, 1), T, reqs)


@pytest.fixture
def make_solution(requirements: RequirementCatalogue) -> Callable[..., Solution]:
    """Build a solution whose review meets every requirement unless statuses say otherwise."""

    def make(
        statuses: dict[str, str] | None = None,
        reviewed_on: dt.date = dt.date(2026, 6, 1),
        catalogue_version: str = "1.0.0",
        **fields: Any,
    ) -> Solution:
        statuses = statuses or {}
        review = Review(
            catalogue_version=catalogue_version,
            reviewed_on=reviewed_on,
            reviewed_by="test team, desk review",
            requirements=tuple(
                RequirementStatus(rid, statuses.get(rid, "met"), T) for rid in requirements.ids
            ),
        )
        defaults: dict[str, Any] = {
            "id": "tool",
            "name": "Tool",
            "summary": T,
            "description": T,
            "domains": ("data",),
            "categories": ("dashboard",),
            "tags": (),
            "vendor": Party("Vendor"),
            "licence": "MIT",
            "open_source": True,
            "source_url": None,
            "open_standards": (),
            "hosting": ("on_premises",),
            "size_fit": SizeFit(0, None),
            "prerequisites": (),
            "needs_it_staff": False,
            "cost_band": "free",
            "cost_note": T,
            "references": (),
            "citizen_facing": False,
            "uses_ai": False,
            "publicly_funded": "false",
            "review": review,
        }
        defaults.update(fields)
        return Solution(**defaults)

    return make


# --------------------------------------------------------------------------- shipped content


@pytest.fixture(scope="module")
def shipped() -> Catalogue:
    return load_catalogue(default_content_dir())


def test_shipped_catalogue_loads_with_the_promised_counts(shipped: Catalogue) -> None:
    assert len(shipped.requirements.requirements) == 17
    assert shipped.requirements.version == "1.0.0"
    assert len(shipped.solutions) >= 25
    assert len(shipped.trainings) >= 15


def test_shipped_base_requirements_mark_the_conditional_musts(shipped: Catalogue) -> None:
    conditions = {r.id: r.applies_if for r in shipped.requirements.requirements}
    assert conditions["cloud_security"] == "saas"
    assert conditions["accessibility"] == "citizen_facing"
    assert conditions["ai_transparency"] == "uses_ai"
    assert conditions["domain_standards"] == "domain_standard_exists"
    assert conditions["open_source"] == "publicly_funded"
    musts = {r.id for r in shipped.requirements.requirements if r.is_must}
    assert {"data_protection", "third_country", "information_security", "exit"} <= musts
    assert "sustainability" not in musts


def test_shipped_catalogue_has_listed_pending_and_not_admitted_entries(
    shipped: Catalogue,
) -> None:
    statuses = {s.id: shipped.listing_status(s, TODAY) for s in shipped.solutions}
    kinds = {status.status for status in statuses.values()}
    assert kinds == {LISTED, PENDING_REVIEW, NOT_ADMITTED}
    listed = shipped.listed_solutions(TODAY)
    assert 0 < len(listed) < len(shipped.solutions)


def test_a_shipped_review_has_expired_and_says_since_when(shipped: Catalogue) -> None:
    expired = [
        reason
        for solution in shipped.solutions
        for reason in shipped.listing_status(solution, TODAY).reasons
        if reason.kind == "expired"
    ]
    assert expired
    assert all(reason.since is not None and reason.since <= TODAY for reason in expired)
    assert "expired since" in expired[0].message("en")


def test_shipped_reviews_are_desk_reviews_not_certifications(shipped: Catalogue) -> None:
    for solution in shipped.solutions:
        assert "desk review" in solution.review.reviewed_by, solution.id


def test_shipped_solutions_runnable_without_it_staff_do_not_require_it(
    shipped: Catalogue,
) -> None:
    no_staff = [s for s in shipped.solutions if fits(s, 1500, has_it_staff=False)]
    assert no_staff
    assert all("it_staff" not in s.prerequisites for s in no_staff)


def test_shipped_unverified_trainings_say_what_is_missing(shipped: Catalogue) -> None:
    unverified = [t for t in shipped.trainings if not t.verified]
    assert unverified
    assert all(t.notes is not None for t in unverified)


# --------------------------------------------------------------------------- listing rule


def test_solution_meeting_every_must_is_listed(make_solution, requirements) -> None:
    status = listing_status(make_solution(), requirements, TODAY)
    assert status.status == LISTED
    assert status.reasons == ()


def test_solution_with_one_unmet_must_is_not_admitted(make_solution, requirements) -> None:
    status = listing_status(
        make_solution({"exit": "not_met", "data_protection": "unknown"}), requirements, TODAY
    )
    assert status.status == NOT_ADMITTED
    assert [(r.kind, r.requirement_id) for r in status.reasons] == [
        ("not_met", "exit"),
        ("unknown", "data_protection"),
    ]


def test_unknown_must_makes_solution_pending_review(make_solution, requirements) -> None:
    status = listing_status(make_solution({"data_protection": "unknown"}), requirements, TODAY)
    assert status.status == PENDING_REVIEW
    assert status.reasons[0].requirement_id == "data_protection"


def test_unmet_or_unknown_should_never_blocks_listing(make_solution, requirements) -> None:
    solution = make_solution({"interoperability": "not_met"})
    assert listing_status(solution, requirements, TODAY).status == LISTED


def test_expired_review_makes_solution_pending_review(make_solution, requirements) -> None:
    solution = make_solution(reviewed_on=dt.date(2025, 3, 15))
    status = listing_status(solution, requirements, TODAY)
    assert status.status == PENDING_REVIEW
    expired = {r.requirement_id: r.since for r in status.reasons}
    assert expired["data_protection"] == dt.date(2026, 3, 15)
    assert "exit" not in expired  # its 24-month interval has not run out yet


def test_review_is_still_valid_the_day_before_it_expires(make_solution, requirements) -> None:
    solution = make_solution(reviewed_on=dt.date(2025, 11, 29))
    assert listing_status(solution, requirements, TODAY).status == LISTED
    assert listing_status(solution, requirements, TODAY).next_review_due == dt.date(2026, 11, 29)


def test_review_against_another_catalogue_version_is_pending(make_solution, requirements) -> None:
    status = listing_status(make_solution(catalogue_version="0.9.0"), requirements, TODAY)
    assert status.status == PENDING_REVIEW
    assert status.reasons[0].kind == "outdated_review"


def test_cloud_security_counts_only_for_saas(make_solution, requirements) -> None:
    statuses = {"cloud_security": "not_met"}
    assert listing_status(make_solution(statuses), requirements, TODAY).status == LISTED
    saas = make_solution(statuses, hosting=("saas_eu",))
    assert listing_status(saas, requirements, TODAY).status == NOT_ADMITTED


def test_accessibility_counts_only_for_citizen_facing_solutions(
    make_solution, requirements
) -> None:
    statuses = {"accessibility": "unknown"}
    assert listing_status(make_solution(statuses), requirements, TODAY).status == LISTED
    public = make_solution(statuses, citizen_facing=True)
    assert listing_status(public, requirements, TODAY).status == PENDING_REVIEW


def test_ai_transparency_counts_only_when_ai_is_used(make_solution, requirements) -> None:
    statuses = {"ai_transparency": "not_met"}
    assert listing_status(make_solution(statuses), requirements, TODAY).status == LISTED
    with_ai = make_solution(statuses, uses_ai=True)
    assert listing_status(with_ai, requirements, TODAY).status == NOT_ADMITTED


def test_open_source_is_a_must_when_funding_is_public_or_unknown(
    make_solution, requirements
) -> None:
    statuses = {"open_source": "not_met"}
    for funded, expected in (("false", LISTED), ("true", NOT_ADMITTED), ("unknown", NOT_ADMITTED)):
        solution = make_solution(statuses, publicly_funded=funded)
        assert listing_status(solution, requirements, TODAY).status == expected, funded


def test_domain_standards_count_only_where_a_standard_exists(make_solution, requirements) -> None:
    statuses = {"domain_standards": "unknown"}
    assert listing_status(make_solution(statuses), requirements, TODAY).status == LISTED
    council = make_solution(statuses, categories=("council_information",))
    assert listing_status(council, requirements, TODAY).status == PENDING_REVIEW


def test_listed_solutions_depend_on_the_date_passed_in(make_solution, requirements) -> None:
    solution = make_solution(reviewed_on=dt.date(2026, 1, 10))
    catalogue = Catalogue(requirements, (solution,), ())
    assert catalogue.listed_solutions(dt.date(2026, 12, 1)) == (solution,)
    assert catalogue.listed_solutions(dt.date(2027, 1, 10)) == ()


def test_reasons_read_in_both_languages(make_solution, requirements) -> None:
    reason = listing_status(make_solution({"exit": "not_met"}), requirements, TODAY).reasons[0]
    assert "exit" in reason.message("de") and "Muss-Anforderung" in reason.message("de")
    assert reason.message("en") == "Must requirement not met: exit"


# --------------------------------------------------------------------------- fits


def test_fits_respects_population_bounds(make_solution) -> None:
    solution = make_solution(size_fit=SizeFit(1000, 50000))
    assert fits(solution, 1000, has_it_staff=False)
    assert fits(solution, 50000, has_it_staff=False)
    assert not fits(solution, 999, has_it_staff=False)
    assert not fits(solution, 50001, has_it_staff=False)


def test_solution_needing_it_staff_does_not_fit_a_municipality_without(make_solution) -> None:
    solution = make_solution(prerequisites=("it_staff",), needs_it_staff=True)
    assert not fits(solution, 5000, has_it_staff=False)
    assert fits(solution, 5000, has_it_staff=True)


def test_hosting_preference_filters_when_given(make_solution) -> None:
    solution = make_solution(hosting=("on_premises", "shared_service"))
    assert fits(solution, 5000, True, hosting_preference="shared_service")
    assert not fits(solution, 5000, True, hosting_preference="saas_eu")
    assert fits(solution, 5000, True)


def test_add_months_clamps_to_the_end_of_the_month() -> None:
    assert add_months(dt.date(2026, 1, 31), 1) == dt.date(2026, 2, 28)
    assert add_months(dt.date(2024, 2, 29), 12) == dt.date(2025, 2, 28)
    assert add_months(dt.date(2026, 11, 15), 14) == dt.date(2028, 1, 15)


# --------------------------------------------------------------------------- validation


@pytest.fixture
def content(tmp_path: Path) -> Callable[..., Path]:
    """Copy the minimal fixture and let a test change one file's data before loading."""

    def build(relative: str | None = None, change: Callable[[Any], Any] | None = None) -> Path:
        root = tmp_path / "content"
        shutil.copytree(FIXTURES / "minimal", root)
        if relative and change:
            path = root / relative
            data = yaml.safe_load(path.read_text(encoding="utf-8"))
            data = change(data) or data
            path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
        return root

    return build


def problems_of(root: Path) -> list[tuple[str, str, str]]:
    with pytest.raises(CatalogueError) as caught:
        load_catalogue(root)
    return [(p.file, p.path, p.message) for p in caught.value.problems]


def test_minimal_fixture_loads(content) -> None:
    catalogue = load_catalogue(content())
    assert [s.id for s in catalogue.solutions] == ["example-tool"]
    assert catalogue.listing_status(catalogue.solutions[0], TODAY).status == LISTED
    assert catalogue.training("example-course").provider == "Example Academy"


def test_unknown_key_is_reported_with_file_and_key_path(content) -> None:
    def change(data):
        data["review"]["requirements"]["data_protection"]["comment"] = "x"

    problems = problems_of(content("solutions/example-tool.yaml", change))
    assert (
        "solutions/example-tool.yaml",
        "review.requirements.data_protection.comment",
        "unknown key 'comment'",
    ) in problems


def test_review_must_cover_every_requirement(content) -> None:
    def change(data):
        del data["review"]["requirements"]["accessibility"]

    problems = problems_of(content("solutions/example-tool.yaml", change))
    assert (
        "solutions/example-tool.yaml",
        "review.requirements.accessibility",
        "requirement not covered by the review",
    ) in problems


def test_unknown_requirement_domain_and_standard_are_reported(content) -> None:
    def change(data):
        data["review"]["requirements"]["telepathy"] = {
            "status": "met",
            "evidence": {"de": "x", "en": "x"},
        }
        data["domains"] = ["data", "weather"]
        data["open_standards"] = ["soap"]

    paths = {path for _, path, _ in problems_of(content("solutions/example-tool.yaml", change))}
    assert {"review.requirements.telepathy", "domains[1]", "open_standards[0]"} <= paths


def test_all_problems_are_collected_across_files(content) -> None:
    root = content("solutions/example-tool.yaml", lambda d: d.update(cost_band="cheap"))
    trainings = root / "trainings.yaml"
    data = yaml.safe_load(trainings.read_text(encoding="utf-8"))
    data["trainings"].append(dict(data["trainings"][0]))
    del data["trainings"][0]["title"]["en"]
    trainings.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    problems = problems_of(root)
    assert ("solutions/example-tool.yaml", "cost_band") in {(f, p) for f, p, _ in problems}
    assert ("trainings.yaml", "trainings[0].title.en", "missing key") in problems
    assert ("trainings.yaml", "trainings[1].id", "duplicate id 'example-course'") in problems


def test_dates_must_be_iso_dates(content) -> None:
    def change(data):
        data["review"]["reviewed_on"] = "1 March 2026"

    paths = {path for _, path, _ in problems_of(content("solutions/example-tool.yaml", change))}
    assert "review.reviewed_on" in paths


def test_duplicate_yaml_keys_are_refused(content) -> None:
    root = content()
    path = root / "solutions" / "example-tool.yaml"
    path.write_text(path.read_text(encoding="utf-8") + "cost_band: low\n", encoding="utf-8")
    problems = problems_of(root)
    assert problems[0][0] == "solutions/example-tool.yaml"
    assert "duplicate key 'cost_band'" in problems[0][2]


def test_not_applicable_is_refused_when_the_condition_holds(content) -> None:
    problems = problems_of(
        content("solutions/example-tool.yaml", lambda d: d.update(hosting=["saas_eu"]))
    )
    assert any(
        path == "review.requirements.cloud_security.status" and "saas" in message
        for _, path, message in problems
    )


def test_it_staff_flag_and_prerequisite_must_agree(content) -> None:
    def change(data):
        data["prerequisites"] = ["it_staff"]

    paths = {path for _, path, _ in problems_of(content("solutions/example-tool.yaml", change))}
    assert "needs_it_staff" in paths


def test_solution_id_must_match_its_file_name(content) -> None:
    problems = problems_of(
        content("solutions/example-tool.yaml", lambda d: d.update(id="other-tool"))
    )
    assert ("solutions/example-tool.yaml", "id") in {(f, p) for f, p, _ in problems}


def test_error_message_names_file_path_and_fix(content) -> None:
    root = content("solutions/example-tool.yaml", lambda d: d.update(cost_band="cheap"))
    with pytest.raises(CatalogueError) as caught:
        load_catalogue(root)
    text = str(caught.value)
    assert "solutions/example-tool.yaml: cost_band: 'cheap' is not allowed" in text
    assert "fix: use one of: free, high, low, medium, unknown" in text


def test_version_must_be_text_with_three_parts(content) -> None:
    problems = problems_of(content("base-requirements/1.0.0.yaml", lambda d: d.update(version=1.0)))
    assert ("base-requirements/1.0.0.yaml", "version") in {(f, p) for f, p, _ in problems}


# --------------------------------------------------------------------------- purity


def test_catalogue_package_imports_no_web_or_database_code() -> None:
    code = (
        "import sys, recommendations, recommendations.catalogue, recommendations.catalogue_loader\n"
        "bad = [m for m in ('flask', 'sqlalchemy', 'advisory') if m in sys.modules]\n"
        "print(','.join(bad))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=True,
        cwd=Path(__file__).resolve().parents[2],
    )
    assert result.stdout.strip() == ""


def test_frozen_definitions_cannot_be_changed(make_solution) -> None:
    solution = make_solution()
    with pytest.raises(AttributeError):
        solution.name = "Other"  # type: ignore[misc]
    assert replace(solution, name="Other").name == "Other"


# --------------------------------------------------------------------------- single entries


def _shipped_entry(solution_id: str):
    from recommendations.catalogue_loader import solution_data

    catalogue = load_catalogue(default_content_dir())
    versions = {r.version: r for r in catalogue.requirement_versions}
    return catalogue, versions, solution_data(catalogue.solution(solution_id))


def _entry_problems(data, versions) -> set[str]:
    from recommendations.catalogue_loader import solution_from_data

    with pytest.raises(CatalogueError) as caught:
        solution_from_data(data, versions)
    return {p.path for p in caught.value.problems}


def test_every_shipped_entry_survives_the_round_trip_through_its_mapping() -> None:
    from recommendations.catalogue_loader import (
        solution_data,
        solution_from_data,
        training_data,
        training_from_data,
    )

    catalogue = load_catalogue(default_content_dir())
    versions = {r.version: r for r in catalogue.requirement_versions}
    for solution in catalogue.solutions:
        assert solution_from_data(solution_data(solution), versions) == solution
    for training in catalogue.trainings:
        assert training_from_data(training_data(training)) == training


def test_open_source_met_with_a_proprietary_licence_is_refused() -> None:
    _, versions, data = _shipped_entry("allris")
    data["review"]["requirements"]["open_source"]["status"] = "met"
    assert "review.requirements.open_source.status" in _entry_problems(data, versions)


def test_domain_standard_not_met_while_the_standard_is_listed_is_refused() -> None:
    _, versions, data = _shipped_entry("allris")
    assert "oparl" in data["open_standards"]
    data["review"]["requirements"]["domain_standards"]["status"] = "not_met"
    assert "review.requirements.domain_standards.status" in _entry_problems(data, versions)
