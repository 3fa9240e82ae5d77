"""Loading the official directory into the database and searching it."""

from __future__ import annotations

import re
from dataclasses import asdict
from pathlib import Path

from sqlalchemy import Select, func, or_, select
from sqlalchemy.orm import Session

from advisory.directory import (
    SHIPPED_FILE,
    MunicipalityRecord,
    base_name,
    read_any,
    read_association_kinds,
    search_keys,
)
from advisory.models import Municipality
from advisory.services.associations import sync_associations

_BATCH = 2000


def import_municipalities(session: Session, path: Path = SHIPPED_FILE) -> dict[str, int]:
    """Insert or update every municipality of the file by AGS; return counts."""
    existing = {m.ags: m for m in session.scalars(select(Municipality))}
    added = updated = unchanged = 0
    pending: list[dict] = []
    for record in read_any(path):
        values = _values(record)
        current = existing.get(record.ags)
        if current is None:
            pending.append(values)
            added += 1
            if len(pending) >= _BATCH:
                session.execute(Municipality.__table__.insert(), pending)
                pending.clear()
        elif any(getattr(current, key) != value for key, value in values.items()):
            for key, value in values.items():
                setattr(current, key, value)
            updated += 1
        else:
            unchanged += 1
    if pending:
        session.execute(Municipality.__table__.insert(), pending)
    associations = sync_associations(session, read_association_kinds(path))
    session.commit()
    return {
        "added": added,
        "updated": updated,
        "unchanged": unchanged,
        "associations": associations,
    }


def _values(record: MunicipalityRecord) -> dict:
    key, plain = search_keys(base_name(record.name))
    return {**asdict(record), "search_key": key, "search_key_plain": plain}


def directory_size(session: Session) -> int:
    """Return how many municipalities are loaded."""
    return session.scalar(select(func.count()).select_from(Municipality)) or 0


def search_municipalities(
    session: Session, query: str, limit: int = 10, within: Select | None = None
) -> list[Municipality]:
    """Find municipalities by name, AGS or postal code; exact and prefix matches come first.

    Umlauts may be written as 'ue' or plain 'u' and official suffixes (', Stadt') are ignored.
    Uninhabited unincorporated areas are not offered. `within` limits the result to a subquery
    of ids.
    """
    query = query.strip()
    if not query:
        return []
    statement = select(Municipality).where(Municipality.population > 0)
    if within is not None:
        statement = statement.where(Municipality.id.in_(within))
    digits = re.sub(r"\s", "", query)
    if digits.isdigit():
        if len(digits) == 8:
            condition = Municipality.ags == digits
        elif len(digits) == 5:
            condition = or_(
                Municipality.postal_code == digits, Municipality.district_code == digits
            )
        else:
            condition = or_(
                Municipality.ags.startswith(digits), Municipality.postal_code.startswith(digits)
            )
        rows = session.scalars(
            statement.where(condition).order_by(Municipality.population.desc()).limit(limit)
        ).all()
        return sorted(rows, key=lambda m: (m.ags != digits and m.postal_code != digits,))
    key, plain = search_keys(base_name(query))
    if not key:
        return []
    candidates = session.scalars(
        statement.where(
            or_(
                Municipality.search_key.contains(key, autoescape=True),
                Municipality.search_key_plain.contains(plain, autoescape=True),
            )
        )
        .order_by(Municipality.population.desc())
        .limit(500)
    ).all()

    def rank(m: Municipality) -> tuple[int, int]:
        if m.search_key == key or m.search_key_plain == plain:
            kind = 0
        elif m.search_key.startswith(key) or m.search_key_plain.startswith(plain):
            kind = 1
        else:
            kind = 2
        return (kind, -m.population)

    return sorted(candidates, key=rank)[:limit]


def neighbours(session: Session, municipality: Municipality, limit: int = 50) -> list[Municipality]:
    """Return the other municipalities of the same association, else of the same district."""
    if municipality.association_name:
        same = Municipality.association_code == municipality.association_code
    else:
        same = Municipality.district_code == municipality.district_code
    return list(
        session.scalars(
            select(Municipality)
            .where(same, Municipality.id != municipality.id, Municipality.population > 0)
            .order_by(Municipality.name)
            .limit(limit)
        )
    )


def resolve_municipality(session: Session, text: str) -> Municipality:
    """Return the one municipality meant by a key, postal code or exact name, or explain why not."""
    from advisory.services.accounts import AccountError

    text = text.strip()
    if not text:
        raise AccountError("municipality_required", field="municipality")
    matches = search_municipalities(session, text, limit=5)
    key, _plain = search_keys(base_name(text))
    exact = [
        m
        for m in matches
        if m.ags == text or m.postal_code == text or m.search_key == key or m.name == text
    ]
    if len(exact) == 1:
        return exact[0]
    if not exact:
        raise AccountError("municipality_not_found", field="municipality")
    raise AccountError("municipality_ambiguous", field="municipality")
