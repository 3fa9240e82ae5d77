"""The wheel carries everything the app needs outside a checkout."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_wheel_contains_templates_content_data_and_migrations(tmp_path):
    uv = Path(sys.executable).parent / "uv"
    subprocess.run(
        [uv, "build", "--wheel", "-q", "-o", str(tmp_path), str(ROOT)],
        check=True,
        capture_output=True,
    )
    (wheel,) = tmp_path.glob("*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    expected = {
        "advisory/templates/base.html",
        "advisory/templates/_macros/forms.html",
        "advisory/data/municipalities.csv.gz",
        "advisory/translations/de/LC_MESSAGES/messages.mo",
        "advisory/static/css/app.css",
        "advisory/migrations/env.py",
        "advisory/migrations/script.py.mako",
        "advisory/migrations/versions/0001_initial_schema.py",
        "recommendations/content/trainings.yaml",
    }
    assert expected <= names
    in_checkout = {
        str(p.relative_to(ROOT))
        for folder in ("advisory", "questionnaires", "recommendations")
        for p in (ROOT / folder).rglob("*.py")
        if "__pycache__" not in p.parts
    }
    assert in_checkout <= names, "add the missing package to [tool.setuptools] packages"
    for folder in ("questionnaires/content", "recommendations/content"):
        content = {str(p.relative_to(ROOT)) for p in (ROOT / folder).rglob("*.yaml")}
        assert content <= names
