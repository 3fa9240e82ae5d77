"""Curators' reviews and edits of catalogue entries (the shipped files stay as they are)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import (
    JSON,
    ForeignKey,
    Index,
    String,
)
from sqlalchemy.orm import Mapped, mapped_column

from advisory.models.base import Base, utcnow


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
