"""What the engine returns: plain frozen dataclasses that both front ends render."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

from catalog import Resource

MatchedBy = Literal["dense", "lexical", "both", "note", "filters", "name"]
Coverage = Literal["answered", "partial", "none"]


@dataclass(frozen=True)
class Document:
    """One indexed text: a resource entry, or one passage of a note."""

    id: str
    kind: Literal["resource", "passage"]
    ref: str
    text: str
    indexed: str
    heading: str = ""
    position: int = 0

    @property
    def is_resource(self) -> bool:
        return self.kind == "resource"


@dataclass(frozen=True)
class Passage:
    """A quoted piece of a note, with where it comes from."""

    note_id: str
    note_title: str
    heading: str
    text: str
    position: int
    score: float
    cites: tuple[str, ...] = ()

    @property
    def source(self) -> str:
        return f"{self.note_title} \u203a {self.heading}" if self.heading else self.note_title


@dataclass(frozen=True)
class ResourceHit:
    """A recommended resource, with why it was picked."""

    resource: Resource
    score: float
    matched_by: MatchedBy
    reason: str

    def to_json(self) -> dict[str, Any]:
        r = self.resource
        return {
            "id": r.id,
            "title": r.title,
            "url": r.url,
            "kind": r.kind,
            "level": r.level,
            "topics": list(r.topics),
            "free": r.free,
            "status": r.status,
            "score": self.score,
            "matched_by": self.matched_by,
            "reason": self.reason,
        }


@dataclass(frozen=True)
class Answer:
    """An extractive answer: quoted passages and ranked resources, or an honest 'nothing'.

    ``coverage`` is answered (the catalog covers it), partial (it touches on it: the closest
    resources, labelled as such) or none (nothing, with the nearest topics).
    """

    query: str
    passages: tuple[Passage, ...]
    resources: tuple[ResourceHit, ...]
    coverage: Coverage
    nearest_topics: tuple[str, ...] = ()
    notice: str = ""
    lookup: bool = False  # the question asked for a resource by name, not about a topic
    features: dict[str, float] = field(default_factory=dict, compare=False)
    timings_ms: dict[str, float] = field(default_factory=dict, compare=False)

    NOTHING = "The catalog has nothing on that question."
    # Most "partial" answers are to questions the catalog does cover (about three in four on
    # the tuning split): say the bot is unsure, not that the catalog lacks it.
    PARTIAL = "Not sure the catalog covers this directly; the closest it has:"
    NO_NOTE = "No note covers this directly; these resources do."
    LOOKUP = "The resource you asked for, with related ones:"

    @property
    def confident(self) -> bool:
        return self.coverage == "answered"

    @property
    def is_empty(self) -> bool:
        return self.coverage == "none"

    @property
    def text(self) -> str:
        """The short answer: the passages' own words, never generated text."""
        if self.coverage == "none":
            return self.NOTHING
        if self.coverage == "partial":
            return self.PARTIAL
        if self.passages:
            return "\n\n".join(p.text for p in self.passages)
        return self.LOOKUP if self.lookup else self.NO_NOTE

    def to_json(self) -> dict[str, Any]:
        return {
            "question": self.query,
            "coverage": self.coverage,
            "confident": self.confident,
            "answer": self.text,
            "notice": self.notice,
            "lookup": self.lookup,
            "resources": [hit.to_json() for hit in self.resources],
            "passages": [
                {
                    "note": p.note_id,
                    "note_title": p.note_title,
                    "heading": p.heading,
                    "text": p.text,
                    "score": p.score,
                }
                for p in self.passages
            ],
            "nearest_topics": list(self.nearest_topics),
            "timings_ms": dict(self.timings_ms),
        }


@dataclass(frozen=True)
class PathStep:
    resource: Resource
    prerequisites: tuple[str, ...]


@dataclass(frozen=True)
class LearningPath:
    topic: str
    description: str
    level: str | None
    steps: tuple[PathStep, ...]


@dataclass(frozen=True)
class BuildReport:
    """What a build changed, for `index build` and `/reindex`."""

    documents: int
    embedded: int
    reused: int
    removed: int
    seconds: float
    added_ids: tuple[str, ...] = ()
    updated_ids: tuple[str, ...] = ()
    removed_ids: tuple[str, ...] = ()
    warnings: tuple[str, ...] = ()

    def to_json(self) -> dict[str, Any]:
        return {
            "documents": self.documents,
            "embedded": self.embedded,
            "reused": self.reused,
            "removed": self.removed,
            "seconds": round(self.seconds, 3),
            "warnings": list(self.warnings),
        }
