"""Peer benchmark: consent to share, peer groups and the anonymous peer median per domain.

Privacy rules (docs/peers.md):
- Only the newest validated inventory of each municipality that agreed to be included counts
  (`PeerConsent.include_in_medians`; no row means no). Synthetic inventories never count in real
  medians, and real ones never in synthetic medians (`synthetic=True`, for demos and benchmarks).
- The municipality itself is not counted in its own peer group: "at least 5" means 5 others.
- A median is shown only when at least `MIN_PEERS` inventories of the group have a level in that
  domain; the group is the narrowest of state + size class + settlement density, state + size
  class, state, Germany + size class and Germany that has `MIN_PEERS` inventories.
- Medians are read from `inventory_summary` (one JSON row per inventory), never from answers.
"""

from __future__ import annotations

import statistics
import threading
from dataclasses import dataclass, field
from typing import NamedTuple

from sqlalchemy import and_, func, select
from sqlalchemy.orm import Session

from advisory.models import (
    Assessment,
    AssessmentStatus,
    InventorySummary,
    Municipality,
    PeerConsent,
    User,
    utcnow,
)
from advisory.services.accounts import record_event
from advisory.services.portfolio import size_class

#: Fewest inventories a median may be computed from (k-anonymity); not configurable on purpose.
MIN_PEERS = 5
#: Peer groups from the narrowest to the widest.
GROUP_KINDS = ("state_size_density", "state_size", "state", "country_size", "country")


# --- consent ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Consent:
    """What a municipality agreed to share (both False until an editor opts in)."""

    include_in_medians: bool = False
    named_as_partner: bool = False
    updated_by: str | None = None
    updated_at: object = None


def consent_of(session: Session, municipality: Municipality) -> Consent:
    """Return the municipality's consent; without a stored choice it agreed to nothing."""
    row = session.get(PeerConsent, municipality.id)
    if row is None:
        return Consent()
    return Consent(
        row.include_in_medians,
        row.named_as_partner,
        row.updated_by.name if row.updated_by else None,
        row.updated_at,
    )


def set_consent(
    session: Session,
    municipality: Municipality,
    user: User,
    *,
    include_in_medians: bool,
    named_as_partner: bool,
) -> bool:
    """Store the municipality's choice and audit the change; return whether anything changed."""
    row = session.get(PeerConsent, municipality.id)
    before = (row.include_in_medians, row.named_as_partner) if row else (False, False)
    after = (bool(include_in_medians), bool(named_as_partner))
    if row is not None and before == after:
        return False
    if row is None:
        row = PeerConsent(municipality_id=municipality.id)
        session.add(row)
    row.include_in_medians, row.named_as_partner = after
    row.updated_by_id = user.id
    row.updated_at = utcnow()
    record_event(
        session,
        "peer_consent_changed",
        actor=user,
        email=user.email,
        detail={
            "municipality": f"{municipality.name} ({municipality.ags})",
            "changed": {
                "peer_medians": [before[0], after[0]],
                "named_as_partner": [before[1], after[1]],
            },
        },
    )
    session.commit()
    return before != after


# --- peer medians -----------------------------------------------------------------------------


@dataclass(frozen=True)
class PeerGroup:
    """The group of comparable municipalities the medians come from."""

    kind: str  # one of GROUP_KINDS
    state_name: str | None
    size_class: str | None
    density: int | None  # settlement density 1-3 of the directory (Verstädterungsgrad)
    count: int  # inventories in the group, the municipality itself not counted


@dataclass(frozen=True)
class DomainMedian:
    """The peers' median in one domain; None where fewer than MIN_PEERS have a level."""

    count: int
    level: float | None
    score: float | None


@dataclass(frozen=True)
class PeerMedians:
    """Peer medians per domain id, with the group they come from (None: no group is big enough)."""

    group: PeerGroup | None
    domains: dict[str, DomainMedian] = field(default_factory=dict)
    synthetic: bool = False
    min_peers: int = MIN_PEERS
    # Groups narrower than `group` that were too small: what the page says it widened from.
    skipped: tuple[str, ...] = ()

    def level(self, domain_id: str) -> float | None:
        """Return the median level of a domain, or None when none may be shown."""
        median = self.domains.get(domain_id)
        return median.level if median else None

    @property
    def any(self) -> bool:
        return any(m.level is not None for m in self.domains.values())


def eligible_inventories(*, synthetic: bool = False, consent=PeerConsent.include_in_medians):
    """Return a subquery: the newest validated inventory per municipality that may be counted.

    Real inventories count only where the municipality agreed (`consent`, a boolean column of
    PeerConsent); synthetic ones are generated data of nobody and count only in synthetic
    figures.
    """
    newest = (
        select(
            Assessment.municipality_id.label("municipality_id"),
            func.max(Assessment.id).label("assessment_id"),
        )
        .where(
            Assessment.status == AssessmentStatus.VALIDATED,
            Assessment.synthetic.is_(synthetic),
        )
        .group_by(Assessment.municipality_id)
    )
    if not synthetic:
        newest = newest.join(
            PeerConsent,
            and_(PeerConsent.municipality_id == Assessment.municipality_id, consent.is_(True)),
        )
    return newest.subquery("eligible")


class _Peer(NamedTuple):
    """One eligible inventory as the group filters need it (no JSON)."""

    municipality_id: int
    assessment_id: int
    state_code: str
    size_class: str
    density: int | None


def _group_filters(municipality: Municipality) -> list[tuple[str, object]]:
    """Return (kind, test of a _Peer) from the narrowest group to the widest."""
    size = size_class(municipality.population)
    state = municipality.state_code
    density = municipality.urbanisation
    groups: list[tuple[str, object]] = []
    if density is not None:
        groups.append(
            (
                "state_size_density",
                lambda p: p.state_code == state and p.density == density and p.size_class == size,
            )
        )
    groups += [
        ("state_size", lambda p: p.state_code == state and p.size_class == size),
        ("state", lambda p: p.state_code == state),
        ("country_size", lambda p: p.size_class == size),
        ("country", lambda p: True),
    ]
    return groups


# Per process: what was read for a version of the data (see _version). Consent changes,
# validations, re-openings, new synthetic inventories and recomputed summaries all change the
# version, so a withdrawn consent counts from the next request on.
_CACHE: dict[tuple, object] = {}
_CACHE_LOCK = threading.Lock()
_CACHE_ENTRIES = 2048


def _version(session: Session) -> tuple:
    """Return a cheap fingerprint of everything the medians depend on."""
    validated = Assessment.status == AssessmentStatus.VALIDATED
    return tuple(
        session.execute(
            select(
                select(func.count()).select_from(PeerConsent).scalar_subquery(),
                select(func.max(PeerConsent.updated_at)).scalar_subquery(),
                select(func.count()).select_from(Assessment).where(validated).scalar_subquery(),
                select(func.max(Assessment.id)).where(validated).scalar_subquery(),
                select(func.max(Assessment.updated_at)).where(validated).scalar_subquery(),
                select(func.max(InventorySummary.computed_at))
                .where(InventorySummary.status == str(AssessmentStatus.VALIDATED))
                .scalar_subquery(),
            )
        ).one()
    )


def _cached(key: tuple, version: tuple, compute):
    with _CACHE_LOCK:
        hit = _CACHE.get(key)
        if hit is not None and hit[0] == version:
            return hit[1]
    value = compute()
    with _CACHE_LOCK:
        if len(_CACHE) >= _CACHE_ENTRIES:
            _CACHE.pop(next(iter(_CACHE)))
        _CACHE[key] = (version, value)
    return value


def clear_cache() -> None:
    """Forget every cached group (tests; the version check makes it unnecessary otherwise)."""
    with _CACHE_LOCK:
        _CACHE.clear()


def _peers(session: Session, synthetic: bool) -> tuple[_Peer, ...]:
    eligible = eligible_inventories(synthetic=synthetic)
    return tuple(
        _Peer(municipality_id, assessment_id, state, size_class(population), density)
        for municipality_id, assessment_id, state, population, density in session.execute(
            select(
                eligible.c.municipality_id,
                eligible.c.assessment_id,
                Municipality.state_code,
                Municipality.population,
                Municipality.urbanisation,
            ).join(Municipality, Municipality.id == eligible.c.municipality_id)
        )
    )


def _levels(session: Session, assessment_ids: list[int]) -> dict[int, tuple]:
    """Read the summaries of the inventories: assessment id -> ((domain, level, score), ...)."""
    result: dict[int, tuple] = {}
    for start in range(0, len(assessment_ids), 5000):
        chunk = assessment_ids[start : start + 5000]
        for assessment_id, domains in session.execute(
            select(InventorySummary.assessment_id, InventorySummary.domains).where(
                InventorySummary.assessment_id.in_(chunk)
            )
        ):
            result[assessment_id] = tuple(
                (domain_id, values["level"], values.get("score"))
                for domain_id, values in (domains or {}).items()
                if values.get("applicable") and values.get("level") is not None
            )
    return result


def peer_medians(
    session: Session, municipality: Municipality, *, synthetic: bool = False
) -> PeerMedians:
    """Return the peer median level and score per domain for the municipality.

    Reads the eligible inventories (ids and directory data) once per data version, and the
    summaries of a chosen group once per version; a page view then needs one small query.
    """
    version = _version(session)
    key = (
        "medians",
        synthetic,
        municipality.id,
        municipality.state_code,
        size_class(municipality.population),
        municipality.urbanisation,
    )
    return _cached(key, version, lambda: _compute(session, municipality, synthetic, version))


def _compute(
    session: Session, municipality: Municipality, synthetic: bool, version: tuple
) -> PeerMedians:
    peers = _cached(("peers", synthetic), version, lambda: _peers(session, synthetic))
    own = municipality.id
    skipped = []
    for kind, test in _group_filters(municipality):
        members = [p for p in peers if test(p) and p.municipality_id != own]
        if len(members) >= MIN_PEERS:
            break
        skipped.append(kind)
    else:
        return PeerMedians(None, synthetic=synthetic, skipped=tuple(skipped))
    size = size_class(municipality.population) if "size" in kind else None
    state = municipality.state_code if kind.startswith("state") else None
    density = municipality.urbanisation if kind == "state_size_density" else None
    levels = _cached(
        ("levels", synthetic, kind, state, size, density),
        version,
        lambda: _levels(session, [p.assessment_id for p in peers if test(p)]),
    )
    group = PeerGroup(
        kind=kind,
        state_name=municipality.state_name if state else None,
        size_class=size,
        density=density,
        count=len(members),
    )
    rows = [levels.get(p.assessment_id, ()) for p in members]
    return PeerMedians(group, _medians(rows), synthetic=synthetic, skipped=tuple(skipped))


def _median(count: int, level, score_count: int, score) -> DomainMedian:
    """Keep a domain's median only where at least MIN_PEERS values stand behind it."""
    enough = count >= MIN_PEERS
    return DomainMedian(
        count=count,
        level=float(level) if enough else None,
        score=round(float(score), 1) if enough and score_count >= MIN_PEERS else None,
    )


def _medians(rows: list[tuple]) -> dict[str, DomainMedian]:
    """Median level and score per domain over the members' levels, MIN_PEERS per domain."""
    levels: dict[str, list[int]] = {}
    scores: dict[str, list[float]] = {}
    for row in rows:
        for domain_id, level, score in row:
            levels.setdefault(domain_id, []).append(level)
            if score is not None:
                scores.setdefault(domain_id, []).append(score)
    return {
        domain_id: _median(
            len(values),
            statistics.median(values),
            len(scores.get(domain_id, [])),
            statistics.median(scores[domain_id]) if scores.get(domain_id) else None,
        )
        for domain_id, values in levels.items()
    }
