"""Frozen dataclasses for a loaded, validated questionnaire version."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

from questionnaires.errors import UnknownQuestionnaireError
from questionnaires.expressions import Expression

QUESTION_TYPES = ("single", "multiple", "yesno", "number", "text", "matrix", "ranking")
SCORED_TYPES = frozenset({"single", "multiple", "yesno", "number", "matrix"})
STATUSES = ("draft", "active", "retired")
DOMAIN_IDS = (
    "strategy",
    "services",
    "data",
    "infrastructure",
    "security",
    "interoperability",
    "mobility",
    "climate",
    "planning",
    "participation",
    "skills",
    "cooperation",
)
GOAL_IDS = (
    "climate",
    "demography",
    "mobility",
    "economy",
    "participation",
    "efficiency",
    "education",
    "health",
    "safety",
)
PROFILE_ID = "profile"
#: Who answers a question: the municipality itself (default) or the shared administration of
#: its association (Verbandsgemeinde, Amt, ...), whose answer its members inherit.
ANSWERED_BY = ("municipality", "administration")
#: How the overall score and level are formed (`scoring.overall`).
OVERALL_RULES = ("weighted_mean", "mean", "min_level")
#: What a blank matrix row counts as (`blank_rows`): left out of the mean, or 0.
BLANK_ROWS = ("skip", "zero")


@dataclass(frozen=True)
class Text:
    """A text the user sees, in German (primary) and English."""

    de: str
    en: str

    def get(self, lang: str) -> str:
        """Return the text in `lang`; anything but a non-empty English text falls back to German."""
        if lang == "en" and self.en:
            return self.en
        return self.de


@dataclass(frozen=True)
class Reference:
    """A law or standard a question refers to."""

    title: str
    url: str | None = None


@dataclass(frozen=True)
class Option:
    """One answer option; `score` is None where the option is not scored (profile, ranking)."""

    id: str
    label: Text
    score: float | None = None
    advice: Text | None = None
    exclusive: bool = False


class _Options:
    """Finding an option by id (answers are checked and scored against options often)."""

    options: tuple[Option, ...]

    @cached_property
    def _options_by_id(self) -> dict[str, Option]:
        found: dict[str, Option] = {}
        for option in self.options:
            found.setdefault(option.id, option)  # the first of a repeated id wins
        return found

    def option(self, option_id: str) -> Option | None:
        """Return the option with `option_id`, or None."""
        return self._options_by_id.get(option_id)


@dataclass(frozen=True)
class Scale(_Options):
    """A reusable list of options."""

    id: str
    options: tuple[Option, ...]


@dataclass(frozen=True)
class Row:
    """A row of a matrix question."""

    id: str
    label: Text


@dataclass(frozen=True)
class Break:
    """A number question scores `score` from `from_` (inclusive) up to the next break."""

    from_: float
    score: float
    advice: Text | None = None


@dataclass(frozen=True)
class Gate:
    """A cap on a domain's maturity level unless a condition holds."""

    id: str
    max_level: int
    unless: Expression
    reason: Text


@dataclass(frozen=True)
class Band:
    """A maturity level: scores from `from_` (inclusive) up to the next band's `from_`."""

    level: int
    from_: float
    label: Text | None = None


@dataclass(frozen=True)
class ScoringModel:
    """How a questionnaire turns answers into levels (the `scoring` key of the file).

    `bands` ascend from 0; `overall` is one of OVERALL_RULES; `cap_overall` caps the overall level
    at one above the weakest applicable domain's gated level; `precision` is the number of
    decimals scores are rounded to. `labels` is False for the default model, whose level names
    the application words itself.
    """

    bands: tuple[Band, ...]
    overall: str = "weighted_mean"
    cap_overall: bool = True
    precision: int = 1
    labels: bool = False

    @property
    def min_level(self) -> int:
        return self.bands[0].level

    @property
    def max_level(self) -> int:
        return self.bands[-1].level

    @property
    def levels(self) -> tuple[int, ...]:
        """The level numbers, lowest first."""
        return tuple(b.level for b in self.bands)

    def level_for(self, score: float | None) -> int | None:
        """Map a 0-100 score to the level of the highest band it reaches."""
        if score is None:
            return None
        level = self.bands[0].level
        for band in self.bands:
            if score >= band.from_:
                level = band.level
        return level

    def label(self, level: int | None) -> Text | None:
        """Return the file's name of `level`, or None (default model or no such level)."""
        return next((b.label for b in self.bands if b.level == level), None)


#: The Smart-City-Inventur's model: five levels in 20-point bands, weighted mean, capped overall.
DEFAULT_SCORING = ScoringModel(
    bands=tuple(Band(level, 20.0 * (level - 1)) for level in range(1, 6)),
)


@dataclass(frozen=True)
class Question(_Options):
    """One question with every key of the format; type-specific keys are empty when unused.

    `options` holds the resolved options of `single` (inline or from `scale`, with advice overrides
    applied), `multiple`, `ranking` and `matrix` (the scale's options) questions, and the `yes`/`no`
    options of a `yesno` question with their scores and advice.
    """

    id: str
    type: str
    text: Text
    help: Text
    domain: str
    evidence_hint: Text | None = None
    references: tuple[Reference, ...] = ()
    weight: float = 1.0
    allow_not_applicable: bool = False
    allow_dont_know: bool = False
    show_if: Expression | None = None
    replaces: tuple[str, ...] = ()
    prefill: str | None = None
    answered_by: str = "municipality"
    options: tuple[Option, ...] = ()
    scale: str | None = None
    aggregation: str | None = None
    unit: Text | None = None
    min: float | None = None
    max: float | None = None
    integer: bool = False
    breaks: tuple[Break, ...] = ()
    max_length: int = 2000
    rows: tuple[Row, ...] = ()
    blank_rows: str = "skip"
    #: Checkbox columns of a matrix (each row may tick several); then `options` holds them too.
    columns: tuple[Option, ...] = ()

    @property
    def is_checkbox_matrix(self) -> bool:
        """True for a matrix whose rows tick checkbox columns instead of choosing one option."""
        return self.type == "matrix" and bool(self.columns)

    @property
    def is_profile(self) -> bool:
        """True for questions of the municipality profile."""
        return self.domain == PROFILE_ID

    @property
    def is_scored(self) -> bool:
        """True if answers to this question count towards its domain's score."""
        return not self.is_profile and self.type in SCORED_TYPES and self.weight > 0

    @cached_property
    def option_ids(self) -> tuple[str, ...]:
        """Ids of the options, in order (computed once: answers are checked against it often)."""
        return tuple(o.id for o in self.options)


@dataclass(frozen=True)
class Domain:
    """A scored domain with its questions and gates."""

    id: str
    title: Text
    intro: Text
    questions: tuple[Question, ...]
    weight: float = 1.0
    allow_not_applicable: bool = False
    gates: tuple[Gate, ...] = ()


@dataclass(frozen=True)
class Profile:
    """The municipality profile, asked first and never scored."""

    title: Text
    intro: Text
    questions: tuple[Question, ...]


@dataclass(frozen=True)
class Questionnaire:
    """One version of a questionnaire."""

    id: str
    version: str
    status: str
    title: Text
    description: Text
    scales: tuple[Scale, ...]
    profile: Profile
    domains: tuple[Domain, ...]
    scoring: ScoringModel = DEFAULT_SCORING
    _index: dict[str, Question] = field(
        init=False, repr=False, compare=False, hash=False, default_factory=dict
    )

    def __post_init__(self) -> None:
        self._index.update((q.id, q) for q in self.all_questions())

    @property
    def version_key(self) -> tuple[int, ...]:
        """The version as a tuple of integers, for sorting."""
        return version_key(self.version)

    def all_questions(self) -> tuple[Question, ...]:
        """Return every question in file order: the profile first, then each domain."""
        return self._all_questions

    @cached_property
    def _all_questions(self) -> tuple[Question, ...]:
        return self.profile.questions + tuple(q for d in self.domains for q in d.questions)

    @cached_property
    def condition_names(self) -> tuple[str, ...]:
        """The names the questions' show_if conditions use (question ids and facts), sorted:
        which questions are visible depends on the answers to these questions only."""
        return tuple(
            sorted(
                {
                    name
                    for q in self._all_questions
                    if q.show_if is not None
                    for name in q.show_if.names
                }
            )
        )

    def question(self, question_id: str) -> Question:
        """Return the question with `question_id`; raise UnknownQuestionnaireError if none."""
        try:
            return self._index[question_id]
        except KeyError:
            raise UnknownQuestionnaireError(
                f"{self.id} {self.version} has no question {question_id!r}"
            ) from None

    def find_question(self, question_id: str) -> Question | None:
        """Return the question with `question_id`, or None."""
        return self._index.get(question_id)

    def domain(self, domain_id: str) -> Domain:
        """Return the domain with `domain_id`; raise UnknownQuestionnaireError if none."""
        for domain in self.domains:
            if domain.id == domain_id:
                return domain
        raise UnknownQuestionnaireError(f"{self.id} {self.version} has no domain {domain_id!r}")

    def administration_questions(self) -> tuple[Question, ...]:
        """Return the questions a shared administration answers for its members, in file order."""
        return tuple(q for q in self.all_questions() if q.answered_by == "administration")

    def scale(self, scale_id: str) -> Scale:
        """Return the scale with `scale_id`; raise UnknownQuestionnaireError if none."""
        for scale in self.scales:
            if scale.id == scale_id:
                return scale
        raise UnknownQuestionnaireError(f"{self.id} {self.version} has no scale {scale_id!r}")


def version_key(version: str) -> tuple[int, ...]:
    """Turn '1.10.0' into (1, 10, 0) so versions sort numerically; non-numbers sort first."""
    return tuple(
        int(part) if part.isascii() and part.isdigit() else -1 for part in version.split(".")
    )
