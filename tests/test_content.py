"""The shipped content: every Smart-City-Inventur version is complete, bilingual, advised."""

from __future__ import annotations

from dataclasses import fields, is_dataclass

import pytest

from advisory.content import QUESTIONNAIRE_DIR, check_all
from questionnaires import DOMAIN_IDS, Text, load_directory

DOMAINS = set(DOMAIN_IDS)


VERSIONS = ("1.0.0", "1.1.0")
#: Questions per domain: 1.0.0 was designed for 8 to 12; 1.1.0 adds up to three per domain.
QUESTIONS_PER_DOMAIN = {"1.0.0": (8, 12), "1.1.0": (8, 14)}


@pytest.fixture(params=VERSIONS)
def version(request) -> str:
    return request.param


def shipped(version: str = "1.0.0"):
    return load_directory(QUESTIONNAIRE_DIR).get("smart-city-inventur", version)


def test_every_shipped_version_is_tested():
    assert {q.version for q in load_directory(QUESTIONNAIRE_DIR).list()} == set(VERSIONS)


def texts(value, path="questionnaire"):
    """Yield (path, Text) for every text anywhere in the questionnaire."""
    if isinstance(value, Text):
        yield path, value
    elif is_dataclass(value):
        for field in fields(value):
            if not field.name.startswith("_"):
                yield from texts(getattr(value, field.name), f"{path}.{field.name}")
    elif isinstance(value, tuple | list):
        for index, item in enumerate(value):
            yield from texts(item, f"{path}[{index}]")


def test_every_content_file_is_valid():
    checked, problems = check_all()
    assert problems == []
    assert any(line.startswith("rules:") for line in checked)


def test_the_inventory_covers_12_domains_with_8_to_12_questions_each(version):
    questionnaire = shipped(version)
    least, most = QUESTIONS_PER_DOMAIN[version]
    assert {d.id for d in questionnaire.domains} == DOMAINS
    assert all(least <= len(d.questions) <= most for d in questionnaire.domains)
    scored = [q for q in questionnaire.all_questions() if q.is_scored]
    assert len(scored) >= 100


def test_every_text_exists_in_german_and_english(version):
    missing = [
        path for path, text in texts(shipped(version)) if not text.de.strip() or not text.en.strip()
    ]
    assert missing == []


def test_every_option_of_a_scored_question_carries_advice(version):
    without = [
        f"{q.id}:{o.id}"
        for q in shipped(version).all_questions()
        if q.is_scored
        for o in q.options
        if o.advice is None or not o.advice.de or not o.advice.en
    ]
    assert without == []


def test_scored_questions_tell_advisors_what_to_look_at(version):
    assert [
        q.id for q in shipped(version).all_questions() if q.is_scored and q.evidence_hint is None
    ] == []


def test_small_municipalities_see_fewer_questions(version):
    from questionnaires import visible_questions

    questionnaire = shipped(version)
    village = visible_questions(questionnaire, {}, {"population": 800, "urbanisation": 3})
    city = visible_questions(questionnaire, {}, {"population": 300_000, "urbanisation": 1})
    assert village < city
