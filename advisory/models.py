"""Typed SQLAlchemy 2.0 models: what was answered, decided and done, never the content texts."""

from __future__ import annotations

import datetime as dt
import enum
from typing import Any, ClassVar

from flask_login import UserMixin
from sqlalchemy import (
    JSON,
    DateTime,
    ForeignKey,
    Index,
    MetaData,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def utcnow() -> dt.datetime:
    """Return the current time, timezone-aware in UTC."""
    return dt.datetime.now(dt.UTC)


class UTCDateTime(TypeDecorator):
    """A timestamp stored in UTC that comes back timezone-aware on every database."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: dt.datetime | None, dialect: Any) -> dt.datetime | None:
        if value is not None and value.tzinfo is None:
            raise ValueError("naive datetime given; use advisory.models.utcnow()")
        return value.astimezone(dt.UTC) if value is not None else None

    def process_result_value(self, value: dt.datetime | None, dialect: Any) -> dt.datetime | None:
        if value is not None and value.tzinfo is None:
            return value.replace(tzinfo=dt.UTC)
        return value


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map: ClassVar[dict] = {dt.datetime: UTCDateTime, dict[str, Any]: JSON}


class Role(enum.StrEnum):
    """What a user may do; municipal roles belong to one municipality, others to a scope."""

    MUNICIPAL_EDITOR = "municipal_editor"
    MUNICIPAL_VIEWER = "municipal_viewer"
    ADVISOR = "advisor"
    TRAINER = "trainer"
    CURATOR = "curator"
    ADMIN = "admin"

    @property
    def is_municipal(self) -> bool:
        return self in (Role.MUNICIPAL_EDITOR, Role.MUNICIPAL_VIEWER)

    @property
    def has_scope(self) -> bool:
        return self in (Role.ADVISOR, Role.TRAINER)


class ScopeKind(enum.StrEnum):
    """How an advisor's or trainer's portfolio is described."""

    STATE = "state"  # two-digit Land code, e.g. "09"
    DISTRICT = "district"  # five-digit district key, e.g. "09162"
    MUNICIPALITY = "municipality"  # eight-digit AGS


class AssessmentStatus(enum.StrEnum):
    IN_PROGRESS = "in_progress"
    SUBMITTED = "submitted"
    IN_REVIEW = "in_review"
    VALIDATED = "validated"


class Municipality(Base):
    """One municipality of the official Destatis directory."""

    __tablename__ = "municipality"

    id: Mapped[int] = mapped_column(primary_key=True)
    ags: Mapped[str] = mapped_column(String(8), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    search_key: Mapped[str] = mapped_column(String(200), index=True)
    search_key_plain: Mapped[str] = mapped_column(String(200), index=True)
    state_code: Mapped[str] = mapped_column(String(2), index=True)
    state_name: Mapped[str] = mapped_column(String(100))
    district_code: Mapped[str] = mapped_column(String(5), index=True)
    district_name: Mapped[str] = mapped_column(String(200))
    association_code: Mapped[str] = mapped_column(String(9))
    association_name: Mapped[str | None] = mapped_column(String(200))
    district_free: Mapped[bool]
    population: Mapped[int]
    area_km2: Mapped[float]
    urbanisation: Mapped[int | None]
    postal_code: Mapped[str | None] = mapped_column(String(5), index=True)
    latitude: Mapped[float | None]
    longitude: Mapped[float | None]

    @property
    def in_association(self) -> bool:
        return self.association_name is not None


class User(UserMixin, Base):
    __tablename__ = "user_account"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[Role] = mapped_column(String(32))
    municipality_id: Mapped[int | None] = mapped_column(ForeignKey("municipality.id"))
    active: Mapped[bool] = mapped_column(default=True)
    language: Mapped[str | None] = mapped_column(String(5))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    password_changed_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    # Bumped on password change so that other sessions of this user end.
    session_version: Mapped[int] = mapped_column(default=1)

    municipality: Mapped[Municipality | None] = relationship()
    scopes: Mapped[list[RoleScope]] = relationship(
        back_populates="user", cascade="all, delete-orphan", order_by="RoleScope.id"
    )

    @property
    def is_active(self) -> bool:  # Flask-Login refuses inactive users
        return self.active

    def get_id(self) -> str:
        return f"{self.id}:{self.session_version}"


class RoleScope(Base):
    """One piece of an advisor's or trainer's portfolio."""

    __tablename__ = "role_scope"
    __table_args__ = (UniqueConstraint("user_id", "kind", "code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"))
    kind: Mapped[ScopeKind] = mapped_column(String(16))
    code: Mapped[str] = mapped_column(String(8))

    user: Mapped[User] = relationship(back_populates="scopes")


class Assessment(Base):
    """One inventory of one municipality on one pinned questionnaire version."""

    __tablename__ = "assessment"

    id: Mapped[int] = mapped_column(primary_key=True)
    municipality_id: Mapped[int] = mapped_column(ForeignKey("municipality.id"), index=True)
    questionnaire_id: Mapped[str] = mapped_column(String(64))
    questionnaire_version: Mapped[str] = mapped_column(String(32))
    status: Mapped[AssessmentStatus] = mapped_column(
        String(16), default=AssessmentStatus.IN_PROGRESS
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
    changed_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    changed_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    changed_by: Mapped[User | None] = relationship()


class AuditEvent(Base):
    """Security audit log: logins, failed logins, role and account changes."""

    __tablename__ = "audit_event"
    __table_args__ = (Index("ix_audit_event_kind_at", "kind", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    kind: Mapped[str] = mapped_column(String(32))
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    subject_email: Mapped[str | None] = mapped_column(String(254), index=True)
    remote_addr: Mapped[str | None] = mapped_column(String(64))
    detail: Mapped[dict[str, Any]] = mapped_column(default=dict)


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


class SolutionReview(Base):
    """A curator's review of one catalogue solution; the newest one replaces the shipped review."""

    __tablename__ = "solution_review"
    __table_args__ = (Index("ix_solution_review_solution", "solution_id", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    solution_id: Mapped[str] = mapped_column(String(100))
    catalogue_version: Mapped[str] = mapped_column(String(32))
    reviewed_on: Mapped[dt.date]
    reviewed_by: Mapped[str] = mapped_column(String(200))
    # requirement id -> {"status": ..., "evidence": {"de": ..., "en": ...}}
    requirements: Mapped[dict[str, Any]] = mapped_column(JSON)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class SolutionEdit(Base):
    """A curator's change to a catalogue entry's descriptive fields; the newest one applies."""

    __tablename__ = "solution_edit"
    __table_args__ = (Index("ix_solution_edit_solution", "solution_id", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    solution_id: Mapped[str] = mapped_column(String(100))
    # The complete set of editable fields after the change (see services.catalogue.EDITABLE).
    values: Mapped[dict[str, Any]] = mapped_column(JSON)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
