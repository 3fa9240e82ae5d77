"""Municipalities of the official Destatis directory."""

from __future__ import annotations

from sqlalchemy import (
    String,
)
from sqlalchemy.orm import Mapped, mapped_column

from advisory.models.base import Base


class Municipality(Base):
    """One municipality of the official Destatis directory."""

    __tablename__ = "municipality"

    id: Mapped[int] = mapped_column(primary_key=True)
    ags: Mapped[str] = mapped_column(String(8), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    search_key: Mapped[str] = mapped_column(String(200), index=True)
    search_key_plain: Mapped[str] = mapped_column(String(200), index=True)
    state_code: Mapped[str] = mapped_column(String(2), index=True)
    state_name: Mapped[str] = mapped_column(String(100))
    district_code: Mapped[str] = mapped_column(String(5), index=True)
    district_name: Mapped[str] = mapped_column(String(200))
    association_code: Mapped[str] = mapped_column(String(9))
    association_name: Mapped[str | None] = mapped_column(String(200))
    district_free: Mapped[bool]
    population: Mapped[int]
    area_km2: Mapped[float]
    urbanisation: Mapped[int | None]
    postal_code: Mapped[str | None] = mapped_column(String(5), index=True)
    latitude: Mapped[float | None]
    longitude: Mapped[float | None]

    @property
    def in_association(self) -> bool:
        return self.association_name is not None
