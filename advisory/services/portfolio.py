"""The advisors' portfolio: per-inventory summaries kept on save, and the dashboard's queries.

The dashboard never reads answer rows: every change to an inventory calls `refresh_summary`,
which scores it with the same service as the results page and stores completion, scores and
levels in `inventory_summary`. Listing, filtering, sorting and paging then read one row per
municipality.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from sqlalchemy import and_, bindparam, case, event, func, inspect, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from advisory.access import municipality_condition
from advisory.directory import base_name, search_keys
from advisory.models import (
    Assessment,
    AssessmentStatus,
    InventorySummary,
    Municipality,
    User,
    utcnow,
)
from questionnaires import Answer

if TYPE_CHECKING:
    from recommendations.scoring import AssessmentScore

NOT_STARTED = "not_started"
# Waiting for the advisor first, then what is under way; unknown (newer) statuses after those.
STATUS_PRIORITY = {
    "submitted": 0,
    "in_review": 1,
    "changes_requested": 2,
    "in_progress": 3,
    "validated": 4,
}
# Size classes of the BBSR's town and municipality types, by inhabitants.
SIZE_CLASSES: dict[str, tuple[int, int | None]] = {
    "rural": (1, 5_000),
    "small_town": (5_000, 20_000),
    "medium_town": (20_000, 100_000),
    "city": (100_000, None),
}
SORTS = ("priority", "name", "district", "population", "status", "completion", "score", "level",
         "activity")  # fmt: skip
PAGE_SIZES = (25, 50, 100)
MAX_COMPARE = 6
# Missing or stale summaries computed while a dashboard page is built; the rest waits for
# `advisory refresh-summaries` (run after upgrades) so that no page takes long.
LAZY_REFRESH_LIMIT = 25


# --- summaries --------------------------------------------------------------------------------


def refresh_summary(
    session: Session, assessment: Assessment, answers: dict[str, Answer] | None = None
) -> InventorySummary:
    """Score the inventory and store its summary (not committed; the caller commits).

    Call it in every service that changes answers, applicability, targets or the status, in
    the same transaction, so that the dashboard shows exactly what the results page shows.
    `answers`: the inventory's current answers as `load_answers` returns them, if already loaded.
    """
    from advisory.services.results import score_assessment

    newest_id = (
        select(func.max(Assessment.id))
        .where(Assessment.municipality_id == assessment.municipality_id)
        .scalar_subquery()
    )
    status, revision, updated_at, newest = session.execute(
        select(Assessment.status, Assessment.revision, Assessment.updated_at, newest_id).where(
            Assessment.id == assessment.id
        )
    ).one()
    scores = score_assessment(session, assessment, answers)[3]
    summary = session.get(InventorySummary, assessment.id)
    was_current = summary is not None and summary.current
    if summary is None:
        summary = InventorySummary(
            assessment_id=assessment.id, municipality_id=assessment.municipality_id
        )
        session.add(summary)
    else:
        # In SQL, so that two transactions writing the same row both count (see data_version).
        summary.version = InventorySummary.version + 1
    summary.current = newest == assessment.id
    summary.status = str(status)
    summary.last_activity = updated_at
    summary.revision = revision or 0
    for name, value in summary_figures(scores).items():
        setattr(summary, name, value)
    summary.computed_at = utcnow()
    if summary.current and not was_current:
        # It just became the newest: an earlier inventory is no longer the one the dashboard lists.
        session.execute(
            update(InventorySummary)
            .where(
                InventorySummary.municipality_id == assessment.municipality_id,
                InventorySummary.assessment_id != assessment.id,
                InventorySummary.current.is_(True),
            )
            .values(current=False, version=InventorySummary.version + 1)
            .execution_options(synchronize_session=False)
        )
    return summary


def summary_figures(scores: AssessmentScore) -> dict[str, Any]:
    """Return the summary's columns that come from the inventory's scores."""
    coverage = scores.coverage
    shown = coverage.shown
    return {
        "answered": coverage.answered,
        "shown": shown,
        "completion": round(100 * coverage.answered / shown, 1) if shown else 0.0,
        "dont_know": len(scores.dont_know),
        "score": scores.score,
        "level": scores.level,
        "domains": {
            d.id: {"applicable": d.applicable, "score": d.score, "level": d.level}
            for d in scores.domains
        },
    }


_SUMMARIES = InventorySummary.__table__
# Built once (see save_answer's statements); the figures are bound as new_<column>.
_STORE_SUMMARY = (
    update(_SUMMARIES)
    .where(
        _SUMMARIES.c.assessment_id == bindparam("assessment"),
        _SUMMARIES.c.revision < bindparam("new_revision"),
    )
    .values(
        revision=bindparam("new_revision"),
        last_activity=select(Assessment.updated_at)
        .where(Assessment.id == bindparam("assessment"))
        .scalar_subquery(),
        computed_at=bindparam("now"),
        version=_SUMMARIES.c.version + 1,
        **{
            name: bindparam(f"new_{name}", type_=_SUMMARIES.c[name].type)
            for name in (
                "answered",
                "shown",
                "completion",
                "dont_know",
                "score",
                "level",
                "domains",
            )
        },
    )
)


def store_summary(
    session: Session, assessment: Assessment, revision: int, scores: AssessmentScore
) -> bool:
    """Store the inventory's scores at `revision` as its existing summary, unless that summary
    is of that revision or a newer one (not committed); return whether it was written.

    For saves that commit the answer first (`follow_summary`): the condition on the revision is
    part of the UPDATE, so two requests storing at the same moment never put older figures over
    newer ones. Status and `current` are not touched (they change only with the status).
    """
    done = session.execute(
        _STORE_SUMMARY,
        {
            "assessment": assessment.id,
            "new_revision": revision,
            "now": utcnow(),
            **{f"new_{name}": value for name, value in summary_figures(scores).items()},
        },
    )
    return done.rowcount == 1


@event.listens_for(Session, "after_flush")
def _copy_status(session: Session, _context) -> None:
    """Copy a changed status or last change of an inventory into its summary.

    Whatever service changes the status through the ORM (submit, review, validate), the
    dashboard's copy follows in the same transaction.
    """
    for item in session.dirty:
        if not isinstance(item, Assessment):
            continue
        state = inspect(item)
        if not (state.attrs.status.history.has_changes() or
                state.attrs.updated_at.history.has_changes()):  # fmt: skip
            continue
        session.connection().execute(
            update(InventorySummary.__table__)
            .where(InventorySummary.__table__.c.assessment_id == item.id)
            .values(
                status=str(item.status),
                last_activity=item.updated_at,
                version=InventorySummary.__table__.c.version + 1,
            )
        )


def data_version(session: Session) -> tuple[int, int, int] | None:
    """Return what changes whenever any summary is written, added or removed (None while some
    inventory has no summary yet).

    Every write adds one to a row's `version` in SQL, so the sum grows with each committed
    change, in whatever order concurrent transactions commit; the count and the newest id tell
    an added or removed row. Reads one narrow table; no clock is involved.
    """
    rows, versions, newest, inventories = session.execute(
        select(
            func.count(),
            func.coalesce(func.sum(InventorySummary.version), 0),
            func.coalesce(func.max(InventorySummary.assessment_id), 0),
            select(func.count()).select_from(Assessment).scalar_subquery(),
        ).select_from(InventorySummary)
    ).one()
    if rows != inventories:
        return None
    return int(rows), int(versions), int(newest)


def stale_assessments(session: Session, limit: int | None = None, within=None) -> list[int]:
    """Return ids of inventories whose summary is missing or older than their last change."""
    statement = (
        select(Assessment.id)
        .outerjoin(InventorySummary, InventorySummary.assessment_id == Assessment.id)
        .where(
            or_(
                InventorySummary.assessment_id.is_(None),
                InventorySummary.revision != Assessment.revision,
            ),
            Assessment.municipality_id.is_not(None),  # associations' inventories have none
        )
        .order_by(Assessment.id)
    )
    if within is not None:
        statement = statement.where(Assessment.municipality_id.in_(within))
    if limit is not None:
        statement = statement.limit(limit)
    return list(session.scalars(statement))


def refresh_summaries(session: Session, only_stale: bool = False, batch: int = 200) -> int:
    """Recompute the summaries of every inventory (or only missing and stale ones); count them."""
    if only_stale:
        ids = stale_assessments(session)
    else:
        ids = list(
            session.scalars(
                select(Assessment.id)
                .where(Assessment.municipality_id.is_not(None))
                .order_by(Assessment.id)
            )
        )
    for start in range(0, len(ids), batch):
        for assessment in session.scalars(
            select(Assessment).where(Assessment.id.in_(ids[start : start + batch]))
        ):
            refresh_summary(session, assessment)
        session.commit()
        session.expunge_all()  # keeps memory flat over thousands of inventories
    return len(ids)


def _refresh_stale(session: Session, within) -> int:
    """Bring up to LAZY_REFRESH_LIMIT stale summaries up to date; return how many remain stale."""
    ids = stale_assessments(session, LAZY_REFRESH_LIMIT + 1, within)
    for assessment_id in ids[:LAZY_REFRESH_LIMIT]:
        assessment = session.get(Assessment, assessment_id)
        try:
            with session.begin_nested():
                refresh_summary(session, assessment)
        except IntegrityError:
            continue  # another request stored it at the same moment
    if ids:
        session.commit()
    return max(0, len(ids) - LAZY_REFRESH_LIMIT)


# --- the dashboard ----------------------------------------------------------------------------


@dataclass(frozen=True)
class PortfolioFilters:
    """What the dashboard's filter form asks for; every field already checked."""

    name: str = ""
    district: str = ""
    association: str = ""
    size: str = ""
    status: str = ""
    level: str = ""
    sort: str = "priority"
    descending: bool = False
    page: int = 1
    per_page: int = 25


@dataclass(frozen=True)
class PortfolioRow:
    """One municipality of the portfolio with its newest inventory's summary."""

    ags: str
    name: str
    district_code: str
    district_name: str
    association_name: str | None
    population: int
    size_class: str
    assessment_id: int | None
    status: str
    completion: float | None
    answered: int | None
    shown: int | None
    dont_know: int | None
    score: float | None
    level: int | None
    last_activity: dt.datetime | None
    domains: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class PortfolioPage:
    """One page of the dashboard: rows, counts per status and paging."""

    rows: list[PortfolioRow]
    total: int
    page: int
    pages: int
    per_page: int
    status_counts: dict[str, int]
    pending_summaries: int


def audience(user: User) -> tuple:
    """Return what decides which municipalities the user sees: role, own municipality, scopes."""
    scopes = tuple(sorted((str(s.kind), s.code) for s in user.scopes))
    return str(user.role), user.municipality_id, scopes


def size_class(population: int) -> str:
    """Name the size class of a municipality by its inhabitants."""
    for key, (low, high) in SIZE_CLASSES.items():
        if population >= low and (high is None or population < high):
            return key
    return "rural"


def _base(user: User, filters: PortfolioFilters, *columns, with_status: bool = True):
    """Select from the municipalities in scope, each with its newest inventory's summary."""
    statement = (
        select(*columns)
        .select_from(Municipality)
        .outerjoin(
            InventorySummary,
            and_(
                InventorySummary.municipality_id == Municipality.id,
                InventorySummary.current.is_(True),
            ),
        )
        .where(municipality_condition(user), Municipality.population > 0)
    )
    for condition in _conditions(filters, with_status):
        statement = statement.where(condition)
    return statement


def _text_condition(text: str, name_column, code_column):
    """Match a name part (any case) or the start of a key."""
    digits = re.sub(r"\s", "", text)
    if digits.isdigit():
        return code_column.startswith(digits, autoescape=True)
    return or_(
        name_column.contains(text, autoescape=True),
        func.lower(name_column).contains(text.lower(), autoescape=True),
    )


def _conditions(filters: PortfolioFilters, with_status: bool) -> list:
    conditions = []
    if filters.name:
        key, plain = search_keys(base_name(filters.name))
        digits = re.sub(r"\s", "", filters.name)
        conditions.append(
            Municipality.ags.startswith(digits, autoescape=True)
            if digits.isdigit()
            else or_(
                Municipality.search_key.contains(key, autoescape=True),
                Municipality.search_key_plain.contains(plain, autoescape=True),
            )
        )
    if filters.district:
        conditions.append(
            _text_condition(
                filters.district, Municipality.district_name, Municipality.district_code
            )
        )
    if filters.association:
        conditions.append(
            _text_condition(
                filters.association, Municipality.association_name, Municipality.association_code
            )
        )
    if filters.size in SIZE_CLASSES:
        low, high = SIZE_CLASSES[filters.size]
        conditions.append(Municipality.population >= low)
        if high is not None:
            conditions.append(Municipality.population < high)
    if with_status and filters.status:
        if filters.status == NOT_STARTED:
            conditions.append(InventorySummary.assessment_id.is_(None))
        else:
            conditions.append(InventorySummary.status == filters.status)
    if filters.level == "none":
        conditions.append(InventorySummary.level.is_(None))
    elif filters.level.isdigit():
        conditions.append(InventorySummary.level == int(filters.level))
    return conditions


def _status_rank():
    return case(
        *((InventorySummary.status == status, rank) for status, rank in STATUS_PRIORITY.items()),
        (InventorySummary.assessment_id.is_(None), len(STATUS_PRIORITY) + 1),
        else_=len(STATUS_PRIORITY),
    )


def _order(filters: PortfolioFilters) -> list:
    """Return the ORDER BY clauses: the chosen column (missing values last), then stable ties."""
    columns = {
        "name": Municipality.name,
        "district": Municipality.district_name,
        "population": Municipality.population,
        "status": _status_rank(),
        "completion": InventorySummary.completion,
        "score": InventorySummary.score,
        "level": InventorySummary.level,
        "activity": InventorySummary.last_activity,
    }
    ties = [Municipality.name.asc(), Municipality.ags.asc()]
    if filters.sort == "priority":
        return [
            _status_rank(),
            InventorySummary.last_activity.is_(None),
            InventorySummary.last_activity.desc(),
            Municipality.population.desc(),
            *ties,
        ]
    column = columns[filters.sort]
    direction = column.desc() if filters.descending else column.asc()
    return [column.is_(None), direction, *ties]


_ROW_COLUMNS = (
    Municipality.ags,
    Municipality.name,
    Municipality.district_code,
    Municipality.district_name,
    Municipality.association_name,
    Municipality.population,
    InventorySummary.assessment_id,
    InventorySummary.status,
    InventorySummary.last_activity,
    InventorySummary.completion,
    InventorySummary.answered,
    InventorySummary.shown,
    InventorySummary.dont_know,
    InventorySummary.score,
    InventorySummary.level,
)
_ROW_NAMES = (
    "ags",
    "name",
    "district_code",
    "district_name",
    "association_name",
    "population",
    "assessment_id",
    "status",
    "last_activity",
    "completion",
    "answered",
    "shown",
    "dont_know",
    "score",
    "level",
)


def _row(values) -> PortfolioRow:
    data = dict(zip((*_ROW_NAMES, "domains"), values, strict=False))
    started = data["assessment_id"] is not None
    data["domains"] = data.get("domains") or {}
    data["status"] = str(data["status"]) if started else NOT_STARTED
    return PortfolioRow(**data, size_class=size_class(data["population"]))


def _status_counts(session: Session, user: User, filters: PortfolioFilters) -> dict[str, int]:
    """Count the matching municipalities per status, ignoring the status filter.

    One sum per status instead of GROUP BY: the database then counts in one pass, unsorted.
    """
    statuses = [*(s.value for s in AssessmentStatus), NOT_STARTED]
    sums = [
        func.coalesce(
            func.sum(case((InventorySummary.assessment_id.is_(None), 1), else_=0))
            if status == NOT_STARTED
            else func.sum(case((InventorySummary.status == status, 1), else_=0)),
            0,
        )
        for status in statuses
    ]
    values = session.execute(_base(user, filters, *sums, with_status=False)).one()
    return {status: count for status, count in zip(statuses, values, strict=True) if count}


def _missing_summaries(session: Session) -> int:
    """Count inventories without a summary (after an upgrade, or an import outside the services)."""
    return session.scalar(
        select(
            select(func.count()).select_from(Assessment).scalar_subquery()
            - select(func.count()).select_from(InventorySummary).scalar_subquery()
        )
    )


def portfolio_page(
    session: Session, user: User, filters: PortfolioFilters, with_domains: bool = False
) -> PortfolioPage:
    """Return one page of the user's portfolio, filtered and sorted, from the summaries.

    `with_domains` adds the per-domain scores and levels (for the heat map).
    """
    pending = 0
    if _missing_summaries(session):
        pending = _refresh_stale(
            session, select(Municipality.id).where(municipality_condition(user))
        )
    counts = _status_counts(session, user, filters)
    total = counts.get(filters.status, 0) if filters.status else sum(counts.values())
    pages = max(1, math.ceil(total / filters.per_page))
    page = min(max(1, filters.page), pages)
    columns = (*_ROW_COLUMNS, InventorySummary.domains) if with_domains else _ROW_COLUMNS
    rows = session.execute(
        _base(user, filters, *columns)
        .order_by(*_order(filters))
        .limit(filters.per_page)
        .offset((page - 1) * filters.per_page)
    )
    return PortfolioPage(
        rows=[_row(values) for values in rows],
        total=total,
        page=page,
        pages=pages,
        per_page=filters.per_page,
        status_counts=counts,
        pending_summaries=pending,
    )


def portfolio_rows(session: Session, user: User, filters: PortfolioFilters) -> list[PortfolioRow]:
    """Return every row that matches the filters, in the chosen order (for the exports)."""
    _refresh_stale(session, select(Municipality.id).where(municipality_condition(user)))
    rows = session.execute(
        _base(user, filters, *_ROW_COLUMNS, InventorySummary.domains).order_by(*_order(filters))
    )
    return [_row(values) for values in rows]


def compared_rows(session: Session, user: User, keys: list[str]) -> list[PortfolioRow]:
    """Return the rows of the named municipalities (by AGS) the user may see, in the given order."""
    wanted = list(dict.fromkeys(keys))
    statement = _base(user, PortfolioFilters(), *_ROW_COLUMNS, InventorySummary.domains).where(
        and_(Municipality.ags.in_(wanted))
    )
    found = {row.ags: row for row in (_row(values) for values in session.execute(statement))}
    return [found[key] for key in wanted if key in found]


# --- heat map, comparison, exports ------------------------------------------------------------


@dataclass(frozen=True)
class DomainGrid:
    """Rows of municipalities with one (score, level) pair per domain column."""

    domains: list[tuple[str, str]]  # (domain id, title)
    rows: list[tuple[PortfolioRow, list[tuple[float | None, int | None, bool]]]]


def domain_grid(rows: list[PortfolioRow], domains: list[tuple[str, str]]) -> DomainGrid:
    """Return per row and domain (score, level, applicable), leaving out rows without inventory."""
    grid = []
    for row in rows:
        if row.assessment_id is None:
            continue
        cells = []
        for domain_id, _title in domains:
            cell = row.domains.get(domain_id) or {}
            cells.append((cell.get("score"), cell.get("level"), cell.get("applicable", True)))
        grid.append((row, cells))
    return DomainGrid(domains, grid)


# OWASP, CSV injection: a cell that starts with one of these may run as a formula.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value: object) -> object:
    """Return the value safe for a spreadsheet cell: formula-like text gets a leading quote."""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def export_table(
    rows: list[PortfolioRow], domains: list[tuple[str, str]], words: dict[str, Any]
) -> tuple[list[str], list[list[object]]]:
    """Return header and rows of the export; every text cell already neutralised.

    `words` holds the column headings (key "columns") and functions naming statuses, size
    classes and levels in the user's language.
    """
    header = [*words["columns"], *(title for _id, title in domains)]
    table = []
    for row in rows:
        table.append(
            [
                neutralise(v)
                for v in (
                    row.ags,
                    row.name,
                    row.district_name,
                    row.association_name or "",
                    row.population,
                    words["size"](row.size_class),
                    words["status"](row.status),
                    row.completion,
                    row.score,
                    words["level"](row.level) if row.level else "",
                    row.dont_know,
                    row.last_activity.isoformat(timespec="seconds") if row.last_activity else "",
                    *(
                        (row.domains.get(domain_id) or {}).get("level")
                        for domain_id, _title in domains
                    ),
                )
            ]
        )
    return [str(neutralise(h)) for h in header], table


def table_csv(header: list[str], rows: list[list[object]]) -> bytes:
    """Return the table as CSV (UTF-8 with BOM, so that spreadsheets detect the encoding)."""
    import csv
    import io

    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows(["" if v is None else v for v in row] for row in rows)
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def table_xlsx(header: list[str], rows: list[list[object]], title: str) -> bytes:
    """Return the table as a one-sheet workbook (streamed: thousands of rows stay fast)."""
    import io

    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title[:31])
    sheet.freeze_panes = "A2"
    bold = Font(bold=True)
    heading = []
    for text in header:
        cell = WriteOnlyCell(sheet, value=text)
        cell.font = bold
        heading.append(cell)
    sheet.append(heading)
    for row in rows:
        cells = []
        for value in row:
            cell = WriteOnlyCell(sheet, value=value)
            if isinstance(value, str):
                cell.data_type = "s"  # never a formula, whatever the text looks like
            cells.append(cell)
        sheet.append(cells)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
