"""The action plan: what a municipality decided about each recommended step."""

from __future__ import annotations

import datetime as dt
import enum

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from advisory.models.base import Base, utcnow


class PlanStatus(enum.StrEnum):
    OPEN = "open"
    PLANNED = "planned"
    IN_PROGRESS = "in_progress"
    DONE = "done"
    NOT_RELEVANT = "not_relevant"


class PlanItem(Base):
    """Status, owner, due date and notes of one recommended step of one municipality.

    Stored per municipality under the step's stable key (`Recommendation.key`), so the next
    inventory carries the plan over and shows what was done.
    """

    __tablename__ = "plan_item"
    __table_args__ = (UniqueConstraint("municipality_id", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    municipality_id: Mapped[int] = mapped_column(ForeignKey("municipality.id"), index=True)
    key: Mapped[str] = mapped_column(String(200))
    # The step's text when it was last saved, to show it after the step is no longer recommended.
    title: Mapped[str | None] = mapped_column(String(500))
    status: Mapped[PlanStatus] = mapped_column(String(16), default=PlanStatus.OPEN)
    reason: Mapped[str | None] = mapped_column(Text)
    owner: Mapped[str | None] = mapped_column(String(200))
    due: Mapped[dt.date | None]
    notes: Mapped[str | None] = mapped_column(Text)
    # The inventory on whose results page the item was last changed.
    assessment_id: Mapped[int | None] = mapped_column(ForeignKey("assessment.id"))
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
