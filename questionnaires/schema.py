"""Primitive readers for questionnaire YAML: check a value, build a model part, collect problems.

Every check reports a Problem with the key path (`domains[3].questions[2].show_if`) and what to do,
then carries on, so one run lists every problem of a file.
"""

from __future__ import annotations

import difflib
import math
import re
from collections.abc import Iterable, Mapping
from typing import Any

from questionnaires.errors import Problem
from questionnaires.model import Break, Option, Reference, Row, Scale, Text

ID_PART = r"[a-z][a-z0-9_]*"
OPTION_ID = re.compile(r"[a-z0-9][a-z0-9_]*")
SCALE_ID = re.compile(ID_PART)


def join(path: str, key: str | int) -> str:
    """Extend a key path by a mapping key or a list index."""
    if isinstance(key, int):
        return f"{path}[{key}]"
    return f"{path}.{key}" if path else key


def describe(value: object) -> str:
    """Name the YAML type of `value` for an error message."""
    if value is None:
        return "empty"
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, str):
        return "a text"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    return type(value).__name__


def suggest(word: object, candidates: Iterable[str]) -> str:
    """Return 'did you mean ...?' for the closest candidate, or ''."""
    if not isinstance(word, str):
        return ""
    matches = difflib.get_close_matches(word, list(candidates), n=1, cutoff=0.6)
    return f"did you mean {matches[0]!r}?" if matches else ""


class Reader:
    """Collects the problems of one file while reading its values."""

    def __init__(self, file: str) -> None:
        self.file = file
        self.problems: list[Problem] = []

    def problem(self, path: str, message: str) -> None:
        self.problems.append(Problem(self.file, path, message))

    def mapping(
        self,
        value: object,
        path: str,
        required: Iterable[str],
        optional: Iterable[str] = (),
        misplaced: Mapping[str, str] | None = None,
    ) -> dict[str, Any] | None:
        """Check that `value` is a mapping with all `required` keys and no others."""
        required = tuple(required)
        allowed = (*required, *optional)
        if not isinstance(value, dict):
            self.problem(
                path or "(top level)",
                f"must be a mapping with the keys {', '.join(allowed)}, not {describe(value)}",
            )
            return None
        for key in value:
            if isinstance(key, str) and key in allowed:
                continue
            if misplaced and key in misplaced:
                self.problem(join(path, str(key)), misplaced[key])
                continue
            hint = suggest(key, allowed) or f"allowed keys are {', '.join(allowed)}"
            self.problem(join(path, str(key)), f"unknown key {key!r}; {hint}")
        for key in required:
            if key not in value:
                self.problem(path or "(top level)", f"missing key {key!r}; add it")
        return value

    def text(self, value: object, path: str) -> Text | None:
        """Read a {de: ..., en: ...} text; both languages are required."""
        data = self.mapping(value, path, ("de", "en"))
        if data is None:
            return None
        good = True
        for lang, name in (("de", "German"), ("en", "English")):
            if lang in data and (not isinstance(data[lang], str) or not data[lang].strip()):
                self.problem(join(path, lang), f"the {name} text must be a non-empty text")
                good = False
        if not good or "de" not in data or "en" not in data:
            return None
        return Text(data["de"].strip(), data["en"].strip())

    def string(
        self, value: object, path: str, pattern: re.Pattern[str] | None = None
    ) -> str | None:
        """Read a non-empty string, optionally matching `pattern`."""
        if not isinstance(value, str) or not value.strip():
            self.problem(path, f"must be a non-empty text, not {describe(value)}")
            return None
        if pattern is not None and not pattern.fullmatch(value):
            self.problem(path, f"{value!r} must match {pattern.pattern}")
            return None
        return value

    def number(
        self, value: object, path: str, low: float | None = None, high: float | None = None
    ) -> float | None:
        """Read a finite number within [low, high]."""
        if (
            isinstance(value, bool)
            or not isinstance(value, int | float)
            or not math.isfinite(value)
        ):
            self.problem(path, f"must be a number, not {describe(value)}")
            return None
        if (low is not None and value < low) or (high is not None and value > high):
            self.problem(path, f"{value} must be between {low} and {high}")
            return None
        return value

    def score(self, value: object, path: str) -> float | None:
        number = self.number(value, path, 0, 1)
        return None if number is None else float(number)

    def boolean(self, value: object, path: str) -> bool | None:
        if not isinstance(value, bool):
            self.problem(path, f"must be true or false, not {describe(value)}")
            return None
        return value

    def integer(self, value: object, path: str, low: int) -> int | None:
        if isinstance(value, bool) or not isinstance(value, int) or value < low:
            self.problem(path, f"must be a whole number of at least {low}, not {value!r}")
            return None
        return value

    def items(self, value: object, path: str, *, non_empty: bool = True) -> list[Any]:
        """Read a list; report and return [] if it is not one."""
        if not isinstance(value, list):
            self.problem(path, f"must be a list, not {describe(value)}")
            return []
        if non_empty and not value:
            self.problem(path, "must not be empty")
        return value

    def option_id(self, value: object, path: str) -> str | None:
        """Read an option id; whole numbers (`id: 0`) are read as text."""
        if isinstance(value, int) and not isinstance(value, bool) and value >= 0:
            value = str(value)
        if not isinstance(value, str) or not OPTION_ID.fullmatch(value):
            self.problem(path, f"option id {value!r} must match {OPTION_ID.pattern}")
            return None
        return value

    def unique(self, ids: Iterable[tuple[str | None, str]], what: str) -> None:
        """Report ids that occur twice; `ids` are (id, path) pairs."""
        seen: dict[str, str] = {}
        for item_id, path in ids:
            if item_id is None:
                continue
            if item_id in seen:
                self.problem(
                    path, f"duplicate {what} {item_id!r} (also at {seen[item_id]}); rename one"
                )
            else:
                seen[item_id] = path

    # composite parts ----------------------------------------------------------------------------

    def options(
        self,
        value: object,
        path: str,
        *,
        required: tuple[str, ...] = (),
        optional: tuple[str, ...] = ("score", "advice"),
        exclusive: bool = False,
    ) -> tuple[Option, ...]:
        """Read a list of options with keys id, label, the `required` and the `optional` ones."""
        required = ("id", "label", *required)
        optional = (*optional, "exclusive") if exclusive else optional
        result: list[Option] = []
        for index, raw in enumerate(self.items(value, path)):
            where = join(path, index)
            data = self.mapping(raw, where, required, optional)
            if data is None:
                continue
            option_id = self.option_id(data.get("id"), join(where, "id")) if "id" in data else None
            label = self.text(data["label"], join(where, "label")) if "label" in data else None
            option_score = (
                self.score(data["score"], join(where, "score")) if "score" in data else None
            )
            option_advice = (
                self.text(data["advice"], join(where, "advice")) if "advice" in data else None
            )
            is_exclusive = False
            if "exclusive" in data:
                is_exclusive = bool(self.boolean(data["exclusive"], join(where, "exclusive")))
                if is_exclusive and option_score not in (None, 0):
                    self.problem(
                        join(where, "score"), "an exclusive option scores 0; remove the score"
                    )
            if option_id is not None and label is not None:
                result.append(Option(option_id, label, option_score, option_advice, is_exclusive))
        self.unique(((o.id, join(path, i)) for i, o in enumerate(result)), "option id")
        if isinstance(value, list) and len(value) == 1:
            self.problem(path, "needs at least two options")
        return tuple(result)

    def scale(self, scale_id: object, value: object, path: str) -> Scale | None:
        if not isinstance(scale_id, str) or not SCALE_ID.fullmatch(scale_id):
            self.problem(path, f"scale id {scale_id!r} must match {ID_PART}")
            return None
        data = self.mapping(value, path, ("options",))
        if data is None or "options" not in data:
            return None
        options = self.options(
            data["options"], join(path, "options"), required=("score", "advice"), optional=()
        )
        return Scale(scale_id, options)

    def references(self, value: object, path: str) -> tuple[Reference, ...]:
        result = []
        for index, raw in enumerate(self.items(value, path, non_empty=False)):
            where = join(path, index)
            data = self.mapping(raw, where, ("title",), ("url",))
            if data is None or "title" not in data:
                continue
            title = self.string(data["title"], join(where, "title"))
            url = None
            if "url" in data:
                url = self.string(data["url"], join(where, "url"), re.compile(r"https?://\S+"))
            if title is not None:
                result.append(Reference(title.strip(), url))
        return tuple(result)

    def rows(self, value: object, path: str) -> tuple[Row, ...]:
        result = []
        for index, raw in enumerate(self.items(value, path)):
            where = join(path, index)
            data = self.mapping(raw, where, ("id", "label"))
            if data is None or "id" not in data or "label" not in data:
                continue
            row_id = self.string(data["id"], join(where, "id"), SCALE_ID)
            label = self.text(data["label"], join(where, "label"))
            if row_id is not None and label is not None:
                result.append(Row(row_id, label))
        self.unique(((r.id, join(path, i)) for i, r in enumerate(result)), "row id")
        return tuple(result)

    def breaks(
        self, value: object, path: str, low: float | None, high: float | None, *, advice: bool
    ) -> tuple[Break, ...]:
        result: list[Break] = []
        required = ("from", "score", "advice") if advice else ("from", "score")
        for index, raw in enumerate(self.items(value, path)):
            where = join(path, index)
            data = self.mapping(raw, where, required, () if advice else ("advice",))
            if data is None or "from" not in data or "score" not in data:
                continue
            start = self.number(data["from"], join(where, "from"))
            break_score = self.score(data["score"], join(where, "score"))
            break_advice = (
                self.text(data["advice"], join(where, "advice")) if "advice" in data else None
            )
            if start is None or break_score is None:
                continue
            if result and start <= result[-1].from_:
                self.problem(
                    join(where, "from"),
                    f"{start} must be greater than the previous break's from "
                    f"({result[-1].from_}); list breaks in ascending order",
                )
            elif index == 0 and low is not None and start != low:
                self.problem(join(where, "from"), f"the first break must start at min ({low})")
            elif high is not None and start > high:
                self.problem(join(where, "from"), f"{start} is above max ({high})")
            result.append(Break(start, break_score, break_advice))
        return tuple(result)
