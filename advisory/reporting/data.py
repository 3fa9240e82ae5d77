"""The report as plain frozen dataclasses: what the HTML page, the PDF and the exports show.

Texts are already in the report's language; labels of fixed vocabularies (levels, horizons,
statuses) stay codes so that templates translate them with the app's label helpers.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING

from advisory.charts import ChartDomain, RoadmapBar

if TYPE_CHECKING:
    from advisory.services.peers import PeerMedians


@dataclass(frozen=True)
class Place:
    """The municipality as the directory describes it."""

    name: str
    ags: str
    district: str
    state: str
    association: str | None
    population: int
    area_km2: float


@dataclass(frozen=True)
class Status:
    """Where the assessment stands; validated ones carry who validated them and when."""

    code: str
    validated_by: str | None = None
    validated_at: dt.datetime | None = None

    @property
    def validated(self) -> bool:
        return self.code == "validated"


@dataclass(frozen=True)
class DomainRow:
    """One domain's scores as the overview table shows them."""

    id: str
    title: str
    applicable: bool
    not_applicable_reason: str | None
    score: float | None
    raw_level: int | None
    level: int | None
    cap_reason: str | None
    open_gates: tuple[str, ...]
    answered: int
    shown: int
    dont_know: int
    target: int | None
    gap: int | None


@dataclass(frozen=True)
class Step:
    """One recommendation: what to do, why, for which goal and when."""

    key: str
    rule_id: str
    kind: str
    title: str
    text: str
    because: str
    domain_id: str
    domain_title: str
    horizon: str
    goal: str | None
    trace: tuple[tuple[str, str], ...]
    target: str
    # The municipality's action plan for this step (status key, owner, due date, notes).
    plan_status: str = "open"
    plan_owner: str = ""
    plan_due: dt.date | None = None
    plan_notes: str = ""


@dataclass(frozen=True)
class PlanNote:
    """What the action plan records for one step, as plain data for the report."""

    status: str
    owner: str
    due: dt.date | None
    notes: str


@dataclass(frozen=True)
class SolutionInfo:
    """A recommended catalogue solution with its base-requirement status."""

    step: Step
    name: str
    summary: str
    listing: str
    listing_reasons: tuple[str, ...]
    requirements: tuple[tuple[str, str], ...]  # (number and title, status) of the musts
    open_standards: tuple[str, ...]
    licence: str
    open_source: bool
    reviewed_on: dt.date


@dataclass(frozen=True)
class TrainingInfo:
    """A recommended training offer."""

    id: str
    title: str
    provider: str
    format: str
    duration: str
    cost: str
    certificate: bool
    url: str | None
    for_role: str | None
    domain_title: str
    horizon: str
    # The municipality's training plan: places booked and completed (names only in its own
    # full edition).
    assigned: int = 0
    completed: int = 0
    participants: tuple[str, ...] = ()


@dataclass(frozen=True)
class AnswerLine:
    """One question with its answer in words; `points` 0-100 where the answer is scored."""

    question_id: str
    question: str
    answer: str
    status: str  # answered | dont_know | not_applicable | open
    points: float | None
    advice: tuple[str, ...] = ()
    # The advisor's review: "confirmed" or "corrected"; `answer` is then the reviewed value
    # and `self_answer` the municipality's own where it differs.
    review: str | None = None
    self_answer: str | None = None
    note: str | None = None
    evidence: tuple[str, ...] = ()


@dataclass(frozen=True)
class FindingLine:
    """One finding of the advisor about a domain."""

    domain_id: str
    domain_title: str
    kind: str  # strength | observation | gap
    severity: str  # low | medium | high
    text: str


@dataclass(frozen=True)
class ScoreComparison:
    """One domain's score from the self-assessed answers and from the reviewed ones."""

    title: str
    self_score: float | None
    score: float | None
    self_level: int | None
    level: int | None


@dataclass(frozen=True)
class ReviewInput:
    """What the advisor recorded, as plain data for `report_from_results`."""

    notes: dict[str, str]
    reviewed: frozenset[str]
    evidence: dict[str, tuple[str, ...]]
    findings: tuple[tuple[str, str, str, str], ...]  # domain id, kind, severity, text
    summary: str | None = None
    visit_date: dt.date | None = None
    visit_place: str | None = None
    participants: str | None = None


@dataclass(frozen=True)
class ReviewInfo:
    """The review in the report: summary, visit, findings and the scores before and after."""

    summary: str | None
    visit_date: dt.date | None
    visit_place: str | None
    participants: str | None
    findings: tuple[FindingLine, ...]
    comparison: tuple[ScoreComparison, ...]
    reviewed: int
    corrected: int


@dataclass(frozen=True)
class DomainSection:
    """The chapter of one applicable domain; each answer line carries the advice of its options."""

    row: DomainRow
    intro: str
    strengths: tuple[AnswerLine, ...]
    gaps: tuple[AnswerLine, ...]  # scored below STRENGTH, "don't know" or still open
    steps: tuple[Step, ...]
    solutions: tuple[SolutionInfo, ...]
    trainings: tuple[TrainingInfo, ...]
    findings: tuple[FindingLine, ...] = ()


@dataclass(frozen=True)
class AppendixSection:
    """Every answer of the profile or of one domain."""

    id: str
    title: str
    not_applicable_reason: str | None
    lines: tuple[AnswerLine, ...]


@dataclass(frozen=True)
class Change:
    """How one domain moved since the previous assessment."""

    title: str
    previous_score: float | None
    score: float | None
    delta: float | None
    previous_level: int | None
    level: int | None


@dataclass(frozen=True)
class Previous:
    """The earlier assessment the changes are measured against."""

    started_on: dt.date
    questionnaire_version: str
    overall_score: float | None
    overall_level: int | None
    changes: tuple[Change, ...]


@dataclass(frozen=True)
class Neighbour:
    """A municipality of the same association or district, a candidate for co-operation."""

    name: str
    population: int


@dataclass(frozen=True)
class Report:
    """Everything one report shows, in one language."""

    lang: str
    generated_on: dt.date
    place: Place
    status: Status
    questionnaire_title: str
    questionnaire_version: str
    requirements_title: str
    requirements_version: str
    requirements_valid_from: dt.date
    overall_score: float | None
    overall_level: int | None
    answered: int
    shown: int
    dont_know: int
    strongest: tuple[DomainRow, ...]
    weakest: tuple[DomainRow, ...]
    top_steps: tuple[Step, ...]
    domains: tuple[DomainRow, ...]
    sections: tuple[DomainSection, ...]
    roadmap: tuple[tuple[str, tuple[Step, ...]], ...]
    trainings: tuple[TrainingInfo, ...]
    links: tuple[Step, ...]
    cooperation: tuple[Step, ...]
    neighbours: tuple[Neighbour, ...]
    previous: Previous | None
    appendix: tuple[AppendixSection, ...]
    goal_labels: tuple[tuple[str, str], ...]
    chart_domains: tuple[ChartDomain, ...]
    roadmap_bars: tuple[RoadmapBar, ...]
    attribution: str
    review: ReviewInfo | None = None
    #: The questionnaire's own level names (empty: the application's names of the default model)
    #: and where its level bands start.
    level_names: tuple[tuple[int, str], ...] = ()
    band_starts: tuple[float, ...] = (0.0, 20.0, 40.0, 60.0, 80.0)
    #: For the questionnaire's own levels: (level, "25 – 49") rows and how the overall is formed.
    band_rows: tuple[tuple[int, str], ...] = ()
    overall_rule: str = "weighted_mean"  # or mean, min_level (questionnaires.OVERALL_RULES)
    cap_overall: bool = True

    @property
    def max_level(self) -> int:
        return len(self.band_starts)

    def level_label(self, level: int | None, missing: str = "–") -> str | None:
        """Return the questionnaire's name of `level` ('2 – Aufbau'), or None for the default."""
        if not self.level_names:
            return None
        names = dict(self.level_names)
        return f"{level} – {names[level]}" if level in names else missing

    # Anonymous medians of comparable municipalities (advisory.services.peers), if any.
    peers: PeerMedians | None = None
    # A member of an association: which answers came from its shared administration.
    shared_source: str | None = None
    shared_ids: frozenset[str] = frozenset()

    @property
    def applicable(self) -> tuple[DomainRow, ...]:
        return tuple(d for d in self.domains if d.applicable)

    @property
    def step_count(self) -> int:
        return sum(len(steps) for _horizon, steps in self.roadmap)

    def peer_level(self, domain_id: str) -> float | None:
        """Return the peer median level of a domain (None when none may be shown)."""
        return self.peers.level(domain_id) if self.peers else None

    def goal_label(self, goal: str | None) -> str:
        """Return the label of a strategic goal id ('' for none)."""
        return dict(self.goal_labels).get(goal, goal) if goal else ""
