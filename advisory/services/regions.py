"""District and region view: level distributions, medians, statuses, map and shared services.

Reads one `inventory_summary` row per municipality (its newest inventory), never answer rows.
Every figure takes either real or synthetic inventories, never both: `synthetic` chooses which.
Who sees what: the members are the municipalities the user may see
(`access.municipality_condition`); municipal users see only their own district's figures,
without names, and only when at least `MIN_GROUP` inventories count, so that no single
municipality's levels can be read off.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import statistics
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from advisory.access import municipality_condition
from advisory.models import Assessment, InventorySummary, Municipality, Role, User
from advisory.services.catalogue import current_catalogue
from advisory.services.portfolio import NOT_STARTED, SIZE_CLASSES
from questionnaires import Questionnaire
from recommendations.catalogue_model import Catalogue, listing_status

# A domain at level 1 or 2 (Orientieren, Ausrichten) is a gap: nothing in regular operation yet.
GAP_LEVEL = 2
# A gap is shared when at least this many members and this share of those with a level have it.
MIN_GAP_MEMBERS = 3
MIN_GAP_SHARE = 0.3
# Municipal users see their district's figures only from this many inventories on (as peers).
MIN_GROUP = 5
LEVELS = (1, 2, 3, 4, 5)
# The map and the member table list at most this many municipalities (every state fits);
# beyond that the page asks for a state or district instead of sending megabytes.
MAX_LISTED = 2_500
# The list of every municipality under the map: up to this many (a district, a small state);
# beyond it the districts' table stands in for it and each district's view lists its members.
MAX_TABLE = 500


class RegionError(ValueError):
    """The chosen district is unknown or outside the user's scope; the message is a code."""


@dataclass(frozen=True)
class RegionFilters:
    """What the view's form asks for; every field already checked."""

    district: str = ""  # district code (5 digits)
    state: str = ""  # state code (2 digits)
    size: str = ""
    synthetic: bool = False


@dataclass(frozen=True)
class Member:
    """One municipality of the region with its newest inventory's summary (if any counts)."""

    ags: str
    name: str
    district_code: str
    district_name: str
    population: int
    latitude: float | None
    longitude: float | None
    assessment_id: int | None
    status: str
    level: int | None
    score: float | None
    domains: dict[str, Any] = field(default_factory=dict)

    def domain_level(self, domain_id: str) -> int | None:
        cell = self.domains.get(domain_id) or {}
        return cell.get("level") if cell.get("applicable", True) else None


@dataclass(frozen=True)
class LevelStats:
    """How many members reached each level in one domain (or overall), with the medians."""

    id: str
    title: str
    counts: tuple[int, ...]  # members at level 1..5
    not_applicable: int
    no_level: int
    median_level: float | None
    median_score: float | None

    @property
    def counted(self) -> int:
        return sum(self.counts)

    def shares(self) -> tuple[float, ...]:
        """Return the share (0..100) of each level among the members with a level."""
        total = self.counted
        return tuple(round(100 * c / total, 1) if total else 0.0 for c in self.counts)


@dataclass(frozen=True)
class SharedOffer:
    """A listed catalogue solution that the catalogue says can serve several municipalities."""

    id: str
    name: str
    shared_service: bool  # run by a public provider for many municipalities
    note: Any  # catalogue Text (what the entry says about shared operation) or None


@dataclass(frozen=True)
class Candidate:
    """A domain where many members share a gap and a listed solution can be run jointly."""

    domain_id: str
    title: str
    concerned: int  # members with the gap
    with_level: int  # members with a level in this domain
    offers: tuple[SharedOffer, ...]
    members: tuple[Member, ...] = ()  # the members with the gap, lowest level first (if named)

    @property
    def share(self) -> float:
        return round(100 * self.concerned / self.with_level) if self.with_level else 0.0


@dataclass(frozen=True)
class RegionView:
    """Everything the district and region page shows."""

    title: str
    district_code: str
    synthetic: bool
    named: bool  # False for municipal users: no names, no map, no member list
    members: tuple[Member, ...]
    inventories: int
    status_counts: dict[str, int]
    overall: LevelStats
    domains: tuple[LevelStats, ...]
    candidates: tuple[Candidate, ...]
    suppressed: bool = False  # too few inventories to show figures to a municipal user

    @property
    def listed(self) -> bool:
        return len(self.members) <= MAX_LISTED

    @property
    def tabled(self) -> bool:
        return len(self.members) <= MAX_TABLE

    @property
    def mapped(self) -> tuple[Member, ...]:
        return tuple(m for m in self.members if m.latitude is not None and m.longitude is not None)


def districts_in_scope(session: Session, user: User) -> list[tuple[str, str, str]]:
    """Return (district code, district name, state name) of every district the user may see."""
    rows = session.execute(
        select(Municipality.district_code, Municipality.district_name, Municipality.state_name)
        .where(municipality_condition(user), Municipality.population > 0)
        .distinct()
        .order_by(Municipality.district_name, Municipality.district_code)
    )
    return [tuple(row) for row in rows]


def states_in_scope(session: Session, user: User) -> list[tuple[str, str]]:
    """Return (state code, state name) of every state the user may see a municipality of."""
    rows = session.execute(
        select(Municipality.state_code, Municipality.state_name)
        .where(municipality_condition(user), Municipality.population > 0)
        .distinct()
        .order_by(Municipality.state_code)
    )
    return [tuple(row) for row in rows]


def resolve_district(districts: list[tuple[str, str, str]], text: str) -> str | None:
    """Return the code of the district named `text` (any case), if exactly one has that name."""
    wanted = text.strip().casefold()
    if not wanted or wanted.isdigit():
        return None
    found = [code for code, name, _state in districts if name.casefold() == wanted]
    return found[0] if len(found) == 1 else None


@dataclass(frozen=True)
class DistrictSummary:
    """One district of a region: members, inventories and the median overall level."""

    code: str
    name: str
    members: int
    inventories: int
    median_level: float | None


def district_summaries(view: RegionView) -> list[DistrictSummary]:
    """Return the region's districts with their counts, in name order."""
    groups: dict[tuple[str, str], list[Member]] = {}
    for member in view.members:
        groups.setdefault((member.district_name, member.district_code), []).append(member)
    result = []
    for (name, code), members in sorted(groups.items()):
        levels = [m.level for m in members if m.level is not None]
        result.append(
            DistrictSummary(
                code,
                name,
                len(members),
                sum(1 for m in members if m.assessment_id is not None),
                statistics.median(levels) if levels else None,
            )
        )
    return result


def own_district(session: Session, user: User) -> str | None:
    """Return the district code of a municipal user's municipality."""
    if user.municipality_id is None:
        return None
    return session.scalar(
        select(Municipality.district_code).where(Municipality.id == user.municipality_id)
    )


def _members(session: Session, user: User, filters: RegionFilters, municipal: bool) -> list[Member]:
    """Return the members in scope, each with its newest inventory of the chosen kind.

    Two simple queries (municipalities, then their summaries by the summary index) instead of
    one outer join on a subquery, which SQLite would answer by scanning every summary.
    """
    conditions = [Municipality.population > 0]
    # A municipal user's district figures include the neighbours they may not open one by one.
    if not municipal:
        conditions.append(municipality_condition(user))
    if filters.district:
        conditions.append(Municipality.district_code == filters.district)
    if filters.state:
        conditions.append(Municipality.state_code == filters.state)
    if filters.size in SIZE_CLASSES:
        low, high = SIZE_CLASSES[filters.size]
        conditions.append(Municipality.population >= low)
        if high is not None:
            conditions.append(Municipality.population < high)
    places = session.execute(
        select(
            Municipality.id,
            Municipality.ags,
            Municipality.name,
            Municipality.district_code,
            Municipality.district_name,
            Municipality.population,
            Municipality.latitude,
            Municipality.longitude,
        )
        .where(*conditions)
        .order_by(Municipality.name, Municipality.ags)
    ).all()
    summaries = {
        row[0]: row[1:]
        for row in session.execute(
            select(
                InventorySummary.municipality_id,
                InventorySummary.assessment_id,
                InventorySummary.status,
                InventorySummary.level,
                InventorySummary.score,
                InventorySummary.domains,
            )
            .join(Assessment, Assessment.id == InventorySummary.assessment_id)
            .where(
                InventorySummary.municipality_id.in_(select(Municipality.id).where(*conditions)),
                InventorySummary.current.is_(True),
                Assessment.synthetic.is_(filters.synthetic),
            )
        )
    }
    members = []
    for place_id, ags, name, district_code, district_name, population, lat, lon in places:
        assessment_id, status, level, score, domains = summaries.get(
            place_id, (None, NOT_STARTED, None, None, None)
        )
        members.append(
            Member(
                ags=ags,
                name=name,
                district_code=district_code,
                district_name=district_name,
                population=population,
                latitude=lat,
                longitude=lon,
                assessment_id=assessment_id,
                status=str(status),
                level=level,
                score=score,
                domains=domains or {},
            )
        )
    return members


def level_stats(
    key: str, title: str, levels: list[int | None], scores: list[float | None], not_applicable: int
) -> LevelStats:
    """Count the levels 1..5 and take the medians of levels and scores (None where none)."""
    known = [level for level in levels if level is not None]
    counted = Counter(known)
    valued = [value for value in scores if value is not None]
    return LevelStats(
        id=key,
        title=title,
        counts=tuple(counted.get(level, 0) for level in LEVELS),
        not_applicable=not_applicable,
        no_level=len(levels) - len(known),
        median_level=statistics.median(known) if known else None,
        median_score=round(statistics.median(valued), 1) if valued else None,
    )


def domain_stats(
    members: list[Member], domains: list[tuple[str, str]]
) -> tuple[LevelStats, list[LevelStats]]:
    """Return the overall and per-domain statistics of the members with an inventory."""
    counted = [m for m in members if m.assessment_id is not None]
    overall = level_stats("overall", "", [m.level for m in counted], [m.score for m in counted], 0)
    result = []
    for domain_id, title in domains:
        levels, scores, not_applicable = [], [], 0
        for member in counted:
            cell = member.domains.get(domain_id) or {}
            if not cell.get("applicable", True):
                not_applicable += 1
                continue
            levels.append(cell.get("level"))
            scores.append(cell.get("score"))
        result.append(level_stats(domain_id, title, levels, scores, not_applicable))
    return overall, result


def shared_offers(catalogue: Catalogue, domain_id: str, today: dt.date) -> list[SharedOffer]:
    """Return the listed solutions of a domain that the catalogue says can serve several places."""
    offers = []
    for solution in catalogue.solutions:
        if domain_id not in solution.domains or not solution.shareable:
            continue
        if not listing_status(solution, catalogue.requirements, today).listed:
            continue
        offers.append(
            SharedOffer(
                solution.id,
                solution.name,
                "shared_service" in solution.hosting,
                solution.shared_operation,
            )
        )
    return sorted(offers, key=lambda offer: offer.name.lower())


def shared_candidates(
    members: list[Member],
    domains: list[tuple[str, str]],
    catalogue: Catalogue,
    today: dt.date,
) -> list[Candidate]:
    """Return domains where enough members share a gap and a listed shared offer exists.

    Most members concerned first; a domain without a listed shareable solution is no candidate.
    """
    result = []
    for domain_id, title in domains:
        leveled = [(m, m.domain_level(domain_id)) for m in members if m.assessment_id]
        leveled = [(m, level) for m, level in leveled if level is not None]
        gaps = sorted(
            ((m, level) for m, level in leveled if level <= GAP_LEVEL),
            key=lambda item: (item[1], item[0].name),
        )
        if len(gaps) < MIN_GAP_MEMBERS or len(gaps) < MIN_GAP_SHARE * len(leveled):
            continue
        offers = shared_offers(catalogue, domain_id, today)
        if offers:
            result.append(
                Candidate(
                    domain_id,
                    title,
                    len(gaps),
                    len(leveled),
                    tuple(offers),
                    tuple(m for m, _ in gaps),
                )
            )
    return sorted(result, key=lambda c: (-c.concerned, c.title))


def region_view(
    session: Session,
    user: User,
    filters: RegionFilters,
    questionnaire: Questionnaire,
    lang: str = "de",
    today: dt.date | None = None,
) -> RegionView:
    """Return the figures of a district (or of the user's whole scope, narrowed by filters).

    Raises RegionError("unknown_district") for a district the user may not see.
    """
    role = Role(user.role)
    municipal = role.is_municipal
    if municipal:
        # Municipal users: their own district, aggregates only.
        district = own_district(session, user)
        if district is None:
            raise RegionError("unknown_district")
        filters = RegionFilters(district=district, synthetic=filters.synthetic)
    names = {code: name for code, name, _state in districts_in_scope(session, user)}
    if municipal:
        names = {filters.district: session.scalar(
            select(Municipality.district_name).where(Municipality.district_code == filters.district)
        )}  # fmt: skip
    if filters.district and filters.district not in names:
        raise RegionError("unknown_district")
    members = _members(session, user, filters, municipal)
    domains = [(d.id, d.title.get(lang)) for d in questionnaire.domains]
    overall, per_domain = domain_stats(members, domains)
    status_counts = dict(Counter(m.status for m in members))
    inventories = sum(1 for m in members if m.assessment_id is not None)
    suppressed = municipal and inventories < MIN_GROUP
    candidates = shared_candidates(
        members, domains, current_catalogue(session), today or dt.date.today()
    )
    if suppressed:
        overall = level_stats("overall", "", [], [], 0)
        per_domain, candidates, status_counts = [], [], {}
    if municipal:
        # Figures only: no names, no map, no list of who has a gap.
        members = []
        candidates = [dataclasses.replace(c, members=()) for c in candidates]
    return RegionView(
        title=names.get(filters.district, "") if filters.district else "",
        district_code=filters.district,
        synthetic=filters.synthetic,
        named=not municipal,
        members=tuple(members),
        inventories=inventories,
        status_counts=status_counts,
        overall=overall,
        domains=tuple(per_domain),
        candidates=tuple(candidates),
        suppressed=suppressed,
    )
