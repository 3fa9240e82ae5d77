"""Catalogue loader: read and validate the catalogue content files.

Content lives in YAML files under ``recommendations/content`` (see ``docs/catalogue-format.md``).
``load_catalogue`` reads and validates everything and raises one ``CatalogueError`` listing every
problem with file, key path and fix.

Pure Python: this module never imports flask, sqlalchemy or advisory.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from recommendations.catalogue_model import (
    CATEGORIES,
    CONDITIONS,
    COST_BANDS,
    DOMAINS,
    FORMATS,
    HOSTING,
    LANGUAGES,
    LEVELS,
    OBLIGATIONS,
    OPEN_STANDARDS,
    PREREQUISITES,
    STATUSES,
    TARGET_ROLES,
    Catalogue,
    CatalogueError,
    MunicipalReference,
    Party,
    Problem,
    Requirement,
    RequirementCatalogue,
    RequirementStatus,
    Review,
    SizeFit,
    Solution,
    Text,
    Training,
    applicable_domain_standards,
    condition_holds,
)
from recommendations.catalogue_schema import (
    ID,
    SLUG,
    SPDX,
    VERSION,
    Reader,
    as_str,
    join,
    read_reference,
    read_yaml,
    relative,
)


def _read_requirement_catalogue(reader: Reader, data: Any) -> RequirementCatalogue | None:
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
        rid = reader.string(entry.get("id"), join(path, "id"), ID)
        if rid in seen_ids:
            reader.problem(join(path, "id"), f"duplicate id {rid!r}", "give each an own id")
        seen_ids.add(rid)
        number = reader.integer(entry.get("number"), join(path, "number"), 1)
        if number in seen_numbers:
            reader.problem(join(path, "number"), f"duplicate number {number}", "renumber")
        seen_numbers.add(number)
        references = tuple(
            read_reference(reader, ref, ref_path)
            for ref_path, ref in reader.items(entry.get("references"), join(path, "references"))
        )
        applies_if = entry.get("applies_if")
        if applies_if is not None:
            applies_if = reader.choice(applies_if, join(path, "applies_if"), CONDITIONS)
        requirements.append(
            Requirement(
                id=rid,
                number=number,
                title=reader.text(entry.get("title"), join(path, "title")),
                description=reader.text(entry.get("description"), join(path, "description")),
                obligation=reader.choice(
                    entry.get("obligation"), join(path, "obligation"), OBLIGATIONS
                ),
                evidence=reader.text(entry.get("evidence"), join(path, "evidence")),
                references=references,
                review_interval_months=reader.integer(
                    entry.get("review_interval_months"), join(path, "review_interval_months"), 1
                ),
                applies_if=applies_if,
            )
        )
    return RequirementCatalogue(
        id=reader.string(top.get("id"), "id", SLUG),
        version=reader.string(as_str(top.get("version")), "version", VERSION),
        valid_from=reader.date(top.get("valid_from"), "valid_from"),
        title=reader.text(top.get("title"), "title"),
        requirements=tuple(sorted(requirements, key=lambda r: r.number)),
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
    reader: Reader, data: Any, stem: str, versions: Mapping[str, RequirementCatalogue]
) -> Solution | None:
    top = reader.mapping(data, "", _SOLUTION_REQUIRED, ("notes", "website", "shared_operation"))
    if top is None:
        return None
    sid = reader.string(top.get("id"), "id", SLUG)
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
                    name=reader.string(ref.get("name"), join(path, "name")),
                    note=reader.text(ref.get("note"), join(path, "note")),
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
        tags=reader.strings(top.get("tags"), "tags", SLUG),
        vendor=Party(
            name=reader.string(vendor_data.get("name"), "vendor.name"),
            url=reader.url(vendor_data.get("url"), "vendor.url"),
        ),
        licence=reader.string(top.get("licence"), "licence", SPDX),
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
        shared_operation=reader.optional_text(top.get("shared_operation"), "shared_operation"),
    )
    _check_solution(reader, solution, versions)
    return solution


def _read_review(
    reader: Reader, value: Any, versions: Mapping[str, RequirementCatalogue]
) -> Review:
    data = reader.mapping(
        value, "review", ("catalogue_version", "reviewed_on", "reviewed_by", "requirements")
    )
    if data is None:
        return Review("", dt.date.min, "", ())
    version = reader.string(as_str(data.get("catalogue_version")), "review.catalogue_version")
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
                    status=reader.choice(item.get("status"), join(path, "status"), STATUSES),
                    evidence=reader.text(item.get("evidence"), join(path, "evidence")),
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
    reader: Reader, solution: Solution, versions: Mapping[str, RequirementCatalogue]
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
        if requirement.id == "domain_standards" and status.status == "not_met":
            listed = applicable_domain_standards(solution) & set(solution.open_standards)
            if listed:
                reader.problem(
                    path,
                    f"not_met, but open_standards lists {', '.join(sorted(listed))}",
                    "remove the standard from open_standards or change the status",
                )
        if requirement.id == "open_source" and status.status == "met" and not solution.open_source:
            reader.problem(
                path,
                f"open source is met, but the licence is {solution.licence!r} (not open source)",
                "set the status to not_met, or correct licence and open_source",
            )


def _read_trainings(reader: Reader, data: Any) -> list[Training]:
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
        tid = reader.unique_id(entry.get("id"), join(path, "id"), SLUG, seen)
        verified, notes = reader.verified_with_note(entry, path, "notes", "training")
        trainings.append(
            Training(
                id=tid,
                title=reader.text(entry.get("title"), join(path, "title")),
                provider=reader.string(entry.get("provider"), join(path, "provider")),
                topics=reader.strings(entry.get("topics"), join(path, "topics"), SLUG),
                domains=reader.choices(
                    entry.get("domains"), join(path, "domains"), DOMAINS, allow_empty=False
                ),
                target_roles=reader.choices(
                    entry.get("target_roles"),
                    join(path, "target_roles"),
                    TARGET_ROLES,
                    allow_empty=False,
                ),
                level=reader.choice(entry.get("level"), join(path, "level"), LEVELS),
                format=reader.choice(entry.get("format"), join(path, "format"), FORMATS),
                duration=reader.text(entry.get("duration"), join(path, "duration")),
                cost=reader.text(entry.get("cost"), join(path, "cost")),
                cost_band=reader.choice(
                    entry.get("cost_band"), join(path, "cost_band"), COST_BANDS
                ),
                certificate=reader.boolean(entry.get("certificate"), join(path, "certificate")),
                language=reader.choice(entry.get("language"), join(path, "language"), LANGUAGES),
                verified=verified,
                url=reader.url(entry.get("url"), join(path, "url")),
                notes=notes,
            )
        )
    return trainings


def _version_key(version: str) -> tuple[int, ...]:
    return tuple(int(part) for part in version.split(".")) if VERSION.match(version) else (-1,)


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
        reader = Reader(relative(path, root), problems)
        catalogue = _read_requirement_catalogue(reader, read_yaml(path, root, problems))
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
        reader = Reader(relative(path, root), problems)
        solution = _read_solution(reader, read_yaml(path, root, problems), path.stem, versions)
        if solution is not None:
            solutions.append(solution)

    trainings: list[Training] = []
    trainings_path = root / "trainings.yaml"
    if trainings_path.exists():
        reader = Reader(relative(trainings_path, root), problems)
        trainings = _read_trainings(reader, read_yaml(trainings_path, root, problems))
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


# --------------------------------------------------------------------------- single entries
# Curators create and edit entries in the app; these run the very checks of the content files.


def solution_from_data(
    data: Any, versions: Mapping[str, RequirementCatalogue], name: str = "solution"
) -> Solution:
    """Validate one solution given as the mapping of a solution file; raise CatalogueError."""
    problems: list[Problem] = []
    stem = data.get("id", "") if isinstance(data, dict) else ""
    solution = _read_solution(Reader(name, problems), data, str(stem), versions)
    if problems or solution is None:
        raise CatalogueError(problems)
    return solution


def training_from_data(data: Any, name: str = "training") -> Training:
    """Validate one training given as one item of trainings.yaml; raise CatalogueError."""
    problems: list[Problem] = []
    reader = Reader(name, problems)
    trainings = _read_trainings(reader, {"trainings": [data]})
    if problems or not trainings:
        # Paths read "trainings[0].title"; curators edit one entry, so drop the list prefix.
        raise CatalogueError(
            Problem(p.file, p.path.removeprefix("trainings[0]").lstrip("."), p.message, p.fix)
            for p in problems
        )
    return trainings[0]


def _tribool(value: str) -> bool | str:
    return "unknown" if value == "unknown" else value == "true"


def _text(text: Text | None) -> dict[str, str] | None:
    return None if text is None else {"de": text.de, "en": text.en}


def solution_data(solution: Solution) -> dict[str, Any]:
    """Return a solution as the mapping of its content file (the inverse of solution_from_data)."""
    review = solution.review
    return {
        "id": solution.id,
        "name": solution.name,
        "summary": _text(solution.summary),
        "description": _text(solution.description),
        "domains": list(solution.domains),
        "categories": list(solution.categories),
        "tags": list(solution.tags),
        "vendor": {"name": solution.vendor.name, "url": solution.vendor.url},
        "licence": solution.licence,
        "open_source": solution.open_source,
        "source_url": solution.source_url,
        "open_standards": list(solution.open_standards),
        "hosting": list(solution.hosting),
        "size_fit": {
            "min_population": solution.size_fit.min_population,
            "max_population": solution.size_fit.max_population,
        },
        "prerequisites": list(solution.prerequisites),
        "needs_it_staff": solution.needs_it_staff,
        "cost_band": solution.cost_band,
        "cost_note": _text(solution.cost_note),
        "references": [{"name": r.name, "note": _text(r.note)} for r in solution.references],
        "citizen_facing": solution.citizen_facing,
        "uses_ai": solution.uses_ai,
        "publicly_funded": _tribool(solution.publicly_funded),
        "review": {
            "catalogue_version": review.catalogue_version,
            "reviewed_on": review.reviewed_on.isoformat(),
            "reviewed_by": review.reviewed_by,
            "requirements": {
                s.requirement_id: {"status": s.status, "evidence": _text(s.evidence)}
                for s in review.requirements
            },
        },
        "notes": _text(solution.notes),
        "website": solution.website,
        **(
            {"shared_operation": _text(solution.shared_operation)}
            if solution.shared_operation
            else {}
        ),
    }


def training_data(training: Training) -> dict[str, Any]:
    """Return a training as one item of trainings.yaml (the inverse of training_from_data)."""
    return {
        "id": training.id,
        "title": _text(training.title),
        "provider": training.provider,
        "topics": list(training.topics),
        "domains": list(training.domains),
        "target_roles": list(training.target_roles),
        "level": training.level,
        "format": training.format,
        "duration": _text(training.duration),
        "cost": _text(training.cost),
        "cost_band": training.cost_band,
        "certificate": training.certificate,
        "language": training.language,
        "verified": training.verified,
        "url": training.url,
        "notes": _text(training.notes),
    }
