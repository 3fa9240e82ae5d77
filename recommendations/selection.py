"""The short list: which recommendations a municipality sees first, sized to its capacity.

`evaluate` orders every recommendation (legal obligations and the security floor first, then the
municipality's top-ranked goal, then the size of the gap, see `recommendations.rules`). A village
with a fraction of an IT post cannot act on fifty steps, so `select` cuts that ordered list into
the few steps shown first — at most `Capacity.do_now` quick wins ("do now") and
`Capacity.total` steps in all — and the rest, which the results page shows behind "all steps".

The limits grow with the administration's capacity and never shrink as it grows: three quick
wins and seven steps for an administration with less than one IT post and under 10,000
inhabitants, one more quick win and two more steps for each tier reached by IT staff or size
(docs/rules-format.md, "Short list").
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # rules.run builds the selection, so only the type comes from there
    from recommendations.rules import Recommendation

DO_NOW = "quick_win"
#: (IT staff in full-time equivalents, inhabitants) from which a tier counts.
TIERS = ((1.0, 10_000), (5.0, 100_000))
BASE_DO_NOW = 3
BASE_TOTAL = 7


@dataclass(frozen=True)
class Capacity:
    """How many steps an administration can take on at once."""

    tier: int
    do_now: int
    total: int


@dataclass(frozen=True)
class Selection:
    """The short list (`first`, in order) and the rest (`more`, in order)."""

    first: tuple[Recommendation, ...]
    more: tuple[Recommendation, ...]
    capacity: Capacity

    @property
    def do_now(self) -> tuple[Recommendation, ...]:
        """Return the quick wins of the short list."""
        return tuple(r for r in self.first if r.horizon == DO_NOW)

    @property
    def later(self) -> tuple[Recommendation, ...]:
        """Return the short list's steps that are not quick wins."""
        return tuple(r for r in self.first if r.horizon != DO_NOW)


def _number(value: object) -> float | None:
    if isinstance(value, int | float) and not isinstance(value, bool):
        return float(value)
    return None


def capacity(it_staff: object, population: object) -> Capacity:
    """Return the capacity of an administration from its IT staff (FTE) and population.

    Each tier is reached by IT staff OR by size, so more of either never lowers the limits.
    """
    staff = _number(it_staff) or 0.0
    people = _number(population) or 0.0
    tier = sum(1 for min_staff, min_people in TIERS if staff >= min_staff or people >= min_people)
    return Capacity(tier, BASE_DO_NOW + tier, BASE_TOTAL + 2 * tier)


def capacity_of(answers: Mapping[str, object], facts: Mapping[str, object]) -> Capacity:
    """Return the capacity from plain answer values (`profile.it_staff`) and facts."""
    return capacity(answers.get("profile.it_staff"), facts.get("population"))


def select(recommendations: Iterable[Recommendation], limits: Capacity) -> Selection:
    """Cut the ordered recommendations into the short list and the rest, keeping the order."""
    first: list[Recommendation] = []
    more: list[Recommendation] = []
    quick = 0
    for recommendation in recommendations:
        is_quick = recommendation.horizon == DO_NOW
        if len(first) < limits.total and (not is_quick or quick < limits.do_now):
            first.append(recommendation)
            quick += is_quick
        else:
            more.append(recommendation)
    return Selection(tuple(first), tuple(more), limits)
