"""Peer benchmark consent and cooperation requests between municipalities."""

from __future__ import annotations

import datetime as dt
import enum
from typing import TYPE_CHECKING

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from advisory.models.base import Base, utcnow

if TYPE_CHECKING:
    from advisory.models.accounts import User
    from advisory.models.directory import Municipality


class PeerConsent(Base):
    """What a municipality agreed to share with others; no row means it agreed to nothing."""

    __tablename__ = "peer_consent"

    municipality_id: Mapped[int] = mapped_column(ForeignKey("municipality.id"), primary_key=True)
    # Its newest validated inventory counts in anonymous peer medians (never named).
    include_in_medians: Mapped[bool] = mapped_column(default=False)
    # It may be suggested by name to neighbours as a cooperation partner.
    named_as_partner: Mapped[bool] = mapped_column(default=False)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    updated_by: Mapped[User | None] = relationship()


class CooperationStatus(enum.StrEnum):
    OPEN = "open"  # sent, not yet answered by the other side
    ANSWERED = "answered"  # the other side (or an advisor) replied
    CLOSED = "closed"  # one side closed it; no further replies


class CooperationRequest(Base):
    """A request of one municipality to another to cooperate in a domain."""

    __tablename__ = "cooperation_request"

    id: Mapped[int] = mapped_column(primary_key=True)
    from_municipality_id: Mapped[int] = mapped_column(ForeignKey("municipality.id"), index=True)
    to_municipality_id: Mapped[int] = mapped_column(ForeignKey("municipality.id"), index=True)
    domain_id: Mapped[str | None] = mapped_column(String(64))
    status: Mapped[CooperationStatus] = mapped_column(String(16), default=CooperationStatus.OPEN)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    from_municipality: Mapped[Municipality] = relationship(foreign_keys=[from_municipality_id])
    to_municipality: Mapped[Municipality] = relationship(foreign_keys=[to_municipality_id])
    created_by: Mapped[User | None] = relationship()
    messages: Mapped[list[CooperationMessage]] = relationship(
        back_populates="request", cascade="all, delete-orphan", order_by="CooperationMessage.id"
    )


class CooperationMessage(Base):
    """One message of a cooperation request: the request itself and every reply."""

    __tablename__ = "cooperation_message"

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(
        ForeignKey("cooperation_request.id", ondelete="CASCADE"), index=True
    )
    author_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    # The municipality the author wrote for (None: an advisor or administrator).
    municipality_id: Mapped[int | None] = mapped_column(ForeignKey("municipality.id"))
    text: Mapped[str] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    request: Mapped[CooperationRequest] = relationship(back_populates="messages")
    author: Mapped[User | None] = relationship()
