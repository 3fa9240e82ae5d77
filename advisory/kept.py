"""What a worker keeps between requests: a small least-recently-used map, safe across threads."""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Hashable

_MISSING = object()


class Kept:
    """Keep up to `size` values; the least recently used goes first."""

    def __init__(self, size: int):
        self.size = size
        self._items: OrderedDict[Hashable, object] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: Hashable, default=None):
        with self._lock:
            value = self._items.get(key, _MISSING)
            if value is _MISSING:
                return default
            self._items.move_to_end(key)
            return value

    def put(self, key: Hashable, value, size: int | None = None) -> None:
        """Keep `value`; `size` overrides the limit (a setting read per request)."""
        with self._lock:
            self._items[key] = value
            self._items.move_to_end(key)
            while len(self._items) > (size or self.size):
                self._items.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._items.clear()


def app_kept(name: str, size: int) -> Kept:
    """Return the current application's Kept map called `name` (one per app and database)."""
    from flask import current_app

    return current_app.extensions.setdefault(f"advisory.kept.{name}", Kept(size))
