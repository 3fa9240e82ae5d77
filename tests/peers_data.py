"""Helpers for the peer benchmark tests: validated inventories with chosen levels, consent."""

from __future__ import annotations

from sqlalchemy import select

from advisory.extensions import db
from advisory.models import (
    Assessment,
    AssessmentStatus,
    InventorySummary,
    Municipality,
    PeerConsent,
    utcnow,
)

DOMAINS = ("strategy", "administration", "mobility")


def peers_like(app, ags: str, count: int) -> list[str]:
    """Return `count` keys of municipalities of the same state, size class and density."""
    from advisory.services.portfolio import SIZE_CLASSES, size_class

    with app.app_context():
        own = db.session.scalar(select(Municipality).where(Municipality.ags == ags))
        low, high = SIZE_CLASSES[size_class(own.population)]
        statement = select(Municipality.ags).where(
            Municipality.state_code == own.state_code,
            Municipality.urbanisation == own.urbanisation,
            Municipality.population >= low,
            Municipality.id != own.id,
        )
        if high is not None:
            statement = statement.where(Municipality.population < high)
        return list(db.session.scalars(statement.order_by(Municipality.ags).limit(count)))


def add_inventory(
    app,
    ags: str,
    level: int,
    *,
    status: AssessmentStatus = AssessmentStatus.VALIDATED,
    synthetic: bool = False,
    consent: bool | None = True,
    named: bool = False,
    levels: dict[str, int] | None = None,
) -> int:
    """Store an inventory with its summary: every domain of DOMAINS at `level` (or `levels`)."""
    levels = levels or dict.fromkeys(DOMAINS, level)
    with app.app_context():
        municipality = db.session.scalar(select(Municipality).where(Municipality.ags == ags))
        assessment = Assessment(
            municipality_id=municipality.id,
            questionnaire_id="smart-city-inventur",
            questionnaire_version="1.0.0",
            status=status,
            synthetic=synthetic,
        )
        db.session.add(assessment)
        db.session.flush()
        db.session.add(
            InventorySummary(
                assessment_id=assessment.id,
                municipality_id=municipality.id,
                current=True,
                status=str(status),
                last_activity=utcnow(),
                revision=0,
                answered=10,
                shown=10,
                completion=100.0,
                dont_know=0,
                score=20.0 * level,
                level=level,
                domains={
                    d: {"applicable": True, "score": 20.0 * v - 10, "level": v}
                    for d, v in levels.items()
                },
            )
        )
        if consent is not None or named:
            row = db.session.get(PeerConsent, municipality.id) or PeerConsent(
                municipality_id=municipality.id
            )
            row.include_in_medians = bool(consent)
            row.named_as_partner = named
            db.session.add(row)
        db.session.commit()
        return assessment.id


def make_cooperation(app, ags: str, partner: str | None = None) -> dict[str, int]:
    """Store a cooperation request from `ags` to a neighbour; return {"request_id": id}."""
    from advisory.models import CooperationMessage, CooperationRequest

    with app.app_context():
        sender = db.session.scalar(select(Municipality).where(Municipality.ags == ags))
        neighbour = Municipality.state_code == sender.state_code  # München has no district peer
        if partner:
            neighbour = Municipality.ags == partner
        recipient = db.session.scalar(
            select(Municipality)
            .where(neighbour, Municipality.id != sender.id, Municipality.population > 0)
            .order_by(Municipality.district_code != sender.district_code, Municipality.ags)
            .limit(1)
        )
        request = CooperationRequest(
            from_municipality_id=sender.id, to_municipality_id=recipient.id, domain_id="strategy"
        )
        request.messages.append(CooperationMessage(municipality_id=sender.id, text="Hello"))
        db.session.add(request)
        db.session.commit()
        return {"request_id": request.id}
