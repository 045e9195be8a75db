"""Values derived from frozen catalog objects, kept for as long as this process holds them.

Reloading a catalog reuses the entries of files that did not change (``catalog.loader``), so
what a build derives from an entry (its document, its snapshot line, its names) need not be
derived again: at 20,000 entries that was most of a one-entry rebuild in the running bot.
Keyed by identity, with the object kept beside its value so an id is never reused.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Generic, TypeVar

T = TypeVar("T")
V = TypeVar("V")


class Derived(Generic[T, V]):
    """Two dicts by id, not one of (item, value) pairs: at 20,000 entries per derived value the
    pairs were a quarter of the objects every full garbage collection walks."""

    def __init__(self, derive: Callable[[T], V], limit: int = 100_000) -> None:
        self._derive = derive
        self._limit = limit
        self._items: dict[int, T] = {}
        self._values: dict[int, V] = {}

    def __call__(self, item: T) -> V:
        key = id(item)
        if self._items.get(key) is item:
            return self._values[key]
        value = self._derive(item)
        self.remember(item, value)
        return value

    def remember(self, item: T, value: V) -> None:
        """Record a value already known (read back from disk), so it is not derived again."""
        if len(self._items) >= self._limit:
            # A catalog this size was replaced: start over.
            self._items.clear()
            self._values.clear()
        self._items[id(item)] = item
        self._values[id(item)] = value
