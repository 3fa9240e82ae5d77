"""Accounts, roles and portfolios, and the security audit log."""

from __future__ import annotations

import datetime as dt
import enum
from typing import TYPE_CHECKING, Any

from flask_login import UserMixin
from sqlalchemy import (
    ForeignKey,
    Index,
    String,
    UniqueConstraint,
    false,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from advisory.models.base import Base, utcnow

if TYPE_CHECKING:
    from advisory.models.associations import Association
    from advisory.models.directory import Municipality


class Role(enum.StrEnum):
    """What a user may do; municipal roles belong to one municipality, others to a scope."""

    MUNICIPAL_EDITOR = "municipal_editor"
    MUNICIPAL_VIEWER = "municipal_viewer"
    # Staff of an association's shared administration: its inventory, its members read-only.
    ASSOCIATION_EDITOR = "association_editor"
    ASSOCIATION_VIEWER = "association_viewer"
    ADVISOR = "advisor"
    TRAINER = "trainer"
    CURATOR = "curator"
    ADMIN = "admin"

    @property
    def is_municipal(self) -> bool:
        return self in (Role.MUNICIPAL_EDITOR, Role.MUNICIPAL_VIEWER)

    @property
    def is_association(self) -> bool:
        return self in (Role.ASSOCIATION_EDITOR, Role.ASSOCIATION_VIEWER)

    @property
    def has_scope(self) -> bool:
        return self in (Role.ADVISOR, Role.TRAINER)


class ScopeKind(enum.StrEnum):
    """How an advisor's or trainer's portfolio is described."""

    STATE = "state"  # two-digit Land code, e.g. "09"
    DISTRICT = "district"  # five-digit district key, e.g. "09162"
    MUNICIPALITY = "municipality"  # eight-digit AGS


class User(UserMixin, Base):
    __tablename__ = "user_account"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[Role] = mapped_column(String(32))
    municipality_id: Mapped[int | None] = mapped_column(ForeignKey("municipality.id"))
    association_id: Mapped[int | None] = mapped_column(ForeignKey("association.id"))
    active: Mapped[bool] = mapped_column(default=True)
    language: Mapped[str | None] = mapped_column(String(5))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    password_changed_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    # Bumped on password change so that other sessions of this user end.
    session_version: Mapped[int] = mapped_column(default=1)
    # Set when an administrator chose the password: the user must pick their own at sign-in.
    must_change_password: Mapped[bool] = mapped_column(default=False, server_default=false())

    municipality: Mapped[Municipality | None] = relationship()
    association: Mapped[Association | None] = relationship()
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
