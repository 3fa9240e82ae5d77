"""The web pages' charts as Plotly JSON, built once per distinct chart content in each process.

Building a Plotly figure object and serialising it took about half of the results and report
pages, although the browser needs only the JSON. The JSON is cached by everything the chart is
made of: the plain chart data (frozen dataclasses, so hashable) and the language. A changed
inventory gives different chart data and so a new entry: the cache cannot serve a stale chart.
The PDF keeps building figure objects (kaleido exports them); both use the same functions of
`advisory.charts`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from functools import lru_cache

from advisory.charts import ChartDomain, RoadmapBar, bar_figure, radar_figure, roadmap_figure

_BUILDERS: dict[str, Callable] = {
    "radar": radar_figure,
    "bars": bar_figure,
    "roadmap": roadmap_figure,
}


def script_safe(text: str) -> str:
    """Return JSON text that can stand inside a <script type="application/json"> block."""
    return text.replace("</", "<\\/")


@lru_cache(maxsize=256)
def _cached(kind: str, items: tuple, lang: str, *scale) -> str:
    return script_safe(_BUILDERS[kind](list(items), lang, *scale).to_json())


def radar_json(domains: Iterable[ChartDomain], lang: str, max_level: int = 5) -> str:
    """Return the radar chart (`charts.radar_figure`) as script-safe JSON."""
    return _cached("radar", tuple(domains), lang, max_level)


def bars_json(
    domains: Iterable[ChartDomain], lang: str, bands: tuple[float, ...] = (0, 20, 40, 60, 80)
) -> str:
    """Return the bar chart of scores (`charts.bar_figure`) with the level bands' starts."""
    return _cached("bars", tuple(domains), lang, tuple(bands))


def roadmap_json(bars: Iterable[RoadmapBar], lang: str) -> str:
    """Return the roadmap timeline (`charts.roadmap_figure`) as script-safe JSON."""
    return _cached("roadmap", tuple(bars), lang)


def clear() -> None:
    """Forget every cached chart (tests)."""
    _cached.cache_clear()
