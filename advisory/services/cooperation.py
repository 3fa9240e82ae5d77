"""Cooperation between neighbours: suggestions of strong partners and requests inside the app.

A neighbour is suggested only when it agreed to be named (`PeerConsent.named_as_partner`), lies in
the same district or within the configured distance, and its newest validated (real) inventory is
at least `STRONG_MARGIN` levels above the municipality in a domain where the municipality is weak.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import Session

from advisory.access import can_edit_answers, can_view, visible_municipality_ids
from advisory.models import (
    CooperationMessage,
    CooperationRequest,
    CooperationStatus,
    InventorySummary,
    Municipality,
    PeerConsent,
    Role,
    User,
    utcnow,
)
from advisory.services.peers import eligible_inventories

#: A domain is weak below this level (or below the municipality's own target).
WEAK_BELOW = 3
#: A partner is strong in a domain when its level is at least this much higher.
STRONG_MARGIN = 1
DEFAULT_DISTANCE_KM = 25.0
MAX_SUGGESTIONS = 10
MAX_TEXT = 4000
_KM_PER_DEGREE = 111.2


class CooperationError(ValueError):
    """A cooperation request or reply that cannot be accepted; `code` names why."""

    def __init__(self, code: str):
        super().__init__(code)
        self.code = code


# --- suggestions ------------------------------------------------------------------------------


@dataclass(frozen=True)
class StrongDomain:
    domain_id: str
    own_level: int | None
    their_level: int


@dataclass(frozen=True)
class Suggestion:
    """A neighbour that agreed to be named and is strong where the municipality is weak."""

    ags: str
    name: str
    district_name: str
    same_district: bool
    distance_km: float | None
    domains: tuple[StrongDomain, ...]


def weak_domains(levels: dict[str, int | None], targets: dict[str, int | None]) -> set[str]:
    """Return the applicable domains below WEAK_BELOW or below their target level."""
    return {
        domain_id
        for domain_id, level in levels.items()
        if (level or 0) < WEAK_BELOW
        or (targets.get(domain_id) and (level or 0) < targets[domain_id])
    }


def distance_km(a_lat: float, a_lon: float, b_lat: float, b_lon: float) -> float:
    """Return the great-circle distance between two points in kilometres."""
    lat1, lon1, lat2, lon2 = map(math.radians, (a_lat, a_lon, b_lat, b_lon))
    h = (
        math.sin((lat2 - lat1) / 2) ** 2
        + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    )
    return 2 * 6371.0 * math.asin(math.sqrt(h))


def cooperation_suggestions(
    session: Session,
    municipality: Municipality,
    levels: dict[str, int | None],
    targets: dict[str, int | None] | None = None,
    *,
    max_km: float = DEFAULT_DISTANCE_KM,
) -> list[Suggestion]:
    """Suggest named neighbours strong in the municipality's weak domains, best first.

    `levels` are the municipality's gated levels per applicable domain (None: no level yet).
    """
    weak = weak_domains(levels, targets or {})
    if not weak:
        return []
    near = Municipality.district_code == municipality.district_code
    if municipality.latitude is not None and municipality.longitude is not None:
        dlat = max_km / _KM_PER_DEGREE
        dlon = max_km / (_KM_PER_DEGREE * max(0.1, math.cos(math.radians(municipality.latitude))))
        near = or_(
            near,
            and_(
                Municipality.latitude.between(
                    municipality.latitude - dlat, municipality.latitude + dlat
                ),
                Municipality.longitude.between(
                    municipality.longitude - dlon, municipality.longitude + dlon
                ),
            ),
        )
    eligible = eligible_inventories(consent=PeerConsent.named_as_partner)
    rows = session.execute(
        select(Municipality, InventorySummary.domains)
        .join(eligible, eligible.c.municipality_id == Municipality.id)
        .join(InventorySummary, InventorySummary.assessment_id == eligible.c.assessment_id)
        .where(near, Municipality.id != municipality.id)
    ).all()
    suggestions = []
    for other, domains in rows:
        suggestion = _suggestion(municipality, other, domains, levels, weak, max_km)
        if suggestion is not None:
            suggestions.append(suggestion)
    suggestions.sort(key=lambda s: (-len(s.domains), s.distance_km or 0.0, s.name))
    return suggestions[:MAX_SUGGESTIONS]


def _suggestion(municipality, other, domains, levels, weak, max_km) -> Suggestion | None:
    same = other.district_code == municipality.district_code
    distance = None
    if None not in (
        municipality.latitude,
        municipality.longitude,
        other.latitude,
        other.longitude,
    ):
        distance = round(
            distance_km(
                municipality.latitude, municipality.longitude, other.latitude, other.longitude
            ),
            1,
        )
    if not same and (distance is None or distance > max_km):
        return None
    strong = []
    for domain_id in sorted(weak):
        theirs = (domains or {}).get(domain_id) or {}
        level = theirs.get("level") if theirs.get("applicable") else None
        own = levels.get(domain_id)
        if level is not None and level >= (own or 0) + STRONG_MARGIN:
            strong.append(StrongDomain(domain_id, own, level))
    if not strong:
        return None
    return Suggestion(other.ags, other.name, other.district_name, same, distance, tuple(strong))


# --- requests ---------------------------------------------------------------------------------


def may_send(user: User, municipality: Municipality) -> bool:
    """Tell whether the user may write for the municipality (its editors, advisors in scope)."""
    return can_edit_answers(user, municipality)


def may_see(user: User, request: CooperationRequest) -> bool:
    """Tell whether the user may read the request (either side, advisors in scope, admins)."""
    return can_view(user, request.from_municipality) or can_view(user, request.to_municipality)


def may_answer(user: User, request: CooperationRequest) -> bool:
    """Tell whether the user may reply to or close the request (viewers may only read)."""
    if Role(user.role) is Role.ADMIN:
        return True
    return may_send(user, request.from_municipality) or may_send(user, request.to_municipality)


def may_be_contacted(session: Session, municipality: Municipality) -> bool:
    """Tell whether the municipality agreed to be named and contacted as a partner."""
    consent = session.get(PeerConsent, municipality.id)
    return consent is not None and consent.named_as_partner


def _text(text: str) -> str:
    text = (text or "").strip()
    if not text:
        raise CooperationError("text_required")
    if len(text) > MAX_TEXT:
        raise CooperationError("text_too_long")
    return text


def send_request(
    session: Session,
    user: User,
    sender: Municipality,
    recipient: Municipality,
    text: str,
    domain_id: str | None = None,
) -> CooperationRequest:
    """Open a cooperation request from `sender` to `recipient` with a first message."""
    if not may_send(user, sender):
        raise CooperationError("not_allowed")
    if recipient.id == sender.id:
        raise CooperationError("same_municipality")
    if not may_be_contacted(session, recipient):
        raise CooperationError("not_named")
    body = _text(text)
    now = utcnow()
    request = CooperationRequest(
        from_municipality_id=sender.id,
        to_municipality_id=recipient.id,
        domain_id=domain_id or None,
        status=CooperationStatus.OPEN,
        created_by_id=user.id,
        created_at=now,
        updated_at=now,
    )
    request.messages.append(
        CooperationMessage(author_id=user.id, municipality_id=sender.id, text=body, created_at=now)
    )
    session.add(request)
    session.commit()
    return request


def reply(session: Session, request: CooperationRequest, user: User, text: str) -> None:
    """Add a reply; a reply from anyone but the asking side marks the request answered."""
    if not may_answer(user, request):
        raise CooperationError("not_allowed")
    if request.status == CooperationStatus.CLOSED:
        raise CooperationError("closed")
    body = _text(text)
    asking = user.municipality_id == request.from_municipality_id
    side = request.from_municipality_id if asking else None
    if user.municipality_id == request.to_municipality_id:
        side = request.to_municipality_id
    now = utcnow()
    request.messages.append(
        CooperationMessage(author_id=user.id, municipality_id=side, text=body, created_at=now)
    )
    request.status = CooperationStatus.OPEN if asking else CooperationStatus.ANSWERED
    request.updated_at = now
    session.commit()


def close(session: Session, request: CooperationRequest, user: User) -> None:
    """Close the request; nobody can reply to it afterwards."""
    if not may_answer(user, request):
        raise CooperationError("not_allowed")
    request.status = CooperationStatus.CLOSED
    request.updated_at = utcnow()
    session.commit()


def visible_requests(session: Session, user: User) -> list[CooperationRequest]:
    """Return the requests the user may read, the latest activity first."""
    visible = visible_municipality_ids(user)
    return list(
        session.scalars(
            select(CooperationRequest)
            .where(
                or_(
                    CooperationRequest.from_municipality_id.in_(visible),
                    CooperationRequest.to_municipality_id.in_(visible),
                )
            )
            .order_by(CooperationRequest.updated_at.desc(), CooperationRequest.id.desc())
            .limit(500)
        )
    )


def suggestions_for(session: Session, assessment, max_km: float) -> list[Suggestion]:
    """Suggest partners for the levels and targets of one inventory."""
    from advisory.services.results import score_assessment

    _q, _answers, _facts, scores = score_assessment(session, assessment)
    applicable = [d for d in scores.domains if d.applicable]
    return cooperation_suggestions(
        session,
        assessment.municipality,
        {d.id: d.level for d in applicable},
        {d.id: d.target for d in applicable},
        max_km=max_km,
    )
