"""Scoring of an assessment: domain scores, coverage, knowledge gaps, maturity levels and gates.

`score(questionnaire, answers, facts, ...)` is a pure function: it takes the questionnaire version,
the answers (Answers or their JSON form) and the directory facts and returns an AssessmentScore.
Levels follow the questionnaire's scoring model (by default the 20-point bands of the domain
brief, five levels, the weighted mean and the overall cap); the gates of each domain (data in
the questionnaire file) cap the level. Scores are rounded (by default to one decimal) only at
the very end.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from questionnaires import (
    DEFAULT_SCORING,
    Answer,
    AnswerError,
    AnswerStatus,
    Domain,
    Questionnaire,
    ScoringModel,
    Text,
    checked_score,
    fact_values,
    validate_answer,
)

MIN_LEVEL = 1
MAX_LEVEL = 5
#: Share of a domain's shown questions that must have an answer other than "don't know" before
#: the overall level is given; below it in any applicable domain the result is provisional.
MIN_COVERAGE = 0.6
#: Upper bounds (exclusive) of the score bands for levels 1 to 4; 80 and above is level 5.
LEVEL_BANDS = (20.0, 40.0, 60.0, 80.0)


class ScoringError(ValueError):
    """The caller passed something the questionnaire does not allow (unknown domain, bad target)."""


@dataclass(frozen=True)
class Coverage:
    """How many of the shown questions of a domain have an answer ("don't know" included)."""

    answered: int
    shown: int

    @property
    def share(self) -> float:
        """Answered share 0..1; a domain without shown questions counts as fully covered."""
        return self.answered / self.shown if self.shown else 1.0


@dataclass(frozen=True)
class GateResult:
    """A gate of a domain whose `unless` condition does not hold."""

    id: str
    max_level: int
    reason: Text


@dataclass(frozen=True)
class DomainScore:
    """Score, coverage and maturity of one domain.

    `level` is the gated level; `capped_by` is the gate that lowered it (None if none did).
    `open_gates` lists every gate whose condition does not hold, also those that did not cap
    the level (yet). `gap` is target − level, never negative, and None without a target.
    """

    id: str
    title: Text
    weight: float
    applicable: bool
    not_applicable_reason: str | None
    score: float | None
    coverage: Coverage
    dont_know: tuple[str, ...]
    raw_level: int | None
    level: int | None
    capped_by: GateResult | None
    open_gates: tuple[GateResult, ...]
    target: int | None
    gap: int | None

    @property
    def dont_know_count(self) -> int:
        """Number of "don't know" answers (knowledge gaps) among the shown questions."""
        return len(self.dont_know)

    @property
    def known_share(self) -> float:
        """Share 0..1 of shown questions answered with something other than "don't know"."""
        if not self.coverage.shown:
            return 1.0
        return (self.coverage.answered - self.dont_know_count) / self.coverage.shown

    @property
    def enough_coverage(self) -> bool:
        """Whether the domain is covered well enough for an overall level (MIN_COVERAGE)."""
        return not self.applicable or self.known_share >= MIN_COVERAGE


@dataclass(frozen=True)
class AssessmentScore:
    """The scores of every domain (in questionnaire order) and the overall result."""

    questionnaire_id: str
    questionnaire_version: str
    domains: tuple[DomainScore, ...]
    score: float | None
    level: int | None
    coverage: Coverage
    raw_level: int | None = None  # the level of the overall score before the gates' cap
    #: The level the answers so far point to while `level` is None for lack of coverage.
    provisional_level: int | None = None
    _index: dict[str, DomainScore] = field(
        init=False, repr=False, compare=False, hash=False, default_factory=dict
    )

    def __post_init__(self) -> None:
        self._index.update((d.id, d) for d in self.domains)

    def domain(self, domain_id: str) -> DomainScore:
        """Return the score of `domain_id`; raise ScoringError if there is no such domain."""
        try:
            return self._index[domain_id]
        except KeyError:
            raise ScoringError(f"no domain {domain_id!r} in this assessment") from None

    @property
    def provisional(self) -> bool:
        """True when an applicable domain lacks coverage: then there is no overall level."""
        return any(not d.enough_coverage for d in self.domains)

    @property
    def thin_domains(self) -> tuple[DomainScore, ...]:
        """The applicable domains below MIN_COVERAGE, in questionnaire order."""
        return tuple(d for d in self.domains if not d.enough_coverage)

    @property
    def dont_know(self) -> tuple[str, ...]:
        """The "don't know" answers (knowledge gaps) of the applicable domains, in order."""
        return tuple(q for d in self.domains if d.applicable for q in d.dont_know)


def level_for(score: float | None, model: ScoringModel = DEFAULT_SCORING) -> int | None:
    """Map a 0-100 score to a maturity level by the model's bands (default <20 → 1 ... ≥80 → 5)."""
    return model.level_for(score)


def round_score(value: float, precision: int = 1) -> float:
    """Round half up to `precision` decimals (62.25 → 62.3), the same on every platform."""
    step = Decimal(1).scaleb(-precision)
    return float(Decimal(repr(value)).quantize(step, rounding=ROUND_HALF_UP))


def normalise_answers(
    questionnaire: Questionnaire, answers: Mapping[str, object]
) -> dict[str, Answer]:
    """Return the answers that fit their question as Answers; drop everything else.

    Unknown question ids, ill-formed JSON and values that do not fit count as unanswered.
    """
    result: dict[str, Answer] = {}
    for question_id, raw in answers.items():
        question = (
            questionnaire.find_question(question_id) if isinstance(question_id, str) else None
        )
        if question is None or raw is None:
            continue
        try:
            result[question_id] = validate_answer(question, raw)
        except (AnswerError, TypeError):  # TypeError: e.g. an unhashable "status" value
            continue
    return result


def walk(
    questionnaire: Questionnaire, answers: Mapping[str, Answer], facts: Mapping[str, object]
) -> tuple[set[str], dict[str, object]]:
    """Return the visible question ids and the expression values for normalised answers.

    Gives the same result as questionnaires.visible_questions and expression_values, but walks
    the questions once and does not validate the answers again (normalise_answers did). That
    is sound because a show_if may only use earlier questions, the profile and facts, so it
    sees final values when questions are visited in file order.
    """
    values = fact_values(facts)
    visible: set[str] = set()
    for question in questionnaire.all_questions():
        value = None
        if question.show_if is None or question.show_if.holds(values):
            visible.add(question.id)
            answer = answers.get(question.id)
            if answer is not None and answer.status is AnswerStatus.ANSWERED:
                value = answer.value
        values[question.id] = value
    return visible, values


def _check_arguments(
    questionnaire: Questionnaire,
    not_applicable_domains: Mapping[str, str],
    targets: Mapping[str, int],
) -> None:
    known = {d.id: d for d in questionnaire.domains}
    for domain_id in not_applicable_domains:
        domain = known.get(domain_id)
        if domain is None:
            raise ScoringError(f"not_applicable_domains: unknown domain {domain_id!r}")
        if not domain.allow_not_applicable:
            raise ScoringError(
                f"not_applicable_domains: domain {domain_id!r} cannot be marked not applicable"
            )
    model = questionnaire.scoring
    for domain_id, target in targets.items():
        if domain_id not in known:
            raise ScoringError(f"targets: unknown domain {domain_id!r}")
        if isinstance(target, bool) or not isinstance(target, int):
            raise ScoringError(f"targets: the target of {domain_id!r} must be a whole number")
        if not model.min_level <= target <= model.max_level:
            raise ScoringError(
                f"targets: the target of {domain_id!r} must be "
                f"{model.min_level} to {model.max_level}"
            )


def _domain_score(
    model: ScoringModel,
    domain: Domain,
    answers: Mapping[str, Answer],
    visible: set[str],
    values: Mapping[str, object],
    reason: str | None,
    target: int | None,
) -> tuple[DomainScore, float | None]:
    """Return the domain's score and its unrounded mean 0..1 (None if nothing counts)."""
    weighted = 0.0
    weights = 0.0
    answered = shown = 0
    dont_know: list[str] = []
    for question in domain.questions:
        if question.id not in visible or question.type == "text":
            continue
        shown += 1
        answer = answers.get(question.id)
        if answer is None:
            continue
        answered += 1
        if answer.status is AnswerStatus.DONT_KNOW:
            dont_know.append(question.id)
        value = checked_score(question, answer)  # normalise_answers validated it
        if value is not None:
            weighted += question.weight * value
            weights += question.weight
    applicable = reason is None
    mean = weighted / weights if applicable and weights > 0 else None
    score = None if mean is None else round_score(100 * mean, model.precision)
    raw_level = model.level_for(score)
    open_gates = tuple(
        GateResult(gate.id, gate.max_level, gate.reason)
        for gate in domain.gates
        if not gate.unless.holds(values)
    )
    level, capped_by = raw_level, None
    for gate in open_gates:
        if level is not None and gate.max_level < level:
            level, capped_by = gate.max_level, gate
    gap = max(0, target - level) if target is not None and level is not None else None
    result = DomainScore(
        id=domain.id,
        title=domain.title,
        weight=domain.weight,
        applicable=applicable,
        not_applicable_reason=reason,
        score=score,
        coverage=Coverage(answered, shown),
        dont_know=tuple(dont_know),
        raw_level=raw_level,
        level=level,
        capped_by=capped_by,
        open_gates=open_gates,
        target=target,
        gap=gap,
    )
    return result, mean


def score(
    questionnaire: Questionnaire,
    answers: Mapping[str, object],
    facts: Mapping[str, object],
    *,
    not_applicable_domains: Mapping[str, str] | None = None,
    targets: Mapping[str, int] | None = None,
) -> AssessmentScore:
    """Score every domain and the whole assessment.

    `answers` maps question ids to Answers or their JSON form; answers that do not fit their
    question count as unanswered. `facts` are directory facts (`population` or
    `municipality.population`). `not_applicable_domains` maps domain ids to the reason given;
    such domains have no score and never count in the overall score. `targets` maps domain ids to
    a target level 1-5. Raise ScoringError for unknown domains or targets out of range.
    """
    not_applicable_domains = not_applicable_domains or {}
    targets = targets or {}
    _check_arguments(questionnaire, not_applicable_domains, targets)
    answers = normalise_answers(questionnaire, answers)
    visible, values = walk(questionnaire, answers, facts)
    model = questionnaire.scoring
    results = [
        _domain_score(
            model,
            domain,
            answers,
            visible,
            values,
            not_applicable_domains.get(domain.id),
            targets.get(domain.id),
        )
        for domain in questionnaire.domains
    ]
    domains = tuple(result for result, _ in results)
    # The overall score uses the unrounded domain means, so it is rounded only once.
    weighted = weights = 0.0
    for result, mean in results:
        if mean is not None:
            weight = 1.0 if model.overall == "mean" else result.weight
            weighted += weight * mean
            weights += weight
    overall = round_score(100 * weighted / weights, model.precision) if weights > 0 else None
    counted = [d.coverage for d in domains if d.applicable]
    coverage = Coverage(sum(c.answered for c in counted), sum(c.shown for c in counted))
    raw_level, level = _overall_level(model, overall, domains)
    # An overall level only when every applicable domain is covered well enough.
    provisional = any(not d.enough_coverage for d in domains)
    return AssessmentScore(
        questionnaire_id=questionnaire.id,
        questionnaire_version=questionnaire.version,
        domains=domains,
        score=overall,
        level=None if provisional else level,
        coverage=coverage,
        raw_level=raw_level,
        provisional_level=level if provisional else None,
    )


def _overall_level(
    model: ScoringModel, overall: float | None, domains: tuple[DomainScore, ...]
) -> tuple[int | None, int | None]:
    """Return the overall level before and after the gates and the cap.

    With `min_level` (as in the OZG maturity model) the lowest applicable domain's level is the
    overall level. Otherwise the level of the overall score, capped (`cap_overall`) at one above
    the weakest applicable domain's gated level, in the spirit of "the weakest criterion
    decides": a municipality cannot count as integrated (level 4) overall while one of its
    domains is held at level 2, however high its average.
    """
    scored = [d for d in domains if d.applicable and d.level is not None]
    if model.overall == "min_level":
        if not scored:
            return None, None
        return min(d.raw_level or 0 for d in scored), min(d.level or 0 for d in scored)
    raw_level = model.level_for(overall)
    if raw_level is None or not scored or not model.cap_overall:
        return raw_level, raw_level
    return raw_level, min(raw_level, min(d.level or 0 for d in scored) + 1)
