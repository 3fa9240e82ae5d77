"""The invented second questionnaire (tests/content): its own scoring model, engine-scored."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from questionnaires import load_directory, parse_yaml, question_score
from recommendations import score

CONTENT = Path(__file__).parent / "content"


@pytest.fixture(scope="module")
def kompass():
    return load_directory(CONTENT).get("digital-kompass", "1.0.0")


def golden() -> dict:
    return parse_yaml((CONTENT / "digital-kompass-golden.yaml").read_text(encoding="utf-8"))


def answers(values: dict) -> dict:
    return {key: {"status": "answered", "value": value} for key, value in values.items()}


def test_golden_answers_give_the_hand_calculated_numbers(kompass):
    data = golden()
    result = score(kompass, answers(data["answers"]), {})
    expected = data["expected"]
    assert (result.score, result.level) == (expected["score"], expected["level"])
    assert {d.id: [d.score, d.level] for d in result.domains} == expected["domains"]
    assert not result.provisional


def test_the_overall_level_is_the_lowest_domain_level_not_the_level_of_the_mean(kompass):
    result = score(kompass, answers(golden()["answers"]), {})
    assert kompass.scoring.level_for(result.score) == 2
    assert result.level == 1


def test_none_of_these_counts_as_zero_where_no_answer_drops_out(kompass):
    given = golden()["answers"]
    with_none = score(kompass, answers(given), {}).domain("people")
    without = score(
        kompass, answers({k: v for k, v in given.items() if k != "people.training"}), {}
    )
    assert (with_none.score, with_none.coverage.answered) == (25, 2)
    assert (without.domain("people").score, without.domain("people").coverage.answered) == (50, 1)


def test_blank_matrix_rows_count_as_zero_only_where_the_question_says_so(kompass):
    sensors = kompass.question("data_use.sensors")
    answer = {"status": "answered", "value": {"schools": "some"}}
    assert question_score(sensors, answer) == pytest.approx(0.5 / 3)
    assert question_score(replace(sensors, blank_rows="skip"), answer) == 0.5


def test_each_checkbox_column_scores_the_share_of_rows_ticked(kompass):
    inventory = kompass.question("data_use.inventory")

    def share(value):
        return question_score(inventory, {"status": "answered", "value": value})

    every_row = {row.id: ["planned", "done"] for row in inventory.rows}
    assert share(every_row) == 1.0
    assert share({"geo": ["done"]}) == pytest.approx((1 * 0.25) / 1.5)
    assert share({"geo": ["planned"], "energy": ["planned"]}) == pytest.approx(0.5 * 0.5 / 1.5)


def test_level_labels_come_from_the_file(kompass):
    assert [kompass.scoring.label(n).en for n in kompass.scoring.levels] == [
        "Starting",
        "Developing",
        "Advanced",
        "Leading",
    ]
    assert kompass.scoring.level_for(74.9) == 3
    assert kompass.scoring.level_for(75) == 4


def test_targets_beyond_the_files_top_level_are_refused(kompass):
    from recommendations import ScoringError

    with pytest.raises(ScoringError, match="1 to 4"):
        score(kompass, {}, {}, targets={"people": 5})
