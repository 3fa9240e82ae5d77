"""Per-inventory summaries that the advisors' portfolio dashboard reads instead of answer rows."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from advisory.models.base import Base, utcnow


class InventorySummary(Base):
    """Completion, scores and levels of one inventory, as the scoring service computed them.

    Kept up to date by `advisory.services.portfolio.refresh_summary` (after an autosave by
    `store_summary`, right after the answer is committed) whenever an answer, a
    domain's applicability, a target or the status changes; `revision` is the inventory's
    revision the numbers belong to, so a stale row can be told and recomputed.
    """

    __tablename__ = "inventory_summary"
    __table_args__ = (
        Index("ix_inventory_summary_municipality", "municipality_id", "current"),
        # Lets the dashboard's data_version read the index alone.
        Index("ix_inventory_summary_version", "version", "assessment_id"),
    )

    assessment_id: Mapped[int] = mapped_column(
        ForeignKey("assessment.id", ondelete="CASCADE"), primary_key=True
    )
    municipality_id: Mapped[int] = mapped_column(ForeignKey("municipality.id"))
    # True for the municipality's newest inventory: the one the dashboard lists.
    current: Mapped[bool] = mapped_column(default=True)
    # Copies of the inventory's status and last change, so that listing, filtering and sorting
    # read this one table.
    status: Mapped[str] = mapped_column(String(32))
    last_activity: Mapped[dt.datetime]
    revision: Mapped[int]
    answered: Mapped[int]
    shown: Mapped[int]
    completion: Mapped[float]  # percent of the shown scored questions that are answered
    dont_know: Mapped[int]
    score: Mapped[float | None]
    level: Mapped[int | None]
    # domain id -> {"applicable": bool, "score": float | None, "level": int | None}
    domains: Mapped[dict[str, Any]] = mapped_column(JSON)
    computed_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    # One more on every write of the row (never reset): the sum over all rows changes with every
    # committed change, which is what the dashboard's cache of rendered page parts checks.
    version: Mapped[int] = mapped_column(default=1, server_default="1")
