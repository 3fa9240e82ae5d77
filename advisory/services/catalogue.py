"""The catalogue as the app sees it: shipped entries with the curators' newer reviews applied."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Mapping
from functools import cache

from sqlalchemy import select
from sqlalchemy.orm import Session

from advisory.models import SolutionEdit, SolutionReview, User
from advisory.services.accounts import record_event
from recommendations import (
    Catalogue,
    RequirementStatus,
    Review,
    Solution,
    Text,
    default_content_dir,
    load_catalogue,
)
from recommendations.catalogue import COST_BANDS, HOSTING, OPEN_STANDARDS

STATUSES = ("met", "not_met", "not_applicable", "unknown")


class CurationError(ValueError):
    """A review or edit was refused; `field` names the form field the message belongs to."""

    def __init__(self, code: str, field: str):
        super().__init__(code)
        self.field = field


@cache
def shipped_catalogue() -> Catalogue:
    """Return the catalogue from the content files (validated, loaded once per process)."""
    return load_catalogue(default_content_dir())


def current_catalogue(session: Session) -> Catalogue:
    """Return the shipped catalogue with the curators' newest edit and review of each entry."""
    shipped = shipped_catalogue()
    reviews = {
        r.solution_id: r
        for r in session.scalars(select(SolutionReview).order_by(SolutionReview.id))
    }
    edits = {
        e.solution_id: e for e in session.scalars(select(SolutionEdit).order_by(SolutionEdit.id))
    }
    if not reviews and not edits:
        return shipped
    solutions = []
    for solution in shipped.solutions:
        if solution.id in edits:
            solution = _apply_edit(solution, edits[solution.id].values)
        if solution.id in reviews:
            solution = dataclasses.replace(solution, review=_as_review(reviews[solution.id]))
        solutions.append(solution)
    return dataclasses.replace(shipped, solutions=tuple(solutions))


# The fields a curator may change in the app; identity, licence and review stay with the files.
EDITABLE = (
    "summary",
    "description",
    "cost_band",
    "cost_note",
    "hosting",
    "open_standards",
    "min_population",
    "max_population",
    "website",
)


def editable_values(solution: Solution) -> dict[str, object]:
    """Return the editable fields of an entry as plain JSON-ready values."""
    return {
        "summary": {"de": solution.summary.de, "en": solution.summary.en},
        "description": {"de": solution.description.de, "en": solution.description.en},
        "cost_band": solution.cost_band,
        "cost_note": {"de": solution.cost_note.de, "en": solution.cost_note.en},
        "hosting": list(solution.hosting),
        "open_standards": list(solution.open_standards),
        "min_population": solution.size_fit.min_population,
        "max_population": solution.size_fit.max_population,
        "website": solution.website,
    }


def _apply_edit(solution: Solution, values: Mapping[str, object]) -> Solution:
    return dataclasses.replace(
        solution,
        summary=Text(**values["summary"]),
        description=Text(**values["description"]),
        cost_band=values["cost_band"],
        cost_note=Text(**values["cost_note"]),
        hosting=tuple(values["hosting"]),
        open_standards=tuple(values["open_standards"]),
        size_fit=dataclasses.replace(
            solution.size_fit,
            min_population=values["min_population"],
            max_population=values["max_population"],
        ),
        website=values["website"],
    )


def record_edit(
    session: Session, solution: Solution, values: Mapping[str, object], curator: User
) -> SolutionEdit:
    """Store a curator's change of an entry after checking it like the content loader would."""
    _check_edit(values)
    before = editable_values(solution)
    changed = sorted(key for key in EDITABLE if before.get(key) != values.get(key))
    row = SolutionEdit(solution_id=solution.id, values=dict(values), created_by_id=curator.id)
    session.add(row)
    record_event(
        session,
        "catalogue_edit",
        actor=curator,
        email=curator.email,
        detail={
            "solution": solution.id,
            "changed": {key: [before.get(key), values.get(key)] for key in changed},
        },
    )
    session.commit()
    return row


def _check_edit(values: Mapping[str, object]) -> None:
    for key in ("summary", "description"):
        text = values.get(key) or {}
        if not str(text.get("de", "")).strip() or not str(text.get("en", "")).strip():
            raise CurationError("text_required", key)
    if values.get("cost_band") not in COST_BANDS:
        raise CurationError("unknown_choice", "cost_band")
    if not values.get("hosting") or not set(values["hosting"]) <= set(HOSTING):
        raise CurationError("hosting_required", "hosting")
    if not set(values.get("open_standards") or ()) <= OPEN_STANDARDS:
        raise CurationError("unknown_choice", "open_standards")
    low, high = values.get("min_population"), values.get("max_population")
    if (
        not isinstance(low, int)
        or low < 0
        or (high is not None and (not isinstance(high, int) or high < low))
    ):
        raise CurationError("bad_size", "min_population")
    website = values.get("website")
    if website and not str(website).startswith(("https://", "http://")):
        raise CurationError("bad_url", "website")


def _as_review(row: SolutionReview) -> Review:
    return Review(
        catalogue_version=row.catalogue_version,
        reviewed_on=row.reviewed_on,
        reviewed_by=row.reviewed_by,
        requirements=tuple(
            RequirementStatus(
                requirement_id=requirement_id,
                status=entry["status"],
                evidence=Text(de=entry["evidence"]["de"], en=entry["evidence"]["en"]),
            )
            for requirement_id, entry in row.requirements.items()
        ),
    )


def record_review(
    session: Session,
    catalogue: Catalogue,
    solution: Solution,
    statuses: Mapping[str, tuple[str, str, str]],
    *,
    reviewed_on: dt.date,
    curator: User,
) -> SolutionReview:
    """Save a new review of every base requirement (status, evidence de, evidence en); audit it.

    The review is recorded against the current base-requirements version. A requirement marked
    met or not met needs evidence in at least one language.
    """
    requirements = catalogue.requirements
    entries: dict[str, dict] = {}
    for requirement in requirements.requirements:
        status, evidence_de, evidence_en = statuses.get(requirement.id, ("unknown", "", ""))
        if status not in STATUSES:
            raise CurationError("unknown_status", requirement.id)
        evidence_de, evidence_en = evidence_de.strip(), evidence_en.strip()
        if status in ("met", "not_met", "not_applicable") and not (evidence_de or evidence_en):
            raise CurationError("evidence_required", requirement.id)
        previous = solution.review.status_of(requirement.id)
        if (
            previous is not None
            and previous.status != status
            and (evidence_de, evidence_en) == (previous.evidence.de, previous.evidence.en)
        ):
            # A new verdict with the old justification would contradict itself on the page.
            raise CurationError("new_evidence_required", requirement.id)
        entries[requirement.id] = {
            "status": status,
            "evidence": {"de": evidence_de or evidence_en, "en": evidence_en or evidence_de},
        }
    if reviewed_on > dt.date.today():
        raise CurationError("future_date", "reviewed_on")
    before = {s.requirement_id: s.status for s in solution.review.requirements}
    row = SolutionReview(
        solution_id=solution.id,
        catalogue_version=requirements.version,
        reviewed_on=reviewed_on,
        reviewed_by=curator.name,
        requirements=entries,
        created_by_id=curator.id,
    )
    session.add(row)
    record_event(
        session,
        "catalogue_review",
        actor=curator,
        email=curator.email,
        detail={
            "solution": solution.id,
            "catalogue_version": requirements.version,
            "changed": {
                rid: [before.get(rid), entry["status"]]
                for rid, entry in entries.items()
                if before.get(rid) != entry["status"]
            },
        },
    )
    session.commit()
    return row


def review_history(session: Session, solution_id: str) -> list[SolutionReview]:
    """Return the curators' reviews of a solution, newest first."""
    return list(
        session.scalars(
            select(SolutionReview)
            .where(SolutionReview.solution_id == solution_id)
            .order_by(SolutionReview.id.desc())
        )
    )


def filter_solutions(
    catalogue: Catalogue,
    today: dt.date,
    *,
    domain: str = "",
    standard: str = "",
    open_source: str = "",
    hosting: str = "",
    population: int | None = None,
    listed_only: bool = False,
) -> list[tuple[Solution, object]]:
    """Return (solution, listing status) pairs matching the filters, listed ones first."""
    result = []
    for solution in catalogue.solutions:
        status = catalogue.listing_status(solution, today)
        if listed_only and status.status != "listed":
            continue
        if domain and domain not in solution.domains:
            continue
        if standard and standard not in solution.open_standards:
            continue
        if open_source in ("yes", "no") and solution.open_source != (open_source == "yes"):
            continue
        if hosting and hosting not in solution.hosting:
            continue
        if population is not None and not solution.size_fit.contains(population):
            continue
        result.append((solution, status))
    order = {"listed": 0, "pending_review": 1, "not_admitted": 2}
    return sorted(result, key=lambda pair: (order[pair[1].status], pair[0].name.lower()))
