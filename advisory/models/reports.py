"""Report jobs: PDFs rendered by the background worker and kept until the inventory changes."""

from __future__ import annotations

import datetime as dt
import enum

from sqlalchemy import ForeignKey, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from advisory.models.base import Base, utcnow


class ReportJobStatus(enum.StrEnum):
    QUEUED = "queued"
    RUNNING = "running"
    READY = "ready"
    FAILED = "failed"


class ReportJob(Base):
    """One requested PDF edition of one inventory; `key` names everything that shapes the PDF.

    The key is unique: a second request for an unchanged report finds the same row (served at
    once when ready), and no two jobs ever render the same PDF at the same time.
    """

    __tablename__ = "report_job"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(64), unique=True)
    assessment_id: Mapped[int] = mapped_column(
        ForeignKey("assessment.id", ondelete="CASCADE"), index=True
    )
    requested_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL")
    )
    edition: Mapped[str] = mapped_column(String(16))
    lang: Mapped[str] = mapped_column(String(8))
    # The municipality's own edition names the staff booked for trainings.
    with_names: Mapped[bool] = mapped_column(default=False)
    # The inventory's revision the PDF shows.
    revision: Mapped[int]
    status: Mapped[ReportJobStatus] = mapped_column(String(16), default=ReportJobStatus.QUEUED)
    step: Mapped[int] = mapped_column(default=0)
    steps: Mapped[int] = mapped_column(default=0)
    attempts: Mapped[int] = mapped_column(default=0)
    error: Mapped[str | None] = mapped_column(Text)
    pdf: Mapped[bytes | None] = mapped_column(LargeBinary, deferred=True)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    finished_at: Mapped[dt.datetime | None]
