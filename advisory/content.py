"""The shipped content (questionnaires, catalogue), loaded once per process and validated."""

from __future__ import annotations

from functools import cache
from pathlib import Path

import questionnaires as questionnaire_engine
from questionnaires import Questionnaire, QuestionnaireRegistry, load_directory

QUESTIONNAIRE_DIR = Path(questionnaire_engine.__file__).parent / "content"
DEFAULT_QUESTIONNAIRE = "smart-city-inventur"


@cache
def questionnaires() -> QuestionnaireRegistry:
    """Return every shipped questionnaire version (raises ContentError if one is invalid)."""
    return load_directory(QUESTIONNAIRE_DIR)


def questionnaire(questionnaire_id: str, version: str) -> Questionnaire:
    """Return the pinned version an assessment was started on."""
    return questionnaires().get(questionnaire_id, version)


def current_questionnaire(questionnaire_id: str = DEFAULT_QUESTIONNAIRE) -> Questionnaire:
    """Return the newest active version, used for new assessments."""
    return questionnaires().latest(questionnaire_id)


def check_all() -> tuple[list[str], list[str]]:
    """Validate every shipped content file; return (what was checked, every problem found)."""
    from questionnaires import check_directory
    from recommendations import (
        CatalogueError,
        RulesError,
        default_content_dir,
        default_rules_dir,
        load_catalogue,
        load_rules,
    )

    checked: list[str] = []
    loaded, problems = check_directory(QUESTIONNAIRE_DIR)
    found = [str(problem) for problem in problems]
    checked += [
        f"questionnaire {q.id} {q.version}: {len(q.all_questions())} questions" for q in loaded
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
        try:
            rules = load_rules(default_rules_dir(), questionnaire, catalogue)
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
