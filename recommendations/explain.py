"""The values recommendation rules see, and how they are shown to people.

`rule_names(questionnaire)` declares every name a rule condition may use (with its type and, for
choice questions and goals, its option ids); `rule_values(...)` computes those names for one
assessment; `display(...)` turns a value into the words a report shows (option labels, German or
English number format); `fill(...)` replaces the `{name}` placeholders of a `because` text.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass

from questionnaires import (
    FACTS,
    GOAL_IDS,
    Question,
    Questionnaire,
    Type,
)
from questionnaires.builder import NAME_TYPES
from recommendations.catalogue import Text
from recommendations.scoring import AssessmentScore, normalise_answers, walk

#: Numeric names per domain: `domain.<id>.<key>`.
DOMAIN_NUMBERS = ("score", "level", "raw_level", "gap", "dont_know", "coverage")
#: Placeholders in `because` texts: `{name}`.
PLACEHOLDER = re.compile(r"\{([^{}]*)\}")
#: `{missing:<id>}` shows the scored options of a multiple-choice question NOT chosen: a
#: because-text quotes what is missing, never what is in place.
MISSING = "missing:"

_CHOICE_TYPES = ("single", "multiple", "ranking")
_NOT_ANSWERED = Text("keine Angabe", "not answered")
_YES_NO = {True: Text("ja", "yes"), False: Text("nein", "no")}


def rule_names(
    questionnaire: Questionnaire,
) -> tuple[dict[str, Type], dict[str, frozenset[str]]]:
    """Return the names a rule condition may use with their types, and the option ids of names.

    Names: every question id, the `municipality.*` facts, `domain.<id>.score|level|raw_level|
    gap|dont_know|coverage` (numbers), `domain.<id>.applicable` (bool), `goals` (the ranked goal
    ids), `top_goal`, `overall.score`, `overall.level` and `has_it_staff` (bool).
    """
    names: dict[str, Type] = dict(FACTS)
    options: dict[str, frozenset[str]] = {}
    for question in questionnaire.all_questions():
        names[question.id] = NAME_TYPES[question.type]
        if question.type in _CHOICE_TYPES:
            options[question.id] = frozenset(question.option_ids)
    for domain in questionnaire.domains:
        for key in DOMAIN_NUMBERS:
            names[f"domain.{domain.id}.{key}"] = Type.NUMBER
        names[f"domain.{domain.id}.applicable"] = Type.BOOL
    names.update(
        {
            "goals": Type.LIST,
            "top_goal": Type.STRING,
            "overall.score": Type.NUMBER,
            "overall.level": Type.NUMBER,
            "has_it_staff": Type.BOOL,
        }
    )
    options["goals"] = options["top_goal"] = frozenset(GOAL_IDS)
    return names, options


def _number(value: object) -> float | None:
    if isinstance(value, int | float) and not isinstance(value, bool):
        return value
    return None


def has_it_staff(values: Mapping[str, object]) -> bool:
    """Decide whether solutions that need IT staff fit.

    An answered `profile.it_staff` decides (more than 0 full-time equivalents); when it is not
    answered, municipalities from 10,000 inhabitants are assumed to have IT staff.
    """
    staff = _number(values.get("profile.it_staff"))
    if staff is not None:
        return staff > 0
    population = _number(values.get("municipality.population"))
    return population is not None and population >= 10000


def rule_values(
    questionnaire: Questionnaire,
    answers: Mapping[str, object],
    facts: Mapping[str, object],
    scores: AssessmentScore,
) -> dict[str, object]:
    """Return the value of every rule name for one assessment (null where nothing is known)."""
    values = walk(questionnaire, normalise_answers(questionnaire, answers), facts)[1]
    for domain in scores.domains:
        prefix = f"domain.{domain.id}."
        values[prefix + "score"] = domain.score
        values[prefix + "level"] = domain.level
        values[prefix + "raw_level"] = domain.raw_level
        values[prefix + "gap"] = domain.gap
        values[prefix + "dont_know"] = domain.dont_know_count
        values[prefix + "coverage"] = round(100 * domain.coverage.share, 1)
        values[prefix + "applicable"] = domain.applicable
    goals = values.get("profile.goals")
    goals = tuple(goals) if isinstance(goals, tuple | list) else ()
    values["goals"] = goals
    values["top_goal"] = goals[0] if goals else None
    values["overall.score"] = scores.score
    values["overall.level"] = scores.level
    values["has_it_staff"] = has_it_staff(values)
    return values


def format_number(number: float, lang: str) -> str:
    """Format a number for people: '1.800' and '42,5' in German, '1,800' and '42.5' in English."""
    if not math.isfinite(number):
        return str(number)
    whole = number == int(number)
    text = f"{int(number):,}" if whole else f"{number:,.2f}".rstrip("0").rstrip(".")
    if lang == "de":
        text = text.translate(str.maketrans(",.", ".,"))
    return text


def _labels(question: Question | None, ids: tuple[object, ...], lang: str) -> str:
    words = []
    for item in ids:
        option = question.option(item) if question and isinstance(item, str) else None
        words.append(option.label.get(lang) if option else str(item))
    return ", ".join(words)


def display(questionnaire: Questionnaire, name: str, value: object, lang: str) -> str:
    """Return `value` of `name` as a report shows it (option labels, formatted numbers)."""
    if value is None:
        return _NOT_ANSWERED.get(lang)
    question = questionnaire.find_question(name)
    if name in ("goals", "top_goal"):
        question = questionnaire.find_question("profile.goals")
    if isinstance(value, bool):
        return _YES_NO[value].get(lang)
    number = _number(value)
    if number is not None:
        return format_number(number, lang)
    if isinstance(value, str):
        return _labels(question, (value,), lang)
    if isinstance(value, tuple | list):
        return _labels(question, tuple(value), lang)
    return str(value)


@dataclass(frozen=True)
class TraceEntry:
    """One name of a rule's condition with its value at evaluation time.

    `shown` is the value as people read it (option label, formatted number); `question` is the
    question text when the name is a question id.
    """

    name: str
    value: object
    shown: Text
    question: Text | None = None
    missing: Text | None = None


def trace(
    questionnaire: Questionnaire, names: frozenset[str], values: Mapping[str, object]
) -> tuple[TraceEntry, ...]:
    """Return a TraceEntry for each of `names`, sorted by name."""
    entries = []
    for name in sorted(names):
        value = values.get(name)
        question = questionnaire.find_question(name)
        shown = Text(
            display(questionnaire, name, value, "de"), display(questionnaire, name, value, "en")
        )
        text = Text(question.text.de, question.text.en) if question else None
        entries.append(TraceEntry(name, value, shown, text, _missing(question, value)))
    return tuple(entries)


def _missing(question: Question | None, value: object) -> Text | None:
    """Return the labels of the scored, non-exclusive options not chosen (multiple choice)."""
    if question is None or question.type != "multiple":
        return None
    chosen = set(value) if isinstance(value, tuple | list) else set()
    options = [
        o for o in question.options if o.id not in chosen and (o.score or 0) > 0 and not o.exclusive
    ]
    if not options:
        return None
    return Text(*("; ".join(o.label.get(lang) for o in options) for lang in ("de", "en")))


def fill(text: Text, entries: Mapping[str, TraceEntry]) -> Text:
    """Replace `{name}` by the shown value of that name, `{missing:name}` by what is missing."""

    def language(template: str, lang: str) -> str:
        def replace(match: re.Match[str]) -> str:
            wanted = match.group(1)
            entry = entries.get(wanted.removeprefix(MISSING))
            if entry is None:
                return match.group(0)
            if wanted.startswith(MISSING):
                return entry.missing.get(lang) if entry.missing else "–"
            return entry.shown.get(lang)

        return PLACEHOLDER.sub(replace, template)

    return Text(language(text.de, "de"), language(text.en, "en"))
