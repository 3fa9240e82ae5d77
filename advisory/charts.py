"""Plain chart data in, Plotly figures out; the web page and the PDF report both use these."""

from __future__ import annotations

from dataclasses import dataclass

import plotly.graph_objects as go

FONT = "DejaVu Sans, Verdana, sans-serif"
CURRENT = "#0b5394"
TARGET = "#b35900"
PEER = "#5b6770"

_WORDS = {
    "de": {
        "current": "Aktueller Reifegrad",
        "target": "Zielreifegrad",
        "score": "Punkte (0–100)",
        "level": "Stufe",
        "peer": "Median vergleichbarer Kommunen",
    },
    "en": {
        "current": "Current maturity level",
        "target": "Target level",
        "score": "Score (0–100)",
        "level": "Level",
        "peer": "Median of comparable municipalities",
    },
}


@dataclass(frozen=True)
class ChartDomain:
    """One applicable domain as a chart shows it."""

    label: str
    score: float | None
    level: int | None
    target: int | None = None
    peer_level: float | None = None


def _layout(**extra) -> dict:
    return {
        "font": {"family": FONT, "size": 13, "color": "#1b1f24"},
        "paper_bgcolor": "white",
        "plot_bgcolor": "white",
        "margin": {"l": 60, "r": 60, "t": 40, "b": 40},
        "legend": {"orientation": "h", "y": -0.12},
        **extra,
    }


def radar_figure(domains: list[ChartDomain], lang: str = "de", max_level: int = 5) -> go.Figure:
    """Current (gated) level per domain against the target level, on a 0-`max_level` radar."""
    words = _WORDS.get(lang, _WORDS["de"])
    shown = [d for d in domains if d.level is not None]
    # Long domain names wrap at " & " so they fit beside the circle.
    labels = [_wrap(d.label) for d in shown] + ([_wrap(shown[0].label)] if shown else [])
    figure = go.Figure()
    figure.add_trace(
        go.Scatterpolar(
            r=[d.level for d in shown] + ([shown[0].level] if shown else []),
            theta=labels,
            name=words["current"],
            fill="toself",
            line={"color": CURRENT, "width": 3},
            fillcolor="rgba(11,83,148,0.18)",
        )
    )
    if any(d.target for d in shown):
        figure.add_trace(
            go.Scatterpolar(
                r=[d.target for d in shown] + [shown[0].target],
                theta=labels,
                name=words["target"],
                line={"color": TARGET, "width": 2, "dash": "dash"},
                # With a target for only some domains, a line would run through the centre.
                mode="lines+markers" if all(d.target for d in shown) else "markers",
                marker={"size": 9, "symbol": "diamond"},
            )
        )
    if any(d.peer_level is not None for d in shown):
        figure.add_trace(
            go.Scatterpolar(
                r=[d.peer_level for d in shown] + [shown[0].peer_level],
                theta=labels,
                name=words["peer"],
                line={"color": PEER, "width": 2, "dash": "dot"},
            )
        )
    figure.update_layout(
        **_layout(
            polar={
                "radialaxis": {
                    "range": [0, max_level],
                    "tickvals": list(range(1, max_level + 1)),
                    "angle": 90,
                    "tickfont": {"size": 11},
                },
                "angularaxis": {"tickfont": {"size": 11}},
            },
            showlegend=True,
            height=540,
            margin={"l": 130, "r": 130, "t": 50, "b": 40},
        )
    )
    return figure


def bar_figure(
    domains: list[ChartDomain],
    lang: str = "de",
    bands: tuple[float, ...] = (0, 20, 40, 60, 80),
) -> go.Figure:
    """Score 0-100 per domain as horizontal bars, with the level bands (their starts) as grid."""
    words = _WORDS.get(lang, _WORDS["de"])
    shown = [d for d in domains if d.score is not None]
    figure = go.Figure(
        go.Bar(
            x=[d.score for d in shown],
            y=[d.label for d in shown],
            orientation="h",
            marker={"color": CURRENT},
            text=[f"{d.score:.0f}" for d in shown],
            textposition="outside",
            name=words["score"],
            hovertemplate="%{y}: %{x:.1f}<extra></extra>",
        )
    )
    figure.update_layout(
        **_layout(
            xaxis={
                "range": [0, 105],
                "tickvals": sorted({*bands, 100}),
                "title": words["score"],
                "gridcolor": "#c9d1db",
            },
            yaxis={"autorange": "reversed", "automargin": True},
            height=max(320, 38 * len(shown) + 120),
            showlegend=False,
        )
    )
    return figure


@dataclass(frozen=True)
class RoadmapBar:
    """One domain's steps in one horizon: a bar from `start` to `end` month."""

    label: str
    horizon: str
    start: int
    end: int
    count: int


_HORIZON_COLOURS = {"quick_win": "#1b7a3e", "next_step": CURRENT, "later": PEER}
_HORIZON_WORDS = {
    "de": {
        "quick_win": "Schnelle Erfolge",
        "next_step": "Nächste Schritte",
        "later": "Später",
        "months": "Monate ab heute",
        "steps": "Schritte",
    },
    "en": {
        "quick_win": "Quick wins",
        "next_step": "Next steps",
        "later": "Later",
        "months": "Months from today",
        "steps": "steps",
    },
}


def roadmap_figure(bars: list[RoadmapBar], lang: str = "de") -> go.Figure:
    """A simple timeline: per domain, one bar per horizon with the number of steps in it."""
    words = _HORIZON_WORDS.get(lang, _HORIZON_WORDS["de"])
    figure = go.Figure()
    for horizon, colour in _HORIZON_COLOURS.items():
        shown = [b for b in bars if b.horizon == horizon]
        if not shown:
            continue
        figure.add_trace(
            go.Bar(
                base=[b.start for b in shown],
                x=[b.end - b.start for b in shown],
                y=[b.label for b in shown],
                orientation="h",
                name=words[horizon],
                marker={"color": colour},
                text=[str(b.count) for b in shown],
                textposition="inside",
                insidetextanchor="middle",
                textfont={"color": "white"},
                hovertemplate="%{y}: %{text} " + words["steps"] + "<extra></extra>",
            )
        )
    labels = list(dict.fromkeys(b.label for b in bars))
    figure.update_layout(
        **_layout(
            barmode="overlay",
            xaxis={
                "range": [0, 36],
                "tickvals": [0, 6, 12, 18, 24, 30, 36],
                "title": words["months"],
                "gridcolor": "#c9d1db",
            },
            yaxis={
                "autorange": "reversed",
                "automargin": True,
                "categoryorder": "array",
                "categoryarray": labels,
            },
            height=max(260, 34 * len(labels) + 140),
            showlegend=True,
            legend={"orientation": "h", "y": -0.25},
        )
    )
    return figure


def _wrap(label: str) -> str:
    return label.replace(" & ", " &<br>").replace(", ", ",<br>")


@dataclass(frozen=True)
class HeatmapRow:
    """One municipality's gated level per domain (None: not applicable or no level yet)."""

    label: str
    levels: tuple[int | None, ...]


_HEAT_WORDS = {
    "de": {"level": "Stufe", "none": "keine Stufe"},
    "en": {"level": "Level", "none": "no level"},
}
# Light to dark blue: level 1 to 5; every step keeps the level text readable on it.
HEAT_SCALE = [
    [0.0, "#eef4fa"],
    [0.25, "#bcd4ea"],
    [0.5, "#7eabd6"],
    [0.75, "#3c78b5"],
    [1.0, "#0b3d6e"],
]


def heatmap_figure(rows: list[HeatmapRow], domains: list[str], lang: str = "de") -> go.Figure:
    """Municipalities (rows) × domains (columns), coloured by the gated level 1-5."""
    words = _HEAT_WORDS.get(lang, _HEAT_WORDS["de"])
    figure = go.Figure(
        go.Heatmap(
            z=[list(r.levels) for r in rows],
            x=[_wrap(d) for d in domains],
            y=[r.label for r in rows],
            zmin=1,
            zmax=5,
            colorscale=HEAT_SCALE,
            text=[[str(v) if v is not None else "–" for v in r.levels] for r in rows],
            texttemplate="%{text}",
            hovertemplate="%{y}<br>%{x}: " + words["level"] + " %{text}<extra></extra>",
            colorbar={"title": {"text": words["level"]}, "tickvals": [1, 2, 3, 4, 5]},
            xgap=2,
            ygap=2,
        )
    )
    figure.update_layout(
        **_layout(
            xaxis={"side": "top", "tickangle": -40, "automargin": True},
            yaxis={"autorange": "reversed", "automargin": True},
            height=max(320, 28 * len(rows) + 220),
            margin={"l": 60, "r": 20, "t": 160, "b": 20},
        )
    )
    return figure


@dataclass(frozen=True)
class ChartSeries:
    """One municipality's levels per domain, one value per label of the chart."""

    name: str
    levels: tuple[int | None, ...]


SERIES_COLOURS = ("#0b5394", "#b35900", "#1b7a3e", "#7b2d8e", "#5b6770", "#a61b29")
SERIES_DASHES = ("solid", "dash", "dot", "dashdot", "longdash", "longdashdot")


def compare_radar_figure(series: list[ChartSeries], domains: list[str]) -> go.Figure:
    """Overlay the levels per domain of 2-6 municipalities on one 0-5 radar.

    Each line has its own colour and dash pattern, so that it can be told apart without colour.
    """
    labels = [_wrap(d) for d in domains] + ([_wrap(domains[0])] if domains else [])
    figure = go.Figure()
    for index, one in enumerate(series):
        values = [v if v is not None else 0 for v in one.levels]
        figure.add_trace(
            go.Scatterpolar(
                r=values + values[:1],
                theta=labels,
                name=one.name,
                mode="lines+markers",
                line={
                    "color": SERIES_COLOURS[index % len(SERIES_COLOURS)],
                    "width": 2,
                    "dash": SERIES_DASHES[index % len(SERIES_DASHES)],
                },
            )
        )
    figure.update_layout(
        **_layout(
            polar={
                "radialaxis": {"range": [0, 5], "tickvals": [1, 2, 3, 4, 5], "angle": 90},
                "angularaxis": {"tickfont": {"size": 11}},
            },
            showlegend=True,
            height=560,
            margin={"l": 130, "r": 130, "t": 50, "b": 40},
        )
    )
    return figure
