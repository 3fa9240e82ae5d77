"""Review mode: the advisor's reviewed values beside the self-assessed ones, notes, follow-ups,
findings per domain, the summary and the visit record; what is still open before submitting."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass

from sqlalchemy import select, update
from sqlalchemy.orm import Session, joinedload

from advisory.models import (
    AnswerChange,
    AnswerReview,
    Assessment,
    Finding,
    ReviewRecord,
    User,
    utcnow,
)
from advisory.services.assessments import (
    AnswerConflictError,
    AssessmentError,
    answer_rows,
    answers_from,
    domain_states,
    load_answers,
    municipality_facts,
    summarise,
)
from questionnaires import Answer, Question, Questionnaire, visible_questions

FINDING_KINDS = ("strength", "observation", "gap")
SEVERITIES = ("low", "medium", "high")
MAX_TEXT = 5000


def reviews(session: Session, assessment: Assessment) -> dict[str, AnswerReview]:
    """Return the advisor's reviews of the assessment by question id."""
    rows = session.scalars(
        select(AnswerReview)
        .where(AnswerReview.assessment_id == assessment.id)
        .options(joinedload(AnswerReview.updated_by))
    )
    return {row.question_id: row for row in rows}


def reviewed_answers(session: Session, assessment: Assessment) -> dict[str, Answer]:
    """Return the reviewed values (only where the advisor gave one)."""
    rows = session.execute(
        select(AnswerReview.question_id, AnswerReview.status, AnswerReview.value).where(
            AnswerReview.assessment_id == assessment.id, AnswerReview.status.is_not(None)
        )
    )
    return answers_from(rows)


def effective_answers(session: Session, assessment: Assessment) -> dict[str, Answer]:
    """Return the answers that count: the reviewed value where there is one, else the own one."""
    return {**load_answers(session, assessment), **reviewed_answers(session, assessment)}


@dataclass(frozen=True)
class ReviewResult:
    """What saving a review did: the stored row and whether the reviewed value changed."""

    row: AnswerReview
    changed: bool


def save_review(
    session: Session,
    assessment: Assessment,
    question: Question,
    answer: Answer | None,
    *,
    confirm: bool,
    note: str,
    follow_up: bool,
    expected_revision: int,
    user: User,
) -> ReviewResult:
    """Confirm the self-assessed answer or store a corrected value, with a note and a mark.

    `confirm` takes the municipality's answer as the reviewed value; otherwise `answer` is the
    corrected value (None: no reviewed value). Raises AnswerConflictError when someone else
    saved a review of this answer since revision `expected_revision`.
    """
    if confirm:
        own = load_answers(session, assessment).get(question.id)
        if own is None:
            raise AssessmentError("nothing_to_confirm")
        answer = own
    current = session.scalar(
        select(AnswerReview).where(
            AnswerReview.assessment_id == assessment.id,
            AnswerReview.question_id == question.id,
        )
    )
    current_revision = current.revision if current else 0
    if current_revision != expected_revision:
        raise AnswerConflictError(current)
    data = answer.to_json() if answer is not None else {"status": None}
    note = note.strip()[:MAX_TEXT] or None
    now = utcnow()
    if current is None:
        current = AnswerReview(
            assessment_id=assessment.id, question_id=question.id, revision=0, status=None
        )
        session.add(current)
    old_status, old_value = current.status, current.value
    changed = (old_status, old_value) != (data["status"], data.get("value"))
    if not changed and current.note == note and current.follow_up == follow_up:
        return ReviewResult(current, changed=False)
    current.status, current.value = data["status"], data.get("value")
    current.note, current.follow_up = note, follow_up
    current.revision = current_revision + 1
    current.updated_by_id, current.updated_at = user.id, now
    if changed:
        session.add(
            AnswerChange(
                assessment_id=assessment.id,
                question_id=question.id,
                revision=current.revision,
                old_status=old_status,
                old_value=old_value,
                new_status=data["status"] or "cleared",
                new_value=data.get("value"),
                kind="review",
                changed_by_id=user.id,
                changed_at=now,
            )
        )
    _touch(session, assessment, now)
    session.commit()
    return ReviewResult(current, changed=changed)


def _touch(session: Session, assessment: Assessment, now: dt.datetime) -> None:
    session.execute(
        update(Assessment)
        .where(Assessment.id == assessment.id)
        .values(revision=Assessment.revision + 1, updated_at=now)
        .execution_options(synchronize_session=False)
    )
    summarise(session, assessment)  # reviewed values change the dashboard's scores


def findings(session: Session, assessment: Assessment) -> list[Finding]:
    """Return the findings of the assessment in the order they were recorded."""
    return list(
        session.scalars(
            select(Finding).where(Finding.assessment_id == assessment.id).order_by(Finding.id)
        )
    )


def add_finding(
    session: Session,
    assessment: Assessment,
    questionnaire: Questionnaire,
    *,
    domain_id: str,
    kind: str,
    severity: str,
    text: str,
    user: User,
) -> Finding:
    """Record a finding about a domain; raise AssessmentError for unknown values or no text."""
    if domain_id not in {d.id for d in questionnaire.domains}:
        raise AssessmentError("unknown_domain")
    if kind not in FINDING_KINDS or severity not in SEVERITIES:
        raise AssessmentError("bad_finding")
    text = text.strip()
    if not text:
        raise AssessmentError("finding_text_required")
    finding = Finding(
        assessment_id=assessment.id,
        domain_id=domain_id,
        kind=kind,
        severity=severity,
        text=text[:MAX_TEXT],
        created_by_id=user.id,
    )
    session.add(finding)
    session.commit()
    return finding


def delete_finding(session: Session, assessment: Assessment, finding_id: int) -> bool:
    """Delete one finding of this assessment; tell whether there was one."""
    finding = session.get(Finding, finding_id)
    if finding is None or finding.assessment_id != assessment.id:
        return False
    session.delete(finding)
    session.commit()
    return True


def record(session: Session, assessment: Assessment) -> ReviewRecord | None:
    """Return the summary and visit record of the assessment, if any was written."""
    return session.scalar(select(ReviewRecord).where(ReviewRecord.assessment_id == assessment.id))


def record_revision(row: ReviewRecord | None) -> str:
    """Return a token that changes whenever the record is saved ("" while there is none)."""
    return row.updated_at.isoformat() if row is not None and row.updated_at else ""


def save_record(
    session: Session,
    assessment: Assessment,
    *,
    summary: str,
    visit_date: dt.date | None,
    visit_place: str,
    participants: str,
    user: User,
) -> ReviewRecord:
    """Store the advisor's summary and the visit record (date, place, participants)."""
    row = record(session, assessment)
    if row is None:
        row = ReviewRecord(assessment_id=assessment.id)
        session.add(row)
    row.summary = summary.strip()[:MAX_TEXT] or None
    row.visit_date = visit_date
    row.visit_place = visit_place.strip()[:300] or None
    row.participants = participants.strip()[:MAX_TEXT] or None
    row.updated_by_id, row.updated_at = user.id, utcnow()
    session.commit()
    return row


@dataclass(frozen=True)
class OpenItem:
    """A shown question that is unanswered or answered "don't know"."""

    section_id: str
    question: Question
    status: str  # open | dont_know


def open_items(
    session: Session, assessment: Assessment, questionnaire: Questionnaire
) -> list[OpenItem]:
    """Return what is still open: unanswered shown questions and "don't know" answers.

    Questions of domains marked as not applicable are left out.
    """
    rows = answer_rows(session, assessment)
    answers = load_answers(session, assessment)
    visible = visible_questions(questionnaire, answers, municipality_facts(assessment.municipality))
    excluded = {d for d, s in domain_states(session, assessment).items() if s.not_applicable}
    items = []
    for section in (questionnaire.profile, *questionnaire.domains):
        section_id = getattr(section, "id", "profile")
        if section_id in excluded:
            continue
        for question in section.questions:
            if question.id not in visible:
                continue
            row = rows.get(question.id)
            if row is None:
                items.append(OpenItem(section_id, question, "open"))
            elif row.status == "dont_know":
                items.append(OpenItem(section_id, question, "dont_know"))
    return items


def interview_order(
    questions: tuple[Question, ...], answers: Mapping[str, Answer]
) -> list[Question]:
    """Order a domain's questions for the interview: "don't know" and unanswered first."""

    def rank(question: Question) -> int:
        answer = answers.get(question.id)
        if answer is None or str(answer.status) == "dont_know":
            return 0
        return 1

    return sorted(questions, key=rank)
