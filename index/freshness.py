"""Whether the catalog on disk still matches the one an index version was built from.

Cheap on purpose: sizes and mtimes are compared first and only files whose stat changed are
hashed, so a 20,000-entry catalog is checked in milliseconds instead of being parsed again.
"""

from __future__ import annotations

from pathlib import Path

from catalog import Catalog
from catalog.sources import Fingerprints, changed_sources

SHOWN = 3


def catalog_changes(served: Catalog | Fingerprints, live: Catalog | Path | None) -> list[str]:
    """Catalog files that differ from what an index was built from: its catalog snapshot, or
    the file fingerprints its manifest records (["catalog"] when it cannot say which)."""
    if live is None:
        return []
    if isinstance(live, Catalog):
        if isinstance(served, Catalog):
            return [] if live.content_hash == served.content_hash else ["catalog"]
        return [] if dict(live.sources) == dict(served) else ["catalog"]
    if not live.is_dir():
        return [f"{live} (missing)"]
    sources = served.sources if isinstance(served, Catalog) else served
    if not sources:  # nothing recorded to compare with cheaply
        return ["catalog"]
    return changed_sources(live, sources)


def stale_notice(changes: list[str], built_at: str) -> str:
    """The one line both front ends show while a stale index keeps answering."""
    named = ", ".join(changes[:SHOWN]) + (
        f" and {len(changes) - SHOWN} more" if len(changes) > SHOWN else ""
    )
    return (
        f"the catalog changed since the index was built ({named}); answers come from the index "
        f"built {built_at}: run `studybot catalog check`, then `studybot index build`"
    )
