"""The domain engines stay pure: no web framework, no database, no app imports."""

import subprocess
import sys

import pytest


@pytest.mark.parametrize("package", ["questionnaires", "recommendations"])
def test_engine_imports_no_framework(package):
    code = (
        f"import sys, pkgutil, importlib, {package}\n"
        f"for m in pkgutil.walk_packages({package}.__path__, '{package}.'):\n"
        "    importlib.import_module(m.name)\n"
        "bad = sorted(n for n in sys.modules if n.split('.')[0] in "
        "{'flask', 'flask_wtf', 'sqlalchemy', 'advisory', 'werkzeug'})\n"
        "print(','.join(bad))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == ""
