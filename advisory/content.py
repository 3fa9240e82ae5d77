"""The content (questionnaires, their rules, the catalogue), loaded once per set of folders.

A deployment offers the shipped Smart-City-Inventur and the questionnaires in the folders named
by the setting `CONTENT_DIRS` (`ADVISORY_CONTENT_DIRS`: a JSON list or folders separated by
`os.pathsep`) and in the upload folder (`CONTENT_UPLOAD_DIR`, by default `content` in the
instance folder). A content folder holds `<questionnaire id>/<version>.yaml` and, optionally,
the rules of that questionnaire in `<questionnaire id>/rules/*.yaml`. `DEFAULT_QUESTIONNAIRE`
names the questionnaire new inventories start on when nobody picks another.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from flask import current_app, has_app_context

import questionnaires as questionnaire_engine
from questionnaires import (
    ContentError,
    Problem,
    Questionnaire,
    QuestionnaireRegistry,
    UnknownQuestionnaireError,
    check_directory,
)

QUESTIONNAIRE_DIR = Path(questionnaire_engine.__file__).parent / "content"
DEFAULT_QUESTIONNAIRE = "smart-city-inventur"


def _configured_dirs(value: object) -> list[Path]:
    if not value:
        return []
    if isinstance(value, str):
        return [Path(part) for part in value.split(os.pathsep) if part.strip()]
    return [Path(str(part)) for part in value]  # type: ignore[union-attr]


def upload_dir() -> Path | None:
    """Return the folder uploaded questionnaires are written to (None outside an app)."""
    if not has_app_context():
        return None
    configured = current_app.config.get("CONTENT_UPLOAD_DIR")
    return Path(configured) if configured else Path(current_app.instance_path) / "content"


_DIRS_KEY = "advisory.content_dirs"


def content_dirs() -> tuple[Path, ...]:
    """Return the content folders in order: shipped, configured, uploaded (if it exists).

    Worked out once per app (pages look content up many times per request; each lookup would
    otherwise cost system calls); reload() forgets it.
    """
    if not has_app_context():
        return (QUESTIONNAIRE_DIR.resolve(),)
    known = current_app.extensions.get(_DIRS_KEY)
    if known is not None and known[0] == QUESTIONNAIRE_DIR:
        return known[1]
    dirs = [QUESTIONNAIRE_DIR, *_configured_dirs(current_app.config.get("CONTENT_DIRS"))]
    uploaded = upload_dir()
    if uploaded is not None and uploaded.is_dir():
        dirs.append(uploaded)
    resolved = tuple(dict.fromkeys(path.resolve() for path in dirs))
    current_app.extensions[_DIRS_KEY] = (QUESTIONNAIRE_DIR, resolved)
    return resolved


@dataclass(frozen=True)
class Content:
    """What the content folders hold: the questionnaires and where each one's rules live."""

    registry: QuestionnaireRegistry
    folders: dict[str, Path]  # questionnaire id → the folder its files are in


def check_folders(dirs: tuple[Path, ...]) -> tuple[list[Questionnaire], list[Problem], dict]:
    """Load every questionnaire below `dirs`; return what loaded, every problem and the folders."""
    loaded: list[Questionnaire] = []
    problems: list[Problem] = []
    seen: dict[tuple[str, str], Path] = {}
    folders: dict[str, Path] = {}
    for directory in dirs:
        found, found_problems = check_directory(directory)
        problems += found_problems
        for questionnaire in found:
            key = (questionnaire.id, questionnaire.version)
            file = directory / questionnaire.id / f"{questionnaire.version}.yaml"
            if key in seen:
                problems.append(
                    Problem(str(file), "", f"same id and version as in {seen[key]}; remove one")
                )
                continue
            if folders.get(questionnaire.id, directory) != directory:
                problems.append(
                    Problem(
                        str(file),
                        "id",
                        f"questionnaire {questionnaire.id!r} is already in "
                        f"{folders[questionnaire.id]}; keep all its versions in one folder",
                    )
                )
                continue
            seen[key] = directory
            folders[questionnaire.id] = directory
            loaded.append(questionnaire)
    loaded.sort(key=lambda q: (q.id, q.version_key))
    return loaded, problems, folders


@cache
def _content(dirs: tuple[Path, ...]) -> Content:
    loaded, problems, folders = check_folders(dirs)
    if problems:
        raise ContentError(problems)
    return Content(QuestionnaireRegistry(tuple(loaded)), folders)


def reload() -> None:
    """Forget the loaded content (after an upload added a version)."""
    _content.cache_clear()
    if has_app_context():
        current_app.extensions.pop(_DIRS_KEY, None)


def questionnaires() -> QuestionnaireRegistry:
    """Return every questionnaire version of the content folders (ContentError if one is bad)."""
    return _content(content_dirs()).registry


def questionnaire(questionnaire_id: str, version: str) -> Questionnaire:
    """Return the pinned version an assessment was started on."""
    return questionnaires().get(questionnaire_id, version)


def current_questionnaire(questionnaire_id: str = DEFAULT_QUESTIONNAIRE) -> Questionnaire:
    """Return the newest active version (the Smart-City-Inventur unless another id is given)."""
    return questionnaires().latest(questionnaire_id)


def default_questionnaire_id() -> str:
    """Return the id of the questionnaire new inventories start on by default."""
    if has_app_context():
        return str(current_app.config.get("DEFAULT_QUESTIONNAIRE") or DEFAULT_QUESTIONNAIRE)
    return DEFAULT_QUESTIONNAIRE


def offered_questionnaires() -> list[Questionnaire]:
    """Return the newest active version of each questionnaire, the default first."""
    registry = questionnaires()
    offered = []
    for questionnaire_id in registry.ids():
        try:
            offered.append(registry.latest(questionnaire_id))
        except UnknownQuestionnaireError:  # only drafts or retired versions
            continue
    default = default_questionnaire_id()
    return sorted(offered, key=lambda q: (q.id != default, q.title.de))


def offered_choices(lang: str) -> list[tuple[str, str]]:
    """Return (id, title) of each offered questionnaire for the start form, the default first."""
    return [(q.id, q.title.get(lang)) for q in offered_questionnaires()]


def questionnaire_name(questionnaire_id: str, lang: str = "de") -> str:
    """Return the title of the questionnaire's newest version (its id if it is not loaded)."""
    versions = questionnaires().list(questionnaire_id)
    if not versions:
        return questionnaire_id
    return max(versions, key=lambda q: q.version_key).title.get(lang)


def questionnaire_to_start(questionnaire_id: str | None) -> Questionnaire | None:
    """Return the offered questionnaire with `questionnaire_id` (the default if None), or None."""
    wanted = questionnaire_id or default_questionnaire_id()
    return next((q for q in offered_questionnaires() if q.id == wanted), None)


def questionnaire_folder(questionnaire_id: str) -> Path | None:
    """Return the content folder holding the questionnaire's versions (None if not loaded)."""
    return _content(content_dirs()).folders.get(questionnaire_id)


def rules_dir(questionnaire_id: str) -> Path | None:
    """Return the folder of the questionnaire's rule files, or None if it has no rules.

    The shipped Smart-City-Inventur keeps its rules in recommendations/content/rules.
    """
    return _rules_folder(_content(content_dirs()).folders, questionnaire_id)


def _rules_folder(folders: dict[str, Path], questionnaire_id: str) -> Path | None:
    from recommendations import default_rules_dir

    folder = folders.get(questionnaire_id)
    if folder is None:
        return None
    if folder == QUESTIONNAIRE_DIR.resolve() and questionnaire_id == DEFAULT_QUESTIONNAIRE:
        return default_rules_dir()
    rules = folder / questionnaire_id / "rules"
    return rules if rules.is_dir() else None


def check_all(paths: tuple[Path, ...] = ()) -> tuple[list[str], list[str]]:
    """Validate the content folders (or the given ones, with the shipped catalogue).

    Return (what was checked, every problem found). Rules are checked against every version of
    their own questionnaire only.
    """
    from recommendations import (
        CatalogueError,
        RulesError,
        default_content_dir,
        load_catalogue,
        load_rules,
    )

    dirs = tuple(p.resolve() for p in paths) if paths else content_dirs()
    checked: list[str] = []
    loaded, problems, folders = check_folders(dirs)
    found = [str(problem) for problem in problems]
    checked += [
        f"questionnaire {q.id} {q.version} ({folders[q.id]}): {len(q.all_questions())} questions"
        for q in loaded
    ]
    try:
        catalogue = load_catalogue(default_content_dir())
    except CatalogueError as error:
        found += [str(problem) for problem in error.problems]
        return checked, found
    checked.append(
        f"catalogue: {len(catalogue.solutions)} solutions, {len(catalogue.trainings)} "
        f"trainings, base requirements {catalogue.requirements.version}"
    )
    found += _check_procurement(catalogue, checked)
    for questionnaire in loaded:
        directory = _rules_folder(folders, questionnaire.id)
        if directory is None:
            checked.append(f"rules: none for {questionnaire.id} {questionnaire.version}")
            continue
        try:
            rules = load_rules(directory, questionnaire, catalogue)
        except RulesError as error:
            found += [
                f"rules for {questionnaire.id} {questionnaire.version}: {problem}"
                for problem in error.problems
            ]
        else:
            checked.append(
                f"rules: {len(rules)} valid for {questionnaire.id} {questionnaire.version}"
            )
    return checked, found


def _check_procurement(catalogue, checked: list[str]) -> list[str]:
    """Validate the tender building blocks against the catalogue's base requirements."""
    from recommendations import CatalogueError
    from recommendations.procurement import default_procurement_dir, load_procurement

    try:
        texts = load_procurement(default_procurement_dir(), catalogue.requirements)
    except CatalogueError as error:
        return [str(problem) for problem in error.problems]
    checked.append(f"tender building blocks {texts.version}: {len(texts.types)} solution types")
    return []
