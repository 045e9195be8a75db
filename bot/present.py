"""Engine results -> plain view data, worded once for both front ends.

The terminal (``bot.terminal.render``) and Discord (``bot.discord.render``) only lay these out:
the build report, the "nothing on that" hint and a resource's facts read the same in both.
"""

from __future__ import annotations

import difflib
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from bot.storage import Gap
    from catalog import Catalog, Resource
    from index import Answer, BuildReport, Passage, ResourceHit


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


def source(passage: Passage) -> str:
    """Where a passage comes from: "Note, then heading", the heading left out when it repeats."""
    if not passage.heading or passage.heading == passage.note_title:
        return passage.note_title
    return f"{passage.note_title} \u203a {passage.heading}"


def with_references(
    passage: Passage, catalog: Catalog, first: int = 1
) -> tuple[str, list[ResourceRow]]:
    """The passage text with each cited “Title” turned into a numbered reference, and the rows.

    Notes cite a resource as ``link text “Title”``; where the link text is the title itself,
    it is said once: "Attention Is All You Need [1]", not the title twice.
    """
    text = passage.text
    rows: list[ResourceRow] = []
    for resource in (catalog.resource(rid) for rid in passage.cites):
        quoted = f"“{resource.title}”" if resource is not None else ""
        if resource is None or quoted not in text:
            continue
        mark = f"[{first + len(rows)}]"
        text = text.replace(f"{resource.title} {quoted}", f"{resource.title} {mark}")
        text = text.replace(quoted, mark)
        rows.append(ResourceRow.of(resource))
    return text, rows


_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


def printable(text: str) -> str:
    """User text made safe for a terminal: control characters (ESC...) shown as symbols."""
    return _CONTROL.sub(
        lambda m: "␡" if m.group() == "\x7f" else chr(0x2400 + ord(m.group())), text
    )


def suggest_topics(catalog: Catalog, typed: str, limit: int = 3) -> list[str]:
    """Topics for something that is not a topic id: close spellings, then topics whose
    description names it ("lora" -> peft), then topics of resources titled or aliased so."""
    wanted = typed.strip().lower()
    found = difflib.get_close_matches(wanted, list(catalog.topics), n=limit, cutoff=0.7)
    word = re.compile(rf"\b{re.escape(wanted)}\b", re.IGNORECASE)
    found += [t for t, about in sorted(catalog.topics.items()) if word.search(about)]
    counts: Counter[str] = Counter()
    for resource in catalog.resources:
        names = [resource.title, *resource.aliases]
        if any(word.search(name) for name in names):
            counts.update(resource.topics)
    found += [t for t, _ in counts.most_common()]
    return list(dict.fromkeys(found))[:limit]


def topic_or_hint(catalog: Catalog, topic: str) -> str:
    """The topic id for what was typed, or ``UnknownTopic`` with ``suggest_topics``."""
    from index import UnknownTopic

    wanted = topic.strip().lower().replace(" ", "-").replace("_", "-")
    for known in catalog.topics:
        if known.lower() == wanted:
            return known
    raise UnknownTopic(topic, suggest_topics(catalog, topic))


def gap_lines(gaps: Sequence[Gap]) -> list[str]:
    """One line per gap: how often, how it went, when last, and what voters missed."""
    lines = []
    for gap in gaps:
        how = [
            f"{count} {label}"
            for count, label in (
                (gap.nothing, "nothing"),
                (gap.partial, "partial"),
                (gap.down_votes, "voted down"),
            )
            if count
        ]
        day = datetime.fromtimestamp(gap.last_asked, UTC).date().isoformat()
        line = f"{gap.asked}x “{printable(gap.question.strip())}” ({', '.join(how)}; last {day})"
        if gap.missing:
            line += " missing: " + "; ".join(printable(m) for m in gap.missing[:3])
        lines.append(line)
    return lines
