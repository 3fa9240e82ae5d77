"""Server-side sign-in sessions and the counters of the per-address sign-in limit."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import BigInteger, Float, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from advisory.models.base import Base, utcnow


class LoginSession(Base):
    """One sign-in. The cookie holds only its random id; ending the row ends the session."""

    __tablename__ = "login_session"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int] = mapped_column(
        ForeignKey("user_account.id", ondelete="CASCADE"), index=True
    )
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    ended_at: Mapped[dt.datetime | None]


class RateLimitWindow(Base):
    """A fixed-window counter of the `limits` library, shared by every worker via the database."""

    __tablename__ = "rate_limit_window"

    key: Mapped[str] = mapped_column(String(255), primary_key=True)
    count: Mapped[int] = mapped_column(BigInteger, default=0)
    # Seconds since the epoch when the window ends.
    expires_at: Mapped[float] = mapped_column(Float)
