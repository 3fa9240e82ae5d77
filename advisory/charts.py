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


def radar_figure(domains: list[ChartDomain], lang: str = "de") -> go.Figure:
    """Current (gated) level per domain against the target level, on a 0-5 radar."""
    words = _WORDS.get(lang, _WORDS["de"])
    shown = [d for d in domains if d.level is not None]
    labels = [d.label for d in shown] + [shown[0].label] if shown else []
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
                r=[d.target or 0 for d in shown] + [shown[0].target or 0],
                theta=labels,
                name=words["target"],
                line={"color": TARGET, "width": 2, "dash": "dash"},
            )
        )
    if any(d.peer_level is not None for d in shown):
        figure.add_trace(
            go.Scatterpolar(
                r=[d.peer_level or 0 for d in shown] + [shown[0].peer_level or 0],
                theta=labels,
                name=words["peer"],
                line={"color": PEER, "width": 2, "dash": "dot"},
            )
        )
    figure.update_layout(
        **_layout(
            polar={
                "radialaxis": {
                    "range": [0, 5],
                    "tickvals": [1, 2, 3, 4, 5],
                    "angle": 90,
                    "tickfont": {"size": 11},
                },
                "angularaxis": {"tickfont": {"size": 12}},
            },
            showlegend=True,
            height=520,
        )
    )
    return figure


def bar_figure(domains: list[ChartDomain], lang: str = "de") -> go.Figure:
    """Score 0-100 per domain as horizontal bars, with the level bands as gridlines."""
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
                "tickvals": [0, 20, 40, 60, 80, 100],
                "title": words["score"],
                "gridcolor": "#c9d1db",
            },
            yaxis={"autorange": "reversed", "automargin": True},
            height=max(320, 38 * len(shown) + 120),
            showlegend=False,
        )
    )
    return figure
