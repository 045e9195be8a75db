"""A loaded catalog as JSON Lines, so an index can serve without the YAML it was built from.

Written once per index version from an already validated catalog; read back without running
the validators again (they passed at build time). The first line holds the topics, notes,
sources and resource ids; each further line is one resource, parsed and built the first time
it is read: an answer reads a few dozen of 20,000 entries, and parsing and building every one
cost a quarter of a second of each cold ``studybot ask``.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from typing import Any, overload

from catalog.derived import Derived
from catalog.models import Catalog, Note, Resource

SNAPSHOT_FORMAT = 2
_TUPLE_FIELDS = ("topics", "prerequisites", "aliases", "questions")


def dump_snapshot(catalog: Catalog) -> str:
    return "".join(snapshot_lines(catalog))


def snapshot_lines(catalog: Catalog) -> list[str]:
    """The snapshot's lines, each ending in a newline: the header, then one per resource (an
    index stores them in parts, so an edit rewrites only the part that holds the entry)."""
    header = {
        "format": SNAPSHOT_FORMAT,
        "root": catalog.root,
        "content_hash": catalog.content_hash,
        "sources": dict(catalog.sources),
        "topics": dict(catalog.topics),
        "resource_ids": [resource.id for resource in catalog.resources],
        "notes": [
            {
                "id": note.id,
                "title": note.title,
                "path": note.path,
                "topics": list(note.topics),
                "resources": list(note.resources),
                "body": note.body,
                "body_line": note.body_line,
            }
            for note in catalog.notes
        ],
    }
    return [_encode(header) + "\n"] + [resource_line(r) + "\n" for r in catalog.resources]


_encode = json.JSONEncoder(ensure_ascii=False).encode
# One decoder on text: json.loads on bytes first guesses their encoding, a fifth of the parse.
_decode = json.JSONDecoder().decode
# An entry reloaded unchanged is the same object: its line is written once per process.
resource_line: Derived[Resource, str] = Derived(lambda r: _encode(r.model_dump(mode="json")))


def read_snapshot(data: bytes) -> Catalog:
    """The catalog recorded by ``dump_snapshot``; ValueError when it is not one.

    The caller vouches for the resources' lines (the index checks the file's checksum): a
    resource that does not parse raises ValueError when it is first read.
    """
    header, *texts = data.rstrip(b"\n").split(b"\n")
    loaded = json.loads(header)
    if not isinstance(loaded, dict) or loaded.get("format") != SNAPSHOT_FORMAT:
        raise ValueError(f"not a catalog snapshot (format {SNAPSHOT_FORMAT})")
    try:
        ids = loaded["resource_ids"]
        if len(ids) != len(texts) or not all(isinstance(i, str) for i in ids):
            raise TypeError("resource ids and resources disagree")
        notes = tuple(
            Note(
                id=item["id"],
                title=item["title"],
                path=item["path"],
                topics=tuple(item["topics"]),
                resources=tuple(item["resources"]),
                body=item["body"],
                body_line=int(item["body_line"]),
            )
            for item in loaded["notes"]
        )
        return Catalog(
            resources=SnapshotResources(ids, texts),
            notes=notes,
            topics=dict(loaded["topics"]),
            root=str(loaded["root"]),
            content_hash=str(loaded["content_hash"]),
            sources=dict(loaded["sources"]),
        )
    except (KeyError, TypeError, AttributeError) as error:
        raise ValueError(f"incomplete catalog snapshot: {error!r}") from None


class SnapshotResources(Sequence[Resource]):
    """A snapshot's resources in catalog order, each built from its JSON when first read."""

    def __init__(self, ids: list[str], texts: list[bytes]) -> None:
        self._texts = texts
        self._built: list[Resource | None] = [None] * len(texts)
        self._row = {resource_id: row for row, resource_id in enumerate(ids)}

    def __len__(self) -> int:
        return len(self._texts)

    @overload
    def __getitem__(self, index: int) -> Resource: ...
    @overload
    def __getitem__(self, index: slice) -> Sequence[Resource]: ...
    def __getitem__(self, index: int | slice) -> Resource | Sequence[Resource]:
        if isinstance(index, slice):
            return tuple(self[row] for row in range(len(self))[index])
        built = self._built[index]
        if built is None:
            try:
                text = self._texts[index].decode("utf-8")
                built = self._built[index] = resource_from_json(_decode(text))
            except (KeyError, TypeError, AttributeError) as error:
                raise ValueError(f"incomplete resource in the snapshot: {error!r}") from None
        return built

    def __iter__(self) -> Iterator[Resource]:
        return (self[row] for row in range(len(self)))

    def find(self, resource_id: str) -> Resource | None:
        row = self._row.get(resource_id)
        return None if row is None else self[row]


def resource_from_json(item: dict[str, Any]) -> Resource:
    """A resource from its ``model_dump`` JSON, validated when it was written (not again).

    A line with every field, in field order (what ``model_dump`` writes), becomes the model's
    state directly: pydantic's ``model_construct`` cost 7 us of the 9 us each entry takes, read
    20,000 times by a new build process and some 40 times by each answer's first reads.
    """
    values = dict(item)
    for key in _TUPLE_FIELDS:
        if key in values:
            values[key] = tuple(values[key])
    return resource_from_values(values)


def resource_from_values(values: dict[str, Any]) -> Resource:
    """A resource from its fields' values (tuples, not lists), validated when they were
    written: set as the model's state directly when every field is there, in field order."""
    if tuple(values) != _FIELDS:
        if not _REQUIRED.issubset(values):
            raise KeyError(", ".join(sorted(_REQUIRED - values.keys())))
        return Resource.model_construct(None, **values)
    resource = Resource.__new__(Resource)
    _set(resource, "__dict__", values)
    _set(resource, "__pydantic_fields_set__", set(_FIELDS))
    _set(resource, "__pydantic_extra__", None)
    _set(resource, "__pydantic_private__", None)
    return resource


_FIELDS = tuple(Resource.model_fields)
_REQUIRED = frozenset(name for name, info in Resource.model_fields.items() if info.is_required())
# The frozen model refuses its own __setattr__; object's is what model_construct uses too.
_set = object.__setattr__
