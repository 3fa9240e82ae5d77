"""Run axe-core (bundled by axe-playwright-python) against a Playwright page."""

from __future__ import annotations

from axe_playwright_python.sync_playwright import Axe

WCAG_21_AA = {
    "runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]},
    "resultTypes": ["violations"],
}

_axe = Axe()


def violations(page) -> list[str]:
    """Return one line per WCAG 2.1 A/AA violation on the page (empty when it passes)."""
    results = _axe.run(page, options=WCAG_21_AA)
    found = []
    for violation in results.response["violations"]:
        targets = [", ".join(node["target"]) for node in violation["nodes"]][:5]
        found.append(f"{violation['id']}: {violation['help']} at {targets}")
    return found
