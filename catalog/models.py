"""The catalog's entries: validated once at load, then read-only for the life of the process."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field

from pydantic import (
    BaseModel,
    ConfigDict,
    StrictBool,
    StrictInt,
    StrictStr,
    ValidationInfo,
    field_validator,
)

from catalog.urls import id_problem, url_problem
from catalog.vocabulary import KINDS, LEVELS, STATUSES

ID_PATTERN = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
REFERENCE = re.compile(r"\[\[([^\[\]\s]+)\]\]")


def check_id(value: str) -> str:
    problem = id_problem(value)
    if problem:
        raise ValueError(problem)
    if not ID_PATTERN.match(value):
        raise ValueError("ids are lowercase letters, digits and single hyphens")
    return value


class Resource(BaseModel):
    """One recommended course, video, paper or tool."""

    model_config = ConfigDict(frozen=True, extra="forbid", str_strip_whitespace=True)

    id: StrictStr
    title: StrictStr
    url: StrictStr
    kind: StrictStr
    level: StrictStr
    topics: tuple[StrictStr, ...]
    author: StrictStr
    free: StrictBool
    description: StrictStr
    why: StrictStr
    prerequisites: tuple[StrictStr, ...] = ()
    minutes: StrictInt | None = None
    aliases: tuple[StrictStr, ...] = ()
    # Learners' questions this resource answers, in their words: searched, never shown.
    questions: tuple[StrictStr, ...] = ()
    status: StrictStr = "verified"

    @field_validator("id")
    @classmethod
    def _id(cls, value: str) -> str:
        return check_id(value)

    @field_validator("title", "author", "description", "why")
    @classmethod
    def _not_blank(cls, value: str) -> str:
        if not value:
            raise ValueError("must not be empty")
        return value

    @field_validator("kind", "level")
    @classmethod
    def _vocabulary(cls, value: str, info: ValidationInfo) -> str:
        allowed = KINDS if info.field_name == "kind" else LEVELS
        if value not in allowed:
            raise ValueError(f"unknown {info.field_name} {value!r}; one of: {', '.join(allowed)}")
        return value

    @field_validator("url")
    @classmethod
    def _url(cls, value: str) -> str:
        problem = url_problem(value)
        if problem:
            raise ValueError(f"malformed URL {value!r}: {problem}")
        return value

    @field_validator("topics")
    @classmethod
    def _topics(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        if not value:
            raise ValueError("needs at least one topic")
        return value

    @field_validator("aliases", "questions")
    @classmethod
    def _phrases(cls, value: tuple[str, ...], info: ValidationInfo) -> tuple[str, ...]:
        if any(not phrase.strip() for phrase in value):
            raise ValueError(f"{info.field_name} must not be empty")
        return value

    @field_validator("status")
    @classmethod
    def _status(cls, value: str) -> str:
        if value not in STATUSES:
            raise ValueError(f"unknown status {value!r}; one of: {', '.join(STATUSES)}")
        return value

    @property
    def verified(self) -> bool:
        """False when the target could not be confirmed: never recommended on meaning alone."""
        return self.status == "verified"

    @field_validator("minutes")
    @classmethod
    def _minutes(cls, value: int | None) -> int | None:
        if value is not None and value <= 0:
            raise ValueError("must be a positive number of minutes")
        return value


@dataclass(frozen=True)
class Note:
    """A topic note written for learners; its sections are what answers quote."""

    id: str
    title: str
    path: str
    topics: tuple[str, ...]
    resources: tuple[str, ...]
    body: str
    body_line: int = 1

    def references(self) -> Iterator[tuple[str, int]]:
        """Every ``[[id]]`` cited in the body, with its line in the file."""
        for offset, line in enumerate(self.body.splitlines()):
            for match in REFERENCE.finditer(line):
                yield match.group(1), self.body_line + offset

    @property
    def cited(self) -> tuple[str, ...]:
        """Resource ids from front matter, then inline, without repeats."""
        seen = dict.fromkeys(self.resources)
        seen.update(dict.fromkeys(ref for ref, _ in self.references()))
        return tuple(seen)


@dataclass(frozen=True)
class Catalog:
    """Resources, notes and the topic vocabulary, with the lookups both front ends need."""

    # A tuple once loaded from YAML; an index's snapshot builds each resource on first read.
    resources: Sequence[Resource]
    notes: tuple[Note, ...]
    topics: Mapping[str, str]
    root: str = ""
    content_hash: str = ""
    # relative path -> [size, mtime_ns, sha256]: what the freshness check compares against.
    sources: Mapping[str, list[int | str]] = field(default_factory=dict, compare=False)
    _by_id: dict[str, Resource] = field(default_factory=dict, repr=False, compare=False)
    _find: Callable[[str], Resource | None] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        # Resources built lazily bring their own lookup: indexing by id would build them all.
        find = getattr(self.resources, "find", None)
        if find is None:
            self._by_id.update({resource.id: resource for resource in self.resources})
            find = self._by_id.get
        object.__setattr__(self, "_find", find)

    def resource(self, resource_id: str) -> Resource | None:
        return self._find(resource_id)

    def note(self, note_id: str) -> Note | None:
        return next((note for note in self.notes if note.id == note_id), None)

    def by_topic(self, topic: str) -> tuple[Resource, ...]:
        return tuple(r for r in self.resources if topic in r.topics)

    def resolve_references(self, text: str, link: bool = False) -> str:
        """Replace ``[[id]]`` with the resource's quoted title (a Markdown link when ``link``)."""

        def title(match: re.Match[str]) -> str:
            resource = self.resource(match.group(1))
            if resource is None:
                return match.group(1)
            return f"[{resource.title}]({resource.url})" if link else f"“{resource.title}”"

        return REFERENCE.sub(title, text)
