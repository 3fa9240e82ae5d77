"""benchmarks/portfolio.py keeps working: its smoke mode runs the whole path on tiny numbers."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_portfolio_benchmark_smoke_run_prints_ratios_for_every_stage():
    done = subprocess.run(
        [sys.executable, "benchmarks/portfolio.py", "--smoke"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    lines = done.stdout.splitlines()
    assert lines[0].startswith("SQLite, gunicorn 2 workers")
    stages = [line for line in lines if "inventories," in line]
    assert [line.split()[0] for line in stages] == ["2", "5", "10"]
    ratios = [line for line in lines if "/portfolio/ " in line]
    assert len(ratios) == 3 and all(float(r.rsplit("ratio", 1)[1]) > 0 for r in ratios)
