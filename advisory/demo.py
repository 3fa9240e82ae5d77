"""Demo data: three real municipalities of different size and one account per role."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import yaml
from sqlalchemy import select
from sqlalchemy.orm import Session

from advisory.models import Municipality, Role, User
from advisory.services.accounts import create_user, parse_scopes
from advisory.services.municipalities import directory_size, import_municipalities

DEMO_DIR = Path(__file__).parent / "data" / "demo"
# A village in an association, a mid-sized town, a district-free city, each with a complete
# answer set (the golden sets of the scoring tests).
DEMO_ANSWERS = {"07333001": "rural", "08115021": "town", "08421000": "city"}
DEMO_MUNICIPALITIES = {
    "07333001": "Albisheim (Pfrimm)",
    "08115021": "Herrenberg",
    "08421000": "Ulm",
}
# Neighbours of the demo village with a validated inventory (one of the demo answer sets) that
# agreed to share: enough for a peer median (at least 5) and for cooperation suggestions.
DEMO_PEERS = {
    "07333006": "town",  # Biedesheim
    "07333012": "rural",  # Bubenheim
    "07333005": "city",  # Bennhausen
    "07333007": "town",  # Bischheim
    "07333010": "rural",  # Bolanden
    "07333013": "city",  # Dannenfels
}
# The demo answer sets (and the golden numbers of the scoring tests) belong to this version; the
# next inventory a demo municipality starts moves to the newest version and carries them over.
DEMO_QUESTIONNAIRE = ("smart-city-inventur", "1.0.0")
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
            check_password=False,  # the published demo password, refused for real accounts
        )
        created += 1
    yield f"Demo accounts: {created} created, {len(DEMO_USERS) - created} already there."
    yield from _seed_assessments(session)
    yield from _seed_peers(session)
    yield f"Demo logins (password for all: {DEMO_PASSWORD}):"
    for email, _name, role, ags, scopes in DEMO_USERS:
        where = DEMO_MUNICIPALITIES.get(ags or "", (scopes and f"portfolio {scopes}") or "")
        yield f"  {role.value:<17} {email:<34} {where}"


def _seed_assessments(session: Session) -> Iterator[str]:
    """Give each demo municipality one inventory with its demo answers, unless it has one."""
    from advisory.content import questionnaire as pinned_questionnaire
    from advisory.models import Assessment
    from advisory.services.assessments import (
        import_answers,
        set_domain_applicability,
        start_assessment,
    )
    from advisory.services.results import set_targets

    questionnaire = pinned_questionnaire(*DEMO_QUESTIONNAIRE)
    for ags, name in DEMO_ANSWERS.items():
        municipality = session.scalar(select(Municipality).where(Municipality.ags == ags))
        if session.scalar(select(Assessment).where(Assessment.municipality_id == municipality.id)):
            continue
        editor = session.scalar(
            select(User).where(
                User.municipality_id == municipality.id, User.role == Role.MUNICIPAL_EDITOR
            )
        )
        data = yaml.safe_load((DEMO_DIR / f"{name}.yaml").read_text(encoding="utf-8"))
        assessment = start_assessment(session, municipality, editor, questionnaire)
        answers = {
            qid: value
            if isinstance(value, dict) and "status" in value
            else {"status": "answered", "value": value}
            for qid, value in data["answers"].items()
        }
        refused = import_answers(session, assessment, questionnaire, answers, editor)
        for domain_id, reason in (data.get("not_applicable_domains") or {}).items():
            set_domain_applicability(
                session, assessment, domain_id, not_applicable=True, reason=reason, user=editor
            )
        set_targets(session, assessment, dict(data.get("targets") or {}), editor)
        yield (
            f"Demo inventory for {municipality.name}: {len(answers) - len(refused)} answers"
            + (f", {len(refused)} refused: {', '.join(refused)}" if refused else "")
        )


def _seed_peers(session: Session) -> Iterator[str]:
    """Give the demo peers a validated inventory and their consent to share (once)."""
    from advisory.content import questionnaire as pinned_questionnaire
    from advisory.models import Assessment, AssessmentStatus, PeerConsent, utcnow
    from advisory.services.assessments import import_answers, start_assessment
    from advisory.services.portfolio import refresh_summary

    advisor = session.scalar(select(User).where(User.email == "beratung@example.org"))
    questionnaire = pinned_questionnaire(*DEMO_QUESTIONNAIRE)
    added = 0
    for ags, name in DEMO_PEERS.items():
        municipality = session.scalar(select(Municipality).where(Municipality.ags == ags))
        if session.scalar(select(Assessment).where(Assessment.municipality_id == municipality.id)):
            continue
        assessment = start_assessment(session, municipality, advisor, questionnaire)
        import_answers(session, assessment, questionnaire, demo_set(name)["answers"], advisor)
        assessment.status = AssessmentStatus.VALIDATED
        assessment.validated_by_id = advisor.id
        assessment.validated_at = utcnow()
        refresh_summary(session, assessment)
        session.merge(
            PeerConsent(
                municipality_id=municipality.id,
                include_in_medians=True,
                named_as_partner=True,
            )
        )
        session.commit()
        added += 1
    yield f"Demo peers with a validated, shared inventory: {added} added."


def demo_set(name: str) -> dict:
    """Read a demo answer set; answers come back in the stored JSON form."""
    data = yaml.safe_load((DEMO_DIR / f"{name}.yaml").read_text(encoding="utf-8"))
    data["answers"] = {
        question_id: value
        if isinstance(value, dict) and "status" in value
        else {"status": "answered", "value": value}
        for question_id, value in data["answers"].items()
    }
    return data
