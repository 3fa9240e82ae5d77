"""Solution and training catalogue: base requirements, reviewed solutions, trainings.

Content lives in YAML files under ``recommendations/content`` (see ``docs/catalogue-format.md``).
``load_catalogue`` reads and validates everything and raises one ``CatalogueError`` listing every
problem with file, key path and fix. ``listing_status`` applies the listing rule of the curators:
a solution is listed only when every must-requirement that applies to it is met (or not
applicable) and no review of such a requirement has expired. Dates are always passed in.

Pure Python: this module never imports flask, sqlalchemy or advisory.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

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

_ID = re.compile(r"^[a-z][a-z0-9_]*$")
_SLUG = re.compile(r"^[a-z0-9][a-z0-9-]*$")
_VERSION = re.compile(r"^\d+\.\d+\.\d+$")
_SPDX = re.compile(r"^(proprietary|[A-Za-z0-9.+-]+( (OR|AND|WITH) [A-Za-z0-9.+-]+)*)$")


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


# --------------------------------------------------------------------------- loading


class _DuplicateKeyLoader(yaml.SafeLoader):
    """Safe loader that refuses duplicate mapping keys instead of keeping the last one."""


def _construct_mapping(loader: yaml.SafeLoader, node: yaml.MappingNode) -> dict[Any, Any]:
    seen: set[Any] = set()
    for key_node, _ in node.value:
        key = loader.construct_object(key_node)
        if key in seen:
            raise yaml.constructor.ConstructorError(
                None, None, f"duplicate key {key!r}", key_node.start_mark
            )
        seen.add(key)
    return loader.construct_mapping(node)


_DuplicateKeyLoader.add_constructor(
    yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping
)


class _Reader:
    """Validating reader for one file; records problems instead of stopping at the first."""

    def __init__(self, file: str, problems: list[Problem]) -> None:
        self.file = file
        self.problems = problems

    def problem(self, path: str, message: str, fix: str) -> None:
        self.problems.append(Problem(self.file, path, message, fix))

    def mapping(
        self,
        value: Any,
        path: str,
        required: Iterable[str],
        optional: Iterable[str] = (),
    ) -> dict[str, Any] | None:
        if not isinstance(value, dict):
            got = type(value).__name__
            self.problem(path, f"expected a mapping, got {got}", "write key: value")
            return None
        required = tuple(required)
        allowed = set(required) | set(optional)
        for key in value:
            if key not in allowed:
                self.problem(
                    _join(path, str(key)),
                    f"unknown key {key!r}",
                    f"remove it or use one of: {', '.join(sorted(allowed))}",
                )
        for key in required:
            if key not in value:
                self.problem(_join(path, key), "missing key", f"add {key}:")
        return value

    def string(self, value: Any, path: str, pattern: re.Pattern[str] | None = None) -> str:
        if not isinstance(value, str) or not value.strip():
            self.problem(path, "expected a non-empty text", "write a text (quote it if needed)")
            return ""
        if pattern is not None and not pattern.match(value):
            self.problem(path, f"{value!r} has the wrong form", f"match {pattern.pattern}")
        return value

    def optional_string(self, value: Any, path: str) -> str | None:
        return None if value is None else self.string(value, path)

    def url(self, value: Any, path: str) -> str | None:
        if value is None:
            return None
        text = self.string(value, path)
        if text and not text.startswith("https://"):
            self.problem(path, f"{text!r} is not an https URL", "use https://...")
        return text or None

    def text(self, value: Any, path: str) -> Text:
        data = self.mapping(value, path, LANGUAGES)
        if data is None:
            return Text("", "")
        return Text(
            de=self.string(data.get("de"), _join(path, "de")) if "de" in data else "",
            en=self.string(data.get("en"), _join(path, "en")) if "en" in data else "",
        )

    def optional_text(self, value: Any, path: str) -> Text | None:
        return None if value is None else self.text(value, path)

    def boolean(self, value: Any, path: str) -> bool:
        if not isinstance(value, bool):
            self.problem(path, f"expected true or false, got {value!r}", "write true or false")
            return False
        return value

    def integer(self, value: Any, path: str, minimum: int = 0) -> int:
        if isinstance(value, bool) or not isinstance(value, int):
            self.problem(path, f"expected a whole number, got {value!r}", "write a number")
            return minimum
        if value < minimum:
            self.problem(path, f"{value} is below {minimum}", f"use a number >= {minimum}")
        return value

    def date(self, value: Any, path: str) -> dt.date:
        if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
            return value
        if isinstance(value, str):
            try:
                return dt.date.fromisoformat(value)
            except ValueError:
                pass
        self.problem(path, f"expected an ISO date, got {value!r}", "write YYYY-MM-DD")
        return dt.date.min

    def choice(self, value: Any, path: str, choices: Iterable[str]) -> str:
        choices = tuple(choices)
        if value not in choices:
            self.problem(
                path, f"{value!r} is not allowed", f"use one of: {', '.join(sorted(choices))}"
            )
            return choices[0]
        return value

    def choices(
        self, value: Any, path: str, choices: Iterable[str], allow_empty: bool = True
    ) -> tuple[str, ...]:
        choices = frozenset(choices)
        if not isinstance(value, list):
            self.problem(path, "expected a list", "write [a, b] or a list of - items")
            return ()
        if not value and not allow_empty:
            self.problem(path, "the list is empty", "name at least one")
        result: list[str] = []
        for index, item in enumerate(value):
            item_path = f"{path}[{index}]"
            if item not in choices:
                self.problem(
                    item_path,
                    f"unknown value {item!r}",
                    f"use one of: {', '.join(sorted(choices))}",
                )
            elif item in result:
                self.problem(item_path, f"{item!r} is listed twice", "list it once")
            else:
                result.append(item)
        return tuple(result)

    def strings(self, value: Any, path: str, pattern: re.Pattern[str]) -> tuple[str, ...]:
        if not isinstance(value, list):
            self.problem(path, "expected a list", "write [a, b]")
            return ()
        return tuple(self.string(item, f"{path}[{i}]", pattern) for i, item in enumerate(value))

    def items(self, value: Any, path: str) -> list[tuple[str, Any]]:
        if not isinstance(value, list):
            self.problem(path, "expected a list", "write a list of - items")
            return []
        return [(f"{path}[{index}]", item) for index, item in enumerate(value)]


def _join(path: str, key: str) -> str:
    return f"{path}.{key}" if path else key


def _read_yaml(path: Path, root: Path, problems: list[Problem]) -> Any:
    name = _relative(path, root)
    try:
        with path.open(encoding="utf-8") as handle:
            return yaml.load(handle, Loader=_DuplicateKeyLoader)  # noqa: S506 - safe subclass
    except yaml.YAMLError as error:
        problems.append(Problem(name, "", f"not valid YAML: {error}", "fix the YAML syntax"))
    except OSError as error:
        problems.append(Problem(name, "", f"cannot be read: {error}", "check the file"))
    return None


def _relative(path: Path, root: Path) -> str:
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return path.as_posix()


def _read_requirement_catalogue(reader: _Reader, data: Any) -> RequirementCatalogue | None:
    top = reader.mapping(data, "", ("id", "version", "valid_from", "title", "requirements"))
    if top is None:
        return None
    requirements: list[Requirement] = []
    seen_ids: set[str] = set()
    seen_numbers: set[int] = set()
    fields_required = (
        "id",
        "number",
        "title",
        "description",
        "obligation",
        "evidence",
        "references",
        "review_interval_months",
    )
    for path, item in reader.items(top.get("requirements"), "requirements"):
        entry = reader.mapping(item, path, fields_required, ("applies_if",))
        if entry is None:
            continue
        rid = reader.string(entry.get("id"), _join(path, "id"), _ID)
        if rid in seen_ids:
            reader.problem(_join(path, "id"), f"duplicate id {rid!r}", "give each an own id")
        seen_ids.add(rid)
        number = reader.integer(entry.get("number"), _join(path, "number"), 1)
        if number in seen_numbers:
            reader.problem(_join(path, "number"), f"duplicate number {number}", "renumber")
        seen_numbers.add(number)
        references = tuple(
            _read_reference(reader, ref, ref_path)
            for ref_path, ref in reader.items(entry.get("references"), _join(path, "references"))
        )
        applies_if = entry.get("applies_if")
        if applies_if is not None:
            applies_if = reader.choice(applies_if, _join(path, "applies_if"), CONDITIONS)
        requirements.append(
            Requirement(
                id=rid,
                number=number,
                title=reader.text(entry.get("title"), _join(path, "title")),
                description=reader.text(entry.get("description"), _join(path, "description")),
                obligation=reader.choice(
                    entry.get("obligation"), _join(path, "obligation"), OBLIGATIONS
                ),
                evidence=reader.text(entry.get("evidence"), _join(path, "evidence")),
                references=references,
                review_interval_months=reader.integer(
                    entry.get("review_interval_months"), _join(path, "review_interval_months"), 1
                ),
                applies_if=applies_if,
            )
        )
    return RequirementCatalogue(
        id=reader.string(top.get("id"), "id", _SLUG),
        version=reader.string(_as_str(top.get("version")), "version", _VERSION),
        valid_from=reader.date(top.get("valid_from"), "valid_from"),
        title=reader.text(top.get("title"), "title"),
        requirements=tuple(sorted(requirements, key=lambda r: r.number)),
    )


def _as_str(value: Any) -> Any:
    # ``version: 1.0`` parses as a float; report it as text so the pattern check explains it.
    return str(value) if isinstance(value, int | float) and not isinstance(value, bool) else value


def _read_reference(reader: _Reader, value: Any, path: str) -> Reference:
    data = reader.mapping(value, path, ("title",), ("url",))
    if data is None:
        return Reference("")
    return Reference(
        title=reader.string(data.get("title"), _join(path, "title")),
        url=reader.url(data.get("url"), _join(path, "url")),
    )


_SOLUTION_REQUIRED = (
    "id",
    "name",
    "summary",
    "description",
    "domains",
    "categories",
    "tags",
    "vendor",
    "licence",
    "open_source",
    "source_url",
    "open_standards",
    "hosting",
    "size_fit",
    "prerequisites",
    "needs_it_staff",
    "cost_band",
    "cost_note",
    "references",
    "citizen_facing",
    "uses_ai",
    "publicly_funded",
    "review",
)


def _read_solution(
    reader: _Reader, data: Any, stem: str, versions: Mapping[str, RequirementCatalogue]
) -> Solution | None:
    top = reader.mapping(data, "", _SOLUTION_REQUIRED, ("notes", "website"))
    if top is None:
        return None
    sid = reader.string(top.get("id"), "id", _SLUG)
    if sid and sid != stem:
        reader.problem("id", f"id {sid!r} differs from the file name {stem!r}", "rename one")
    vendor_data = reader.mapping(top.get("vendor"), "vendor", ("name",), ("url",)) or {}
    size_data = (
        reader.mapping(top.get("size_fit"), "size_fit", ("min_population", "max_population")) or {}
    )
    min_population = reader.integer(size_data.get("min_population", 0), "size_fit.min_population")
    max_raw = size_data.get("max_population")
    max_population = (
        None if max_raw is None else reader.integer(max_raw, "size_fit.max_population", 1)
    )
    if max_population is not None and max_population < min_population:
        reader.problem(
            "size_fit.max_population", "is below min_population", "swap or correct the bounds"
        )
    refs: list[MunicipalReference] = []
    for path, item in reader.items(top.get("references"), "references"):
        ref = reader.mapping(item, path, ("name", "note"))
        if ref is not None:
            refs.append(
                MunicipalReference(
                    name=reader.string(ref.get("name"), _join(path, "name")),
                    note=reader.text(ref.get("note"), _join(path, "note")),
                )
            )
    funded = top.get("publicly_funded")
    funded_text = "unknown" if funded == "unknown" else str(funded).lower()
    if not (isinstance(funded, bool) or funded == "unknown"):
        reader.problem("publicly_funded", f"{funded!r} is not allowed", "true, false or unknown")
        funded_text = "unknown"
    solution = Solution(
        id=sid,
        name=reader.string(top.get("name"), "name"),
        summary=reader.text(top.get("summary"), "summary"),
        description=reader.text(top.get("description"), "description"),
        domains=reader.choices(top.get("domains"), "domains", DOMAINS, allow_empty=False),
        categories=reader.choices(
            top.get("categories"), "categories", CATEGORIES, allow_empty=False
        ),
        tags=reader.strings(top.get("tags"), "tags", _SLUG),
        vendor=Party(
            name=reader.string(vendor_data.get("name"), "vendor.name"),
            url=reader.url(vendor_data.get("url"), "vendor.url"),
        ),
        licence=reader.string(top.get("licence"), "licence", _SPDX),
        open_source=reader.boolean(top.get("open_source"), "open_source"),
        source_url=reader.url(top.get("source_url"), "source_url"),
        open_standards=reader.choices(top.get("open_standards"), "open_standards", OPEN_STANDARDS),
        hosting=reader.choices(top.get("hosting"), "hosting", HOSTING, allow_empty=False),
        size_fit=SizeFit(min_population, max_population),
        prerequisites=reader.choices(top.get("prerequisites"), "prerequisites", PREREQUISITES),
        needs_it_staff=reader.boolean(top.get("needs_it_staff"), "needs_it_staff"),
        cost_band=reader.choice(top.get("cost_band"), "cost_band", COST_BANDS),
        cost_note=reader.text(top.get("cost_note"), "cost_note"),
        references=tuple(refs),
        citizen_facing=reader.boolean(top.get("citizen_facing"), "citizen_facing"),
        uses_ai=reader.boolean(top.get("uses_ai"), "uses_ai"),
        publicly_funded=funded_text,
        review=_read_review(reader, top.get("review"), versions),
        notes=reader.optional_text(top.get("notes"), "notes"),
        website=reader.url(top.get("website"), "website"),
    )
    _check_solution(reader, solution, versions)
    return solution


def _read_review(
    reader: _Reader, value: Any, versions: Mapping[str, RequirementCatalogue]
) -> Review:
    data = reader.mapping(
        value, "review", ("catalogue_version", "reviewed_on", "reviewed_by", "requirements")
    )
    if data is None:
        return Review("", dt.date.min, "", ())
    version = reader.string(_as_str(data.get("catalogue_version")), "review.catalogue_version")
    known = versions.get(version)
    if version and known is None:
        reader.problem(
            "review.catalogue_version",
            f"no base requirements version {version!r}",
            f"use one of: {', '.join(sorted(versions)) or '(none loaded)'}",
        )
    statuses: list[RequirementStatus] = []
    raw = data.get("requirements")
    if isinstance(raw, dict):
        for rid, entry in raw.items():
            path = f"review.requirements.{rid}"
            if known is not None and rid not in known.ids:
                reader.problem(
                    path,
                    f"unknown requirement id {rid!r}",
                    f"use one of the ids of base requirements {version}",
                )
            item = reader.mapping(entry, path, ("status", "evidence"))
            if item is None:
                continue
            statuses.append(
                RequirementStatus(
                    requirement_id=str(rid),
                    status=reader.choice(item.get("status"), _join(path, "status"), STATUSES),
                    evidence=reader.text(item.get("evidence"), _join(path, "evidence")),
                )
            )
        if known is not None:
            missing = [rid for rid in known.ids if rid not in raw]
            for rid in missing:
                reader.problem(
                    f"review.requirements.{rid}",
                    "requirement not covered by the review",
                    "add it with status met, not_met, not_applicable or unknown and evidence",
                )
    elif raw is not None:
        reader.problem("review.requirements", "expected a mapping", "write <id>: {status, ...}")
    return Review(
        catalogue_version=version,
        reviewed_on=reader.date(data.get("reviewed_on"), "review.reviewed_on"),
        reviewed_by=reader.string(data.get("reviewed_by"), "review.reviewed_by"),
        requirements=tuple(statuses),
    )


def _check_solution(
    reader: _Reader, solution: Solution, versions: Mapping[str, RequirementCatalogue]
) -> None:
    """Cross-field checks that keep an entry honest and internally consistent."""
    if solution.open_source and (
        solution.licence == "proprietary" or solution.licence.startswith("LicenseRef-")
    ):
        reader.problem(
            "licence",
            f"open_source is true but licence is {solution.licence!r}",
            "use an SPDX licence id (or NOASSERTION if unverified), or set open_source: false",
        )
    if not solution.open_source and not (
        solution.licence == "proprietary" or solution.licence.startswith("LicenseRef-")
    ):
        reader.problem(
            "licence",
            f"open_source is false but licence is {solution.licence!r}",
            "write proprietary or LicenseRef-<name>, or set open_source: true",
        )
    if solution.needs_it_staff != ("it_staff" in solution.prerequisites):
        reader.problem(
            "needs_it_staff",
            "needs_it_staff and the it_staff prerequisite disagree",
            "list it_staff in prerequisites exactly when needs_it_staff is true",
        )
    known = versions.get(solution.review.catalogue_version)
    if known is None:
        return
    for status in solution.review.requirements:
        if status.requirement_id not in known.ids:
            continue
        requirement = known.get(status.requirement_id)
        path = f"review.requirements.{status.requirement_id}.status"
        condition = requirement.applies_if
        if (
            status.status == "not_applicable"
            and requirement.is_must
            and condition is not None
            and condition != "publicly_funded"
            and condition_holds(condition, solution)
        ):
            reader.problem(
                path,
                f"not_applicable although the condition {condition!r} holds for this solution",
                "assess it (met, not_met or unknown) or correct the solution's facts",
            )
        if requirement.id == "domain_standards" and status.status == "met":
            applicable = applicable_domain_standards(solution)
            if applicable and not applicable & set(solution.open_standards):
                reader.problem(
                    path,
                    "met, but none of the applicable standards "
                    f"({', '.join(sorted(applicable))}) is listed in open_standards",
                    "add the standard to open_standards or change the status",
                )


def _read_trainings(reader: _Reader, data: Any) -> list[Training]:
    top = reader.mapping(data, "", ("trainings",))
    if top is None:
        return []
    trainings: list[Training] = []
    seen: set[str] = set()
    required = (
        "id",
        "title",
        "provider",
        "topics",
        "domains",
        "target_roles",
        "level",
        "format",
        "duration",
        "cost",
        "cost_band",
        "certificate",
        "language",
        "verified",
    )
    for path, item in reader.items(top.get("trainings"), "trainings"):
        entry = reader.mapping(item, path, required, ("url", "notes"))
        if entry is None:
            continue
        tid = reader.string(entry.get("id"), _join(path, "id"), _SLUG)
        if tid in seen:
            reader.problem(_join(path, "id"), f"duplicate id {tid!r}", "give each an own id")
        seen.add(tid)
        verified = reader.boolean(entry.get("verified"), _join(path, "verified"))
        notes = reader.optional_text(entry.get("notes"), _join(path, "notes"))
        if not verified and notes is None:
            reader.problem(
                _join(path, "notes"),
                "an unverified training needs notes saying what could not be verified",
                "add notes: {de: ..., en: ...}",
            )
        trainings.append(
            Training(
                id=tid,
                title=reader.text(entry.get("title"), _join(path, "title")),
                provider=reader.string(entry.get("provider"), _join(path, "provider")),
                topics=reader.strings(entry.get("topics"), _join(path, "topics"), _SLUG),
                domains=reader.choices(
                    entry.get("domains"), _join(path, "domains"), DOMAINS, allow_empty=False
                ),
                target_roles=reader.choices(
                    entry.get("target_roles"),
                    _join(path, "target_roles"),
                    TARGET_ROLES,
                    allow_empty=False,
                ),
                level=reader.choice(entry.get("level"), _join(path, "level"), LEVELS),
                format=reader.choice(entry.get("format"), _join(path, "format"), FORMATS),
                duration=reader.text(entry.get("duration"), _join(path, "duration")),
                cost=reader.text(entry.get("cost"), _join(path, "cost")),
                cost_band=reader.choice(
                    entry.get("cost_band"), _join(path, "cost_band"), COST_BANDS
                ),
                certificate=reader.boolean(entry.get("certificate"), _join(path, "certificate")),
                language=reader.choice(entry.get("language"), _join(path, "language"), LANGUAGES),
                verified=verified,
                url=reader.url(entry.get("url"), _join(path, "url")),
                notes=notes,
            )
        )
    return trainings


def _version_key(version: str) -> tuple[int, ...]:
    return tuple(int(part) for part in version.split(".")) if _VERSION.match(version) else (-1,)


def load_catalogue(content_dir: str | Path) -> Catalogue:
    """Load and validate all catalogue content under ``content_dir``.

    Expects ``base-requirements/<version>.yaml``, ``solutions/<id>.yaml`` and
    ``trainings.yaml``. Raises ``CatalogueError`` listing every problem found.
    """
    root = Path(content_dir)
    problems: list[Problem] = []

    versions: dict[str, RequirementCatalogue] = {}
    requirement_files = sorted((root / "base-requirements").glob("*.yaml"))
    if not requirement_files:
        problems.append(
            Problem("base-requirements/", "", "no base requirements file", "add <version>.yaml")
        )
    for path in requirement_files:
        reader = _Reader(_relative(path, root), problems)
        catalogue = _read_requirement_catalogue(reader, _read_yaml(path, root, problems))
        if catalogue is None:
            continue
        if catalogue.version != path.stem:
            reader.problem(
                "version",
                f"version {catalogue.version!r} differs from the file name {path.stem!r}",
                "name the file <version>.yaml",
            )
        versions[catalogue.version] = catalogue

    solutions: list[Solution] = []
    for path in sorted((root / "solutions").glob("*.yaml")):
        reader = _Reader(_relative(path, root), problems)
        solution = _read_solution(reader, _read_yaml(path, root, problems), path.stem, versions)
        if solution is not None:
            solutions.append(solution)

    trainings: list[Training] = []
    trainings_path = root / "trainings.yaml"
    if trainings_path.exists():
        reader = _Reader(_relative(trainings_path, root), problems)
        trainings = _read_trainings(reader, _read_yaml(trainings_path, root, problems))
    else:
        problems.append(Problem("trainings.yaml", "", "file missing", "add trainings.yaml"))

    if problems:
        raise CatalogueError(problems)
    ordered = tuple(sorted(versions.values(), key=lambda c: _version_key(c.version)))
    return Catalogue(
        requirements=ordered[-1],
        solutions=tuple(solutions),
        trainings=tuple(trainings),
        requirement_versions=ordered,
    )


def default_content_dir() -> Path:
    """Return the directory of the shipped catalogue content."""
    return Path(__file__).resolve().parent / "content"


__all__ = [
    "Catalogue",
    "CatalogueError",
    "ListingReason",
    "ListingStatus",
    "Problem",
    "Requirement",
    "RequirementCatalogue",
    "RequirementStatus",
    "Review",
    "Solution",
    "Text",
    "Training",
    "add_months",
    "condition_holds",
    "counts_as_must",
    "default_content_dir",
    "fits",
    "listing_status",
    "load_catalogue",
]
