"""The action plan: status, owner, due date and notes per recommended step of a municipality."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import cached_property

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import Session

from advisory.models import Assessment, PlanItem, PlanStatus, User, utcnow
from recommendations import Recommendation

MAX_OWNER = 200
MAX_NOTES = 4000


class PlanError(ValueError):
    """An action-plan entry that cannot be stored; the message says what to change."""


@dataclass(frozen=True)
class PlanEntry:
    """One step with what the municipality decided about it (plain data for pages and files)."""

    recommendation: Recommendation
    status: str
    owner: str
    due: dt.date | None
    notes: str
    reason: str
    shortlisted: bool

    @property
    def key(self) -> str:
        return self.recommendation.key


@dataclass(frozen=True)
class DoneEntry:
    """A step marked done that the current inventory no longer recommends."""

    key: str
    title: str
    owner: str
    due: dt.date | None
    notes: str
    updated_at: dt.datetime


def plan_items(session: Session, municipality_id: int) -> dict[str, PlanItem]:
    """Return the stored plan items of a municipality by step key."""
    rows = session.scalars(select(PlanItem).where(PlanItem.municipality_id == municipality_id))
    return {row.key: row for row in rows}


def plan_entries(
    items: dict[str, PlanItem], first: tuple[Recommendation, ...], more: tuple[Recommendation, ...]
) -> list[PlanEntry]:
    """Join the recommendations (short list first) with the stored plan items."""
    entries = []
    for shortlisted, recommendations in ((True, first), (False, more)):
        for r in recommendations:
            item = items.get(r.key)
            entries.append(
                PlanEntry(
                    recommendation=r,
                    status=str(item.status) if item else PlanStatus.OPEN.value,
                    owner=(item.owner or "") if item else "",
                    due=item.due if item else None,
                    notes=(item.notes or "") if item else "",
                    reason=(item.reason or "") if item else "",
                    shortlisted=shortlisted,
                )
            )
    return entries


def done_elsewhere(items: dict[str, PlanItem], current: set[str]) -> list[DoneEntry]:
    """Return the steps marked done that the current inventory no longer recommends."""
    return [
        DoneEntry(
            key, item.title or key, item.owner or "", item.due, item.notes or "", item.updated_at
        )
        for key, item in sorted(items.items())
        if item.status == PlanStatus.DONE and key not in current
    ]


def _due(text: str) -> dt.date | None:
    if not text.strip():
        return None
    try:
        return dt.date.fromisoformat(text.strip())
    except ValueError:
        raise PlanError(_l("Enter the due date as a date (YYYY-MM-DD).")) from None


def save_plan_item(
    session: Session,
    assessment: Assessment,
    key: str,
    form: dict[str, str],
    user: User,
    valid_keys: dict[str, str],
) -> PlanItem:
    """Store status, owner, due date, notes and reason of one step; raise PlanError if invalid.

    `valid_keys` maps the keys of the steps recommended now to their text; a key outside them
    is refused.
    "Not relevant" needs a reason.
    """
    if key not in valid_keys:
        raise PlanError(_l("This step is not among the current recommendations."))
    status = form.get("status", "")
    if status not in {s.value for s in PlanStatus}:
        raise PlanError(_l("Choose one of the offered statuses."))
    owner = form.get("owner", "").strip()
    notes = form.get("notes", "").strip()
    reason = form.get("reason", "").strip()
    if len(owner) > MAX_OWNER:
        raise PlanError(_l("The owner may have at most 200 characters."))
    if len(notes) > MAX_NOTES or len(reason) > MAX_NOTES:
        raise PlanError(_l("Notes and reason may have at most 4000 characters each."))
    if status == PlanStatus.NOT_RELEVANT and not reason:
        raise PlanError(_l("Say why the step is not relevant."))
    due = _due(form.get("due", ""))
    item = session.scalar(
        select(PlanItem).where(
            PlanItem.municipality_id == assessment.municipality_id, PlanItem.key == key
        )
    )
    if item is None:
        item = PlanItem(municipality_id=assessment.municipality_id, key=key)
        session.add(item)
    item.title = valid_keys[key][:500]
    item.status = PlanStatus(status)
    item.owner = owner or None
    item.notes = notes or None
    item.reason = reason if status == PlanStatus.NOT_RELEVANT else None
    item.due = due
    item.assessment_id = assessment.id
    item.updated_by_id = user.id
    item.updated_at = utcnow()
    session.commit()
    return item


@dataclass(frozen=True)
class PlanView:
    """The action plan of one inventory: every step with its entry, and steps done before."""

    entries: list[PlanEntry]
    done_before: list[DoneEntry]

    def status_of(self, key: str) -> str:
        """Return the status of the step with `key` (open when nothing was decided)."""
        return self._statuses.get(key, PlanStatus.OPEN.value)

    @cached_property
    def _statuses(self) -> dict[str, str]:
        statuses: dict[str, str] = {}
        for entry in self.entries:
            statuses.setdefault(entry.key, entry.status)  # the first, as before
        return statuses

    @property
    def counts(self) -> dict[str, int]:
        """Return how many steps have each status."""
        counts = {s.value: 0 for s in PlanStatus}
        for entry in self.entries:
            counts[entry.status] += 1
        return counts


def plan_view(session: Session, assessment: Assessment, results) -> PlanView:
    """Return the action plan of an inventory from its results and the municipality's items."""
    items = plan_items(session, assessment.municipality_id)
    selection = results.evaluation.selection
    entries = plan_entries(items, selection.first, selection.more)
    return PlanView(entries, done_elsewhere(items, {e.key for e in entries}))
