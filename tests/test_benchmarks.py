"""Every benchmark script runs in its smoke mode, so that the benchmarks cannot rot."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SCRIPTS = sorted(p.name for p in (ROOT / "benchmarks").glob("*.py"))


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.mark.parametrize("script", SCRIPTS)
def test_benchmark_runs_in_smoke_mode(script, tmp_path):
    extra = ["--port", str(_free_port())] if script == "http.py" else []
    env = {k: v for k, v in os.environ.items() if not k.startswith("ADVISORY_")}
    result = subprocess.run(
        [sys.executable, f"benchmarks/{script}", "--smoke", *extra],
        cwd=ROOT, capture_output=True, text=True, timeout=600, check=False,
        env={**env, "TMPDIR": str(tmp_path)},
    )  # fmt: skip
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    assert result.stdout.strip()
