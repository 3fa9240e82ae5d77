"""The municipal team: one-time tokens (invitations), domain assignments and the staff list."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from sqlalchemy import JSON, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from advisory.models.base import Base, utcnow

if TYPE_CHECKING:
    from advisory.models.accounts import User


class OneTimeToken(Base):
    """A single-use link secret for one purpose; only its hash is stored; it expires."""

    __tablename__ = "one_time_token"

    id: Mapped[int] = mapped_column(primary_key=True)
    purpose: Mapped[str] = mapped_column(String(32))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    # What the token grants, e.g. {"email": ..., "role": ..., "municipality_id": ...}.
    payload: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    created_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL")
    )
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[dt.datetime]
    used_at: Mapped[dt.datetime | None]


class DomainAssignment(Base):
    """A domain of a municipality's inventory assigned to one colleague."""

    __tablename__ = "domain_assignment"
    __table_args__ = (UniqueConstraint("municipality_id", "domain_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    municipality_id: Mapped[int] = mapped_column(ForeignKey("municipality.id"))
    domain_id: Mapped[str] = mapped_column(String(64))
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"))
    assigned_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL")
    )
    assigned_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    user: Mapped[User] = relationship(foreign_keys=[user_id])


class StaffMember(Base):
    """A person of the municipality trainings are for (no account needed; minimal data)."""

    __tablename__ = "staff_member"

    id: Mapped[int] = mapped_column(primary_key=True)
    municipality_id: Mapped[int] = mapped_column(ForeignKey("municipality.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    function: Mapped[str] = mapped_column(String(200))
    email: Mapped[str | None] = mapped_column(String(254))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
