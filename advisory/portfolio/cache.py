"""Rendered parts of the dashboard, kept per worker process while the portfolio data is unchanged.

The dashboard's content depends only on who looks (role and scope), the language, the query
string and the summaries; `data_version` tells when any summary changed. An entry is also
dropped after `max_age` seconds, because changes to the municipality directory (a new import)
do not touch the summaries.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Hashable


class FragmentCache:
    """A small least-recently-used store of HTML strings, each valid for one data version."""

    def __init__(self, size: int = 256, max_age: float = 300.0):
        self.size = size
        self.max_age = max_age
        self._entries: OrderedDict[Hashable, tuple[Hashable, float, str]] = OrderedDict()
        self._lock = threading.Lock()  # gunicorn's threaded workers share the process

    def get(self, key: Hashable, version: Hashable) -> str | None:
        """Return the stored HTML if it was rendered for this version and is not too old."""
        with self._lock:
            entry = self._entries.get(key)
            if entry is None:
                return None
            stored_version, stored_at, html = entry
            if stored_version != version or time.monotonic() - stored_at > self.max_age:
                del self._entries[key]
                return None
            self._entries.move_to_end(key)
            return html

    def put(self, key: Hashable, version: Hashable, html: str) -> None:
        """Store the HTML for the version, forgetting the least recently used entry if full."""
        with self._lock:
            self._entries[key] = (version, time.monotonic(), html)
            self._entries.move_to_end(key)
            while len(self._entries) > self.size:
                self._entries.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
