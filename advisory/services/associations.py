"""Associations of municipalities: directory rows, search, the shared inventory and inheritance.

An association's inventory answers the questions marked `answered_by: administration` once; the
inventories of its member municipalities take those answers read-only (`inherited`), so that
scores, results, recommendations, reports and the dashboard's summaries of every member use them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from sqlalchemy import bindparam, event, select
from sqlalchemy.orm import Session

from advisory.directory import base_name, search_keys
from advisory.models import Answer as AnswerRow
from advisory.models import (
    Assessment,
    AssessmentStatus,
    Association,
    Municipality,
    User,
)
from questionnaires import Answer, AnswerError, Questionnaire, validate_answer


class AssociationError(ValueError):
    """A change to an association's inventory was refused; the message is a code."""


def sync_associations(session: Session, kinds: dict[str, str]) -> int:
    """Insert or update one row per association named by the loaded municipalities; return changes.

    Idempotent: run after every directory import. `kinds` maps code -> Destatis Textkennzeichen.
    """
    session.info.pop(_KEPT, None)
    existing = {a.code: a for a in session.scalars(select(Association))}
    found = session.execute(
        select(
            Municipality.association_code,
            Municipality.association_name,
            Municipality.state_code,
            Municipality.district_code,
        )
        .where(Municipality.association_name.is_not(None))
        .distinct()
    )
    changed = 0
    for code, name, state_code, district_code in found:
        key, plain = search_keys(base_name(name))
        values = {
            "name": name,
            "kind": kinds.get(code),
            "state_code": state_code,
            "district_code": district_code,
            "search_key": key,
            "search_key_plain": plain,
        }
        row = existing.get(code)
        if row is None:
            existing[code] = Association(code=code, **values)
            session.add(existing[code])
            changed += 1
        elif any(getattr(row, k) != v for k, v in values.items()):
            for k, v in values.items():
                setattr(row, k, v)
            changed += 1
    return changed


#: Where a session keeps the associations it looked up (they change only on import).
_KEPT = "advisory.associations_by_code"


# Asked on every page of a member's inventory: built once (no cache key to work out each time).
_BY_CODE = select(Association).where(Association.code == bindparam("code"))
_SHARED = (
    select(Assessment)
    .join(Association, Association.id == Assessment.association_id)
    .where(
        Association.code == bindparam("code"),
        Assessment.questionnaire_id == bindparam("questionnaire"),
    )
    .order_by(Assessment.id.desc())
    .limit(1)
)


def association_by_code(session: Session, code: str) -> Association | None:
    """Return the association with the 9-digit key; looked up once per session."""
    kept = session.info.setdefault(_KEPT, {})
    if code not in kept:
        kept[code] = session.scalar(_BY_CODE, {"code": code})
    return kept[code]


def association_of(session: Session, municipality: Municipality) -> Association | None:
    """Return the association whose shared administration works for the municipality, if any."""
    if municipality is None or municipality.association_name is None:
        return None
    return association_by_code(session, municipality.association_code)


def members(session: Session, association: Association) -> list[Municipality]:
    """Return the inhabited member municipalities, by name."""
    return list(
        session.scalars(
            select(Municipality)
            .where(Municipality.association_code == association.code, Municipality.population > 0)
            .order_by(Municipality.name)
        )
    )


def search_associations(
    session: Session, query: str, limit: int = 5, within=None
) -> list[Association]:
    """Find associations by name (umlauts as in the municipality search) or by their 9-digit key."""
    query = query.strip()
    statement = select(Association)
    if within is not None:
        statement = statement.where(Association.id.in_(within))
    digits = re.sub(r"\s", "", query)
    if digits.isdigit():
        if len(digits) != 9:
            return []
        return list(session.scalars(statement.where(Association.code == digits)))
    key, plain = search_keys(base_name(query))
    if not key:
        return []
    rows = session.scalars(
        statement.where(
            Association.search_key.contains(key, autoescape=True)
            | Association.search_key_plain.contains(plain, autoescape=True)
        )
        .order_by(Association.name)
        .limit(200)
    ).all()
    return sorted(rows, key=lambda a: (not a.search_key.startswith(key), a.name))[:limit]


def resolve_association(session: Session, text: str) -> Association:
    """Return the one association meant by a 9-digit key or its exact name, or explain why not."""
    from advisory.services.accounts import AccountError

    text = text.strip()
    if not text:
        raise AccountError("association_required", field="association")
    key, _plain = search_keys(base_name(text))
    exact = [
        a
        for a in search_associations(session, text, limit=20)
        if a.code == text or a.search_key == key or a.name == text
    ]
    if len(exact) == 1:
        return exact[0]
    if not exact:
        raise AccountError("association_not_found", field="association")
    raise AccountError("association_ambiguous", field="association")


def association_inventory(session: Session, association: Association) -> Assessment | None:
    """Return the association's newest inventory (the one its members inherit from)."""
    return session.scalar(
        select(Assessment)
        .where(Assessment.association_id == association.id)
        .order_by(Assessment.id.desc())
    )


def start_association_inventory(
    session: Session, association: Association, user: User, questionnaire: Questionnaire
) -> Assessment:
    """Start the association's inventory; its answers carry over from the previous one."""
    previous = association_inventory(session, association)
    if previous is not None and previous.status != AssessmentStatus.VALIDATED:
        raise AssociationError("inventory_open")
    assessment = Assessment(
        association=association,
        questionnaire_id=questionnaire.id,
        questionnaire_version=questionnaire.version,
        created_by=user,
        previous_id=previous.id if previous else None,
    )
    session.add(assessment)
    session.flush()
    if previous is not None:
        shared = {q.id: q for q in questionnaire.administration_questions()}
        for row in session.scalars(select(AnswerRow).where(AnswerRow.assessment_id == previous.id)):
            if row.question_id in shared and _fits(shared[row.question_id], row):
                session.add(
                    AnswerRow(
                        assessment_id=assessment.id,
                        question_id=row.question_id,
                        status=row.status,
                        value=row.value,
                        carried_over=True,
                        updated_by_id=user.id,
                    )
                )
    session.commit()
    return assessment


def _fits(question, row: AnswerRow) -> bool:
    try:
        validate_answer(question, {"status": row.status, "value": row.value})
    except AnswerError:
        return False
    return True


@dataclass(frozen=True)
class Inheritance:
    """What a member's inventory takes from its association's inventory."""

    association: Association
    source: Assessment
    question_ids: frozenset[str]  # the administration's questions, answered or not
    rows: dict[str, AnswerRow]  # the association's stored answers among them


#: Where a session keeps the shared inventories it looked up, per member inventory.
_SOURCES = "advisory.shared_sources"


def shared_source(session: Session, assessment: Assessment) -> Assessment | None:
    """Return the association's inventory that a member inventory inherits from, if any.

    Looked up once per session (a page asks several times); a new or deleted inventory in the
    session makes it look again.
    """
    municipality = assessment.municipality
    if assessment.association_id is not None or municipality is None:
        return None
    kept = session.info.setdefault(_SOURCES, {})
    if assessment.id in kept:
        return kept[assessment.id]
    source = None
    if municipality.association_name is not None:  # as association_of, in one query
        source = session.scalar(
            _SHARED,
            {"code": municipality.association_code, "questionnaire": assessment.questionnaire_id},
        )
    if assessment.id is not None:
        kept[assessment.id] = source
    return source


@event.listens_for(Session, "after_flush")
def _forget_sources(session: Session, _context) -> None:
    """A new or deleted inventory may be (or have been) a member's shared source."""
    if _SOURCES in session.info and any(
        isinstance(item, Assessment) for item in (*session.new, *session.deleted)
    ):
        session.info.pop(_SOURCES, None)


def inheritance(
    session: Session, assessment: Assessment, questionnaire: Questionnaire
) -> Inheritance | None:
    """Return what the member inventory inherits, or None (no association or no shared inventory).

    Costs nothing for a municipality that belongs to no association.
    """
    source = shared_source(session, assessment)
    if source is None:
        return None
    association = source.association
    shared = {q.id: q for q in questionnaire.administration_questions()}
    rows = {
        row.question_id: row
        for row in session.scalars(
            select(AnswerRow).where(
                AnswerRow.assessment_id == source.id, AnswerRow.question_id.in_(shared)
            )
        )
        if _fits(shared[row.question_id], row)  # the member may be on another version
    }
    return Inheritance(association, source, frozenset(shared), rows)


def with_inherited(
    session: Session, assessment: Assessment, questionnaire: Questionnaire, own: dict[str, Answer]
) -> dict[str, Answer]:
    """Return the member's answers with the association's answers in place of its own."""
    inherited = inheritance(session, assessment, questionnaire)
    if inherited is None:
        return own
    answers = {qid: a for qid, a in own.items() if qid not in inherited.question_ids}
    for qid, row in inherited.rows.items():
        answers[qid] = Answer.from_json({"status": row.status, "value": row.value})
    return answers


def member_inventories(session: Session, association: Association) -> list[Assessment]:
    """Return every inventory of every member municipality (they all inherit)."""
    return list(
        session.scalars(
            select(Assessment)
            .join(Municipality, Municipality.id == Assessment.municipality_id)
            .where(Municipality.association_code == association.code)
        )
    )


def refresh_members(session: Session, association_assessment: Assessment) -> int:
    """Refresh the summaries of every member inventory (not committed); return how many."""
    from advisory.services.portfolio import refresh_summary

    association = association_assessment.association
    inventories = member_inventories(session, association)
    for inventory in inventories:
        refresh_summary(session, inventory)
    return len(inventories)


def association_facts(session: Session, association: Association) -> dict[str, object]:
    """Return the directory facts the administration's questions may use (sums over members)."""
    found = members(session, association)
    return {
        "population": sum(m.population for m in found),
        "area_km2": sum(m.area_km2 for m in found),
        "urbanisation": None,
        "state": association.state_code,
        "in_association": True,
        "district_free": False,
    }


def district_name(session: Session, association: Association) -> str:
    """Name the district the association lies in (from its members)."""
    return (
        session.scalar(
            select(Municipality.district_name)
            .where(Municipality.district_code == association.district_code)
            .limit(1)
        )
        or ""
    )


@dataclass(frozen=True)
class MemberLine:
    """One member municipality on the association's page."""

    municipality: Municipality
    assessment_id: int | None
    status: str | None
    completion: float | None
    level: int | None


def member_lines(session: Session, association: Association) -> list[MemberLine]:
    """Return every member with its newest inventory's status, completion and level."""
    from advisory.models import InventorySummary

    found = members(session, association)
    summaries = {
        s.municipality_id: s
        for s in session.scalars(
            select(InventorySummary).where(
                InventorySummary.municipality_id.in_([m.id for m in found]),
                InventorySummary.current.is_(True),
            )
        )
    }
    lines = []
    for municipality in found:
        summary = summaries.get(municipality.id)
        lines.append(
            MemberLine(
                municipality,
                summary.assessment_id if summary else None,
                summary.status if summary else None,
                summary.completion if summary else None,
                summary.level if summary else None,
            )
        )
    return lines


@dataclass(frozen=True)
class SharedSection:
    """Progress of one domain of the association's inventory (administration questions only)."""

    id: str
    title: object
    shown: int
    answered: int

    @property
    def complete(self) -> bool:
        return self.shown > 0 and self.answered >= self.shown


def shared_sections(
    session: Session, assessment: Assessment, questionnaire: Questionnaire
) -> list[SharedSection]:
    """Return the domains that hold administration questions, with their progress."""
    from advisory.services.assessments import answer_rows
    from questionnaires import visible_questions

    rows = answer_rows(session, assessment)
    answers = {
        qid: Answer.from_json({"status": r.status, "value": r.value}) for qid, r in rows.items()
    }
    visible = visible_questions(
        questionnaire, answers, association_facts(session, assessment.association)
    )
    sections = []
    for domain in questionnaire.domains:
        shared = [
            q.id for q in domain.questions if q.answered_by == "administration" and q.id in visible
        ]
        if shared:
            answered = sum(1 for qid in shared if qid in rows)
            sections.append(SharedSection(domain.id, domain.title, len(shared), answered))
    return sections


def member_rows(
    session: Session, assessment: Assessment, questionnaire: Questionnaire, rows: dict
) -> tuple[dict[str, AnswerRow], Inheritance | None]:
    """Return the member's stored rows with the association's in place of the shared questions."""
    inherited = inheritance(session, assessment, questionnaire)
    if inherited is None:
        return rows, None
    merged = {qid: row for qid, row in rows.items() if qid not in inherited.question_ids}
    merged.update(inherited.rows)
    return merged, inherited


def source_label(association: Association) -> str:
    """Say where an inherited answer comes from: 'Antwort der gemeinsamen Verwaltung: ...'."""
    from flask_babel import gettext as _

    from advisory.wording import association_kind

    return _(
        "Answer of the shared administration: %(kind)s %(name)s",
        kind=association_kind(association.kind),
        name=association.name,
    )
