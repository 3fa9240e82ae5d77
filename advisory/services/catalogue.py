"""The catalogue as the app sees it: shipped entries with the curators' newer reviews applied."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Mapping
from functools import cache

from sqlalchemy import select
from sqlalchemy.orm import Session

from advisory.models import SolutionReview, User
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

STATUSES = ("met", "not_met", "not_applicable", "unknown")


class ReviewError(ValueError):
    """A review was refused; `field` names the form field the message belongs to."""

    def __init__(self, code: str, field: str):
        super().__init__(code)
        self.field = field


@cache
def shipped_catalogue() -> Catalogue:
    """Return the catalogue from the content files (validated, loaded once per process)."""
    return load_catalogue(default_content_dir())


def current_catalogue(session: Session) -> Catalogue:
    """Return the shipped catalogue with the newest curator review of each solution applied."""
    shipped = shipped_catalogue()
    newest: dict[str, SolutionReview] = {}
    for row in session.scalars(select(SolutionReview).order_by(SolutionReview.id)):
        newest[row.solution_id] = row
    if not newest:
        return shipped
    solutions = tuple(
        dataclasses.replace(s, review=_as_review(newest[s.id])) if s.id in newest else s
        for s in shipped.solutions
    )
    return dataclasses.replace(shipped, solutions=solutions)


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
            raise ReviewError("unknown_status", requirement.id)
        evidence_de, evidence_en = evidence_de.strip(), evidence_en.strip()
        if status in ("met", "not_met", "not_applicable") and not (evidence_de or evidence_en):
            raise ReviewError("evidence_required", requirement.id)
        entries[requirement.id] = {
            "status": status,
            "evidence": {"de": evidence_de or evidence_en, "en": evidence_en or evidence_de},
        }
    if reviewed_on > dt.date.today():
        raise ReviewError("future_date", "reviewed_on")
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
