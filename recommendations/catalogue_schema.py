"""Catalogue schema: the validating YAML reader shared by all catalogue content files.

``Reader`` checks one file's values (types, allowed keys and choices, dates, URLs, bilingual
texts) and records every ``Problem`` with file and key path instead of stopping at the first.
Other content (e.g. the procurement texts) reuses it.

Pure Python: this module never imports flask, sqlalchemy or advisory.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import yaml

from questionnaires.model import Reference, Text
from recommendations.catalogue_model import LANGUAGES, Problem

ID = re.compile(r"^[a-z][a-z0-9_]*$")
SLUG = re.compile(r"^[a-z0-9][a-z0-9-]*$")
VERSION = re.compile(r"^\d+\.\d+\.\d+$")
SPDX = re.compile(r"^(proprietary|[A-Za-z0-9.+-]+( (OR|AND|WITH) [A-Za-z0-9.+-]+)*)$")


# The C parser (libyaml) is many times faster than the pure-Python one and behaves the same; the
# first request of a fresh process loads every catalogue file.
_SafeLoader: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _DuplicateKeyLoader(_SafeLoader):  # type: ignore[valid-type, misc]
    """Safe loader that refuses duplicate mapping keys instead of keeping the last one."""


def _construct_mapping(loader: yaml.SafeLoader, node: yaml.MappingNode) -> dict[Any, Any]:
    seen: set[Any] = set()
    for key_node, _ in node.value:
        key = loader.construct_object(key_node)
        if key in seen:
            raise yaml.constructor.ConstructorError(
                None, None, f"duplicate key {key!r}", key_node.start_mark
            )
        seen.add(key)
    return loader.construct_mapping(node)


_DuplicateKeyLoader.add_constructor(
    yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping
)


class Reader:
    """Validating reader for one file; records problems instead of stopping at the first."""

    def __init__(self, file: str, problems: list[Problem]) -> None:
        self.file = file
        self.problems = problems

    def problem(self, path: str, message: str, fix: str) -> None:
        self.problems.append(Problem(self.file, path, message, fix))

    def mapping(
        self,
        value: Any,
        path: str,
        required: Iterable[str],
        optional: Iterable[str] = (),
    ) -> dict[str, Any] | None:
        if not isinstance(value, dict):
            got = type(value).__name__
            self.problem(path, f"expected a mapping, got {got}", "write key: value")
            return None
        required = tuple(required)
        allowed = set(required) | set(optional)
        for key in value:
            if key not in allowed:
                self.problem(
                    join(path, str(key)),
                    f"unknown key {key!r}",
                    f"remove it or use one of: {', '.join(sorted(allowed))}",
                )
        for key in required:
            if key not in value:
                self.problem(join(path, key), "missing key", f"add {key}:")
        return value

    def string(self, value: Any, path: str, pattern: re.Pattern[str] | None = None) -> str:
        if not isinstance(value, str) or not value.strip():
            self.problem(path, "expected a non-empty text", "write a text (quote it if needed)")
            return ""
        if pattern is not None and not pattern.match(value):
            self.problem(path, f"{value!r} has the wrong form", f"match {pattern.pattern}")
        return value

    def unique_id(self, value: Any, path: str, pattern: re.Pattern[str], seen: set[str]) -> str:
        """Read an id that must not repeat among the ids already in `seen` (which it joins)."""
        ident = self.string(value, path, pattern)
        if ident in seen:
            self.problem(path, f"duplicate id {ident!r}", "give each an own id")
        seen.add(ident)
        return ident

    def verified_with_note(
        self, entry: Mapping[str, Any], path: str, note_key: str, what: str
    ) -> tuple[bool, Text | None]:
        """Read `verified` and the note; an unverified entry must say what could not be checked."""
        verified = self.boolean(entry.get("verified"), join(path, "verified"))
        note = self.optional_text(entry.get(note_key), join(path, note_key))
        if not verified and note is None:
            self.problem(
                join(path, note_key),
                f"an unverified {what} needs {note_key!r} saying what could not be verified",
                f"add {note_key}: {{de: ..., en: ...}}",
            )
        return verified, note

    def optional_string(self, value: Any, path: str) -> str | None:
        return None if value is None else self.string(value, path)

    def url(self, value: Any, path: str) -> str | None:
        if value is None:
            return None
        text = self.string(value, path)
        if text and not text.startswith("https://"):
            self.problem(path, f"{text!r} is not an https URL", "use https://...")
        return text or None

    def text(self, value: Any, path: str) -> Text:
        data = self.mapping(value, path, LANGUAGES)
        if data is None:
            return Text("", "")
        return Text(
            de=self.string(data.get("de"), join(path, "de")) if "de" in data else "",
            en=self.string(data.get("en"), join(path, "en")) if "en" in data else "",
        )

    def optional_text(self, value: Any, path: str) -> Text | None:
        return None if value is None else self.text(value, path)

    def boolean(self, value: Any, path: str) -> bool:
        if not isinstance(value, bool):
            self.problem(path, f"expected true or false, got {value!r}", "write true or false")
            return False
        return value

    def integer(self, value: Any, path: str, minimum: int = 0) -> int:
        if isinstance(value, bool) or not isinstance(value, int):
            self.problem(path, f"expected a whole number, got {value!r}", "write a number")
            return minimum
        if value < minimum:
            self.problem(path, f"{value} is below {minimum}", f"use a number >= {minimum}")
        return value

    def date(self, value: Any, path: str) -> dt.date:
        if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
            return value
        if isinstance(value, str):
            try:
                return dt.date.fromisoformat(value)
            except ValueError:
                pass
        self.problem(path, f"expected an ISO date, got {value!r}", "write YYYY-MM-DD")
        return dt.date.min

    def choice(self, value: Any, path: str, choices: Iterable[str]) -> str:
        choices = tuple(choices)
        if value not in choices:
            self.problem(
                path, f"{value!r} is not allowed", f"use one of: {', '.join(sorted(choices))}"
            )
            return choices[0]
        return value

    def choices(
        self, value: Any, path: str, choices: Iterable[str], allow_empty: bool = True
    ) -> tuple[str, ...]:
        choices = frozenset(choices)
        if not isinstance(value, list):
            self.problem(path, "expected a list", "write [a, b] or a list of - items")
            return ()
        if not value and not allow_empty:
            self.problem(path, "the list is empty", "name at least one")
        result: list[str] = []
        for index, item in enumerate(value):
            item_path = f"{path}[{index}]"
            if item not in choices:
                self.problem(
                    item_path,
                    f"unknown value {item!r}",
                    f"use one of: {', '.join(sorted(choices))}",
                )
            elif item in result:
                self.problem(item_path, f"{item!r} is listed twice", "list it once")
            else:
                result.append(item)
        return tuple(result)

    def strings(self, value: Any, path: str, pattern: re.Pattern[str]) -> tuple[str, ...]:
        if not isinstance(value, list):
            self.problem(path, "expected a list", "write [a, b]")
            return ()
        return tuple(self.string(item, f"{path}[{i}]", pattern) for i, item in enumerate(value))

    def items(self, value: Any, path: str) -> list[tuple[str, Any]]:
        if not isinstance(value, list):
            self.problem(path, "expected a list", "write a list of - items")
            return []
        return [(f"{path}[{index}]", item) for index, item in enumerate(value)]


def join(path: str, key: str) -> str:
    return f"{path}.{key}" if path else key


def read_yaml(path: Path, root: Path, problems: list[Problem]) -> Any:
    name = relative(path, root)
    try:
        with path.open(encoding="utf-8") as handle:
            return yaml.load(handle, Loader=_DuplicateKeyLoader)  # noqa: S506 - safe subclass
    except yaml.YAMLError as error:
        problems.append(Problem(name, "", f"not valid YAML: {error}", "fix the YAML syntax"))
    except OSError as error:
        problems.append(Problem(name, "", f"cannot be read: {error}", "check the file"))
    return None


def relative(path: Path, root: Path) -> str:
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return path.as_posix()


def as_str(value: Any) -> Any:
    # ``version: 1.0`` parses as a float; report it as text so the pattern check explains it.
    return str(value) if isinstance(value, int | float) and not isinstance(value, bool) else value


def read_reference(reader: Reader, value: Any, path: str) -> Reference:
    data = reader.mapping(value, path, ("title",), ("url",))
    if data is None:
        return Reference("")
    return Reference(
        title=reader.string(data.get("title"), join(path, "title")),
        url=reader.url(data.get("url"), join(path, "url")),
    )
