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
    def __init__(self, derive: Callable[[T], V], limit: int = 100_000) -> None:
        self._derive = derive
        self._limit = limit
        self._kept: dict[int, tuple[T, V]] = {}

    def __call__(self, item: T) -> V:
        found = self._kept.get(id(item))
        if found is not None and found[0] is item:
            return found[1]
        value = self._derive(item)
        if len(self._kept) >= self._limit:
            self._kept.clear()  # a catalog this size was replaced: start over
        self._kept[id(item)] = (item, value)
        return value

    def remember(self, item: T, value: V) -> None:
        """Record a value already known (read back from disk), so it is not derived again."""
        if len(self._kept) >= self._limit:
            self._kept.clear()
        self._kept[id(item)] = (item, value)
