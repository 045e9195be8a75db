"""A loaded catalog as plain JSON, so an index can serve without the YAML it was built from.

Written once per index version from an already validated catalog; read back without running
the validators again (they passed at build time, and at 20,000 entries they cost seconds).
"""

from __future__ import annotations

from typing import Any

from catalog.models import Catalog, Note, Resource

SNAPSHOT_FORMAT = 1
_TUPLE_FIELDS = ("topics", "prerequisites", "aliases", "questions")


def to_snapshot(catalog: Catalog) -> dict[str, Any]:
    return {
        "format": SNAPSHOT_FORMAT,
        "root": catalog.root,
        "content_hash": catalog.content_hash,
        "sources": dict(catalog.sources),
        "topics": dict(catalog.topics),
        "resources": [resource.model_dump(mode="json") for resource in catalog.resources],
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


def from_snapshot(data: dict[str, Any]) -> Catalog:
    """The catalog recorded by ``to_snapshot``; ValueError when it is not one."""
    if not isinstance(data, dict) or data.get("format") != SNAPSHOT_FORMAT:
        raise ValueError(f"not a catalog snapshot (format {SNAPSHOT_FORMAT})")
    try:
        resources = tuple(_resource(item) for item in data["resources"])
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
            for item in data["notes"]
        )
        return Catalog(
            resources=resources,
            notes=notes,
            topics=dict(data["topics"]),
            root=str(data["root"]),
            content_hash=str(data["content_hash"]),
            sources=dict(data["sources"]),
        )
    except (KeyError, TypeError, AttributeError) as error:
        raise ValueError(f"incomplete catalog snapshot: {error!r}") from None


def _resource(item: dict[str, Any]) -> Resource:
    values = dict(item)
    for key in _TUPLE_FIELDS:
        if key in values:
            values[key] = tuple(values[key])
    if not _REQUIRED.issubset(values):
        raise KeyError(", ".join(sorted(_REQUIRED - values.keys())))
    return Resource.model_construct(None, **values)


_REQUIRED = frozenset(name for name, info in Resource.model_fields.items() if info.is_required())
