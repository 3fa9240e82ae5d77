"""Loads recommendation rule files and validates them against the questionnaire and catalogue.

`load_rules(directory, questionnaire, catalogue)` reads every `*.yaml` in the directory
(`recommendations/content/rules/`) and raises one RulesError listing every problem with file,
key path and fix: unknown or missing keys, duplicate ids, unknown domains, goals, solutions,
trainings, categories, tags and roles, conditions that do not parse or type-check against the
questionnaire, placeholders that are not names of the condition, and missing languages.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import yaml

from questionnaires import (
    GOAL_IDS,
    Expression,
    ExpressionError,
    Questionnaire,
    Type,
    parse,
    parse_yaml,
)
from recommendations.catalogue import CATEGORIES, TARGET_ROLES, Catalogue, Problem, Text
from recommendations.explain import MISSING, PLACEHOLDER, rule_names
from recommendations.rules import (
    BASES,
    HORIZONS,
    KINDS,
    Action,
    CooperateAction,
    LinkAction,
    Rule,
    SolutionAction,
    StepAction,
    TrainingAction,
)

RULE_ID = re.compile(r"^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)+$")
SLUG = re.compile(r"^[a-z][a-z0-9_]*$")
GROUP = re.compile(r"^[a-z][a-z0-9_.]*$")
REQUIRED = ("id", "domain", "when", "actions", "priority", "horizon", "goals", "because")
OPTIONAL = ("group", "basis")
ACTION_KEYS = {
    "solution": (),
    "training": ("for_role",),
    "step": ("text",),
    "link_domains": ("id", "text"),
    "cooperate": ("text",),
}
MAX_PRIORITY = 100


class RulesError(Exception):
    """Rule content does not validate; `problems` lists every finding."""

    def __init__(self, problems: Iterable[Problem]) -> None:
        self.problems = tuple(problems)
        lines = [f"{len(self.problems)} problem(s) in the recommendation rules:"]
        lines += [f"  - {problem}" for problem in self.problems]
        super().__init__("\n".join(lines))


def default_rules_dir() -> Path:
    """Return the directory of the shipped rule files."""
    return Path(__file__).resolve().parent / "content" / "rules"


class _Checker:
    """Reads rule data into Rules, collecting problems instead of stopping at the first."""

    def __init__(self, questionnaire: Questionnaire, catalogue: Catalogue) -> None:
        self.questionnaire = questionnaire
        self.catalogue = catalogue
        self.names, self.options = rule_names(questionnaire)
        self.multiple = {q.id for q in questionnaire.all_questions() if q.type == "multiple"}
        self.domains = tuple(d.id for d in questionnaire.domains)
        self.problems: list[Problem] = []
        self.file = ""
        self.rule_ids: dict[str, str] = {}
        self.action_ids: dict[str, str] = {}

    def problem(self, path: str, message: str, fix: str) -> None:
        self.problems.append(Problem(self.file, path, message, fix))

    def keys(
        self,
        data: dict[str, Any],
        path: str,
        required: tuple[str, ...],
        optional: tuple[str, ...] = (),
    ) -> None:
        for key in required:
            if key not in data:
                self.problem(path, f"missing key {key!r}", f"add {key}")
        for key in data:
            if key not in required and key not in optional:
                allowed = ", ".join((*required, *optional))
                self.problem(f"{path}.{key}", f"unknown key {key!r}", f"use only {allowed}")

    def text(self, value: Any, path: str) -> Text | None:
        if not isinstance(value, dict):
            self.problem(path, "must be a mapping {de: ..., en: ...}", "give both languages")
            return None
        self.keys(value, path, ("de", "en"))
        texts = {}
        for lang in ("de", "en"):
            item = value.get(lang)
            if lang in value and (not isinstance(item, str) or not item.strip()):
                self.problem(f"{path}.{lang}", "must be a non-empty text", "write the text")
            texts[lang] = item if isinstance(item, str) else ""
        return Text(texts["de"], texts["en"])

    def slug(self, value: Any, path: str, pattern: re.Pattern[str] = SLUG) -> str | None:
        if not isinstance(value, str) or not pattern.match(value):
            self.problem(path, f"{value!r} is not a valid id", f"match {pattern.pattern}")
            return None
        return value

    # rules ---------------------------------------------------------------------------------------

    def file_data(self, data: Any) -> list[Rule]:
        if not isinstance(data, dict) or not isinstance(data.get("rules"), list):
            self.problem("", "must be a mapping with a list under 'rules'", "write rules: [...]")
            return []
        self.keys(data, "", ("rules",))
        rules = [self.rule(raw, f"rules[{i}]") for i, raw in enumerate(data["rules"])]
        return [rule for rule in rules if rule is not None]

    def rule(self, raw: Any, path: str) -> Rule | None:
        if not isinstance(raw, dict):
            self.problem(path, "must be a mapping", "write the rule's keys")
            return None
        before = len(self.problems)
        self.keys(raw, path, REQUIRED, OPTIONAL)
        rule_id = self.slug(raw.get("id"), f"{path}.id", RULE_ID) if "id" in raw else None
        if rule_id is not None:
            if rule_id in self.rule_ids:
                self.problem(
                    f"{path}.id",
                    f"duplicate rule id {rule_id!r}",
                    f"first in {self.rule_ids[rule_id]}",
                )
            self.rule_ids.setdefault(rule_id, f"{self.file}: {path}")
        domain = raw.get("domain")
        if "domain" in raw and domain not in self.domains:
            self.problem(
                f"{path}.domain", f"unknown domain {domain!r}", "use a questionnaire domain id"
            )
        when = self.condition(raw.get("when"), f"{path}.when") if "when" in raw else None
        priority = raw.get("priority")
        if "priority" in raw and (
            isinstance(priority, bool)
            or not isinstance(priority, int)
            or not 1 <= priority <= MAX_PRIORITY
        ):
            self.problem(f"{path}.priority", f"{priority!r} is not a priority", "use 1 to 100")
        horizon = raw.get("horizon")
        if "horizon" in raw and horizon not in HORIZONS:
            self.problem(
                f"{path}.horizon", f"unknown horizon {horizon!r}", f"use {', '.join(HORIZONS)}"
            )
        goals = self.goals(raw.get("goals"), f"{path}.goals") if "goals" in raw else ()
        because = self.text(raw["because"], f"{path}.because") if "because" in raw else None
        if because is not None and when is not None:
            self.placeholders(because, when.names, f"{path}.because")
        group = raw.get("group")
        if group is not None:
            self.slug(group, f"{path}.group", GROUP)
        basis = raw.get("basis")
        if basis is not None and basis not in BASES:
            self.problem(f"{path}.basis", f"unknown basis {basis!r}", f"use {', '.join(BASES)}")
        actions = self.actions(raw.get("actions"), f"{path}.actions") if "actions" in raw else ()
        if len(self.problems) > before or when is None or because is None:
            return None
        return Rule(
            id=str(rule_id),
            domain=str(domain),
            when=when,
            actions=actions,
            priority=int(priority),
            horizon=str(horizon),
            goals=goals,
            because=because,
            group=group,
            file=self.file,
            basis=basis,
        )

    def condition(self, value: Any, path: str) -> Expression | None:
        if not isinstance(value, str):
            self.problem(path, "must be an expression in quotes", 'write when: "..."')
            return None
        try:
            expression = parse(value, self.names, options=self.options)
        except ExpressionError as error:
            self.problem(path, f"{error} in {value!r}", "fix the condition (docs/rules-format.md)")
            return None
        if expression.type is not Type.BOOL:
            self.problem(path, f"{value!r} is not a condition", "compare the value")
            return None
        return expression

    def goals(self, value: Any, path: str) -> tuple[str, ...]:
        if not isinstance(value, list) or not value:
            self.problem(path, "must be a non-empty list of goal ids", f"use {', '.join(GOAL_IDS)}")
            return ()
        for index, goal in enumerate(value):
            if goal not in GOAL_IDS:
                self.problem(
                    f"{path}[{index}]", f"unknown goal {goal!r}", f"use {', '.join(GOAL_IDS)}"
                )
        if len(set(map(str, value))) != len(value):
            self.problem(path, "a goal is listed twice", "list each goal once")
        return tuple(str(goal) for goal in value)

    def placeholders(self, because: Text, names: frozenset[str], path: str) -> None:
        for lang in ("de", "en"):
            template = because.get(lang)
            for match in PLACEHOLDER.finditer(template):
                name = match.group(1).removeprefix(MISSING)
                if match.group(1).startswith(MISSING) and name not in self.multiple:
                    self.problem(
                        f"{path}.{lang}",
                        f"{{{match.group(1)}}} needs a multiple-choice question",
                        "use {missing:<id>} only with multiple-choice questions",
                    )
                if name not in names:
                    self.problem(
                        f"{path}.{lang}",
                        f"placeholder {{{match.group(1)}}} is not a name of the condition",
                        "use only names that occur in 'when'",
                    )
            rest = PLACEHOLDER.sub("", template)
            if "{" in rest or "}" in rest:
                self.problem(f"{path}.{lang}", "unbalanced '{' or '}'", "write {name}")

    # actions -------------------------------------------------------------------------------------

    def actions(self, value: Any, path: str) -> tuple[Action, ...]:
        if not isinstance(value, list) or not value:
            self.problem(path, "must be a non-empty list", "add at least one action")
            return ()
        actions = []
        for index, raw in enumerate(value):
            where = f"{path}[{index}]"
            kinds = [k for k in KINDS if isinstance(raw, dict) and k in raw]
            if len(kinds) != 1:
                self.problem(where, "needs exactly one kind key", f"use one of {', '.join(KINDS)}")
                continue
            kind = kinds[0]
            self.keys(raw, where, (kind, *ACTION_KEYS[kind]))
            action = getattr(self, f"action_{kind}")(raw, where)
            if action is not None:
                actions.append(action)
        return tuple(actions)

    def action_solution(self, raw: dict[str, Any], path: str) -> SolutionAction | None:
        value = raw["solution"]
        where = f"{path}.solution"
        if isinstance(value, str):
            if value not in {s.id for s in self.catalogue.solutions}:
                self.problem(where, f"unknown solution {value!r}", "use a catalogue solution id")
                return None
            return SolutionAction(solution=value)
        if not isinstance(value, dict):
            self.problem(where, "must be a solution id or {category, tags}", "see the format")
            return None
        self.keys(value, where, ("category",), ("tags",))
        category, tags = value.get("category"), value.get("tags", [])
        if category not in CATEGORIES:
            self.problem(
                f"{where}.category", f"unknown category {category!r}", "use a catalogue category"
            )
            return None
        if not isinstance(tags, list) or not all(isinstance(t, str) for t in tags):
            self.problem(f"{where}.tags", "must be a list of tags", "write tags: [a, b]")
            return None
        if not any(
            category in s.categories and set(tags) <= set(s.tags) for s in self.catalogue.solutions
        ):
            self.problem(
                where, "no catalogue solution has this category and these tags", "check the tags"
            )
            return None
        return SolutionAction(category=category, tags=tuple(tags))

    def action_training(self, raw: dict[str, Any], path: str) -> TrainingAction | None:
        value, role = raw["training"], raw.get("for_role")
        if role not in TARGET_ROLES:
            self.problem(
                f"{path}.for_role",
                f"unknown role {role!r}",
                f"use {', '.join(sorted(TARGET_ROLES))}",
            )
            return None
        trainings = {t.id: t for t in self.catalogue.trainings}
        if isinstance(value, str):
            if value not in trainings:
                self.problem(
                    f"{path}.training", f"unknown training {value!r}", "use a catalogue training id"
                )
                return None
            if role not in trainings[value].target_roles:
                self.problem(
                    f"{path}.for_role",
                    f"{value!r} is not offered to {role!r}",
                    "pick a target role of the training",
                )
                return None
            return TrainingAction(for_role=role, training=value)
        if not isinstance(value, dict) or set(value) != {"tag"}:
            self.problem(
                f"{path}.training", "must be a training id or {tag: ...}", "see the format"
            )
            return None
        tag = value["tag"]
        if not any(tag in t.topics and role in t.target_roles for t in trainings.values()):
            self.problem(
                f"{path}.training.tag",
                f"no training on {tag!r} for {role!r}",
                "check the topic and role",
            )
            return None
        return TrainingAction(for_role=role, tag=tag)

    def unique_action(self, action_id: str | None, path: str) -> None:
        if action_id is None:
            return
        if action_id in self.action_ids:
            self.problem(
                path, f"duplicate action id {action_id!r}", f"first in {self.action_ids[action_id]}"
            )
        self.action_ids.setdefault(action_id, f"{self.file}: {path}")

    def action_step(self, raw: dict[str, Any], path: str) -> StepAction | None:
        step_id = self.slug(raw["step"], f"{path}.step")
        self.unique_action(step_id, f"{path}.step")
        text = self.text(raw.get("text"), f"{path}.text")
        return StepAction(step_id, text) if step_id and text else None

    def action_cooperate(self, raw: dict[str, Any], path: str) -> CooperateAction | None:
        action_id = self.slug(raw["cooperate"], f"{path}.cooperate")
        self.unique_action(action_id, f"{path}.cooperate")
        text = self.text(raw.get("text"), f"{path}.text")
        return CooperateAction(action_id, text) if action_id and text else None

    def action_link_domains(self, raw: dict[str, Any], path: str) -> LinkAction | None:
        domains = raw["link_domains"]
        if (
            not isinstance(domains, list)
            or len(domains) != 2
            or len(set(map(str, domains))) != 2
            or any(d not in self.domains for d in domains)
        ):
            self.problem(
                f"{path}.link_domains", f"{domains!r} are not two different domains", "write [a, b]"
            )
            return None
        action_id = self.slug(raw.get("id"), f"{path}.id")
        self.unique_action(action_id, f"{path}.id")
        text = self.text(raw.get("text"), f"{path}.text")
        if action_id is None or text is None:
            return None
        return LinkAction(action_id, (str(domains[0]), str(domains[1])), text)


def rules_from_data(
    files: Iterable[tuple[str, Any]],
    questionnaire: Questionnaire,
    catalogue: Catalogue,
    problems: Iterable[Problem] = (),
) -> tuple[Rule, ...]:
    """Validate parsed rule files given as (file name, data); raise RulesError on any problem.

    `problems` found before (unreadable files) are reported together with the others.
    """
    checker = _Checker(questionnaire, catalogue)
    checker.problems.extend(problems)
    rules: list[Rule] = []
    for file, data in files:
        checker.file = file
        rules += checker.file_data(data)
    if checker.problems:
        raise RulesError(checker.problems)
    return tuple(rules)


def load_rules(
    directory: str | Path, questionnaire: Questionnaire, catalogue: Catalogue
) -> tuple[Rule, ...]:
    """Load every rule file in `directory` (sorted by name); raise RulesError listing problems."""
    root = Path(directory)
    files: list[tuple[str, Any]] = []
    problems: list[Problem] = []
    paths = sorted(root.glob("*.yaml")) if root.is_dir() else []
    if not paths:
        problems.append(Problem(str(root), "", "no rule files", "add <domain>.yaml files"))
    for path in paths:
        try:
            files.append((path.name, parse_yaml(path.read_text(encoding="utf-8"))))
        except (OSError, UnicodeDecodeError, yaml.YAMLError) as error:
            problems.append(
                Problem(path.name, "", f"cannot read the file: {error}", "fix the YAML")
            )
    if not paths:
        raise RulesError(problems)
    return rules_from_data(files, questionnaire, catalogue, problems)
