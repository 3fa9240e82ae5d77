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
from dataclasses import dataclass, field

from sqlalchemy import and_, case, func, select, true
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
from advisory.services.portfolio import SIZE_CLASSES, size_class

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


def _group_conditions(municipality: Municipality) -> list[tuple[str, object]]:
    """Return (kind, SQL condition on Municipality) from the narrowest to the widest group."""
    low, high = SIZE_CLASSES[size_class(municipality.population)]
    size = and_(
        Municipality.population >= low,
        Municipality.population < high if high is not None else true(),
    )
    state = Municipality.state_code == municipality.state_code
    groups: list[tuple[str, object]] = []
    if municipality.urbanisation is not None:
        groups.append(
            (
                "state_size_density",
                and_(state, size, Municipality.urbanisation == municipality.urbanisation),
            )
        )
    groups += [
        ("state_size", and_(state, size)),
        ("state", state),
        ("country_size", size),
        ("country", true()),
    ]
    return groups


def peer_medians(
    session: Session, municipality: Municipality, *, synthetic: bool = False
) -> PeerMedians:
    """Return the peer median level and score per domain for the municipality.

    Two queries: one counts the eligible inventories of every candidate group, the second reads
    the summaries of the narrowest group with at least MIN_PEERS of them.
    """
    eligible = eligible_inventories(synthetic=synthetic)
    groups = _group_conditions(municipality)
    others = Municipality.id != municipality.id
    counts = session.execute(
        select(*(func.sum(case((condition, 1), else_=0)) for _kind, condition in groups))
        .select_from(eligible)
        .join(Municipality, Municipality.id == eligible.c.municipality_id)
        .where(others)
    ).one()
    chosen = next(
        (i for i, count in enumerate(counts) if (count or 0) >= MIN_PEERS),
        None,
    )
    if chosen is None:
        return PeerMedians(None, synthetic=synthetic, skipped=tuple(k for k, _c in groups))
    kind, condition = groups[chosen]
    rows = session.scalars(
        select(InventorySummary.domains)
        .select_from(eligible)
        .join(Municipality, Municipality.id == eligible.c.municipality_id)
        .join(InventorySummary, InventorySummary.assessment_id == eligible.c.assessment_id)
        .where(others, condition)
    ).all()
    group = PeerGroup(
        kind=kind,
        state_name=municipality.state_name if kind.startswith("state") else None,
        size_class=size_class(municipality.population) if "size" in kind else None,
        density=municipality.urbanisation if kind == "state_size_density" else None,
        count=int(counts[chosen]),
    )
    return PeerMedians(
        group,
        _medians(rows),
        synthetic=synthetic,
        skipped=tuple(k for k, _c in groups[:chosen]),
    )


def _medians(rows: list[dict]) -> dict[str, DomainMedian]:
    """Median level and score per domain over the summaries' JSON, MIN_PEERS per domain."""
    levels: dict[str, list[int]] = {}
    scores: dict[str, list[float]] = {}
    for domains in rows:
        for domain_id, values in (domains or {}).items():
            if not values.get("applicable") or values.get("level") is None:
                continue
            levels.setdefault(domain_id, []).append(values["level"])
            if values.get("score") is not None:
                scores.setdefault(domain_id, []).append(values["score"])
    result = {}
    for domain_id, values in levels.items():
        enough = len(values) >= MIN_PEERS
        domain_scores = scores.get(domain_id, [])
        result[domain_id] = DomainMedian(
            count=len(values),
            level=float(statistics.median(values)) if enough else None,
            score=round(statistics.median(domain_scores), 1)
            if enough and len(domain_scores) >= MIN_PEERS
            else None,
        )
    return result
