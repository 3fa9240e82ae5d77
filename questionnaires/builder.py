"""Builds a Questionnaire from the parsed YAML of one file, reporting every problem to a Reader."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from typing import Any

from questionnaires.errors import ExpressionError
from questionnaires.expressions import Expression, Type, parse
from questionnaires.model import (
    ANSWERED_BY,
    DEFAULT_SCORING,
    OVERALL_RULES,
    PROFILE_ID,
    QUESTION_TYPES,
    SCORED_TYPES,
    STATUSES,
    Band,
    Domain,
    Gate,
    Profile,
    Question,
    Questionnaire,
    ScoringModel,
    Text,
)
from questionnaires.question_types import TypeReader
from questionnaires.schema import ID_PART, SCALE_ID, Reader, join, suggest

QUESTIONNAIRE_ID = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
VERSION = re.compile(r"[0-9]+\.[0-9]+\.[0-9]+")
QUESTION_ID = re.compile(rf"{ID_PART}\.{ID_PART}")

#: Directory facts every expression may use, with their types.
FACTS: dict[str, Type] = {
    "municipality.population": Type.NUMBER,
    "municipality.area_km2": Type.NUMBER,
    "municipality.urbanisation": Type.NUMBER,
    "municipality.state": Type.STRING,
    "municipality.in_association": Type.BOOL,
    "municipality.district_free": Type.BOOL,
}
#: Expression type of each question type's answer.
NAME_TYPES: dict[str, Type] = {
    "single": Type.STRING,
    "multiple": Type.LIST,
    "ranking": Type.LIST,
    "yesno": Type.BOOL,
    "number": Type.NUMBER,
    "text": Type.STRING,
    "matrix": Type.OPAQUE,
}

TOP_REQUIRED = ("id", "version", "status", "title", "description", "profile", "domains")
COMMON_REQUIRED = ("id", "type", "text", "help")
COMMON_OPTIONAL = (
    "evidence_hint",
    "references",
    "weight",
    "allow_not_applicable",
    "allow_dont_know",
    "show_if",
    "replaces",
    "prefill",
    "answered_by",
)
TYPE_KEYS: dict[str, tuple[str, ...]] = {
    "single": ("options", "scale", "advice"),
    "multiple": ("options", "aggregation"),
    "yesno": ("advice", "scores"),
    "number": ("unit", "min", "max", "integer", "breaks"),
    "text": ("max_length",),
    "matrix": ("rows", "scale", "columns", "aggregation", "blank_rows"),
    "ranking": ("options",),
}
NOT_IN_PROFILE = ("weight", "evidence_hint", "breaks", "scores", "aggregation")


@dataclass(frozen=True)
class _Draft:
    """A question read from the file whose show_if is not parsed yet."""

    question: Question
    path: str
    show_if: str | None


class Builder:
    """Reads one file's data into a Questionnaire; problems go to `reader`."""

    def __init__(self, reader: Reader) -> None:
        self.r = reader
        self.types = TypeReader(reader)
        self.max_level = DEFAULT_SCORING.max_level

    def build(self, data: object) -> Questionnaire | None:
        r = self.r
        top = r.mapping(data, "", TOP_REQUIRED, ("scales", "scoring"))
        if top is None:
            return None
        questionnaire_id = r.string(top.get("id"), "id", QUESTIONNAIRE_ID) if "id" in top else None
        version = top.get("version")
        if "version" in top and not (isinstance(version, str) and VERSION.fullmatch(version)):
            r.problem("version", f"{version!r} must be a version like '1.0.0' (major.minor.patch)")
        status = top.get("status")
        if "status" in top and status not in STATUSES:
            r.problem("status", f"{status!r} must be one of {', '.join(STATUSES)}")
        title = r.text(top["title"], "title") if "title" in top else None
        description = r.text(top["description"], "description") if "description" in top else None
        self.read_scales(top.get("scales", {}))
        scoring = self.read_scoring(top["scoring"]) if "scoring" in top else DEFAULT_SCORING
        self.max_level = scoring.max_level

        drafts: list[_Draft] = []
        profile = self.read_profile(top.get("profile"), drafts) if "profile" in top else None
        domains = self.read_domains(top.get("domains"), drafts) if "domains" in top else []
        questions = self.finish_questions(drafts)
        domains = [self.finish_domain(d, path, gates, questions) for d, path, gates in domains]
        if r.problems or profile is None or title is None or description is None:
            return None
        return Questionnaire(
            id=str(questionnaire_id),
            version=str(version),
            status=str(status),
            title=title,
            description=description,
            scales=tuple(self.types.scales.values()),
            profile=replace(profile, questions=tuple(questions[q.id] for q in profile.questions)),
            domains=tuple(domains),
            scoring=scoring,
        )

    # scoring model, scales, profile, domains ------------------------------------------------------

    def read_scoring(self, value: object) -> ScoringModel:
        """Read the `scoring` key: level bands with labels, overall rule, cap and precision."""
        r = self.r
        data = r.mapping(value, "scoring", (), ("levels", "overall", "cap_overall", "precision"))
        if data is None:
            return DEFAULT_SCORING
        model = DEFAULT_SCORING
        if "levels" in data:
            bands: list[Band] = []
            for index, raw in enumerate(r.items(data["levels"], "scoring.levels")):
                where = join("scoring.levels", index)
                item = r.mapping(raw, where, ("from", "label"))
                if item is None or "from" not in item or "label" not in item:
                    continue
                start = r.number(item["from"], join(where, "from"), 0, 100)
                label = r.text(item["label"], join(where, "label"))
                if start is None or label is None:
                    continue
                if not bands and start != 0:
                    r.problem(join(where, "from"), "the first level must start at 0")
                elif bands and start <= bands[-1].from_:
                    r.problem(
                        join(where, "from"),
                        f"{start} must be greater than the previous level's from "
                        f"({bands[-1].from_}); list levels from lowest to highest",
                    )
                bands.append(Band(index + 1, float(start), label))
            if len(bands) < 2 and isinstance(data["levels"], list) and data["levels"]:
                r.problem("scoring.levels", "needs at least two levels")
            if len(bands) >= 2:
                model = replace(model, bands=tuple(bands), labels=True)
        if "overall" in data:
            if data["overall"] in OVERALL_RULES:
                model = replace(model, overall=str(data["overall"]))
            else:
                choices = ", ".join(OVERALL_RULES)
                r.problem("scoring.overall", f"{data['overall']!r} must be one of {choices}")
        if "cap_overall" in data:
            cap = r.boolean(data["cap_overall"], "scoring.cap_overall")
            model = replace(model, cap_overall=bool(cap))
        if "precision" in data:
            precision = r.integer(data["precision"], "scoring.precision", 0)
            if precision is not None and precision > 3:
                r.problem("scoring.precision", "round to at most 3 decimals")
            elif precision is not None:
                model = replace(model, precision=precision)
        return model

    def read_scales(self, value: object) -> None:
        if not isinstance(value, dict):
            self.r.problem("scales", "must be a mapping of scale id to {options: [...]}")
            return
        for scale_id, raw in value.items():
            self.types.declared_scales.add(str(scale_id))
            scale = self.r.scale(scale_id, raw, join("scales", str(scale_id)))
            if scale is not None:
                self.types.scales[scale.id] = scale

    def read_profile(self, value: object, drafts: list[_Draft]) -> Profile | None:
        data = self.r.mapping(value, "profile", ("title", "intro", "questions"))
        if data is None:
            return None
        title = self.r.text(data["title"], "profile.title") if "title" in data else None
        intro = self.r.text(data["intro"], "profile.intro") if "intro" in data else None
        questions = self.read_questions(data.get("questions", []), "profile.questions", PROFILE_ID)
        drafts.extend(questions)
        if title is None or intro is None:
            return None
        return Profile(title, intro, tuple(d.question for d in questions))

    def read_domains(self, value: object, drafts: list[_Draft]) -> list[tuple[Domain, str, object]]:
        result: list[tuple[Domain, str, object]] = []
        seen: list[tuple[str | None, str]] = []
        for index, raw in enumerate(self.r.items(value, "domains")):
            path = join("domains", index)
            data = self.r.mapping(
                raw,
                path,
                ("id", "title", "intro", "questions"),
                ("weight", "allow_not_applicable", "gates"),
            )
            if data is None:
                continue
            domain_id = data.get("id")
            if not isinstance(domain_id, str) or not SCALE_ID.fullmatch(domain_id):
                self.r.problem(
                    join(path, "id"),
                    f"domain id {domain_id!r} must match {ID_PART} (lower-case letters, digits, _)",
                )
                domain_id = None
            elif domain_id == PROFILE_ID:
                self.r.problem(join(path, "id"), "'profile' is reserved; choose another domain id")
                domain_id = None
            seen.append((domain_id, join(path, "id")))
            title = self.r.text(data["title"], join(path, "title")) if "title" in data else None
            intro = self.r.text(data["intro"], join(path, "intro")) if "intro" in data else None
            weight = self.r.number(data.get("weight", 1), join(path, "weight"), 0)
            allow_na = self.r.boolean(
                data.get("allow_not_applicable", False), join(path, "allow_not_applicable")
            )
            questions = self.read_questions(
                data.get("questions", []), join(path, "questions"), domain_id
            )
            drafts.extend(questions)
            if domain_id is None or title is None or intro is None:
                continue
            domain = Domain(
                id=domain_id,
                title=title,
                intro=intro,
                questions=tuple(d.question for d in questions),
                weight=float(weight or 0),
                allow_not_applicable=bool(allow_na),
            )
            result.append((domain, path, data.get("gates", [])))
        self.r.unique(seen, "domain id")
        return result

    def finish_domain(
        self, domain: Domain, path: str, raw_gates: object, questions: dict[str, Question]
    ) -> Domain:
        gates: list[Gate] = []
        for index, raw in enumerate(self.r.items(raw_gates, join(path, "gates"), non_empty=False)):
            where = join(path, f"gates[{index}]")
            data = self.r.mapping(raw, where, ("id", "max_level", "unless", "reason"))
            if data is None or any(k not in data for k in ("id", "max_level", "unless", "reason")):
                continue
            gate_id = self.r.string(data["id"], join(where, "id"), SCALE_ID)
            max_level = self.r.integer(data["max_level"], join(where, "max_level"), 1)
            top = self.max_level - 1
            if max_level is not None and max_level > top:
                self.r.problem(join(where, "max_level"), f"a gate caps the level at 1 to {top}")
            unless = self.expression(data["unless"], join(where, "unless"))
            reason = self.r.text(data["reason"], join(where, "reason"))
            if gate_id and max_level and unless and reason:
                gates.append(Gate(gate_id, max_level, unless, reason))
        self.r.unique(((g.id, join(path, f"gates[{i}]")) for i, g in enumerate(gates)), "gate id")
        own = tuple(questions[q.id] for q in domain.questions if q.id in questions)
        return replace(domain, gates=tuple(gates), questions=own)

    # questions -----------------------------------------------------------------------------------

    def read_questions(self, value: object, path: str, domain_id: str | None) -> list[_Draft]:
        drafts = []
        for index, raw in enumerate(self.r.items(value, path, non_empty=domain_id != PROFILE_ID)):
            draft = self.read_question(raw, join(path, index), domain_id)
            if draft is not None:
                drafts.append(draft)
        return drafts

    def read_question(self, raw: object, path: str, domain_id: str | None) -> _Draft | None:
        r = self.r
        if not isinstance(raw, dict):
            r.mapping(raw, path, COMMON_REQUIRED)
            return None
        qtype = raw.get("type")
        if "type" not in raw:
            r.problem(path, f"missing key 'type'; add one of {', '.join(QUESTION_TYPES)}")
            return None
        if qtype not in QUESTION_TYPES:
            hint = suggest(qtype, QUESTION_TYPES) or f"use one of {', '.join(QUESTION_TYPES)}"
            r.problem(join(path, "type"), f"unknown question type {qtype!r}; {hint}")
            return None
        profile = domain_id == PROFILE_ID
        optional = [*COMMON_OPTIONAL, *TYPE_KEYS[qtype]]
        misplaced = {
            key: f"{qtype} questions have no {key!r}; remove it"
            for keys in TYPE_KEYS.values()
            for key in keys
        }
        if profile:
            optional = [k for k in optional if k not in (*NOT_IN_PROFILE, "answered_by")]
            misplaced["answered_by"] = (
                "the profile is always answered by the municipality; remove 'answered_by'"
            )
            misplaced.update(
                (k, f"profile questions are never scored; remove {k!r}") for k in NOT_IN_PROFILE
            )
        else:
            optional.remove("prefill")
            misplaced["prefill"] = "only profile questions are prefilled; remove 'prefill'"
        data = r.mapping(raw, path, COMMON_REQUIRED, optional, misplaced)
        if data is None:
            return None
        if qtype == "ranking" and not profile:
            r.problem(join(path, "type"), "ranking questions belong in the profile")

        question_id = None
        if "id" in data:
            question_id = r.string(data["id"], join(path, "id"))
            if question_id is not None and domain_id is not None:
                expected = rf"{re.escape(domain_id)}\.{ID_PART}"
                if not re.fullmatch(expected, question_id):
                    r.problem(
                        join(path, "id"),
                        f"{question_id!r} must look like '{domain_id}.<slug>' with a slug "
                        "of lower-case letters, digits and _",
                    )
        text = r.text(data["text"], join(path, "text")) if "text" in data else None
        help_ = r.text(data["help"], join(path, "help")) if "help" in data else None
        weight = 0.0
        if qtype in SCORED_TYPES and not profile:
            weight = float(r.number(data.get("weight", 1), join(path, "weight"), 0) or 0)
        elif not profile and "weight" in data and data["weight"] != 0:
            r.problem(join(path, "weight"), f"{qtype} questions are not scored; remove 'weight'")
        scored = weight > 0
        evidence = (
            r.text(data["evidence_hint"], join(path, "evidence_hint"))
            if ("evidence_hint" in data)
            else None
        )
        if scored and "evidence_hint" not in data:
            r.problem(path, "missing key 'evidence_hint'; say what an advisor checks on site")
        fields: dict[str, Any] = {
            "evidence_hint": evidence,
            "weight": weight,
            "references": r.references(data.get("references", []), join(path, "references")),
            "allow_not_applicable": r.boolean(
                data.get("allow_not_applicable", False), join(path, "allow_not_applicable")
            ),
            "allow_dont_know": r.boolean(
                data.get("allow_dont_know", scored), join(path, "allow_dont_know")
            ),
            "replaces": self.read_replaces(data.get("replaces", []), join(path, "replaces")),
        }
        if "answered_by" in data:
            fields["answered_by"] = self.read_answered_by(data["answered_by"], path)
        if "prefill" in data:
            fields["prefill"] = self.types.read_prefill(
                data["prefill"], join(path, "prefill"), qtype
            )
        fields.update(getattr(self.types, f"read_{qtype}")(data, path, scored))
        show_if = data.get("show_if")
        if show_if is not None and not isinstance(show_if, str):
            r.problem(join(path, "show_if"), "must be an expression in quotes")
            show_if = None
        if question_id is None:
            return None
        # After a problem the file is rejected anyway; placeholders keep the question's name
        # known so that later conditions using it do not report it as unknown.
        question = Question(
            id=question_id,
            type=qtype,
            text=text or Text("", ""),
            help=help_ or Text("", ""),
            domain=domain_id or "",
            **{key: value for key, value in fields.items() if value is not None},
        )
        return _Draft(question, path, show_if)

    def read_answered_by(self, value: object, path: str) -> str | None:
        if value in ANSWERED_BY:
            return str(value)
        hint = suggest(value, ANSWERED_BY) or f"use {' or '.join(ANSWERED_BY)}"
        self.r.problem(join(path, "answered_by"), f"unknown value {value!r}; {hint}")
        return None

    def read_replaces(self, value: object, path: str) -> tuple[str, ...]:
        items = self.r.items(value, path, non_empty=False)
        return tuple(
            item
            for index, item in enumerate(items)
            if self.r.string(item, join(path, index), QUESTION_ID) is not None
        )

    # expressions ---------------------------------------------------------------------------------

    def finish_questions(self, drafts: list[_Draft]) -> dict[str, Question]:
        """Check ids and replaces across the file, parse every show_if; return questions by id."""
        self.r.unique(((d.question.id, join(d.path, "id")) for d in drafts), "question id")
        ids = {d.question.id for d in drafts}
        replaced: list[tuple[str | None, str]] = []
        for draft in drafts:
            for index, old in enumerate(draft.question.replaces):
                where = join(draft.path, f"replaces[{index}]")
                if old in ids:
                    self.r.problem(
                        where, f"{old!r} is still a question in this file; remove it here"
                    )
                replaced.append((old, where))
        self.r.unique(replaced, "replaced id")
        self.names = dict(FACTS)
        self.options: dict[str, frozenset[str]] = {}
        for draft in drafts:
            question = draft.question
            self.names[question.id] = NAME_TYPES[question.type]
            if question.type in ("single", "multiple", "ranking"):
                self.options[question.id] = frozenset(question.option_ids)
        position = {d.question.id: i for i, d in enumerate(drafts)}
        result = {}
        for index, draft in enumerate(drafts):
            question = draft.question
            if draft.show_if is not None:
                where = join(draft.path, "show_if")
                expression = self.expression(draft.show_if, where)
                if expression is not None:
                    for name in sorted(expression.names):
                        if position.get(name, -1) >= index:
                            self.r.problem(
                                where,
                                f"uses {name!r}, which is not asked before this question; "
                                "show_if may only use earlier questions, the profile and "
                                "municipality facts",
                            )
                    question = replace(question, show_if=expression)
            result[question.id] = question
        return result

    def expression(self, value: object, path: str) -> Expression | None:
        """Parse a condition (show_if, unless); report syntax, name, type and option errors."""
        if not isinstance(value, str):
            self.r.problem(path, "must be an expression in quotes")
            return None
        try:
            expression = parse(value, self.names, options=self.options)
        except ExpressionError as error:
            self.r.problem(path, f"{error} in {value!r}")
            return None
        if expression.type not in (Type.BOOL, Type.NULL):
            self.r.problem(
                path, f"{value!r} is a {expression.type.value}, not a condition; compare it"
            )
            return None
        return expression
