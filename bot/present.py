"""Engine results -> plain view data, worded once for both front ends.

The terminal (``bot.terminal.render``) and Discord (``bot.discord.render``) only lay these out:
the build report, the "nothing on that" hint and a resource's facts read the same in both.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from catalog import Resource
    from index import Answer, BuildReport, ResourceHit


@dataclass(frozen=True)
class ResourceRow:
    """One resource as both front ends show it: title, link and the facts after it."""

    title: str
    url: str
    facts: str  # "kind · level" and " · paid" when it is not free
    why: str = ""  # why it matched, for search results

    @classmethod
    def of(cls, resource: Resource, hit: ResourceHit | None = None) -> ResourceRow:
        paid = "" if resource.free else " · paid"
        why = f"{hit.reason} ({hit.matched_by})" if hit is not None else ""
        return cls(resource.title, resource.url, f"{resource.kind} · {resource.level}{paid}", why)


def resource_rows(hits: Sequence[ResourceHit]) -> list[ResourceRow]:
    return [ResourceRow.of(hit.resource, hit) for hit in hits]


def build_summary(report: BuildReport) -> str:
    """The first line of every build report, in the terminal and after ``/reindex``."""
    return (
        f"Indexed {report.documents} documents in {report.seconds:.2f} s "
        f"({report.embedded} embedded, {report.reused} reused, {report.removed} removed)."
    )


def build_changes(report: BuildReport) -> list[tuple[str, Sequence[str]]]:
    """("Added" | "Updated" | "Removed", ids) for each kind of change that happened."""
    groups = (
        ("Added", report.added_ids),
        ("Updated", report.updated_ids),
        ("Removed", report.removed_ids),
    )
    return [(label, ids) for label, ids in groups if ids]


NOTHING_CHANGED = "Nothing changed."


def nearest_topics(answer: Answer) -> str:
    """ "Nearest topics: a, b." when the engine found near misses, else ""."""
    if not answer.nearest_topics:
        return ""
    return "Nearest topics: " + ", ".join(answer.nearest_topics) + "."
