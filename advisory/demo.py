"""Demo data: three real municipalities of different size and one account per role."""

from __future__ import annotations

from collections.abc import Iterator

from sqlalchemy import select
from sqlalchemy.orm import Session

from advisory.models import Municipality, Role, User
from advisory.services.accounts import create_user, parse_scopes
from advisory.services.municipalities import directory_size, import_municipalities

# A village in an association, a mid-sized town, a district-free city.
DEMO_MUNICIPALITIES = {
    "07333001": "Albisheim (Pfrimm)",
    "08115021": "Herrenberg",
    "08421000": "Ulm",
}
DEMO_PASSWORD = "Demo-Passwort-2026"  # noqa: S105 - printed on purpose, demo only

DEMO_USERS = [
    ("redaktion@albisheim.example.org", "Anna Becker", Role.MUNICIPAL_EDITOR, "07333001", ""),
    ("lesen@albisheim.example.org", "Bernd Schulz", Role.MUNICIPAL_VIEWER, "07333001", ""),
    ("redaktion@herrenberg.example.org", "Carla Weber", Role.MUNICIPAL_EDITOR, "08115021", ""),
    ("redaktion@ulm.example.org", "David Yilmaz", Role.MUNICIPAL_EDITOR, "08421000", ""),
    ("beratung@example.org", "Eva Hoffmann", Role.ADVISOR, None, "07 08"),
    ("schulung@example.org", "Felix Wagner", Role.TRAINER, None, "07 08"),
    ("kuration@example.org", "Greta Krüger", Role.CURATOR, None, ""),
    ("admin@example.org", "Hanna Admin", Role.ADMIN, None, ""),
]


def seed(session: Session) -> Iterator[str]:
    """Create what is missing and yield lines describing the demo logins."""
    if directory_size(session) == 0:
        counts = import_municipalities(session)
        yield f"Loaded {counts['added']} municipalities from the official directory."
    created = 0
    for email, name, role, ags, scopes in DEMO_USERS:
        if session.scalar(select(User).where(User.email == email)):
            continue
        municipality = (
            session.scalar(select(Municipality).where(Municipality.ags == ags)) if ags else None
        )
        create_user(
            session,
            email=email,
            name=name,
            password=DEMO_PASSWORD,
            role=role,
            municipality=municipality,
            scopes=parse_scopes(scopes),
        )
        created += 1
    yield f"Demo accounts: {created} created, {len(DEMO_USERS) - created} already there."
    yield f"Demo logins (password for all: {DEMO_PASSWORD}):"
    for email, _name, role, ags, scopes in DEMO_USERS:
        where = DEMO_MUNICIPALITIES.get(ags or "", (scopes and f"portfolio {scopes}") or "")
        yield f"  {role.value:<17} {email:<34} {where}"
