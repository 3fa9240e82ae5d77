"""The catalogue as the app sees it: shipped entries with the curators' newer reviews applied."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Mapping
from functools import cache

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from advisory.models import CatalogueEntry, SolutionEdit, SolutionReview, User
from advisory.services.accounts import record_event
from recommendations import (
    Catalogue,
    CatalogueError,
    RequirementStatus,
    Review,
    Solution,
    Text,
    Training,
    default_content_dir,
    load_catalogue,
)
from recommendations.catalogue_loader import (
    solution_data,
    solution_from_data,
    training_data,
    training_from_data,
)

#: Days before a review falls due in which the curators' queue lists the entry as expiring.
EXPIRING_WITHIN_DAYS = 60

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
    """Return the shipped catalogue with the curators' entries, edits and reviews applied.

    Order: shipped files, then the older partial edits (SolutionEdit), then the newest whole
    version of an entry (CatalogueEntry), then the newest review. Trainings created in the app
    join only once listed.
    """
    shipped = shipped_catalogue()
    reviews = {
        r.solution_id: r
        for r in session.scalars(select(SolutionReview).order_by(SolutionReview.id))
    }
    edits = {
        e.solution_id: e for e in session.scalars(select(SolutionEdit).order_by(SolutionEdit.id))
    }
    entries = newest_entries(session)
    if not reviews and not edits and not entries:
        return shipped
    solutions = {s.id: s for s in shipped.solutions}
    for solution_id, edit in edits.items():
        if solution_id in solutions:
            solutions[solution_id] = _apply_edit(solutions[solution_id], edit.values)
    trainings = {t.id: t for t in shipped.trainings}
    for (kind, entry_id), row in entries.items():
        entry = _entry_or_none(shipped, row)
        if kind == "solution" and entry is not None:
            solutions[entry_id] = entry
        elif kind == "training" and entry is not None and row.listed:
            trainings[entry_id] = entry
    for solution_id, review in reviews.items():
        if solution_id in solutions:
            solutions[solution_id] = dataclasses.replace(
                solutions[solution_id], review=_as_review(review)
            )
    return dataclasses.replace(
        shipped, solutions=tuple(solutions.values()), trainings=tuple(trainings.values())
    )


def catalogue_version(session: Session) -> tuple[int | None, ...]:
    """Return a version of the curated catalogue: the newest id of each of its tables.

    Reviews, edits and entries are only ever added (never changed or deleted), so the catalogue
    that `current_catalogue` builds changes exactly when one of these ids does.
    """
    row = session.execute(
        select(
            select(func.max(SolutionReview.id)).scalar_subquery(),
            select(func.max(SolutionEdit.id)).scalar_subquery(),
            select(func.max(CatalogueEntry.id)).scalar_subquery(),
        )
    ).one()
    return tuple(row)


def newest_entries(session: Session) -> dict[tuple[str, str], CatalogueEntry]:
    """Return the newest curator version of each entry, by (kind, entry id)."""
    rows = session.scalars(select(CatalogueEntry).order_by(CatalogueEntry.id))
    return {(row.kind, row.entry_id): row for row in rows}


def _versions(catalogue: Catalogue):
    return {r.version: r for r in catalogue.requirement_versions}


def _entry_or_none(catalogue: Catalogue, row: CatalogueEntry) -> Solution | Training | None:
    # A stored entry that no longer validates (content changed since) is left out, not a 500.
    try:
        if row.kind == "solution":
            return solution_from_data(row.data, _versions(catalogue))
        return training_from_data(row.data)
    except CatalogueError:
        return None


def _apply_edit(solution: Solution, values: Mapping[str, object]) -> Solution:
    """Apply an older partial edit (before whole entries were stored as CatalogueEntry)."""
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
    if entries.get("open_source", {}).get("status") == "met" and not solution.open_source:
        # The same check the content files get: a proprietary licence cannot meet open source.
        raise CurationError("open_source_licence", "open_source")
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


# --------------------------------------------------------------------------- whole entries


class EntryError(ValueError):
    """A curator's entry was refused; `problems` maps content key paths to what is wrong."""

    def __init__(self, problems: dict[str, str]):
        super().__init__("; ".join(f"{k}: {v}" for k, v in problems.items()))
        self.problems = problems


def _problems(error: CatalogueError) -> dict[str, str]:
    found: dict[str, str] = {}
    for problem in error.problems:
        found.setdefault(problem.path or "id", f"{problem.message} ({problem.fix})")
    return found


def _all_ids(session: Session, catalogue: Catalogue, kind: str) -> set[str]:
    ids = {s.id for s in catalogue.solutions} if kind == "solution" else set()
    if kind == "training":
        ids = {t.id for t in catalogue.trainings}
    return ids | {entry_id for k, entry_id in newest_entries(session) if k == kind}


def _unreviewed(catalogue: Catalogue, curator: User, today: dt.date) -> dict[str, object]:
    """Return a review with every requirement unknown: a new entry starts pending review."""
    requirements = catalogue.requirements
    return {
        "catalogue_version": requirements.version,
        "reviewed_on": today.isoformat(),
        "reviewed_by": curator.name,
        "requirements": {
            rid: {
                "status": "unknown",
                "evidence": {"de": "Noch nicht geprüft.", "en": "Not reviewed yet."},
            }
            for rid in requirements.ids
        },
    }


def save_solution(
    session: Session,
    catalogue: Catalogue,
    data: dict,
    curator: User,
    *,
    existing: Solution | None = None,
    today: dt.date | None = None,
) -> Solution:
    """Create a solution (existing=None) or store a new version of every field; audit it.

    The entry is checked like a content file. A new solution starts with every requirement
    unknown, so it is pending review and never recommended until a curator's review lists it.
    """
    today = today or dt.date.today()
    data = dict(data)
    if existing is None:
        if data.get("id") in _all_ids(session, catalogue, "solution"):
            raise EntryError({"id": f"id {data.get('id')!r} is already taken (choose another)"})
        data["review"] = _unreviewed(catalogue, curator, today)
    else:
        data["id"] = existing.id
        data["review"] = solution_data(existing)["review"]
    try:
        solution = solution_from_data(data, _versions(catalogue))
    except CatalogueError as error:
        raise EntryError(_problems(error)) from error
    before = solution_data(existing) if existing else {}
    stored = solution_data(solution)
    _store(session, "solution", solution.id, stored, True, curator, before)
    return solution


def save_training(
    session: Session,
    catalogue: Catalogue,
    data: dict,
    curator: User,
    *,
    existing: Training | None = None,
) -> Training:
    """Create a training (pending until listed) or store a new version of every field."""
    data = dict(data)
    listed = True
    if existing is None:
        if data.get("id") in _all_ids(session, catalogue, "training"):
            raise EntryError({"id": f"id {data.get('id')!r} is already taken (choose another)"})
        listed = False
    else:
        data["id"] = existing.id
        row = newest_entries(session).get(("training", existing.id))
        listed = row.listed if row is not None else True
    try:
        training = training_from_data(data)
    except CatalogueError as error:
        raise EntryError(_problems(error)) from error
    before = training_data(existing) if existing else {}
    _store(session, "training", training.id, training_data(training), listed, curator, before)
    return training


def list_training(session: Session, training_id: str, curator: User) -> bool:
    """Admit a training created in the app to recommendations; False if none is pending."""
    row = newest_entries(session).get(("training", training_id))
    if row is None or row.listed:
        return False
    _store(session, "training", training_id, row.data, True, curator, row.data, event="list")
    return True


def pending_trainings(session: Session) -> list[Training]:
    """Return trainings created in the app that no curator has listed yet."""
    catalogue = shipped_catalogue()
    result = []
    for (kind, _), row in newest_entries(session).items():
        if kind == "training" and not row.listed:
            training = _entry_or_none(catalogue, row)
            if training is not None:
                result.append(training)
    return result


def find_training(session: Session, catalogue: Catalogue, training_id: str) -> Training | None:
    """Return a training by id, listed or pending (None if unknown)."""
    found = next((t for t in catalogue.trainings if t.id == training_id), None)
    return found or next((t for t in pending_trainings(session) if t.id == training_id), None)


def _store(
    session: Session,
    kind: str,
    entry_id: str,
    data: dict,
    listed: bool,
    curator: User,
    before: dict,
    *,
    event: str | None = None,
) -> None:
    """Add a version of an entry and its audit event ("catalogue_create", "_edit", "_list")."""
    event = event or ("edit" if before else "create")
    session.add(
        CatalogueEntry(
            kind=kind, entry_id=entry_id, data=data, listed=listed, created_by_id=curator.id
        )
    )
    keys = (set(before) | set(data)) - {"review"}
    changed = sorted(key for key in keys if before.get(key) != data.get(key))
    record_event(
        session,
        f"catalogue_{event}",
        actor=curator,
        email=curator.email,
        detail={
            kind: entry_id,
            "changed": {key: [before.get(key), data.get(key)] for key in changed},
            **({"listed": listed} if kind == "training" else {}),
        },
    )
    session.commit()


@dataclasses.dataclass(frozen=True)
class QueueItem:
    kind: str  # solution | training
    id: str
    name: str
    due: dt.date | None
    reasons: tuple = ()


@dataclasses.dataclass(frozen=True)
class ReviewQueue:
    pending: tuple[QueueItem, ...]
    expiring: tuple[QueueItem, ...]
    expired: tuple[QueueItem, ...]


def review_queue(session: Session, catalogue: Catalogue, today: dt.date) -> ReviewQueue:
    """Sort the entries that need a curator: pending review, expiring within 60 days, expired.

    Expired: a review of a must-requirement has run out (the entry is held back). Pending: every
    other entry not yet listed for want of evidence or against an older requirements version, and
    trainings created in the app that are not listed yet. Expiring: listed, but a review falls
    due within EXPIRING_WITHIN_DAYS days.
    """
    pending, expiring, expired = [], [], []
    horizon = today + dt.timedelta(days=EXPIRING_WITHIN_DAYS)
    for solution in catalogue.solutions:
        status = catalogue.listing_status(solution, today)
        item = QueueItem(
            "solution", solution.id, solution.name, status.next_review_due, status.reasons
        )
        if any(reason.kind == "expired" for reason in status.reasons):
            expired.append(item)
        elif status.status == "pending_review":
            pending.append(item)
        elif status.listed and status.next_review_due and status.next_review_due <= horizon:
            expiring.append(item)
    for training in pending_trainings(session):
        pending.append(QueueItem("training", training.id, training.title.de, None))

    def by_due(item: QueueItem):
        return (item.due or dt.date.max, item.name.lower())

    return ReviewQueue(
        tuple(sorted(pending, key=by_due)),
        tuple(sorted(expiring, key=by_due)),
        tuple(sorted(expired, key=by_due)),
    )
