"""The advisor's review of an inventory: life-cycle transitions, reviewed answers, evidence,
findings, the visit record and the advisor's summary."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from sqlalchemy import JSON, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from advisory.models.base import Base, utcnow

if TYPE_CHECKING:
    from advisory.models.accounts import User


class StatusChange(Base):
    """One step of an inventory's life cycle: from which status to which, who, when and why."""

    __tablename__ = "status_change"
    __table_args__ = (Index("ix_status_change_assessment", "assessment_id", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    assessment_id: Mapped[int] = mapped_column(ForeignKey("assessment.id", ondelete="CASCADE"))
    old_status: Mapped[str] = mapped_column(String(24))
    new_status: Mapped[str] = mapped_column(String(24))
    comment: Mapped[str | None] = mapped_column(Text)
    changed_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    changed_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    changed_by: Mapped[User | None] = relationship()


class AnswerReview(Base):
    """The advisor's value for one answer, kept beside the self-assessed one.

    Field names follow `Answer` (status, value, revision, updated_by, updated_at) so that the
    answer widgets and the conflict handling work on both alike.
    """

    __tablename__ = "answer_review"
    __table_args__ = (UniqueConstraint("assessment_id", "question_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    assessment_id: Mapped[int] = mapped_column(ForeignKey("assessment.id", ondelete="CASCADE"))
    question_id: Mapped[str] = mapped_column(String(128))
    # The reviewed value; None while the advisor has only noted or marked the answer.
    status: Mapped[str | None] = mapped_column(String(16))
    value: Mapped[Any | None] = mapped_column(JSON)
    note: Mapped[str | None] = mapped_column(Text)
    follow_up: Mapped[bool] = mapped_column(default=False, server_default="0")
    revision: Mapped[int] = mapped_column(default=1)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    updated_by: Mapped[User | None] = relationship()


class Evidence(Base):
    """A link, a text or an uploaded file that backs one answer."""

    __tablename__ = "evidence"
    __table_args__ = (Index("ix_evidence_assessment_question", "assessment_id", "question_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    assessment_id: Mapped[int] = mapped_column(ForeignKey("assessment.id", ondelete="CASCADE"))
    question_id: Mapped[str] = mapped_column(String(128))
    kind: Mapped[str] = mapped_column(String(8))  # link | text | file
    url: Mapped[str | None] = mapped_column(String(2000))
    text: Mapped[str | None] = mapped_column(Text)
    # Files: the name shown to people, the random name on disk, the checked type and size.
    filename: Mapped[str | None] = mapped_column(String(255))
    stored_name: Mapped[str | None] = mapped_column(String(64), unique=True)
    media_type: Mapped[str | None] = mapped_column(String(128))
    size: Mapped[int | None]
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    created_by: Mapped[User | None] = relationship()


class Finding(Base):
    """One finding of the advisor about a domain: a strength, an observation or a gap."""

    __tablename__ = "finding"
    __table_args__ = (Index("ix_finding_assessment_domain", "assessment_id", "domain_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    assessment_id: Mapped[int] = mapped_column(ForeignKey("assessment.id", ondelete="CASCADE"))
    domain_id: Mapped[str] = mapped_column(String(64))
    kind: Mapped[str] = mapped_column(String(16))  # strength | observation | gap
    severity: Mapped[str] = mapped_column(String(8))  # low | medium | high
    text: Mapped[str] = mapped_column(Text)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    created_by: Mapped[User | None] = relationship()


class ReviewRecord(Base):
    """Per inventory: the advisor's summary and the record of the visit on site."""

    __tablename__ = "review_record"
    __table_args__ = (UniqueConstraint("assessment_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    assessment_id: Mapped[int] = mapped_column(ForeignKey("assessment.id", ondelete="CASCADE"))
    summary: Mapped[str | None] = mapped_column(Text)
    visit_date: Mapped[dt.date | None]
    visit_place: Mapped[str | None] = mapped_column(String(300))
    participants: Mapped[str | None] = mapped_column(Text)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    updated_by: Mapped[User | None] = relationship()
