"""Static SVG images of Plotly figures for the PDF report, through one warm kaleido server.

kaleido drives a headless Chromium. Starting it costs about 1.5 s, so the server is started
lazily, once per process id (under gunicorn each worker starts its own after the fork), and
kept running. Images are cached by a hash of the figure JSON: the same figure is exported once
per process. Without Chromium or kaleido `figure_svg` returns None, logs one warning and the
report falls back to its data tables.
"""

from __future__ import annotations

import atexit
import hashlib
import logging
import os
import threading
import warnings
from collections import OrderedDict

import plotly.graph_objects as go

log = logging.getLogger(__name__)

_CACHE_SIZE = 128
_lock = threading.Lock()
_cache: OrderedDict[str, str] = OrderedDict()
_server_pid: int | None = None
_failed_pid: int | None = None


def figure_key(figure: go.Figure) -> str:
    """Return the cache key of a figure: the SHA-256 of its JSON."""
    return hashlib.sha256(figure.to_json().encode()).hexdigest()


def figure_svg(figure: go.Figure, width: int = 760, height: int | None = None) -> str | None:
    """Return the figure as SVG text, or None when no browser is available for the export."""
    key = f"{figure_key(figure)}:{width}:{height}"
    with _lock:
        cached = _cache.get(key)
        if cached is not None:
            _cache.move_to_end(key)
            return cached
        if not _ensure_server():
            return None
        try:
            with warnings.catch_warnings():
                # plotly warns "kopts is ignored if using a server" on every call.
                warnings.simplefilter("ignore")
                import plotly.io as pio

                data = pio.to_image(figure, format="svg", width=width, height=height)
        except Exception as error:  # a broken browser must not break the report
            log.warning("chart export failed, the PDF shows the data tables only: %s", error)
            return None
        svg = data.decode("utf-8")
        _cache[key] = svg
        if len(_cache) > _CACHE_SIZE:
            _cache.popitem(last=False)
        return svg


def _ensure_server() -> bool:
    """Start the kaleido server once in this process; return whether it is usable."""
    global _server_pid, _failed_pid
    pid = os.getpid()
    if _server_pid == pid:
        return True
    if _failed_pid == pid:
        return False
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            import kaleido

            kaleido.start_sync_server(mathjax=False, silence_warnings=True)
    except Exception as error:  # no Chromium, no kaleido: the report still renders
        _failed_pid = pid
        log.warning("no chart export (kaleido/Chromium unavailable): %s", error)
        return False
    _server_pid = pid
    atexit.register(stop_server)
    return True


def stop_server() -> None:
    """Stop this process's kaleido server (at exit, or in benchmarks to measure a cold start)."""
    global _server_pid
    if _server_pid != os.getpid():
        return
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            import kaleido

            kaleido.stop_sync_server(silence_warnings=True)
    except Exception as error:  # stopping is best effort
        log.debug("kaleido server did not stop cleanly: %s", error)
    _server_pid = None


def clear_cache() -> None:
    """Forget every exported image (benchmarks measure cold exports with it)."""
    with _lock:
        _cache.clear()
