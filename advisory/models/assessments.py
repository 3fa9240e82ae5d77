"""Inventories, their answers and the recorded history of every change."""

from __future__ import annotations

import datetime as dt
import enum
from typing import TYPE_CHECKING, Any

from sqlalchemy import (
    JSON,
    ForeignKey,
    Index,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from advisory.models.base import Base, utcnow

if TYPE_CHECKING:
    from advisory.models.accounts import User
    from advisory.models.directory import Municipality


class AssessmentStatus(enum.StrEnum):
    IN_PROGRESS = "in_progress"
    SUBMITTED = "submitted"
    IN_REVIEW = "in_review"
    CHANGES_REQUESTED = "changes_requested"
    VALIDATED = "validated"


class Assessment(Base):
    """One inventory of one municipality on one pinned questionnaire version."""

    __tablename__ = "assessment"

    id: Mapped[int] = mapped_column(primary_key=True)
    municipality_id: Mapped[int] = mapped_column(ForeignKey("municipality.id"), index=True)
    questionnaire_id: Mapped[str] = mapped_column(String(64))
    questionnaire_version: Mapped[str] = mapped_column(String(32))
    status: Mapped[AssessmentStatus] = mapped_column(
        String(24), default=AssessmentStatus.IN_PROGRESS
    )
    # Bumped on every saved change; lets a page tell that something changed meanwhile.
    revision: Mapped[int] = mapped_column(default=0)
    previous_id: Mapped[int | None] = mapped_column(ForeignKey("assessment.id"))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    validated_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    validated_at: Mapped[dt.datetime | None]

    municipality: Mapped[Municipality] = relationship()
    created_by: Mapped[User | None] = relationship(foreign_keys=[created_by_id])
    validated_by: Mapped[User | None] = relationship(foreign_keys=[validated_by_id])


class Answer(Base):
    """The current answer to one question; its revision guards against lost updates."""

    __tablename__ = "answer"
    __table_args__ = (UniqueConstraint("assessment_id", "question_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    assessment_id: Mapped[int] = mapped_column(ForeignKey("assessment.id", ondelete="CASCADE"))
    question_id: Mapped[str] = mapped_column(String(128))
    status: Mapped[str] = mapped_column(String(16))  # answered | not_applicable | dont_know
    value: Mapped[Any | None] = mapped_column(JSON)
    revision: Mapped[int] = mapped_column(default=1)
    # Taken from the previous inventory and not yet touched: "please confirm".
    carried_over: Mapped[bool] = mapped_column(default=False, server_default="0")
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    updated_by: Mapped[User | None] = relationship()


class AnswerChange(Base):
    """One recorded change of an answer: old and new value, who and when."""

    __tablename__ = "answer_change"
    __table_args__ = (
        Index("ix_answer_change_assessment_question", "assessment_id", "question_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    assessment_id: Mapped[int] = mapped_column(ForeignKey("assessment.id", ondelete="CASCADE"))
    question_id: Mapped[str] = mapped_column(String(128))
    revision: Mapped[int]
    old_status: Mapped[str | None] = mapped_column(String(16))
    old_value: Mapped[Any | None] = mapped_column(JSON)
    new_status: Mapped[str] = mapped_column(String(16))
    new_value: Mapped[Any | None] = mapped_column(JSON)
    # "self" for the municipality's answer, "review" for the advisor's reviewed value.
    kind: Mapped[str] = mapped_column(String(8), default="self", server_default="self")
    changed_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    changed_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    changed_by: Mapped[User | None] = relationship()


class AssessmentDomain(Base):
    """Per assessment and domain: whether it applies (with the reason) and the target level."""

    __tablename__ = "assessment_domain"
    __table_args__ = (UniqueConstraint("assessment_id", "domain_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    assessment_id: Mapped[int] = mapped_column(ForeignKey("assessment.id", ondelete="CASCADE"))
    domain_id: Mapped[str] = mapped_column(String(64))
    not_applicable: Mapped[bool] = mapped_column(default=False)
    reason: Mapped[str | None] = mapped_column(Text)
    target_level: Mapped[int | None]
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    updated_by: Mapped[User | None] = relationship()
