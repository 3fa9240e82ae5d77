"""Fixtures for the questionnaire engine tests: the mini fixture file and a way to break it."""

from __future__ import annotations

import copy
from collections.abc import Callable
from pathlib import Path

import pytest

from questionnaires import ContentError, Questionnaire, load_questionnaire, questionnaire_from_data
from questionnaires.loader import parse_yaml

FIXTURE = Path(__file__).parent / "fixtures" / "mini" / "1.0.0.yaml"


@pytest.fixture(scope="session")
def mini() -> Questionnaire:
    """The valid fixture questionnaire."""
    return load_questionnaire(FIXTURE)


@pytest.fixture(scope="session")
def mini_data() -> dict:
    """The fixture file as parsed YAML (copy before changing it)."""
    return parse_yaml(FIXTURE.read_text(encoding="utf-8"))


@pytest.fixture
def content_error(mini_data: dict) -> Callable[[Callable[[dict], None]], ContentError]:
    """Return a function that changes a copy of the fixture and returns the ContentError."""

    def load_broken(change: Callable[[dict], None]) -> ContentError:
        data = copy.deepcopy(mini_data)
        change(data)
        with pytest.raises(ContentError) as caught:
            questionnaire_from_data(data, "broken.yaml")
        return caught.value

    return load_broken
