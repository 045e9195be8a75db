"""The fixed vocabularies of kinds and levels (topics are the catalog's own, in topics.yaml)."""

from __future__ import annotations

KINDS: tuple[str, ...] = (
    "course",
    "lecture-notes",
    "video",
    "article",
    "book",
    "paper",
    "tool",
    "repository",
    "documentation",
    "tutorial",
    "collection",
)
LEVELS: tuple[str, ...] = ("beginner", "intermediate", "advanced")
STATUSES: tuple[str, ...] = ("verified", "unverified")
LEVEL_RANK = {level: rank for rank, level in enumerate(LEVELS)}
