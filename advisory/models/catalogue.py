"""Curators' reviews and edits of catalogue entries (the shipped files stay as they are)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import (
    JSON,
    ForeignKey,
    Index,
    String,
    false,
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
    """An older partial edit of a solution, applied before the newer CatalogueEntry versions."""

    __tablename__ = "solution_edit"
    __table_args__ = (Index("ix_solution_edit_solution", "solution_id", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    solution_id: Mapped[str] = mapped_column(String(100))
    # Older partial edits (summary, cost, hosting, ...); new edits are CatalogueEntry versions.
    values: Mapped[dict[str, Any]] = mapped_column(JSON)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class CatalogueEntry(Base):
    """A curator's version of a whole catalogue entry: a new one, or every field of a shipped one.

    Append-only: each save adds a row and the newest row of (kind, entry_id) applies, so the rows
    are the entry's history. `data` has the shape of the content file (a solution file, or one
    item of trainings.yaml). A solution's listing follows the listing rule of its review; a
    training created in the app is recommended only once a curator has set `listed`.
    """

    __tablename__ = "catalogue_entry"
    __table_args__ = (Index("ix_catalogue_entry_entry", "kind", "entry_id", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))  # solution | training
    entry_id: Mapped[str] = mapped_column(String(100))
    data: Mapped[dict[str, Any]] = mapped_column(JSON)
    listed: Mapped[bool] = mapped_column(default=False, server_default=false())
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
