"""The life cycle of an inventory as one state machine; every step is recorded.

in progress → submitted → in review → changes requested → submitted → …
                                    → validated → (re-opened with a reason) → in review

Who may edit what in each status:
- in progress, changes requested: the municipality (and an advisor helping it) edits its answers.
- submitted, in review, validated: the municipality's answers are locked. In review the advisor
  works in review mode on the same inventory (reviewed values, notes, evidence, findings,
  summary, visit); the self-assessed answers stay as the municipality gave them.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from advisory.access import can_edit_answers, can_review
from advisory.models import Assessment, AssessmentStatus, Role, StatusChange, User, utcnow

S = AssessmentStatus


class TransitionError(ValueError):
    """A step of the life cycle was refused; the message is a code the view translates."""


@dataclass(frozen=True)
class Transition:
    """A named step: from which statuses to which one, and whether a comment is required."""

    name: str
    sources: frozenset[AssessmentStatus]
    target: AssessmentStatus
    by_reviewer: bool
    comment_required: bool = False


TRANSITIONS = {
    t.name: t
    for t in (
        Transition("submit", frozenset({S.IN_PROGRESS, S.CHANGES_REQUESTED}), S.SUBMITTED, False),
        Transition("start_review", frozenset({S.SUBMITTED}), S.IN_REVIEW, True),
        Transition("request_changes", frozenset({S.IN_REVIEW}), S.CHANGES_REQUESTED, True, True),
        Transition("validate", frozenset({S.IN_REVIEW}), S.VALIDATED, True),
        Transition("reopen", frozenset({S.VALIDATED}), S.IN_REVIEW, True, True),
    )
}

#: Statuses in which the municipality's own answers may be changed.
EDITABLE = frozenset({S.IN_PROGRESS, S.CHANGES_REQUESTED})


def may_edit_answers(user: User, assessment: Assessment) -> bool:
    """Tell whether the user may change the self-assessed answers now."""
    return AssessmentStatus(assessment.status) in EDITABLE and can_edit_answers(
        user, assessment.municipality
    )


def may_review(user: User, assessment: Assessment) -> bool:
    """Tell whether the user may work in review mode now (an advisor in scope, in review)."""
    return assessment.status == S.IN_REVIEW and can_review(user, assessment.municipality)


def allowed(user: User, assessment: Assessment) -> list[str]:
    """Return the names of the steps the user may take now."""
    return [name for name, t in TRANSITIONS.items() if _permitted(user, assessment, t)]


def _permitted(user: User, assessment: Assessment, t: Transition) -> bool:
    if AssessmentStatus(assessment.status) not in t.sources:
        return False
    if t.by_reviewer:
        # A municipality can never review or validate its own inventory.
        if Role(user.role).is_municipal or user.municipality_id == assessment.municipality_id:
            return False
        return can_review(user, assessment.municipality)
    return can_edit_answers(user, assessment.municipality)


def transition(
    session: Session, assessment: Assessment, name: str, user: User, comment: str = ""
) -> StatusChange:
    """Take one step of the life cycle and record it; raise TransitionError when refused."""
    t = TRANSITIONS.get(name)
    if t is None:
        raise TransitionError("unknown_step")
    if AssessmentStatus(assessment.status) not in t.sources:
        raise TransitionError("wrong_status")
    if not _permitted(user, assessment, t):
        raise TransitionError("not_allowed")
    comment = comment.strip()
    if t.comment_required and not comment:
        raise TransitionError("comment_required")
    now = utcnow()
    change = StatusChange(
        assessment_id=assessment.id,
        old_status=str(assessment.status),
        new_status=str(t.target),
        comment=comment or None,
        changed_by_id=user.id,
        changed_at=now,
    )
    session.add(change)
    assessment.status = t.target
    if t.target == S.VALIDATED:
        assessment.validated_by_id = user.id
        assessment.validated_at = now
    elif name == "reopen":
        assessment.validated_by_id = None
        assessment.validated_at = None
    assessment.revision += 1
    assessment.updated_at = now
    session.commit()
    return change


def status_history(session: Session, assessment: Assessment) -> list[StatusChange]:
    """Return every recorded step of the inventory, newest first."""
    return list(
        session.scalars(
            select(StatusChange)
            .where(StatusChange.assessment_id == assessment.id)
            .order_by(StatusChange.id.desc())
        )
    )
