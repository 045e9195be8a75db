"""Whether the catalog on disk still matches the one an index version was built from.

Cheap on purpose: sizes and mtimes are compared first and only files whose stat changed are
hashed, so a 20,000-entry catalog is checked in milliseconds instead of being parsed again.
"""

from __future__ import annotations

from pathlib import Path

from catalog import Catalog
from catalog.sources import changed_sources

SHOWN = 3


def catalog_changes(served: Catalog, live: Catalog | Path | None) -> list[str]:
    """Catalog files that differ from the snapshot ``served`` (["catalog"] when unknown which)."""
    if live is None:
        return []
    if isinstance(live, Catalog):
        return [] if live.content_hash == served.content_hash else ["catalog"]
    if not live.is_dir():
        return [f"{live} (missing)"]
    if not served.sources:  # a snapshot without fingerprints cannot be compared cheaply
        return ["catalog"]
    return changed_sources(live, served.sources)


def stale_notice(changes: list[str], built_at: str) -> str:
    """The one line both front ends show while a stale index keeps answering."""
    named = ", ".join(changes[:SHOWN]) + (
        f" and {len(changes) - SHOWN} more" if len(changes) > SHOWN else ""
    )
    return (
        f"the catalog changed since the index was built ({named}); answers come from the index "
        f"built {built_at}: run `studybot catalog check`, then `studybot index build`"
    )
