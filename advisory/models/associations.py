"""Associations of municipalities (Verbandsgemeinde, Amt, ...) from the Destatis directory."""

from __future__ import annotations

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from advisory.models.base import Base


class Association(Base):
    """A Gemeindeverband whose shared administration works for its member municipalities.

    Members are the municipalities whose `association_code` equals `code`; the import keeps both
    in step (`advisory import-municipalities`).
    """

    __tablename__ = "association"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(9), unique=True)  # land + rb + kreis + vb
    name: Mapped[str] = mapped_column(String(200))
    # Destatis Textkennzeichen of satzart 50: 51 Amt, 52 Samtgemeinde, 53 Verbandsgemeinde, ...
    kind: Mapped[str | None] = mapped_column(String(2))
    state_code: Mapped[str] = mapped_column(String(2), index=True)
    district_code: Mapped[str] = mapped_column(String(5), index=True)
    search_key: Mapped[str] = mapped_column(String(200), index=True)
    search_key_plain: Mapped[str] = mapped_column(String(200), index=True)
