"""Learning paths: a topic's resources in an order a learner can follow.

Prerequisites come first (pulled in from other topics when needed), then easier before harder.
"""

from __future__ import annotations

import difflib
import heapq

from catalog import LEVEL_RANK, Catalog, Resource
from index.results import LearningPath, PathStep


class UnknownTopic(ValueError):
    def __init__(self, topic: str, suggestions: list[str]) -> None:
        self.topic = topic
        self.suggestions = suggestions
        hint = f"; did you mean {', '.join(suggestions)}?" if suggestions else ""
        super().__init__(f"unknown topic {topic!r}{hint}")


def find_topic(catalog: Catalog, topic: str) -> str:
    """The topic id for what a user typed: exact, then case- and spacing-insensitive."""
    if topic in catalog.topics:
        return topic
    wanted = topic.strip().lower().replace(" ", "-").replace("_", "-")
    for known in catalog.topics:
        if known.lower() == wanted:
            return known
    raise UnknownTopic(
        topic, difflib.get_close_matches(wanted, list(catalog.topics), n=3, cutoff=0.7)
    )


def learning_path(catalog: Catalog, topic: str, level: str | None = None) -> LearningPath:
    topic_id = find_topic(catalog, topic)
    floor = LEVEL_RANK.get(level, 0) if level else 0
    chosen = {r.id: r for r in catalog.by_topic(topic_id) if LEVEL_RANK[r.level] >= floor}
    pending = list(chosen.values())
    while pending:
        for prerequisite in pending.pop().prerequisites:
            resource = catalog.resource(prerequisite)
            if (
                resource is not None
                and resource.id not in chosen
                and LEVEL_RANK[resource.level] >= floor
            ):
                chosen[resource.id] = resource
                pending.append(resource)
    steps = [
        PathStep(r, tuple(p for p in r.prerequisites if p in chosen)) for r in _ordered(chosen)
    ]
    return LearningPath(topic_id, catalog.topics[topic_id], level, tuple(steps))


def _ordered(chosen: dict[str, Resource]) -> list[Resource]:
    """Topological order (Kahn), ties broken by level, then length, then title."""

    def key(resource: Resource) -> tuple[int, int, str]:
        return (LEVEL_RANK[resource.level], resource.minutes or 10**6, resource.title.lower())

    waiting = {rid: {p for p in r.prerequisites if p in chosen} for rid, r in chosen.items()}
    ready = [(key(chosen[rid]), rid) for rid, needs in waiting.items() if not needs]
    heapq.heapify(ready)
    order: list[Resource] = []
    while ready:
        _, rid = heapq.heappop(ready)
        order.append(chosen[rid])
        for other, needs in waiting.items():
            if rid in needs:
                needs.discard(rid)
                if not needs:
                    heapq.heappush(ready, (key(chosen[other]), other))
    return order
