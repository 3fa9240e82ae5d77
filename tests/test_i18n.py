"""Translations: German is complete and compiled from the catalogue in the repository."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[1]
CATALOGUE = ROOT / "advisory" / "translations" / "de" / "LC_MESSAGES"


def test_every_message_has_a_german_translation():
    with open(CATALOGUE / "messages.po", "rb") as handle:
        catalogue = read_po(handle)
    missing = [
        m.id
        for m in catalogue
        if m.id and not (all(m.string) if isinstance(m.string, tuple) else m.string)
    ]
    assert missing == []
    assert not any(m.fuzzy for m in catalogue if m.id)


def test_compiled_catalogue_matches_the_source():
    with open(CATALOGUE / "messages.po", "rb") as handle:
        source = {_key(m.id): _key(m.string) for m in read_po(handle) if m.id}
    with open(CATALOGUE / "messages.mo", "rb") as handle:
        compiled = {_key(m.id): _key(m.string) for m in read_mo(handle) if m.id}
    assert compiled == source, "run scripts/i18n to compile the catalogue"


def test_every_text_in_code_and_templates_is_in_the_catalogue(tmp_path):
    pot = tmp_path / "messages.pot"
    subprocess.run(
        [
            Path(sys.executable).parent / "pybabel",
            "extract",
            "-F",
            "babel.cfg",
            "-k",
            "_l",
            "-k",
            "lazy_gettext",
            "--ignore-dirs=.* .venv build",
            "-o",
            str(pot),
            ".",
        ],
        cwd=ROOT,
        check=True,
        capture_output=True,
    )
    with open(pot, "rb") as handle:
        extracted = {m.id for m in read_po(handle) if m.id}
    with open(CATALOGUE / "messages.po", "rb") as handle:
        translated = {m.id for m in read_po(handle) if m.id}
    assert extracted - translated == set(), "run scripts/i18n and translate the new entries"


def _key(value):
    return tuple(value) if isinstance(value, list | tuple) else value
