"""Loads questionnaire files and directories of them, validating every file completely."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import yaml

from questionnaires.builder import Builder
from questionnaires.errors import ContentError, Problem, UnknownQuestionnaireError
from questionnaires.model import Questionnaire
from questionnaires.schema import Reader

# The C parser (libyaml) is about thirty times faster; the pure-Python one behaves the same.
_SafeLoader: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _Loader(_SafeLoader):  # type: ignore[valid-type, misc]
    """SafeLoader that rejects duplicate keys and reads only true/false as booleans (YAML 1.2).

    Plain YAML 1.1 would turn `no`, `yes`, `on` and `off` into booleans, so an option id `no`
    would silently become False.
    """

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[object, object]:
        seen: dict[object, yaml.Mark] = {}
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=True)  # type: ignore[no-untyped-call]
            try:
                duplicate = key in seen
            except TypeError:  # an unhashable key is reported by the base class
                break
            if duplicate:
                raise yaml.constructor.ConstructorError(
                    "while reading a mapping",
                    node.start_mark,
                    f"found duplicate key {key!r} (first at line {seen[key].line + 1})",
                    key_node.start_mark,
                )
            seen[key] = key_node.start_mark
        return super().construct_mapping(node, deep=deep)


_Loader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:bool"]
    for first, resolvers in _SafeLoader.yaml_implicit_resolvers.items()
}
_Loader.add_implicit_resolver(
    "tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF")
)


def parse_yaml(text: str) -> object:
    """Parse questionnaire YAML as the loader does (no duplicate keys, only true/false booleans).

    Raises yaml.YAMLError on bad syntax.
    """
    return yaml.load(text, Loader=_Loader)  # noqa: S506 - _Loader is a SafeLoader


def _read(path: Path) -> tuple[Questionnaire | None, list[Problem]]:
    file = str(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        return None, [Problem(file, "", f"cannot read the file ({error}); save it as UTF-8")]
    try:
        data = parse_yaml(text)
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        where = f"line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        reason = " ".join(str(p) for p in (error.context, error.problem) if p)
        return None, [Problem(file, where, f"not valid YAML: {reason}; fix the syntax there")]
    except yaml.YAMLError as error:
        return None, [Problem(file, "", f"not valid YAML: {error}")]
    return _build(data, file)


def _build(data: object, file: str) -> tuple[Questionnaire | None, list[Problem]]:
    reader = Reader(file)
    questionnaire = Builder(reader).build(data)
    return questionnaire, reader.problems


def questionnaire_from_data(data: object, file: str = "<data>") -> Questionnaire:
    """Validate already parsed YAML data (as yaml.safe_load returns it); raise ContentError."""
    questionnaire, problems = _build(data, file)
    if problems or questionnaire is None:
        raise ContentError(problems or [Problem(file, "", "could not be loaded")])
    return questionnaire


def load_questionnaire(path: str | Path) -> Questionnaire:
    """Load and validate one questionnaire file; raise ContentError listing every problem."""
    questionnaire, problems = _read(Path(path))
    if problems or questionnaire is None:
        raise ContentError(problems or [Problem(str(path), "", "could not be loaded")])
    return questionnaire


@dataclass(frozen=True)
class QuestionnaireRegistry:
    """All loaded questionnaire versions, sorted by id and version."""

    questionnaires: tuple[Questionnaire, ...] = ()

    def get(self, questionnaire_id: str, version: str) -> Questionnaire:
        """Return one version; raise UnknownQuestionnaireError if it is not loaded."""
        for questionnaire in self.questionnaires:
            if questionnaire.id == questionnaire_id and questionnaire.version == version:
                return questionnaire
        raise UnknownQuestionnaireError(f"no questionnaire {questionnaire_id!r} {version!r}")

    def latest(self, questionnaire_id: str) -> Questionnaire:
        """Return the newest active version; raise UnknownQuestionnaireError if there is none."""
        active = [
            q for q in self.questionnaires if q.id == questionnaire_id and q.status == "active"
        ]
        if not active:
            raise UnknownQuestionnaireError(
                f"no active version of questionnaire {questionnaire_id!r}"
            )
        return max(active, key=lambda q: q.version_key)

    def list(self, questionnaire_id: str | None = None) -> tuple[Questionnaire, ...]:
        """Return all versions (of one questionnaire, if given), oldest first."""
        return tuple(q for q in self.questionnaires if questionnaire_id in (None, q.id))

    def ids(self) -> tuple[str, ...]:
        """Return the ids of all loaded questionnaires."""
        return tuple(dict.fromkeys(q.id for q in self.questionnaires))


def check_directory(directory: str | Path) -> tuple[list[Questionnaire], list[Problem]]:
    """Load every `<id>/<version>.yaml` below `directory`; return what loaded and every problem."""
    root = Path(directory)
    loaded: list[Questionnaire] = []
    problems: list[Problem] = []
    if not root.is_dir():
        return [], [Problem(str(root), "", "is not a directory")]
    seen: dict[tuple[str, str], str] = {}
    for path in sorted(root.glob("*/*.y*ml")):
        file = str(path)
        if path.suffix != ".yaml":
            problems.append(Problem(file, "", "rename the file to end in .yaml"))
            continue
        questionnaire, found = _read(path)
        problems.extend(found)
        if questionnaire is None:
            continue
        if (questionnaire.id, questionnaire.version) != (path.parent.name, path.stem):
            problems.append(
                Problem(
                    file,
                    "",
                    f"id {questionnaire.id!r} and version {questionnaire.version!r} must match the "
                    f"path; move the file to {questionnaire.id}/{questionnaire.version}.yaml",
                )
            )
            continue
        key = (questionnaire.id, questionnaire.version)
        if key in seen:
            problems.append(Problem(file, "", f"same id and version as {seen[key]}"))
            continue
        seen[key] = file
        loaded.append(questionnaire)
    return loaded, problems


def load_directory(directory: str | Path) -> QuestionnaireRegistry:
    """Load every questionnaire below `directory`; raise ContentError listing every problem."""
    loaded, problems = check_directory(directory)
    if problems:
        raise ContentError(problems)
    loaded.sort(key=lambda q: (q.id, q.version_key))
    return QuestionnaireRegistry(tuple(loaded))
