"""Recommendation rules: what a rule is, and `evaluate(rules, context)` turning rules into advice.

A rule is data (docs/rules-format.md): a condition in the questionnaire expression language over
answers, facts, scores and goals, and actions — a solution, a training, an organisational step,
linking two domains, or co-operating with neighbours. Evaluation is pure: everything comes in
through the Context (the date too), and solution actions only ever yield solutions that are
listed on that date and fit the municipality. Rules are loaded and validated by rule_loader.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace

from questionnaires import Expression, Questionnaire
from recommendations.catalogue import Catalogue, ListingStatus, Solution, Text, Training
from recommendations.explain import TraceEntry, fill, rule_values, trace
from recommendations.scoring import AssessmentScore
from recommendations.selection import Selection, capacity, select

HORIZONS = ("quick_win", "next_step", "later")
KINDS = ("solution", "training", "step", "link_domains", "cooperate")
#: What a rule rests on; recommendations with a basis come before all others, in this order.
BASES = ("legal", "security_floor")
#: The kind of the recommendation made when a rule names solutions and none of them is listed.
PROCURE = "procure"
BUDGET_BELOW_10K = frozenset({"none", "under_10k"})


# --------------------------------------------------------------------------- rules


@dataclass(frozen=True)
class SolutionAction:
    """Recommend one solution by id, or the solutions of a category carrying all `tags`."""

    solution: str | None = None
    category: str | None = None
    tags: tuple[str, ...] = ()

    kind = "solution"


@dataclass(frozen=True)
class TrainingAction:
    """Recommend one training by id, or every training with topic `tag` offered to `for_role`."""

    for_role: str
    training: str | None = None
    tag: str | None = None

    kind = "training"


@dataclass(frozen=True)
class StepAction:
    """An organisational step (appoint, decide, write down ...)."""

    id: str
    text: Text

    kind = "step"


@dataclass(frozen=True)
class LinkAction:
    """Link two domains, for example on a shared data platform."""

    id: str
    domains: tuple[str, str]
    text: Text

    kind = "link_domains"


@dataclass(frozen=True)
class CooperateAction:
    """Co-operate with neighbours: shared service, joint procurement, regional data."""

    id: str
    text: Text

    kind = "cooperate"


Action = SolutionAction | TrainingAction | StepAction | LinkAction | CooperateAction


@dataclass(frozen=True)
class Rule:
    """One recommendation rule; `priority`: higher comes first; `file` is where it was loaded."""

    id: str
    domain: str
    when: Expression
    actions: tuple[Action, ...]
    priority: int
    horizon: str
    goals: tuple[str, ...]
    because: Text
    group: str | None = None
    file: str = ""
    basis: str | None = None


# --------------------------------------------------------------------------- results


@dataclass(frozen=True)
class Context:
    """Everything a rule may look at; `today` decides which solutions are listed."""

    questionnaire: Questionnaire
    answers: Mapping[str, object]
    facts: Mapping[str, object]
    scores: AssessmentScore
    catalogue: Catalogue
    today: dt.date


@dataclass(frozen=True)
class Skipped:
    """A solution a rule named but that was not recommended, for the curator.

    `reason`: pending_review, not_admitted (see `listing`), too_small, too_large, needs_it_staff
    or needs_budget.
    """

    rule_id: str
    solution_id: str
    reason: str
    listing: ListingStatus | None = None


@dataclass(frozen=True)
class Explanation:
    """Why a recommendation came out: the condition, its names' values, the goal served."""

    condition: str
    values: tuple[TraceEntry, ...]
    goal: str | None
    skipped: tuple[Skipped, ...] = ()


@dataclass(frozen=True)
class Recommendation:
    """One piece of advice: a solution, training, step, domain link or co-operation.

    `target` is the solution, training, step, link or co-operation id; `text` the solution's
    summary, the training's title or the action's text; `goal` the municipality's best-ranked goal
    among `goals`; `also_from` other rules that led to the same target. `domains` lists every
    domain the step serves (the rule's own first, then those of the group rules merged into it);
    `basis` is "legal" or "security_floor" when the rule rests on one; `no_listed_solution` is
    True when the rule names solutions and none of them is listed and fits (the procurement
    building blocks help then). `key` identifies the step across inventories (action plan).
    """

    rule_id: str
    kind: str
    target: str
    domain: str
    horizon: str
    priority: int
    goals: tuple[str, ...]
    goal: str | None
    because: Text
    text: Text
    explanation: Explanation
    for_role: str | None = None
    linked_domains: tuple[str, ...] = ()
    also_from: tuple[str, ...] = ()
    domains: tuple[str, ...] = ()
    basis: str | None = None
    no_listed_solution: bool = False
    topic: str | None = None

    @property
    def key(self) -> str:
        """Return the stable key of this step: kind and target (and training topic)."""
        parts = [self.kind, self.target] + ([self.topic] if self.topic else [])
        return ":".join(parts)


@dataclass(frozen=True)
class Evaluation:
    """The full result of a run: recommendations in order and what happened to every rule."""

    recommendations: tuple[Recommendation, ...]
    fired: tuple[str, ...]
    suppressed: Mapping[str, str] = field(default_factory=dict)  # rule id → group winner
    not_applicable: tuple[str, ...] = ()
    skipped: tuple[Skipped, ...] = ()
    selection: Selection | None = None


# --------------------------------------------------------------------------- evaluation


class _Resolver:
    """Resolves actions to targets with the catalogue, caching listing decisions per run."""

    def __init__(self, context: Context, values: Mapping[str, object]) -> None:
        self.catalogue = context.catalogue
        self.today = context.today
        self.values = values
        self.listings: dict[str, ListingStatus] = {}
        population = values.get("municipality.population")
        self.population = (
            population
            if isinstance(population, int | float) and not isinstance(population, bool)
            else None
        )
        self.has_it_staff = values.get("has_it_staff") is True
        self.low_budget = values.get("profile.budget_band") in BUDGET_BELOW_10K

    def unfit(self, solution: Solution) -> str | None:
        """Return why `solution` does not fit the municipality, or None when it fits."""
        size = solution.size_fit
        if self.population is not None and self.population < size.min_population:
            return "too_small"
        if (
            self.population is not None
            and size.max_population is not None
            and self.population > size.max_population
        ):
            return "too_large"
        if solution.needs_it_staff and not self.has_it_staff:
            return "needs_it_staff"
        if "budget_over_10k" in solution.prerequisites and self.low_budget:
            return "needs_budget"
        return None

    def solutions(self, rule: Rule, action: SolutionAction) -> tuple[list[Solution], list[Skipped]]:
        if action.solution is not None:
            candidates = [s for s in self.catalogue.solutions if s.id == action.solution]
        else:
            candidates = [
                s
                for s in self.catalogue.solutions
                if action.category in s.categories and set(action.tags) <= set(s.tags)
            ]
        chosen: list[Solution] = []
        skipped: list[Skipped] = []
        for solution in candidates:
            listing = self.listings.get(solution.id)
            if listing is None:
                listing = self.catalogue.listing_status(solution, self.today)
                self.listings[solution.id] = listing
            if not listing.listed:
                skipped.append(Skipped(rule.id, solution.id, listing.status, listing))
                continue
            reason = self.unfit(solution)
            if reason is not None:
                skipped.append(Skipped(rule.id, solution.id, reason))
                continue
            chosen.append(solution)
        return chosen, skipped

    def trainings(self, action: TrainingAction) -> list[Training]:
        if action.training is not None:
            return [t for t in self.catalogue.trainings if t.id == action.training]
        return [
            t
            for t in self.catalogue.trainings
            if action.tag in t.topics and action.for_role in t.target_roles
        ]


def _goal_rank(rule: Rule, goals: tuple[str, ...]) -> tuple[int, str | None]:
    """Return the rank of the best-ranked municipal goal the rule serves, and that goal."""
    for rank, goal in enumerate(goals):
        if goal in rule.goals:
            return rank, goal
    return len(goals), None


def _fire(
    rules: Iterable[Rule], values: Mapping[str, object]
) -> tuple[list[Rule], dict[str, str], list[str]]:
    """Return the firing rules, those suppressed by a stronger rule of their group, and the
    rules left out because their domain does not apply."""
    firing: list[Rule] = []
    not_applicable: list[str] = []
    for rule in rules:
        if values.get(f"domain.{rule.domain}.applicable") is False:
            not_applicable.append(rule.id)
        elif rule.when.holds(values):
            firing.append(rule)
    winners: dict[str, Rule] = {}
    for rule in firing:
        if rule.group is None:
            continue
        best = winners.get(rule.group)
        if best is None or (-rule.priority, rule.id) < (-best.priority, best.id):
            winners[rule.group] = rule
    suppressed = {
        rule.id: winners[rule.group].id
        for rule in firing
        if rule.group is not None and winners[rule.group] is not rule
    }
    return [r for r in firing if r.id not in suppressed], suppressed, not_applicable


def _merged(rule: Rule, suppressed: Mapping[str, str], rules: Mapping[str, Rule]) -> Rule:
    """Return the rule with the goals of the group rules it won over (their domains: `_domains`)."""
    losers = [rules[r] for r, winner in suppressed.items() if winner == rule.id]
    goals = list(rule.goals)
    for loser in losers:
        goals += [g for g in loser.goals if g not in goals]
    return replace(rule, goals=tuple(goals))


def _domains(rule: Rule, suppressed: Mapping[str, str], rules: Mapping[str, Rule]) -> tuple:
    """Return the winner's domain, then the other domains of the firing rules of its group."""
    domains = [rule.domain]
    for loser, winner in sorted(suppressed.items()):
        if winner == rule.id and rules[loser].domain not in domains:
            domains.append(rules[loser].domain)
    return tuple(domains)


def _targets(
    rule: Rule, base: Recommendation, resolver: _Resolver
) -> tuple[list[Recommendation], list[Skipped]]:
    """Turn the actions of a firing rule into recommendations (and skipped solutions)."""
    produced: list[Recommendation] = []
    skipped: list[Skipped] = []
    solutions: list[Solution] = []
    names_solutions = any(isinstance(a, SolutionAction) for a in rule.actions)
    for action in rule.actions:
        if isinstance(action, SolutionAction):
            chosen, passed_over = resolver.solutions(rule, action)
            skipped += passed_over
            solutions += chosen
    for action in rule.actions:
        if isinstance(action, SolutionAction):
            produced += [
                replace(base, kind=action.kind, target=s.id, text=s.summary)
                for s in solutions
                if _from(action, s)
            ]
        elif isinstance(action, TrainingAction):
            # A training that accompanies solutions is pointless when none of them is listed.
            if names_solutions and not solutions:
                continue
            produced += [
                replace(
                    base,
                    kind=action.kind,
                    target=t.id,
                    text=t.title,
                    for_role=action.for_role,
                    topic=action.tag,
                )
                for t in resolver.trainings(action)
            ]
        elif isinstance(action, LinkAction):
            produced.append(
                replace(
                    base,
                    kind=action.kind,
                    target=action.id,
                    text=action.text,
                    linked_domains=action.domains,
                )
            )
        else:
            produced.append(replace(base, kind=action.kind, target=action.id, text=action.text))
    if names_solutions and not solutions:
        if produced:
            produced = [replace(r, no_listed_solution=True) for r in produced]
        else:
            produced.append(
                replace(
                    base, kind=PROCURE, target=rule.id, text=_NO_LISTED, no_listed_solution=True
                )
            )
    return produced, skipped


_NO_LISTED = Text(
    "Im Katalog ist derzeit keine Lösung gelistet, die zu Ihrer Kommune passt. Beschreiben Sie "
    "die Anforderungen selbst – mit den Ausschreibungsbausteinen – oder fragen Sie beim Kreis "
    "oder Ihrem kommunalen IT-Dienstleister nach einer gemeinsamen Lösung.",
    "No solution that fits your municipality is listed in the catalogue at present. Describe "
    "the requirements yourself – with the tender building blocks – or ask the district or your "
    "municipal IT provider for a shared solution.",
)


def _from(action: SolutionAction, solution: Solution) -> bool:
    """Tell whether `solution` is one that `action` names."""
    if action.solution is not None:
        return solution.id == action.solution
    return action.category in solution.categories and set(action.tags) <= set(solution.tags)


def run(rules: Iterable[Rule], context: Context) -> Evaluation:
    """Evaluate every rule against the assessment; return recommendations and what happened."""
    values = rule_values(context.questionnaire, context.answers, context.facts, context.scores)
    goals = values["goals"]
    ranked = goals if isinstance(goals, tuple) else ()
    rules = tuple(rules)
    by_id = {rule.id: rule for rule in rules}
    firing, suppressed, not_applicable = _fire(rules, values)
    resolver = _Resolver(context, values)
    ordered: list[tuple[tuple[int, int, int, int, str, int], Recommendation]] = []
    all_skipped: list[Skipped] = []
    for own in firing:
        rule = _merged(own, suppressed, by_id)
        rank, goal = _goal_rank(rule, ranked)
        gap = values.get(f"domain.{rule.domain}.gap")
        gap_size = gap if isinstance(gap, int) else 0
        entries = trace(context.questionnaire, rule.when.names, values)
        because = fill(rule.because, {e.name: e for e in entries})
        base = Recommendation(
            rule_id=rule.id,
            kind="",
            target="",
            domain=rule.domain,
            horizon=rule.horizon,
            priority=rule.priority,
            goals=rule.goals,
            goal=goal,
            because=because,
            text=because,
            explanation=Explanation(rule.when.text, entries, goal),
            domains=_domains(rule, suppressed, by_id),
            basis=rule.basis,
            also_from=tuple(sorted(r for r, w in suppressed.items() if w == rule.id)),
        )
        produced, skipped = _targets(rule, base, resolver)
        all_skipped += skipped
        explanation = replace(base.explanation, skipped=tuple(skipped))
        for index, recommendation in enumerate(produced):
            basis = BASES.index(rule.basis) if rule.basis in BASES else len(BASES)
            key = (basis, rank, -gap_size, -rule.priority, rule.id, index)
            ordered.append((key, replace(recommendation, explanation=explanation)))
    ordered.sort(key=lambda pair: pair[0])
    recommendations = _deduplicate(r for _, r in ordered)
    limits = capacity(values.get("profile.it_staff"), values.get("municipality.population"))
    return Evaluation(
        recommendations=recommendations,
        selection=select(recommendations, limits),
        fired=tuple(sorted(r.id for r in firing)),
        suppressed=suppressed,
        not_applicable=tuple(not_applicable),
        skipped=tuple(all_skipped),
    )


def _deduplicate(recommendations: Iterable[Recommendation]) -> tuple[Recommendation, ...]:
    """Keep the first recommendation of each key; note later rules in `also_from`.

    The key is kind and target, and for trainings chosen by topic also the topic: a security
    training never merges into a training recommended for another purpose.
    """
    kept: dict[str, Recommendation] = {}
    for recommendation in recommendations:
        key = recommendation.key
        first = kept.get(key)
        if first is None:
            kept[key] = recommendation
        elif recommendation.rule_id != first.rule_id and recommendation.rule_id not in (
            first.also_from
        ):
            kept[key] = replace(first, also_from=(*first.also_from, recommendation.rule_id))
    return tuple(kept.values())


def evaluate(rules: Iterable[Rule], context: Context) -> tuple[Recommendation, ...]:
    """Return the recommendations of every firing rule, most relevant first.

    Order: legal obligations first, then the security floor, then rules serving the
    municipality's top-ranked goal, then by the gap between the target and the level of the
    rule's domain (larger first), then priority (higher first), then rule id. Within a group only
    the highest-priority firing rule counts; it names the domains of the others. Rules of a
    domain marked not applicable never fire.
    """
    return run(rules, context).recommendations
