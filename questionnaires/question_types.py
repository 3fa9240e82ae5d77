"""Reads the type-specific keys of each question type (options, scales, breaks, rows, ...)."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from questionnaires.model import BLANK_ROWS, GOAL_IDS, Option, Scale, Text
from questionnaires.schema import Reader, join, suggest

#: `prefill` values of profile questions and the question types each fits.
PREFILL_TYPES: dict[str, tuple[str, ...]] = {
    "population": ("number",),
    "area_km2": ("number",),
    "urbanisation": ("number", "single"),
    "state": ("single", "text"),
    "in_association": ("yesno",),
    "district_free": ("yesno",),
}
AGGREGATIONS = {"multiple": ("sum_capped", "share"), "matrix": ("mean", "min", "max")}

YES_NO_LABELS = {"yes": Text("Ja", "Yes"), "no": Text("Nein", "No")}


def _yes_no_keys(value: object) -> object:
    """Read keys true/false as yes/no: YAML 1.1 parsers (yaml.safe_load) turn `yes:` into True."""
    if not isinstance(value, dict):
        return value
    names = {True: "yes", False: "no"}
    return {(names[key] if isinstance(key, bool) else key): item for key, item in value.items()}


class TypeReader:
    """Reads the keys of one question type into Question fields; problems go to the Reader.

    Each `read_<type>(data, path, scored)` returns the Question fields it read; a field that
    could not be read is None.
    """

    def __init__(self, reader: Reader) -> None:
        self.r = reader
        self.scales: dict[str, Scale] = {}
        self.declared_scales: set[str] = set()

    def read_prefill(self, value: object, path: str, qtype: str) -> str | None:
        if not isinstance(value, str) or value not in PREFILL_TYPES:
            hint = suggest(value, PREFILL_TYPES) or f"use one of {', '.join(PREFILL_TYPES)}"
            self.r.problem(path, f"unknown directory fact {value!r}; {hint}")
            return None
        if qtype not in PREFILL_TYPES[str(value)]:
            allowed = " or ".join(PREFILL_TYPES[str(value)])
            self.r.problem(path, f"{value!r} can only prefill a {allowed} question")
            return None
        return str(value)

    def resolve_scale(self, value: object, path: str) -> Scale | None:
        if isinstance(value, str) and value in self.scales:
            return self.scales[value]
        # a scale that is declared but broken is reported where it is defined
        if not isinstance(value, str) or value not in self.declared_scales:
            hint = suggest(value, self.scales) or "define it under scales:"
            self.r.problem(path, f"unknown scale {value!r}; {hint}")
        return None

    def read_single(self, data: dict[str, Any], path: str, scored: bool) -> dict[str, Any]:
        if ("options" in data) == ("scale" in data):
            self.r.problem(path, "a single question needs either 'options' or 'scale', not both")
            return {"options": None}
        if "options" in data:
            if "advice" in data:
                self.r.problem(
                    join(path, "advice"), "with inline options, put advice on each option"
                )
            required = ("score", "advice") if scored else ()
            options = self.r.options(
                data["options"],
                join(path, "options"),
                required=required,
                optional=tuple(k for k in ("score", "advice") if k not in required),
            )
            return {"options": options}
        scale = self.resolve_scale(data["scale"], join(path, "scale"))
        if scale is None:
            return {"options": None}
        options = list(scale.options)
        overrides = data.get("advice", {})
        if not isinstance(overrides, dict):
            self.r.problem(join(path, "advice"), "must map option ids to {de: ..., en: ...}")
            overrides = {}
        for key, raw in overrides.items():
            where = join(path, f"advice.{key}")
            option_id = str(key) if isinstance(key, int) and not isinstance(key, bool) else key
            index = next((i for i, o in enumerate(options) if o.id == option_id), None)
            if index is None:
                hint = (
                    suggest(option_id, [o.id for o in options])
                    or f"scale {scale.id} has no such option"
                )
                self.r.problem(where, f"unknown option {key!r}; {hint}")
                continue
            advice = self.r.text(raw, where)
            if advice is not None:
                options[index] = replace(options[index], advice=advice)
        return {"options": tuple(options), "scale": scale.id}

    def read_aggregation(
        self, data: dict[str, Any], path: str, qtype: str, scored: bool
    ) -> str | bool | None:
        if "aggregation" not in data:
            if scored:
                choices = " or ".join(AGGREGATIONS[qtype])
                self.r.problem(path, f"missing key 'aggregation'; add {choices}")
                return False
            return None
        value = data["aggregation"]
        if value not in AGGREGATIONS[qtype]:
            choices = ", ".join(AGGREGATIONS[qtype])
            self.r.problem(join(path, "aggregation"), f"{value!r} must be one of {choices}")
            return False
        return str(value)

    def read_multiple(self, data: dict[str, Any], path: str, scored: bool) -> dict[str, Any]:
        if "options" not in data:
            self.r.problem(path, "missing key 'options'; list the options to tick")
            return {"options": None}
        options = self.r.options(data["options"], join(path, "options"), exclusive=True)
        aggregation = self.read_aggregation(data, path, "multiple", scored)
        if aggregation == "sum_capped":
            for index, option in enumerate(options):
                if option.score is None and not option.exclusive:
                    self.r.problem(join(path, f"options[{index}]"), "sum_capped needs a score")
        if options and all(o.exclusive for o in options):
            self.r.problem(join(path, "options"), "at least one option must not be exclusive")
        if aggregation is False:
            return {"options": None}
        return {"options": options, "aggregation": aggregation}

    def read_yesno(self, data: dict[str, Any], path: str, scored: bool) -> dict[str, Any]:
        advice: dict[str, Text | None] = {"yes": None, "no": None}
        if "advice" in data:
            raw = self.r.mapping(_yes_no_keys(data["advice"]), join(path, "advice"), ("yes", "no"))
            for key in advice:
                if raw is not None and key in raw:
                    advice[key] = self.r.text(raw[key], join(path, f"advice.{key}"))
        elif scored:
            self.r.problem(path, "missing key 'advice'; add advice for yes and for no")
        scores = {"yes": 1.0, "no": 0.0}
        if "scores" in data:
            raw = self.r.mapping(
                _yes_no_keys(data["scores"]), join(path, "scores"), (), ("yes", "no")
            )
            for key in scores:
                if raw is not None and key in raw:
                    scores[key] = self.r.score(raw[key], join(path, f"scores.{key}")) or 0.0
        options = tuple(
            Option(key, YES_NO_LABELS[key], scores[key], advice[key]) for key in ("yes", "no")
        )
        return {"options": options}

    def read_number(self, data: dict[str, Any], path: str, scored: bool) -> dict[str, Any]:
        result: dict[str, Any] = {}
        for key in ("min", "max"):
            if key not in data:
                self.r.problem(path, f"missing key {key!r}; add the {key}imum allowed answer")
                result[key] = None
            else:
                result[key] = self.r.number(data[key], join(path, key))
        low, high = result["min"], result["max"]
        if low is not None and high is not None and low >= high:
            self.r.problem(join(path, "max"), f"max ({high}) must be greater than min ({low})")
        integer = self.r.boolean(data.get("integer", False), join(path, "integer"))
        result["integer"] = integer
        if integer:
            for key in ("min", "max"):
                if result[key] is not None and result[key] != int(result[key]):
                    self.r.problem(join(path, key), "must be a whole number when integer is true")
        if "unit" in data:
            result["unit"] = self.r.text(data["unit"], join(path, "unit"))
        if "breaks" in data:
            result["breaks"] = self.r.breaks(
                data["breaks"], join(path, "breaks"), low, high, advice=scored
            )
        elif scored:
            self.r.problem(path, "missing key 'breaks'; say how answers map to scores")
        return result

    def read_text(self, data: dict[str, Any], path: str, scored: bool) -> dict[str, Any]:
        if "max_length" in data:
            return {"max_length": self.r.integer(data["max_length"], join(path, "max_length"), 1)}
        return {}

    def read_matrix(self, data: dict[str, Any], path: str, scored: bool) -> dict[str, Any]:
        result: dict[str, Any] = {"options": None}
        if "rows" not in data:
            self.r.problem(path, "missing key 'rows'; a matrix needs rows")
        if ("scale" in data) == ("columns" in data):
            self.r.problem(
                path,
                "a matrix needs either 'scale' (one choice per row) or 'columns' "
                "(checkboxes per row), not both",
            )
        rows = self.r.rows(data["rows"], join(path, "rows")) if "rows" in data else None
        blank_rows = data.get("blank_rows", "skip")
        if blank_rows not in BLANK_ROWS:
            self.r.problem(
                join(path, "blank_rows"), f"{blank_rows!r} must be one of {', '.join(BLANK_ROWS)}"
            )
        if "columns" in data:
            if "aggregation" in data:
                self.r.problem(
                    join(path, "aggregation"),
                    "a checkbox matrix scores each column as the share of rows ticked; "
                    "remove 'aggregation'",
                )
            if "blank_rows" in data:
                self.r.problem(
                    join(path, "blank_rows"), "in a checkbox matrix every row counts; remove it"
                )
            # A column's `score` is its weight in the question's score (default 1).
            columns = self.r.options(data["columns"], join(path, "columns"), optional=("score",))
            if scored and columns and all(c.score == 0 for c in columns):
                self.r.problem(join(path, "columns"), "at least one column needs a score above 0")
            if rows is not None and columns:
                result.update(rows=rows, options=columns, columns=columns)
            return result
        scale = self.resolve_scale(data["scale"], join(path, "scale")) if "scale" in data else None
        aggregation = self.read_aggregation(data, path, "matrix", scored)
        if scale is not None and rows is not None and aggregation is not False:
            result.update(
                rows=rows,
                options=scale.options,
                scale=scale.id,
                aggregation=aggregation,
                blank_rows=blank_rows if blank_rows in BLANK_ROWS else "skip",
            )
        return result

    def read_ranking(self, data: dict[str, Any], path: str, scored: bool) -> dict[str, Any]:
        if "options" not in data:
            self.r.problem(path, "missing key 'options'; list the options to rank")
            return {"options": None}
        options = self.r.options(data["options"], join(path, "options"), optional=())
        if data.get("id") == "profile.goals":
            for index, option in enumerate(options):
                if option.id not in GOAL_IDS:
                    self.r.problem(
                        join(path, f"options[{index}].id"),
                        f"{option.id!r} is not a strategic goal id; "
                        f"use one of {', '.join(GOAL_IDS)}",
                    )
        return {"options": options}
