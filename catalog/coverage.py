"""What a maintainer should look at: thin topics, level jumps, uncited note sections; the counts.

These are warnings, not errors: the catalog still loads. ``catalog check`` prints them after
the problems, ``catalog stats`` prints the topic x level x kind counts.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from catalog.errors import Problem
from catalog.models import REFERENCE, Catalog
from catalog.vocabulary import KINDS, LEVELS

MIN_ENTRIES = 5
_ID_LINE = re.compile(r"^-\s+id:\s*['\"]?([a-z0-9-]+)")
_TOPIC_LINE = re.compile(r"^([a-z0-9-]+):")
_HEADING = re.compile(r"^#{1,6}\s+(.*?)\s*#*\s*$")


@dataclass(frozen=True)
class Stats:
    """Entries per topic, by level and by kind."""

    by_level: dict[str, Counter[str]]
    by_kind: dict[str, Counter[str]]


def stats(catalog: Catalog) -> Stats:
    by_level: dict[str, Counter[str]] = {topic: Counter() for topic in catalog.topics}
    by_kind: dict[str, Counter[str]] = {topic: Counter() for topic in catalog.topics}
    for resource in catalog.resources:
        for topic in resource.topics:
            by_level.setdefault(topic, Counter())[resource.level] += 1
            by_kind.setdefault(topic, Counter())[resource.kind] += 1
    return Stats(by_level, by_kind)


def coverage_warnings(catalog: Catalog, root: Path) -> list[Problem]:
    """Thin topics, beginner entries that need advanced ones, note sections citing nothing."""
    found: list[Problem] = []
    counts = stats(catalog).by_level
    topic_lines = _lines(root / "topics.yaml", _TOPIC_LINE)
    for topic in catalog.topics:
        total = sum(counts[topic].values())
        if total < MIN_ENTRIES:
            found.append(
                Problem(
                    str(root / "topics.yaml"),
                    topic_lines.get(topic, 1),
                    f"warning: topic {topic!r} has {total} entries (at least {MIN_ENTRIES} wanted)",
                )
            )
    where: dict[str, tuple[str, int]] = {}
    for path in sorted((root / "resources").glob("*.yaml")):
        where.update({rid: (str(path), line) for rid, line in _lines(path, _ID_LINE).items()})
    for resource in catalog.resources:
        if resource.level != "beginner":
            continue
        for prerequisite in resource.prerequisites:
            needed = catalog.resource(prerequisite)
            if needed is not None and needed.level == "advanced":
                file, line = where.get(resource.id, (str(root / "resources"), 1))
                found.append(
                    Problem(
                        file,
                        line,
                        f"warning: beginner entry {resource.id!r} needs advanced {needed.id!r}",
                    )
                )
    for note in catalog.notes:
        found += _uncited_sections(note.path, note.body, note.body_line)
    return sorted(found)


def _uncited_sections(path: str, body: str, first_line: int) -> list[Problem]:
    found = []
    heading, start, cites = "", first_line, False
    for offset, line in enumerate([*body.splitlines(), "# end"]):
        match = _HEADING.match(line)
        if match:
            if heading and not cites:
                message = f"warning: section {heading!r} cites no catalog entry"
                found.append(Problem(path, start, message))
            heading, start, cites = match.group(1), first_line + offset, False
        elif REFERENCE.search(line):
            cites = True
    return found


def _lines(path: Path, pattern: re.Pattern[str]) -> dict[str, int]:
    """The line where each key (an id, a topic) is defined in ``path``."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError:
        return {}
    lines: dict[str, int] = {}
    for number, line in enumerate(text.splitlines(), 1):
        match = pattern.match(line)
        if match:
            lines.setdefault(match.group(1), number)
    return lines


def coverage_rows(catalog: Catalog) -> list[list[str]]:
    """One row per topic: total, then a count per level, then per kind (blank for zero)."""
    counted = stats(catalog)
    rows = []
    for topic in catalog.topics:
        levels = counted.by_level[topic]
        kinds = counted.by_kind[topic]
        rows.append(
            [topic, str(sum(levels.values()))]
            + [str(levels[level] or "") for level in LEVELS]
            + [str(kinds[kind] or "") for kind in KINDS]
        )
    return rows
