"""Training sessions of catalogue trainings, the municipalities they are for and participants."""

from __future__ import annotations

import datetime as dt
import enum
from typing import TYPE_CHECKING

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from advisory.models.base import Base, utcnow

if TYPE_CHECKING:
    from advisory.models.directory import Municipality
    from advisory.models.team import StaffMember


class ParticipantStatus(enum.StrEnum):
    """assigned → confirmed → attended → completed, or no-show / cancelled; waiting for a seat."""

    WAITING = "waiting"
    ASSIGNED = "assigned"
    CONFIRMED = "confirmed"
    ATTENDED = "attended"
    COMPLETED = "completed"
    NO_SHOW = "no_show"
    CANCELLED = "cancelled"


class TrainingSession(Base):
    """One dated session of a catalogue training, shared by one or more municipalities."""

    __tablename__ = "training_session"

    id: Mapped[int] = mapped_column(primary_key=True)
    training_id: Mapped[str] = mapped_column(String(100), index=True)
    starts_at: Mapped[dt.datetime]
    ends_at: Mapped[dt.datetime]
    online: Mapped[bool] = mapped_column(default=False)
    place: Mapped[str | None] = mapped_column(String(300))
    seats: Mapped[int]
    trainer_name: Mapped[str] = mapped_column(String(200))
    registration_deadline: Mapped[dt.date]
    created_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL")
    )
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    municipalities: Mapped[list[SessionMunicipality]] = relationship(
        back_populates="session", cascade="all, delete-orphan"
    )
    participants: Mapped[list[SessionParticipant]] = relationship(
        back_populates="session", cascade="all, delete-orphan", order_by="SessionParticipant.id"
    )


class SessionMunicipality(Base):
    """A municipality whose staff a session is for."""

    __tablename__ = "session_municipality"
    __table_args__ = (UniqueConstraint("session_id", "municipality_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("training_session.id", ondelete="CASCADE"))
    municipality_id: Mapped[int] = mapped_column(ForeignKey("municipality.id"), index=True)

    session: Mapped[TrainingSession] = relationship(back_populates="municipalities")
    municipality: Mapped[Municipality] = relationship()


class SessionParticipant(Base):
    """One staff member's place in a session; the person may be deleted, the count stays."""

    __tablename__ = "session_participant"
    __table_args__ = (UniqueConstraint("session_id", "staff_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("training_session.id", ondelete="CASCADE"))
    # Set to NULL when the person is deleted from the staff list (GDPR); the row keeps counting.
    staff_id: Mapped[int | None] = mapped_column(ForeignKey("staff_member.id", ondelete="SET NULL"))
    municipality_id: Mapped[int] = mapped_column(ForeignKey("municipality.id"), index=True)
    status: Mapped[ParticipantStatus] = mapped_column(String(16))
    completed_on: Mapped[dt.date | None]
    assigned_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL")
    )
    assigned_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    session: Mapped[TrainingSession] = relationship(back_populates="participants")
    staff: Mapped[StaffMember | None] = relationship()
    municipality: Mapped[Municipality] = relationship()
