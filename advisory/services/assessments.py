"""Assessments and their answers: start, save with optimistic locking, history, progress."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from flask import has_app_context
from sqlalchemy import bindparam, delete, func, insert, select, update
from sqlalchemy.exc import IntegrityError, SQLAlchemyError
from sqlalchemy.orm import Session, joinedload

from advisory.database import json_rows, rows_as_json
from advisory.models import (
    Answer as AnswerRow,
)
from advisory.models import (
    AnswerChange,
    AnswerReview,
    Assessment,
    AssessmentDomain,
    AssessmentStatus,
    InventorySummary,
    Municipality,
    User,
    utcnow,
)
from questionnaires import (
    Answer,
    AnswerError,
    Question,
    Questionnaire,
    carry_over,
    validate_answer,
    visible_questions,
)

if TYPE_CHECKING:
    from advisory.services.associations import Inheritance

log = logging.getLogger(__name__)


class AssessmentError(ValueError):
    """A change to an assessment was refused; the message is a code the view translates."""


class AnswerConflictError(Exception):
    """The answer changed since the user loaded it; `current` is what is stored now.

    `revision` is the answer's current revision (also when it was cleared and has no row).
    """

    def __init__(self, current: AnswerRow | None, revision: int | None = None):
        super().__init__("answer changed meanwhile")
        self.current = current
        self.revision = current.revision if current is not None else (revision or 0)


def municipality_facts(municipality: Municipality) -> dict[str, object]:
    """Return the directory facts the questionnaire's expressions may use."""
    return {
        "population": municipality.population,
        "area_km2": municipality.area_km2,
        "urbanisation": municipality.urbanisation,
        "state": municipality.state_code,
        "in_association": municipality.in_association,
        "district_free": municipality.district_free,
    }


def open_assessment(session: Session, municipality: Municipality) -> Assessment | None:
    """Return the municipality's assessment that is still being answered, if any."""
    return session.scalar(
        select(Assessment)
        .where(
            Assessment.municipality_id == municipality.id,
            Assessment.status != AssessmentStatus.VALIDATED,
            # A synthetic inventory (demos, benchmarks) never blocks or feeds a real one.
            Assessment.synthetic.is_(False),
        )
        .order_by(Assessment.id.desc())
    )


def assessments_of(session: Session, municipality: Municipality) -> list[Assessment]:
    """Return every assessment of the municipality, newest first."""
    return list(
        session.scalars(
            select(Assessment)
            .where(Assessment.municipality_id == municipality.id)
            .order_by(Assessment.id.desc())
        )
    )


def start_assessment(
    session: Session,
    municipality: Municipality,
    user: User,
    questionnaire: Questionnaire,
    previous_questionnaire: Questionnaire | None = None,
) -> Assessment:
    """Start a new assessment on the questionnaire version; carry over the latest answers.

    Only one assessment per municipality can be open at a time; its answers are carried over
    from the newest earlier assessment by question id (and `replaces`).
    """
    if open_assessment(session, municipality) is not None:
        raise AssessmentError("assessment_open")
    from advisory.services.review import effective_answers

    assessment, previous = new_assessment(session, municipality, questionnaire, user)
    prefilled: dict[str, Answer] = _prefill(questionnaire, municipality)
    carried: dict[str, Answer] = {}
    if previous is not None and previous_questionnaire is not None:
        # What counted last time: the reviewed value where an advisor gave one.
        carried = carry_over(
            previous_questionnaire, questionnaire, effective_answers(session, previous)
        )
    for question_id, answer in {**prefilled, **carried}.items():
        data = answer.to_json()
        session.add(
            AnswerRow(
                assessment_id=assessment.id,
                question_id=question_id,
                status=data["status"],
                value=data.get("value"),
                carried_over=question_id in carried,
                updated_by_id=user.id,
            )
        )
    summarise(session, assessment)
    session.commit()
    return assessment


def new_assessment(
    session: Session, municipality: Municipality, questionnaire: Questionnaire, user: User | None
) -> tuple[Assessment, Assessment | None]:
    """Add an empty assessment that follows the municipality's newest one; return both."""
    previous = session.scalar(
        select(Assessment)
        .where(Assessment.municipality_id == municipality.id, Assessment.synthetic.is_(False))
        .order_by(Assessment.id.desc())
    )
    assessment = Assessment(
        municipality=municipality,
        questionnaire_id=questionnaire.id,
        questionnaire_version=questionnaire.version,
        created_by=user,
        previous_id=previous.id if previous else None,
    )
    session.add(assessment)
    session.flush()
    return assessment, previous


def _prefill(questionnaire: Questionnaire, municipality: Municipality) -> dict[str, Answer]:
    """Answer profile questions that the directory already knows (e.g. association membership)."""
    facts = municipality_facts(municipality)
    answers = {}
    for question in questionnaire.profile.questions:
        if question.prefill and facts.get(question.prefill) is not None:
            try:
                answers[question.id] = validate_answer(
                    question, {"status": "answered", "value": facts[question.prefill]}
                )
            except AnswerError:
                continue  # a fact that does not fit the question is not worth guessing
    return answers


def answer_rows(session: Session, assessment: Assessment) -> dict[str, AnswerRow]:
    """Return the stored answers of an assessment by question id."""
    rows = session.scalars(
        select(AnswerRow)
        .where(AnswerRow.assessment_id == assessment.id)
        .options(joinedload(AnswerRow.updated_by))  # pages show who saved each answer
    )
    return {row.question_id: row for row in rows}


def load_answers(session: Session, assessment: Assessment) -> dict[str, Answer]:
    """Return the answers as the engine sees them.

    A member of an association gets its association's answers to the administration's questions.
    """
    rows = session.execute(
        select(AnswerRow.question_id, AnswerRow.status, AnswerRow.value).where(
            AnswerRow.assessment_id == assessment.id
        )
    )
    own = answers_from(rows)
    if assessment.municipality is None or not assessment.municipality.in_association:
        return own
    from advisory.content import questionnaire
    from advisory.services.associations import with_inherited

    pinned = questionnaire(assessment.questionnaire_id, assessment.questionnaire_version)
    return with_inherited(session, assessment, pinned, own)


def as_answer(row: AnswerRow) -> Answer:
    return Answer.from_json({"status": row.status, "value": row.value})


@dataclass(frozen=True)
class SaveResult:
    """What saving one answer did: the stored row (None when cleared) and whether it changed."""

    row: AnswerRow | None
    changed: bool
    revision: int = 0
    #: The inventory's answers after a change, as `load_answers` returns them (None: unchanged).
    answers: dict[str, Answer] | None = None


# The autosave's statements, built once with their values bound per call: SQLAlchemy then does
# not work out their cache keys on every save, which cost more than running them.
_ANSWERS = AnswerRow.__table__
_STORED = select(AnswerRow).where(
    AnswerRow.assessment_id == bindparam("assessment"),
    AnswerRow.question_id == bindparam("question"),
)
# The revision in the WHERE clause makes the check and the write one atomic step.
_UPDATE_STORED = (
    update(_ANSWERS)
    .where(_ANSWERS.c.id == bindparam("row"), _ANSWERS.c.revision == bindparam("seen"))
    .values(
        status=bindparam("new_status"),
        value=bindparam("new_value", type_=_ANSWERS.c.value.type),
        revision=bindparam("new_revision"),
        carried_over=False,
        updated_by_id=bindparam("by"),
        updated_at=bindparam("at"),
    )
)
_RECORD_CHANGE = insert(AnswerChange.__table__)
_INVENTORIES = Assessment.__table__
_RAISE_REVISION = (
    update(_INVENTORIES)
    .where(_INVENTORIES.c.id == bindparam("assessment"))
    .values(revision=_INVENTORIES.c.revision + 1, updated_at=bindparam("at"))
    .returning(_INVENTORIES.c.revision)
)


def save_answer(
    session: Session,
    assessment: Assessment,
    question: Question,
    answer: Answer | None,
    expected_revision: int,
    user: User,
) -> SaveResult:
    """Store one answer if nobody changed it since revision `expected_revision` (0: unanswered).

    `answer` None clears the answer. A change is recorded with old and new value. Raises
    AnswerConflictError when the stored revision differs, so that two colleagues never
    overwrite each other silently.
    """
    current = session.scalar(_STORED, {"assessment": assessment.id, "question": question.id})
    # A cleared answer has no row, but its revisions go on from the recorded history, so that
    # a page still showing an older revision gets a conflict instead of overwriting.
    current_revision = (
        current.revision if current else _last_revision(session, assessment, question)
    )
    old_status, old_value = (current.status, current.value) if current else (None, None)
    new = answer.to_json() if answer is not None else None
    if current is not None and new is not None and _same(current, new):
        if current.carried_over:
            # Saving a carried-over answer unchanged confirms it.
            current.carried_over = False
            session.commit()
        return SaveResult(current, changed=False, revision=current_revision)
    if current is None and new is None:
        return SaveResult(None, changed=False, revision=current_revision)
    # A page that showed the answer as never given (0) saw the same state as a cleared one.
    unanswered_seen = current is None and expected_revision == 0
    if current_revision != expected_revision and not unanswered_seen:
        raise AnswerConflictError(current, current_revision)
    revision = current_revision + 1
    now = utcnow()
    if current is None:
        row = AnswerRow(
            assessment_id=assessment.id,
            question_id=question.id,
            status=new["status"],
            value=new.get("value"),
            revision=revision,
            updated_by_id=user.id,
            updated_at=now,
        )
        session.add(row)
        try:
            session.flush()
        except IntegrityError:
            session.rollback()  # someone else answered first
            raise _conflict(session, assessment, question) from None
    elif new is None:
        done = session.execute(
            delete(AnswerRow).where(
                AnswerRow.id == current.id, AnswerRow.revision == current_revision
            )
        )
        if done.rowcount != 1:
            session.rollback()
            raise _conflict(session, assessment, question)
        row = None
    else:
        done = session.execute(
            _UPDATE_STORED,
            {
                "row": current.id,
                "seen": current_revision,
                "new_status": new["status"],
                "new_value": new.get("value"),
                "new_revision": revision,
                "by": user.id,
                "at": now,
            },
        )
        if done.rowcount != 1:
            session.rollback()
            raise _conflict(session, assessment, question)
        session.expire(current)
        row = current
    session.execute(
        _RECORD_CHANGE,
        {
            "assessment_id": assessment.id,
            "question_id": question.id,
            "revision": revision,
            "old_status": old_status,
            "old_value": old_value,
            "new_status": new["status"] if new else "cleared",
            "new_value": new.get("value") if new else None,
            "changed_by_id": user.id,
            "changed_at": now,
        },
    )
    inventory_revision = session.scalar(_RAISE_REVISION, {"assessment": assessment.id, "at": now})
    from advisory.services.associations import shared_source

    if assessment.association_id is not None or shared_source(session, assessment) is not None:
        # The summaries of an association's members and of a member follow two inventories:
        # they are scored in the same transaction.
        answers = load_answers(session, assessment)
        summarise(session, assessment, answers)
        session.commit()
    else:
        # The answer is stored first, so that the write lock is held only for the statements
        # above; the summary follows right after (see follow_summary).
        session.commit()
        answers = follow_summary(session, assessment, inventory_revision)
    return SaveResult(row, changed=True, revision=revision, answers=answers)


def follow_summary(session: Session, assessment: Assessment, revision: int) -> dict[str, Answer]:
    """Bring the inventory's summary up to at least `revision`, just committed; return the
    inventory's answers as they are now (as `load_answers` returns them).

    For an inventory that inherits nothing. Everything the scores depend on (answers, reviewed
    values, domain settings) and the inventory's and its summary's revision are read in one
    statement, so they belong together. When a concurrent save already stored a summary that
    new, nothing is scored. The summary is written only over an older one, so a slower request
    never puts older figures back. If this step fails, the saved answer stays saved and the
    summary stays behind its inventory's revision, where `advisory refresh-summaries --stale`
    and the next save find it.
    """
    from advisory.services.portfolio import store_summary
    from advisory.services.results import domain_settings, score_from

    # One read and one guarded write, each complete in itself: no transaction around them
    # (on PostgreSQL that saves the round trips for BEGIN and COMMIT).
    session.connection(execution_options={"isolation_level": "AUTOCOMMIT"})
    row = session.execute(_scoring_state(session), {"assessment": assessment.id}).one()
    current, summarised, own, reviewed, domains = row
    answers = answers_from(json_rows(own))
    if summarised is not None and summarised >= max(current, revision):
        session.commit()  # nothing to write
        return answers
    try:
        if summarised is None:  # no summary yet: made in a transaction of its own
            session.commit()
            summarise(session, assessment, answers)
        else:
            settings = domain_settings(json_rows(domains))
            scores = score_from(assessment, answers, answers_from(json_rows(reviewed)), settings)
            store_summary(session, assessment, current, scores)
        session.commit()
    except SQLAlchemyError:
        session.rollback()
        log.exception("The summary of inventory %s could not be updated", assessment.id)
    return answers


_SCORING_STATE: dict[str, object] = {}


def _scoring_state(session: Session):
    """Return the statement that reads what an inventory's scores depend on in one row: its
    revision, its summary's revision, and its answers, reviewed values and domain settings as
    JSON arrays (built once per kind of database)."""
    dialect = session.get_bind().dialect.name
    statement = _SCORING_STATE.get(dialect)
    if statement is None:
        inventory = bindparam("assessment")
        statement = (
            select(
                Assessment.revision,
                InventorySummary.revision,
                rows_as_json(
                    dialect,
                    (AnswerRow.question_id, AnswerRow.status, AnswerRow.value),
                    AnswerRow.assessment_id == inventory,
                ),
                rows_as_json(
                    dialect,
                    (AnswerReview.question_id, AnswerReview.status, AnswerReview.value),
                    AnswerReview.assessment_id == inventory,
                    AnswerReview.status.is_not(None),
                ),
                rows_as_json(
                    dialect,
                    (
                        AssessmentDomain.domain_id,
                        AssessmentDomain.not_applicable,
                        AssessmentDomain.reason,
                        AssessmentDomain.target_level,
                    ),
                    AssessmentDomain.assessment_id == inventory,
                ),
            )
            .outerjoin(InventorySummary, InventorySummary.assessment_id == Assessment.id)
            .where(Assessment.id == inventory)
        )
        _SCORING_STATE[dialect] = statement
    return statement


def answers_from(rows) -> dict[str, Answer]:
    """Return the answers of (question id, status, value) rows by question id."""
    return {
        qid: Answer.from_json({"status": status, "value": value}) for qid, status, value in rows
    }


def summarise(
    session: Session, assessment: Assessment, answers: dict[str, Answer] | None = None
) -> None:
    """Keep the inventory's portfolio summary in step, in the same transaction.

    `answers`: the inventory's answers as `load_answers` returns them, when the caller has them.
    """
    # Imported here: the portfolio service scores through services.results, which imports this.
    from advisory.services.portfolio import refresh_summary

    if assessment.association_id is not None:
        # Every member inherits the association's answers: their figures change with them.
        from advisory.services.associations import refresh_members

        refresh_members(session, assessment)
        return
    refresh_summary(session, assessment, answers)


def _same(row: AnswerRow, new: Mapping[str, object]) -> bool:
    return row.status == new["status"] and row.value == new.get("value")


def _last_revision(session: Session, assessment: Assessment, question: Question) -> int:
    """Return the newest recorded revision of an answer (0 if it was never given)."""
    return (
        session.scalar(
            select(func.max(AnswerChange.revision)).where(
                AnswerChange.assessment_id == assessment.id,
                AnswerChange.question_id == question.id,
            )
        )
        or 0
    )


def _conflict(session: Session, assessment: Assessment, question: Question) -> AnswerConflictError:
    current = _reload(session, assessment, question)
    return AnswerConflictError(current, _last_revision(session, assessment, question))


def _reload(session: Session, assessment: Assessment, question: Question) -> AnswerRow | None:
    return session.scalar(
        select(AnswerRow).where(
            AnswerRow.assessment_id == assessment.id, AnswerRow.question_id == question.id
        )
    )


def answer_history(
    session: Session, assessment: Assessment, question_id: str
) -> list[AnswerChange]:
    """Return every recorded change of one answer, newest first."""
    return list(
        session.scalars(
            select(AnswerChange)
            .where(
                AnswerChange.assessment_id == assessment.id,
                AnswerChange.question_id == question_id,
            )
            .order_by(AnswerChange.id.desc())
        )
    )


def domain_states(session: Session, assessment: Assessment) -> dict[str, AssessmentDomain]:
    """Return the per-domain settings (not applicable, target level) by domain id."""
    rows = session.scalars(
        select(AssessmentDomain).where(AssessmentDomain.assessment_id == assessment.id)
    )
    return {row.domain_id: row for row in rows}


def set_domain_applicability(
    session: Session,
    assessment: Assessment,
    domain_id: str,
    *,
    not_applicable: bool,
    reason: str,
    user: User,
) -> None:
    """Mark a domain as not applicable (a reason is required) or as applicable again."""
    reason = reason.strip()
    if not_applicable and not reason:
        raise AssessmentError("reason_required")
    state = domain_states(session, assessment).get(domain_id)
    if state is None:
        state = AssessmentDomain(assessment_id=assessment.id, domain_id=domain_id)
        session.add(state)
    state.not_applicable = not_applicable
    state.reason = reason if not_applicable else None
    state.updated_by_id = user.id
    state.updated_at = utcnow()
    session.execute(
        update(Assessment)
        .where(Assessment.id == assessment.id)
        .values(revision=Assessment.revision + 1, updated_at=state.updated_at)
        .execution_options(synchronize_session=False)
    )
    summarise(session, assessment)
    session.commit()


@dataclass(frozen=True)
class SectionProgress:
    """Progress of one section (the profile or a domain) of an assessment."""

    id: str
    shown: int
    answered: int
    not_applicable: bool
    reason: str | None
    last_edited_by: str | None
    last_edited_at: object | None

    @property
    def complete(self) -> bool:
        return self.not_applicable or (self.shown > 0 and self.answered >= self.shown)

    @property
    def status(self) -> str:
        if self.not_applicable:
            return "not_applicable"
        if self.answered == 0:
            return "not_started"
        return "complete" if self.complete else "in_progress"


def progress(
    questionnaire: Questionnaire,
    rows: Mapping[str, AnswerRow],
    facts: Mapping[str, object],
    states: Mapping[str, AssessmentDomain],
) -> tuple[list[SectionProgress], set[str]]:
    """Return progress per section (profile first) and the set of visible question ids."""
    answers = {qid: as_answer(row) for qid, row in rows.items()}
    visible = visible_questions(questionnaire, answers, facts)
    sections = [("profile", questionnaire.profile.questions)] + [
        (d.id, d.questions) for d in questionnaire.domains
    ]
    result = [
        _section_progress(section_id, questions, rows, visible, states.get(section_id))
        for section_id, questions in sections
    ]
    return result, visible


def _section_progress(
    section_id: str,
    questions: tuple[Question, ...],
    rows: Mapping[str, AnswerRow],
    visible: set[str],
    state: AssessmentDomain | None,
) -> SectionProgress:
    """Return the progress of one section; `rows` needs at least the section's answers."""
    shown = [q.id for q in questions if q.id in visible]
    edited = [rows[qid] for qid in (q.id for q in questions) if qid in rows]
    last = max(edited, key=lambda r: r.updated_at, default=None)
    return SectionProgress(
        id=section_id,
        shown=len(shown),
        answered=sum(1 for qid in shown if qid in rows),
        not_applicable=bool(state and state.not_applicable),
        reason=state.reason if state else None,
        last_edited_by=last.updated_by.name if last and last.updated_by else None,
        last_edited_at=last.updated_at if last else None,
    )


@dataclass(frozen=True)
class SectionPage:
    """What one section's page shows: its stored answers, what is visible, its progress."""

    rows: dict[str, AnswerRow]
    visible: set[str]
    progress: SectionProgress
    # A member of an association: the shared administration's answers in `rows` and their source.
    inherited: Inheritance | None = None


# A domain page's statements, built once (see the autosave's statements).
_SECTION_ROWS = (
    select(AnswerRow)
    .where(
        AnswerRow.assessment_id == bindparam("assessment"),
        AnswerRow.question_id.in_(bindparam("questions", expanding=True)),
    )
    .options(joinedload(AnswerRow.updated_by))  # the page shows who saved each answer
)
_SECTION_STATE = select(AssessmentDomain).where(
    AssessmentDomain.assessment_id == bindparam("assessment"),
    AssessmentDomain.domain_id == bindparam("section"),
)
_REVISIONS = select(Assessment.id, Assessment.revision).where(
    Assessment.id.in_(bindparam("ids", expanding=True))
)


def section_page(
    session: Session,
    assessment: Assessment,
    questionnaire: Questionnaire,
    section_id: str,
    questions: tuple[Question, ...],
) -> SectionPage:
    """Load what the page of one section (the profile or a domain) needs.

    Visibility depends on answers anywhere in the inventory, so every answer is read, but only
    as values; the full rows (revision, who saved it, when) are loaded for the section alone.
    """
    ids = [q.id for q in questions]
    rows = {
        row.question_id: row
        for row in session.scalars(_SECTION_ROWS, {"assessment": assessment.id, "questions": ids})
    }
    inherited = None
    if assessment.municipality is not None and assessment.municipality.in_association:
        from advisory.services.associations import member_rows

        rows, inherited = member_rows(session, assessment, questionnaire, rows)
    visible = _visible(session, assessment, questionnaire)
    state = session.scalar(_SECTION_STATE, {"assessment": assessment.id, "section": section_id})
    progress_ = _section_progress(section_id, questions, rows, visible, state)
    return SectionPage(rows, visible, progress_, inherited)


def get_assessment(session: Session, assessment_id: int) -> Assessment | None:
    """Return the inventory with its municipality (every page checks access on it) in one query."""
    return session.get(Assessment, assessment_id, options=[joinedload(Assessment.municipality)])


def answers_key(session: Session, assessment: Assessment) -> tuple:
    """Return a key that changes whenever the answers the engine sees for the inventory change.

    Every change of an answer, a reviewed value, a target or a domain's applicability raises the
    inventory's revision in the same transaction; it is read from the database, not the session.
    A member of an association inherits the shared inventory's answers: its revision counts too.
    The key also holds the pinned questionnaire and the municipality's directory facts.
    """
    from advisory.content import questionnaire

    pinned = questionnaire(assessment.questionnaire_id, assessment.questionnaire_version)
    facts = tuple(sorted(municipality_facts(assessment.municipality).items()))
    shared = None
    if assessment.municipality is not None and assessment.municipality.in_association:
        from advisory.services.associations import shared_source

        shared = shared_source(session, assessment)
    ids = [assessment.id] if shared is None else [assessment.id, shared.id]
    revisions = {row.id: row.revision for row in session.execute(_REVISIONS, {"ids": ids})}
    revision = revisions.get(assessment.id)
    source = None if shared is None else (shared.id, revisions.get(shared.id))
    return (
        assessment.id,
        revision,
        assessment.questionnaire_id,
        assessment.questionnaire_version,
        id(pinned),
        facts,
        source,
    )


#: Visible question ids kept per application, by `answers_key` (the domain pages ask for them).
VISIBLE_CACHE_SIZE = 256


def _visible(session: Session, assessment: Assessment, questionnaire: Questionnaire) -> set[str]:
    facts = municipality_facts(assessment.municipality)
    if not has_app_context():
        return visible_questions(questionnaire, load_answers(session, assessment), facts)
    from advisory.kept import app_kept

    cache = app_kept("visible", VISIBLE_CACHE_SIZE)
    key = answers_key(session, assessment)
    kept = cache.get(key)
    if kept is not None:
        return set(kept)
    visible = visible_for(questionnaire, load_answers(session, assessment), facts)
    cache.put(key, frozenset(visible))
    return visible


def visible_for(
    questionnaire: Questionnaire, answers: Mapping[str, Answer], facts: Mapping[str, object]
) -> set[str]:
    """Return `visible_questions`, kept per application by what it depends on: the questionnaire,
    the directory facts and the answers to the questions that conditions use.

    Most answers feed no condition, so after most saves the visible questions are known.
    """
    if not has_app_context():
        return visible_questions(questionnaire, answers, facts)
    from advisory.kept import app_kept

    try:
        key = (
            id(questionnaire),
            questionnaire.id,
            questionnaire.version,
            tuple(sorted(facts.items())),
            tuple(answers.get(name) for name in questionnaire.condition_names),
        )
        hash(key)
    except TypeError:  # a matrix answer's mapping: not a key
        return visible_questions(questionnaire, answers, facts)
    cache = app_kept("visible-by-conditions", VISIBLE_CACHE_SIZE)
    kept = cache.get(key)
    if kept is None:
        kept = frozenset(visible_questions(questionnaire, answers, facts))
        cache.put(key, kept)
    return set(kept)


def import_answers(
    session: Session,
    assessment: Assessment,
    questionnaire: Questionnaire,
    answers: Mapping[str, object],
    user: User,
) -> list[str]:
    """Store many answers at once (demo data, imports), each recorded as a change.

    Answers are validated against their questions; returns the ids that were refused.
    Existing answers of the assessment are replaced.
    """
    refused = []
    rows = answer_rows(session, assessment)
    now = utcnow()
    for question_id, raw in answers.items():
        question = questionnaire.find_question(question_id)
        try:
            if question is None:
                raise AnswerError(question_id, "unbekannte Frage", "unknown question")
            data = validate_answer(question, raw).to_json()
        except AnswerError:
            refused.append(question_id)
            continue
        row = rows.get(question_id)
        old = (row.status, row.value) if row else (None, None)
        if row is None:
            row = AnswerRow(
                assessment_id=assessment.id,
                question_id=question_id,
                revision=_last_revision(session, assessment, question),
            )
            session.add(row)
        row.status, row.value = data["status"], data.get("value")
        row.revision += 1
        row.updated_by_id, row.updated_at = user.id, now
        session.add(
            AnswerChange(
                assessment_id=assessment.id,
                question_id=question_id,
                revision=row.revision,
                old_status=old[0],
                old_value=old[1],
                new_status=row.status,
                new_value=row.value,
                changed_by_id=user.id,
                changed_at=now,
            )
        )
    assessment.revision += 1
    assessment.updated_at = now
    summarise(session, assessment)
    session.commit()
    return refused


def inventories_in(session: Session, municipality_ids, limit: int = 100) -> list[tuple]:
    """Return (assessment, number of answers) for the municipalities, last edited first."""
    counts = (
        select(AnswerRow.assessment_id, func.count().label("answers"))
        .group_by(AnswerRow.assessment_id)
        .subquery()
    )
    rows = session.execute(
        select(Assessment, func.coalesce(counts.c.answers, 0))
        .outerjoin(counts, counts.c.assessment_id == Assessment.id)
        .where(Assessment.municipality_id.in_(municipality_ids))
        .options(joinedload(Assessment.municipality))
        .order_by(Assessment.updated_at.desc())
        .limit(limit)
    )
    return [tuple(row) for row in rows]
