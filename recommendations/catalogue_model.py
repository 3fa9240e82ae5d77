"""Catalogue model: base requirements, reviewed solutions, trainings and the listing rule.

Frozen definitions built by ``recommendations.catalogue_loader``. ``listing_status`` applies the
listing rule of the curators: a solution is listed only when every must-requirement that applies to
it is met (or not applicable) and no review of such a requirement has expired. Dates are always
passed in.

Pure Python: this module never imports flask, sqlalchemy or advisory.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from questionnaires.model import DOMAIN_IDS, Reference, Text

LANGUAGES = ("de", "en")

DOMAINS = frozenset(DOMAIN_IDS)

OPEN_STANDARDS = frozenset(
    {
        "dcat_ap_de",
        "oparl",
        "xplanung",
        "xbau",
        "sensorthings",
        "ngsi_ld",
        "open311",
        "gtfs",
        "netex",
        "ogc_wms_wfs",
        "xdomea",
        "openapi",
        "graphql",
        "lorawan",
    }
)

# Which domain open standards (requirement "domain_standards") apply to a solution category.
# A category missing here has no domain standard, so domain_standard_exists is false for it.
CATEGORY_STANDARDS: Mapping[str, frozenset[str]] = {
    "council_information": frozenset({"oparl"}),
    "defect_reporting": frozenset({"open311"}),
    "open_data_portal": frozenset({"dcat_ap_de"}),
    "geoportal": frozenset({"ogc_wms_wfs"}),
    "planning_workflow": frozenset({"xplanung", "xbau"}),
    "sensor_platform": frozenset({"sensorthings", "ngsi_ld"}),
    "urban_data_platform": frozenset({"sensorthings", "ngsi_ld", "dcat_ap_de"}),
    "iot_network": frozenset({"lorawan"}),
    "routing": frozenset({"gtfs", "netex"}),
}

CATEGORIES = frozenset(
    {
        "participation_platform",
        "defect_reporting",
        "urban_data_platform",
        "open_data_portal",
        "iot_network",
        "sensor_platform",
        "geoportal",
        "council_information",
        "appointments",
        "collaboration",
        "project_management",
        "routing",
        "cloud_hosting",
        "security_method",
        "rural_app",
        "planning_workflow",
        "dashboard",
        "integration",
    }
)

HOSTING = ("on_premises", "saas_eu", "shared_service")
PREREQUISITES = frozenset(
    {
        "it_staff",
        "lorawan_network",
        "gis_data",
        "data_platform",
        "budget_over_10k",
        "transit_data",
        "council_system",
    }
)
COST_BANDS = ("free", "low", "medium", "high", "unknown")
OBLIGATIONS = ("must", "should")
CONDITIONS = ("saas", "citizen_facing", "uses_ai", "publicly_funded", "domain_standard_exists")
STATUSES = ("met", "not_met", "not_applicable", "unknown")
TRIBOOL = ("true", "false", "unknown")
TARGET_ROLES = frozenset(
    {"leadership", "it", "department_staff", "digital_pilot", "all_staff", "council"}
)
LEVELS = ("basic", "intermediate", "advanced")
FORMATS = ("online_self_paced", "online_live", "in_person", "blended")

LISTED = "listed"
PENDING_REVIEW = "pending_review"
NOT_ADMITTED = "not_admitted"


# --------------------------------------------------------------------------- errors


@dataclass(frozen=True)
class Problem:
    """One validation problem: where it is and what to do about it."""

    file: str
    path: str
    message: str
    fix: str

    def __str__(self) -> str:
        where = f"{self.file}: {self.path}" if self.path else self.file
        return f"{where}: {self.message} (fix: {self.fix})"


class CatalogueError(Exception):
    """Raised when catalogue content does not validate; carries every problem found."""

    def __init__(self, problems: Iterable[Problem]) -> None:
        self.problems = tuple(problems)
        lines = [f"{len(self.problems)} problem(s) in the catalogue content:"]
        lines += [f"  - {problem}" for problem in self.problems]
        super().__init__("\n".join(lines))


# --------------------------------------------------------------------------- definitions


@dataclass(frozen=True)
class Requirement:
    id: str
    number: int
    title: Text
    description: Text
    obligation: str  # must | should
    evidence: Text
    references: tuple[Reference, ...]
    review_interval_months: int
    applies_if: str | None = None  # a condition of CONDITIONS; the must counts only when it holds

    @property
    def is_must(self) -> bool:
        return self.obligation == "must"


@dataclass(frozen=True)
class RequirementCatalogue:
    id: str
    version: str
    valid_from: dt.date
    title: Text
    requirements: tuple[Requirement, ...]

    @property
    def ids(self) -> tuple[str, ...]:
        return tuple(requirement.id for requirement in self.requirements)

    def get(self, requirement_id: str) -> Requirement:
        """Return the requirement with ``requirement_id`` (KeyError if unknown)."""
        for requirement in self.requirements:
            if requirement.id == requirement_id:
                return requirement
        raise KeyError(requirement_id)


@dataclass(frozen=True)
class RequirementStatus:
    requirement_id: str
    status: str  # met | not_met | not_applicable | unknown
    evidence: Text


@dataclass(frozen=True)
class Review:
    catalogue_version: str
    reviewed_on: dt.date
    reviewed_by: str
    requirements: tuple[RequirementStatus, ...]

    def status_of(self, requirement_id: str) -> RequirementStatus | None:
        for status in self.requirements:
            if status.requirement_id == requirement_id:
                return status
        return None


@dataclass(frozen=True)
class Party:
    name: str
    url: str | None = None


@dataclass(frozen=True)
class MunicipalReference:
    name: str
    note: Text


@dataclass(frozen=True)
class SizeFit:
    min_population: int
    max_population: int | None

    def contains(self, population: int) -> bool:
        if population < self.min_population:
            return False
        return self.max_population is None or population <= self.max_population


@dataclass(frozen=True)
class Solution:
    id: str
    name: str
    summary: Text
    description: Text
    domains: tuple[str, ...]
    categories: tuple[str, ...]
    tags: tuple[str, ...]
    vendor: Party
    licence: str
    open_source: bool
    source_url: str | None
    open_standards: tuple[str, ...]
    hosting: tuple[str, ...]
    size_fit: SizeFit
    prerequisites: tuple[str, ...]
    needs_it_staff: bool
    cost_band: str
    cost_note: Text
    references: tuple[MunicipalReference, ...]
    citizen_facing: bool
    uses_ai: bool
    publicly_funded: str  # true | false | unknown
    review: Review
    notes: Text | None = None
    website: str | None = None
    # What the entry's documented facts say about one installation or offer serving several
    # municipalities (an association, a district's or a state's provider); None where they say
    # nothing. With `shared_service` hosting it makes a solution a shared-service candidate.
    shared_operation: Text | None = None

    @property
    def shareable(self) -> bool:
        """Tell whether the catalogue says the solution can be run for several municipalities."""
        return "shared_service" in self.hosting or self.shared_operation is not None


@dataclass(frozen=True)
class Training:
    id: str
    title: Text
    provider: str
    topics: tuple[str, ...]
    domains: tuple[str, ...]
    target_roles: tuple[str, ...]
    level: str
    format: str
    duration: Text
    cost: Text
    cost_band: str
    certificate: bool
    language: str
    verified: bool
    url: str | None = None
    notes: Text | None = None


# --------------------------------------------------------------------------- listing rule


@dataclass(frozen=True)
class ListingReason:
    """Why a solution is not (or not yet) listed."""

    kind: str  # not_met | unknown | expired | outdated_review
    requirement_id: str | None = None
    since: dt.date | None = None
    detail: str | None = None

    def message(self, language: str = "de") -> str:
        """Return a one-line explanation for curators and users."""
        rid = self.requirement_id or ""
        if self.kind == "not_met":
            return (
                f"Muss-Anforderung nicht erfüllt: {rid}"
                if language != "en"
                else f"Must requirement not met: {rid}"
            )
        if self.kind == "unknown":
            return (
                f"Muss-Anforderung nicht belegt (unbekannt): {rid}"
                if language != "en"
                else f"Must requirement not evidenced (unknown): {rid}"
            )
        if self.kind == "expired":
            since = self.since.isoformat() if self.since else "?"
            return (
                f"Prüfung von {rid} abgelaufen seit {since}"
                if language != "en"
                else f"Review of {rid} expired since {since}"
            )
        return (
            f"Geprüft gegen Anforderungskatalog {self.detail}, nicht gegen die aktuelle Fassung"
            if language != "en"
            else f"Reviewed against requirement catalogue {self.detail}, not the current version"
        )


@dataclass(frozen=True)
class ListingStatus:
    status: str  # listed | pending_review | not_admitted
    reasons: tuple[ListingReason, ...]
    next_review_due: dt.date | None

    @property
    def listed(self) -> bool:
        return self.status == LISTED


def add_months(day: dt.date, months: int) -> dt.date:
    """Return ``day`` plus ``months`` calendar months, clamped to the month's last day."""
    month_index = day.month - 1 + months
    year = day.year + month_index // 12
    month = month_index % 12 + 1
    last = calendar.monthrange(year, month)[1]
    return dt.date(year, month, min(day.day, last))


def condition_holds(condition: str, solution: Solution) -> bool:
    """Return whether a requirement's ``applies_if`` condition holds for ``solution``."""
    if condition == "saas":
        return "saas_eu" in solution.hosting
    if condition == "citizen_facing":
        return solution.citizen_facing
    if condition == "uses_ai":
        return solution.uses_ai
    if condition == "publicly_funded":
        # "unknown" funding counts as funded: the stricter reading until the curator knows.
        return solution.publicly_funded != "false"
    if condition == "domain_standard_exists":
        return bool(applicable_domain_standards(solution))
    raise ValueError(f"unknown condition {condition!r}")


def applicable_domain_standards(solution: Solution) -> frozenset[str]:
    """Return the domain open standards that apply to the solution's categories."""
    standards: set[str] = set()
    for category in solution.categories:
        standards |= CATEGORY_STANDARDS.get(category, frozenset())
    return frozenset(standards)


def counts_as_must(requirement: Requirement, solution: Solution) -> bool:
    """Return whether ``requirement`` gates the listing of ``solution``."""
    if not requirement.is_must:
        return False
    return requirement.applies_if is None or condition_holds(requirement.applies_if, solution)


def listing_status(
    solution: Solution, requirements: RequirementCatalogue, today: dt.date
) -> ListingStatus:
    """Decide whether ``solution`` is listed, pending review or not admitted on ``today``.

    A counted must that is ``not_met`` means not admitted. Otherwise an ``unknown`` must, an
    expired review of a counted must, or a review against another catalogue version means
    pending review. Should-requirements never block the listing.
    """
    review = solution.review
    not_met: list[ListingReason] = []
    pending: list[ListingReason] = []
    if review.catalogue_version != requirements.version:
        pending.append(ListingReason("outdated_review", detail=review.catalogue_version))
    due_dates: list[dt.date] = []
    for requirement in requirements.requirements:
        due = add_months(review.reviewed_on, requirement.review_interval_months)
        due_dates.append(due)
        if not counts_as_must(requirement, solution):
            continue
        entry = review.status_of(requirement.id)
        status = entry.status if entry else "unknown"
        if status == "not_met":
            not_met.append(ListingReason("not_met", requirement.id))
        elif status == "unknown":
            pending.append(ListingReason("unknown", requirement.id))
        elif due <= today:
            pending.append(ListingReason("expired", requirement.id, since=due))
    next_due = min(due_dates) if due_dates else None
    if not_met:
        return ListingStatus(NOT_ADMITTED, tuple(not_met + pending), next_due)
    if pending:
        return ListingStatus(PENDING_REVIEW, tuple(pending), next_due)
    return ListingStatus(LISTED, (), next_due)


def fits(
    solution: Solution,
    population: int,
    has_it_staff: bool,
    hosting_preference: str | None = None,
) -> bool:
    """Return whether ``solution`` suits a municipality of this size and staffing."""
    if not solution.size_fit.contains(population):
        return False
    if solution.needs_it_staff and not has_it_staff:
        return False
    return hosting_preference is None or hosting_preference in solution.hosting


@dataclass(frozen=True)
class Catalogue:
    requirements: RequirementCatalogue
    solutions: tuple[Solution, ...]
    trainings: tuple[Training, ...]
    requirement_versions: tuple[RequirementCatalogue, ...] = field(default=())

    def solution(self, solution_id: str) -> Solution:
        """Return the solution with ``solution_id`` (KeyError if unknown)."""
        for solution in self.solutions:
            if solution.id == solution_id:
                return solution
        raise KeyError(solution_id)

    def training(self, training_id: str) -> Training:
        """Return the training with ``training_id`` (KeyError if unknown)."""
        for training in self.trainings:
            if training.id == training_id:
                return training
        raise KeyError(training_id)

    def listing_status(self, solution: Solution, today: dt.date) -> ListingStatus:
        """Return the listing status of ``solution`` against the current requirements."""
        return listing_status(solution, self.requirements, today)

    def listed_solutions(self, today: dt.date) -> tuple[Solution, ...]:
        """Return the solutions that are listed on ``today``."""
        return tuple(s for s in self.solutions if self.listing_status(s, today).listed)
