"""Benchmark: median time of score + evaluate for one complete assessment (the city golden set).

Run from the repository root: `.venv/bin/python benchmarks/score.py [runs]` (`--smoke`: three
runs, so that a test proves the script still works). Content (questionnaire,
catalogue, rules, answers) is loaded once; only scoring and rule evaluation are timed.
The target is well under 20 ms per assessment.
"""

from __future__ import annotations

import datetime as dt
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from questionnaires import load_questionnaire, parse_yaml  # noqa: E402
from recommendations import (  # noqa: E402
    Context,
    default_content_dir,
    default_rules_dir,
    evaluate,
    load_catalogue,
    load_rules,
    score,
)

QUESTIONNAIRE = ROOT / "questionnaires" / "content" / "smart-city-inventur" / "1.0.0.yaml"
# The golden answer sets live with the demo data (tests/recommendations/test_rules.py uses them).
GOLDEN = ROOT / "advisory" / "data" / "demo" / "city.yaml"
TODAY = dt.date(2026, 11, 28)
TARGET_MS = 20.0


def _answer(value: object) -> object:
    if isinstance(value, dict) and "status" in value:
        return value
    return {"status": "answered", "value": value}


def main(runs: int = 200) -> None:
    """Load content once, then time score + evaluate `runs` times and print the median."""
    questionnaire = load_questionnaire(QUESTIONNAIRE)
    catalogue = load_catalogue(default_content_dir())
    rules = load_rules(default_rules_dir(), questionnaire, catalogue)
    data = parse_yaml(GOLDEN.read_text(encoding="utf-8"))
    answers = {key: _answer(value) for key, value in data["answers"].items()}
    facts = data["facts"]
    options = {
        "not_applicable_domains": data.get("not_applicable_domains", {}),
        "targets": data.get("targets", {}),
    }
    timings = []
    count = 0
    for _ in range(runs):
        start = time.perf_counter()
        scores = score(questionnaire, answers, facts, **options)
        context = Context(questionnaire, answers, facts, scores, catalogue, TODAY)
        count = len(evaluate(rules, context))
        timings.append((time.perf_counter() - start) * 1000)
    median = statistics.median(timings)
    print(
        f"score + evaluate, {data['name']} ({len(answers)} answers, {len(rules)} rules, "
        f"{count} recommendations): median {median:.2f} ms over {runs} runs "
        f"(min {min(timings):.2f}, max {max(timings):.2f}; target < {TARGET_MS:.0f} ms)"
    )


if __name__ == "__main__":
    if "--smoke" in sys.argv[1:]:
        main(3)
    else:
        main(int(sys.argv[1]) if len(sys.argv) > 1 else 200)
