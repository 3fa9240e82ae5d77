"""Tender building blocks: requirement texts, evidence, award criteria and references per type.

Content lives in ``recommendations/content/procurement/<version>.yaml`` (see
``docs/catalogue-format.md``). ``load_procurement`` validates it against the base requirements and
the catalogue's categories and raises ``CatalogueError`` naming file and key path.
``building_blocks`` assembles what one call for tenders needs: the base requirements as must/should
texts (a conditional must drops out or becomes a should when its condition does not hold), the
type's own requirements, the evidence to demand, award criteria with weights and references.

Pure Python: this module never imports flask, sqlalchemy or advisory.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from recommendations.catalogue_model import (
    CATEGORIES,
    CONDITIONS,
    OBLIGATIONS,
    OPEN_STANDARDS,
    CatalogueError,
    Problem,
    RequirementCatalogue,
    Text,
)
from recommendations.catalogue_schema import ID, SLUG, VERSION, Reader, as_str, join, read_yaml

#: What a conditional base requirement becomes when its condition does not hold.
OTHERWISE = ("omit", "should")
#: Conditions a municipality can choose on the page (domain_standard_exists follows the type).
CHOOSABLE_CONDITIONS = ("saas", "citizen_facing", "uses_ai", "publicly_funded")


@dataclass(frozen=True)
class TenderReference:
    id: str
    title: Text
    verified: bool
    note: Text | None = None
    url: str | None = None


@dataclass(frozen=True)
class RequirementText:
    requirement_id: str
    text: Text
    evidence: Text
    otherwise: str | None = None  # omit | should, only for conditional base requirements


@dataclass(frozen=True)
class TypeRequirement:
    obligation: str
    text: Text


@dataclass(frozen=True)
class AwardCriterion:
    title: Text
    weight: int


@dataclass(frozen=True)
class SolutionType:
    id: str
    title: Text
    summary: Text
    categories: tuple[str, ...]
    conditions: tuple[str, ...]
    standards: tuple[str, ...]
    contracts: tuple[str, ...]
    requirements: tuple[TypeRequirement, ...]
    evidence: tuple[Text, ...]
    award_criteria: tuple[AwardCriterion, ...]
    references: tuple[str, ...]


@dataclass(frozen=True)
class ProcurementTexts:
    id: str
    version: str
    valid_from: dt.date
    title: Text
    notice: Text
    references: tuple[TenderReference, ...]
    requirement_texts: tuple[RequirementText, ...]
    types: tuple[SolutionType, ...]

    def type(self, type_id: str) -> SolutionType:
        """Return the solution type with ``type_id`` (KeyError if unknown)."""
        for item in self.types:
            if item.id == type_id:
                return item
        raise KeyError(type_id)

    def type_for_category(self, category: str) -> SolutionType | None:
        """Return the type that covers a catalogue category, or None."""
        return next((t for t in self.types if category in t.categories), None)

    def types_for_domain(self, domain_categories: Iterable[str]) -> tuple[SolutionType, ...]:
        """Return the types covering any of the given categories, in content order."""
        wanted = set(domain_categories)
        return tuple(t for t in self.types if wanted & set(t.categories))

    def reference(self, reference_id: str) -> TenderReference:
        return next(r for r in self.references if r.id == reference_id)


# --------------------------------------------------------------------------- assembling


@dataclass(frozen=True)
class TenderRequirement:
    number: str  # "B1" for base requirements, "T1" for the type's own
    obligation: str  # must | should
    title: Text | None
    text: Text
    evidence: Text | None


@dataclass(frozen=True)
class TenderBlocks:
    """What one call for tenders for one solution type needs (plain data for page and files)."""

    version: str
    title: Text
    notice: Text
    type: SolutionType
    conditions: tuple[str, ...]
    requirements: tuple[TenderRequirement, ...]
    evidence: tuple[Text, ...]
    award_criteria: tuple[AwardCriterion, ...]
    contracts: tuple[TenderReference, ...]
    references: tuple[TenderReference, ...]
    standards: tuple[str, ...]

    @property
    def must(self) -> tuple[TenderRequirement, ...]:
        return tuple(r for r in self.requirements if r.obligation == "must")

    @property
    def should(self) -> tuple[TenderRequirement, ...]:
        return tuple(r for r in self.requirements if r.obligation == "should")


def building_blocks(
    texts: ProcurementTexts,
    requirements: RequirementCatalogue,
    type_id: str,
    conditions: Iterable[str] | None = None,
) -> TenderBlocks:
    """Assemble the tender building blocks of one type under the chosen conditions.

    ``conditions`` defaults to the type's typical conditions; ``domain_standard_exists`` always
    follows whether the type names open standards. Raises KeyError for an unknown type.
    """
    kind = texts.type(type_id)
    chosen = set(kind.conditions if conditions is None else conditions) & set(CONDITIONS)
    chosen.discard("domain_standard_exists")
    if kind.standards:
        chosen.add("domain_standard_exists")
    by_id = {t.requirement_id: t for t in texts.requirement_texts}
    result: list[TenderRequirement] = []
    for requirement in requirements.requirements:
        tender = by_id[requirement.id]
        obligation = requirement.obligation
        if requirement.applies_if is not None and requirement.applies_if not in chosen:
            if tender.otherwise == "omit":
                continue
            obligation = "should"
        result.append(
            TenderRequirement(
                f"B{requirement.number}",
                obligation,
                requirement.title,
                tender.text,
                tender.evidence,
            )
        )
    for index, own in enumerate(kind.requirements, start=1):
        result.append(TenderRequirement(f"T{index}", own.obligation, None, own.text, None))
    order = {"must": 0, "should": 1}
    evidence = tuple(r.evidence for r in result if r.evidence is not None) + kind.evidence
    return TenderBlocks(
        version=texts.version,
        title=texts.title,
        notice=texts.notice,
        type=kind,
        conditions=tuple(c for c in CONDITIONS if c in chosen),
        requirements=tuple(sorted(result, key=lambda r: order[r.obligation])),
        evidence=evidence,
        award_criteria=kind.award_criteria,
        contracts=tuple(texts.reference(c) for c in kind.contracts),
        references=tuple(texts.reference(r) for r in kind.references),
        standards=kind.standards,
    )


# --------------------------------------------------------------------------- loading


def load_procurement(
    content_dir: str | Path,
    requirements: RequirementCatalogue,
    categories: Iterable[str] = CATEGORIES,
) -> ProcurementTexts:
    """Load the newest ``procurement/<version>.yaml`` under ``content_dir`` and validate it.

    Every base requirement needs a tender text and every catalogue category exactly one type.
    """
    root = Path(content_dir)
    problems: list[Problem] = []
    files = sorted(
        (root / "procurement").glob("*.yaml"),
        key=lambda p: tuple(int(x) for x in p.stem.split(".")) if VERSION.match(p.stem) else (-1,),
    )
    if not files:
        raise CatalogueError(
            [Problem("procurement/", "", "no tender building blocks file", "add <version>.yaml")]
        )
    path = files[-1]
    name = path.relative_to(root).as_posix()
    reader = Reader(name, problems)
    texts = _read_texts(reader, read_yaml(path, root, problems), requirements, set(categories))
    if texts is not None and texts.version != path.stem:
        reader.problem("version", f"version {texts.version!r} differs from the file name", "rename")
    if problems or texts is None:
        raise CatalogueError(problems)
    return texts


def default_procurement_dir() -> Path:
    """Return the directory that holds the shipped ``procurement/`` content."""
    return Path(__file__).resolve().parent / "content"


def _read_texts(
    reader: Reader, data: Any, requirements: RequirementCatalogue, categories: set[str]
) -> ProcurementTexts | None:
    top = reader.mapping(
        data,
        "",
        (
            "id",
            "version",
            "valid_from",
            "title",
            "notice",
            "references",
            "requirement_texts",
            "types",
        ),
    )
    if top is None:
        return None
    references = _read_references(reader, top.get("references"))
    known_refs = {r.id for r in references}
    texts = _read_requirement_texts(reader, top.get("requirement_texts"), requirements)
    types = _read_types(reader, top.get("types"), known_refs, categories)
    return ProcurementTexts(
        id=reader.string(top.get("id"), "id", SLUG),
        version=reader.string(as_str(top.get("version")), "version", VERSION),
        valid_from=reader.date(top.get("valid_from"), "valid_from"),
        title=reader.text(top.get("title"), "title"),
        notice=reader.text(top.get("notice"), "notice"),
        references=tuple(references),
        requirement_texts=tuple(texts),
        types=tuple(types),
    )


def _read_references(reader: Reader, value: Any) -> list[TenderReference]:
    result: list[TenderReference] = []
    seen: set[str] = set()
    for path, item in reader.items(value, "references"):
        entry = reader.mapping(item, path, ("id", "title", "verified"), ("note", "url"))
        if entry is None:
            continue
        rid = reader.unique_id(entry.get("id"), join(path, "id"), ID, seen)
        verified, note = reader.verified_with_note(entry, path, "note", "reference")
        result.append(
            TenderReference(
                id=rid,
                title=reader.text(entry.get("title"), join(path, "title")),
                verified=verified,
                note=note,
                url=reader.url(entry.get("url"), join(path, "url")),
            )
        )
    return result


def _read_requirement_texts(
    reader: Reader, value: Any, requirements: RequirementCatalogue
) -> list[RequirementText]:
    if not isinstance(value, dict):
        reader.problem("requirement_texts", "expected a mapping", "write <requirement id>: {...}")
        return []
    result: list[RequirementText] = []
    for rid, item in value.items():
        path = f"requirement_texts.{rid}"
        if rid not in requirements.ids:
            reader.problem(
                path,
                f"unknown base requirement {rid!r}",
                f"use one of the ids of base requirements {requirements.version}",
            )
            continue
        requirement = requirements.get(rid)
        entry = reader.mapping(item, path, ("text", "evidence"), ("otherwise",))
        if entry is None:
            continue
        otherwise = entry.get("otherwise")
        if requirement.applies_if is not None:
            if otherwise is None:
                reader.problem(
                    join(path, "otherwise"),
                    f"the requirement applies only if {requirement.applies_if}",
                    "say what it becomes otherwise: omit or should",
                )
            else:
                otherwise = reader.choice(otherwise, join(path, "otherwise"), OTHERWISE)
        elif otherwise is not None:
            reader.problem(
                join(path, "otherwise"),
                "the requirement has no condition",
                "remove otherwise",
            )
        result.append(
            RequirementText(
                requirement_id=rid,
                text=reader.text(entry.get("text"), join(path, "text")),
                evidence=reader.text(entry.get("evidence"), join(path, "evidence")),
                otherwise=otherwise,
            )
        )
    for rid in requirements.ids:
        if rid not in value:
            reader.problem(
                f"requirement_texts.{rid}",
                "base requirement without a tender text",
                "add text and evidence in German and English",
            )
    return result


def _read_types(
    reader: Reader, value: Any, known_refs: set[str], categories: set[str]
) -> list[SolutionType]:
    result: list[SolutionType] = []
    seen: set[str] = set()
    covered: dict[str, str] = {}
    required = (
        "id",
        "title",
        "summary",
        "categories",
        "conditions",
        "standards",
        "contracts",
        "requirements",
        "evidence",
        "award_criteria",
        "references",
    )
    for path, item in reader.items(value, "types"):
        entry = reader.mapping(item, path, required)
        if entry is None:
            continue
        tid = reader.unique_id(entry.get("id"), join(path, "id"), ID, seen)
        cats = reader.choices(
            entry.get("categories"), join(path, "categories"), categories, allow_empty=False
        )
        for category in cats:
            if category in covered:
                reader.problem(
                    join(path, "categories"),
                    f"category {category!r} is already covered by type {covered[category]!r}",
                    "list each category in one type only",
                )
            covered[category] = tid
        own: list[TypeRequirement] = []
        for req_path, req in reader.items(entry.get("requirements"), join(path, "requirements")):
            data = reader.mapping(req, req_path, ("obligation", "text"))
            if data is not None:
                own.append(
                    TypeRequirement(
                        obligation=reader.choice(
                            data.get("obligation"), join(req_path, "obligation"), OBLIGATIONS
                        ),
                        text=reader.text(data.get("text"), join(req_path, "text")),
                    )
                )
        criteria: list[AwardCriterion] = []
        for c_path, crit in reader.items(entry.get("award_criteria"), join(path, "award_criteria")):
            data = reader.mapping(crit, c_path, ("title", "weight"))
            if data is not None:
                criteria.append(
                    AwardCriterion(
                        title=reader.text(data.get("title"), join(c_path, "title")),
                        weight=reader.integer(data.get("weight"), join(c_path, "weight"), 1),
                    )
                )
        total = sum(c.weight for c in criteria)
        if criteria and total != 100:
            reader.problem(
                join(path, "award_criteria"),
                f"the weights add up to {total}, not 100",
                "adjust the weights so that they add up to 100",
            )
        contracts = reader.choices(entry.get("contracts"), join(path, "contracts"), known_refs)
        references = reader.choices(entry.get("references"), join(path, "references"), known_refs)
        result.append(
            SolutionType(
                id=tid,
                title=reader.text(entry.get("title"), join(path, "title")),
                summary=reader.text(entry.get("summary"), join(path, "summary")),
                categories=cats,
                conditions=reader.choices(
                    entry.get("conditions"), join(path, "conditions"), CONDITIONS
                ),
                standards=reader.choices(
                    entry.get("standards"), join(path, "standards"), OPEN_STANDARDS
                ),
                contracts=contracts,
                requirements=tuple(own),
                evidence=tuple(
                    reader.text(text, e_path)
                    for e_path, text in reader.items(entry.get("evidence"), join(path, "evidence"))
                ),
                award_criteria=tuple(criteria),
                references=references,
            )
        )
    for category in sorted(categories - set(covered)):
        reader.problem(
            "types",
            f"catalogue category {category!r} has no tender building blocks",
            "add it to the categories of one type",
        )
    return result
