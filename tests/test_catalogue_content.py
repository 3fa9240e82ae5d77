"""The shipped catalogue: enough real solutions, honest verdicts, shared services for villages."""

from __future__ import annotations

import datetime as dt

import pytest

from recommendations import default_content_dir, load_catalogue

# A fixed day, so that review expiry does not change the verdicts under the test's feet.
TODAY = dt.date(2026, 12, 3)

# The domains in which at least one solution is honestly listed on TODAY. Participation has none:
# every participation and defect-reporting entry still lacks evidence on a must (data protection,
# accessibility, information security or an interface without extra fee). Change this set only
# together with the evidence in the entries.
LISTED_DOMAINS = {
    "strategy",
    "services",
    "data",
    "infrastructure",
    "security",
    "interoperability",
    "mobility",
    "climate",
    "planning",
    "skills",
    "cooperation",
}


@pytest.fixture(scope="module")
def catalogue():
    return load_catalogue(default_content_dir())


@pytest.fixture(scope="module")
def verdicts(catalogue):
    return {s.id: catalogue.listing_status(s, TODAY).status for s in catalogue.solutions}


def test_catalogue_holds_at_least_45_real_solutions(catalogue):
    assert len(catalogue.solutions) >= 45


def test_listed_solutions_cover_the_domains_achieved_and_participation_is_still_open(catalogue):
    listed = catalogue.listed_solutions(TODAY)
    covered = {domain for solution in listed for domain in solution.domains}
    assert covered == LISTED_DOMAINS
    assert "participation" not in covered


def test_not_every_entry_passes_every_check(verdicts):
    counts = {kind: list(verdicts.values()).count(kind) for kind in set(verdicts.values())}
    assert set(counts) == {"listed", "pending_review", "not_admitted"}
    # Most entries wait for evidence; a catalogue where everything passes is not credible.
    assert counts["pending_review"] > counts["listed"]


STATE_RUN = (
    "maerker-brandenburg",
    "bob-sh",
    "beteiligung-nrw",
    "service-bw",
    "bayernportal",
    "amt24-sachsen",
    "open-rlp",
    "mobilithek",
    "opencode",
    "kom-ems",
    "geoportal-rlp",
    "uvp-portal",
)


def test_state_run_shared_services_need_no_it_staff(catalogue):
    shared = [catalogue.solution(solution_id) for solution_id in STATE_RUN]
    assert all("shared_service" in s.hosting and not s.needs_it_staff for s in shared)
    categories = {c for s in shared for c in s.categories}
    assert {"defect_reporting", "participation_platform", "open_data_portal"} <= categories
    domains = {d for s in shared for d in s.domains}
    assert {"participation", "services", "data", "planning"} <= domains


def test_verdicts_of_new_entries_follow_their_evidence(verdicts):
    # A documented privacy API (export and deletion), security advisories and an API: listed.
    assert verdicts["moodle"] == "listed"
    # The OParl interface is a separately paid licence: open interfaces not met.
    assert verdicts["sessionnet"] == "not_admitted"
    # State services without public evidence on data protection or security stay pending.
    for solution_id in ("maerker-brandenburg", "bob-sh", "bayernportal", "service-bw", "open-rlp"):
        assert verdicts[solution_id] == "pending_review", solution_id


def test_sessionnet_open_interfaces_names_the_extra_fee(catalogue):
    review = catalogue.solution("sessionnet").review
    status = review.status_of("open_interfaces")
    assert status.status == "not_met"
    assert "Nottuln" in status.evidence.en
