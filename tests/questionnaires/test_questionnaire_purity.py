"""The questionnaire engine is pure Python: importing it pulls in no web or database code."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_questionnaires_never_import_flask_sqlalchemy_or_advisory() -> None:
    code = (
        "import sys, questionnaires, questionnaires.loader, questionnaires.evaluation\n"
        "bad = sorted(m for m in sys.modules if m.split('.')[0] in "
        "{'flask', 'sqlalchemy', 'advisory', 'flask_wtf', 'flask_sqlalchemy_lite'})\n"
        "print(','.join(bad))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == ""
