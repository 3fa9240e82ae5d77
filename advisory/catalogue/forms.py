"""Curators' entry forms: every field of a solution or training, to and from the content shape.

The form is described once as a list of fields; the template loops over it, and the two
functions here turn a content mapping into form values and posted form values back into a
content mapping, which the catalogue loader then validates exactly like a content file.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask_babel import lazy_gettext as _l

from advisory.catalogue import labels
from recommendations.catalogue import (
    CATEGORIES,
    COST_BANDS,
    FORMATS,
    HOSTING,
    LEVELS,
    OPEN_STANDARDS,
    PREREQUISITES,
)

MAX_TEXT = 5000


@dataclass(frozen=True)
class Field:
    """One form field; `key` is the content key path it fills (a.b for nested mappings)."""

    key: str
    label: object
    kind: str  # line | text | area | choice | choices | yesno | tribool | list | lines | number
    choices: tuple[tuple[str, object], ...] = ()
    hint: object = ""

    @property
    def name(self) -> str:
        return self.key.replace(".", "_")


def _choices(values, vocabulary: dict | None = None) -> tuple[tuple[str, object], ...]:
    vocabulary = vocabulary or {}
    return tuple(
        (value, vocabulary.get(value, value.replace("_", " "))) for value in sorted(values)
    )


def solution_fields(domains: dict[str, str], new: bool) -> tuple[Field, ...]:
    """Return every field of a solution entry (the id only when the entry is new)."""
    fields = [
        Field("name", _l("Name"), "line"),
        Field("summary", _l("Summary"), "text"),
        Field("description", _l("Description"), "area"),
        Field("domains", _l("Domains"), "choices", tuple(domains.items())),
        Field("categories", _l("Categories"), "choices", _choices(CATEGORIES)),
        Field("tags", _l("Tags"), "list", hint=_l("Separate with commas, e.g. gis, open-data.")),
        Field("vendor.name", _l("Maintainer or vendor"), "line"),
        Field("vendor.url", _l("Web address of the maintainer or vendor"), "line"),
        Field(
            "licence",
            _l("Licence"),
            "line",
            hint=_l("An SPDX id such as AGPL-3.0, NOASSERTION if unverified, or proprietary."),
        ),
        Field("open_source", _l("Open source"), "yesno"),
        Field("source_url", _l("Source code address"), "line"),
        Field(
            "open_standards",
            _l("Open standards and interfaces"),
            "choices",
            _choices(OPEN_STANDARDS, labels.STANDARDS),
        ),
        Field("hosting", _l("Hosting"), "choices", _choices(HOSTING, labels.HOSTING)),
        Field("size_fit.min_population", _l("Fits municipalities from (inhabitants)"), "number"),
        Field(
            "size_fit.max_population",
            _l("up to (inhabitants; empty for any size)"),
            "number",
        ),
        Field("prerequisites", _l("Prerequisites"), "choices", _choices(PREREQUISITES)),
        Field("needs_it_staff", _l("Needs own IT staff"), "yesno"),
        Field("cost_band", _l("Cost"), "choice", _choices(COST_BANDS, labels.COST_BANDS)),
        Field("cost_note", _l("Note on cost"), "text"),
        Field(
            "references",
            _l("Municipal references"),
            "lines",
            hint=_l("One per line: name | note in German | note in English."),
        ),
        Field("citizen_facing", _l("Used by citizens"), "yesno"),
        Field("uses_ai", _l("Uses artificial intelligence"), "yesno"),
        Field("publicly_funded", _l("Development publicly funded"), "tribool"),
        Field("notes", _l("Notes (what could not be verified)"), "area"),
        Field("website", _l("Website"), "line"),
        Field(
            "shared_operation",
            _l("Operation for several municipalities"),
            "area",
            hint=_l(
                "Only what is documented: that one installation or offer serves several "
                "municipalities (association, district or state provider). Leave empty otherwise."
            ),
        ),
    ]
    if new:
        fields.insert(0, _id_field())
    return tuple(fields)


def training_fields(domains: dict[str, str], new: bool) -> tuple[Field, ...]:
    """Return every field of a training entry (the id only when the entry is new)."""
    fields = [
        Field("title", _l("Title"), "text"),
        Field("provider", _l("Provider"), "line"),
        Field(
            "topics", _l("Topics"), "list", hint=_l("Separate with commas, e.g. gis, open-data.")
        ),
        Field("domains", _l("Domains"), "choices", tuple(domains.items())),
        Field("target_roles", _l("Target groups"), "choices", _choices(labels.ROLES, labels.ROLES)),
        Field("level", _l("Level"), "choice", _choices(LEVELS, labels.LEVELS)),
        Field("format", _l("Format"), "choice", _choices(FORMATS, labels.FORMATS)),
        Field("duration", _l("Duration"), "text"),
        Field("cost", _l("Cost"), "text"),
        Field("cost_band", _l("Cost band"), "choice", _choices(COST_BANDS, labels.COST_BANDS)),
        Field("certificate", _l("Certificate"), "yesno"),
        Field("language", _l("Language"), "choice", (("de", _l("German")), ("en", _l("English")))),
        Field("verified", _l("Verified from public sources"), "yesno"),
        Field("url", _l("Web address"), "line"),
        Field("notes", _l("Notes (what could not be verified)"), "area"),
    ]
    if new:
        fields.insert(0, _id_field())
    return tuple(fields)


def _get(data: dict[str, Any], key: str) -> Any:
    for part in key.split("."):
        data = data.get(part) if isinstance(data, dict) else None
    return data


def _put(data: dict[str, Any], key: str, value: Any) -> None:
    *parents, last = key.split(".")
    for part in parents:
        data = data.setdefault(part, {})
    data[last] = value


def form_values(fields: tuple[Field, ...], data: dict[str, Any]) -> dict[str, Any]:
    """Return the values to show in the form for an entry in content shape."""
    values: dict[str, Any] = {}
    for field in fields:
        value = _get(data, field.key)
        if field.kind in ("text", "area"):
            values[field.name] = value or {"de": "", "en": ""}
        elif field.kind == "choices":
            values[field.name] = list(value or [])
        elif field.kind == "list":
            values[field.name] = ", ".join(value or [])
        elif field.kind == "lines":
            values[field.name] = "\n".join(
                f"{item['name']} | {item['note']['de']} | {item['note']['en']}"
                for item in value or []
            )
        elif field.kind in ("yesno", "tribool"):
            values[field.name] = {True: "true", False: "false"}.get(value, value or "")
        else:
            values[field.name] = "" if value is None else str(value)
    return values


def posted_data(fields: tuple[Field, ...], form) -> tuple[dict[str, Any], dict[str, Any]]:
    """Return (content mapping, form values) from a posted form; shapes only, no checks."""
    data: dict[str, Any] = {}
    values: dict[str, Any] = {}
    for field in fields:
        name = field.name
        if field.kind in ("text", "area"):
            text = {
                "de": form.get(f"{name}_de", "")[:MAX_TEXT].strip(),
                "en": form.get(f"{name}_en", "")[:MAX_TEXT].strip(),
            }
            values[name] = text
            optional = field.key in ("notes", "shared_operation")
            _put(data, field.key, None if optional and not (text["de"] or text["en"]) else text)
        elif field.kind == "choices":
            chosen = form.getlist(name)
            values[name] = chosen
            _put(data, field.key, chosen)
        elif field.kind == "list":
            raw = form.get(name, "")[:MAX_TEXT]
            values[name] = raw
            _put(data, field.key, [part.strip() for part in raw.split(",") if part.strip()])
        elif field.kind == "lines":
            raw = form.get(name, "")[:MAX_TEXT]
            values[name] = raw
            _put(data, field.key, [_reference(line) for line in raw.splitlines() if line.strip()])
        elif field.kind in ("yesno", "tribool"):
            raw = form.get(name, "")
            values[name] = raw
            converted = {"true": True, "false": False}.get(raw, raw or None)
            _put(data, field.key, converted)
        elif field.kind == "number":
            raw = form.get(name, "").replace(".", "").replace(" ", "").strip()[:12]
            values[name] = raw
            _put(data, field.key, int(raw) if raw.isdigit() else (raw or None))
        else:
            raw = form.get(name, "")[:500].strip()
            values[name] = raw
            _put(data, field.key, raw or None)
    return data, values


def _reference(line: str) -> dict[str, Any]:
    parts = [part.strip() for part in line.split("|")]
    name = parts[0]
    note_de = parts[1] if len(parts) > 1 else ""
    note_en = parts[2] if len(parts) > 2 else note_de
    return {"name": name, "note": {"de": note_de, "en": note_en}}


def field_of(path: str, fields: tuple[Field, ...]) -> str:
    """Return the form field a content key path belongs to (the first field as fallback)."""
    for field in fields:
        if path == field.key or path.startswith((field.key + ".", field.key + "[")):
            return field.name
    head = path.split(".")[0].split("[")[0]
    for field in fields:
        if field.key.split(".")[0] == head:
            return field.name
    return "form"


def _id_field() -> Field:
    """The identifier, asked only when an entry is created (reviews refer to it)."""
    return Field(
        "id",
        _l("Identifier"),
        "line",
        hint=_l("Lower-case letters, digits and hyphens, e.g. open-council; cannot change."),
    )
