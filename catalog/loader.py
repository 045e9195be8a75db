"""Read a catalog folder: ``topics.yaml``, ``resources/*.yaml`` and ``notes/*.md``.

Every problem is collected (not just the first) so a maintainer fixes them in one pass.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from catalog.errors import CatalogError, Problem
from catalog.gc_pause import gc_paused
from catalog.models import Catalog, Note, Resource, check_id
from catalog.parse_cache import ParseCache
from catalog.sources import RESOURCES_DIR, TOPICS_FILE, Listing, list_sources
from catalog.validate import validate
from catalog.yamlfile import LineDict, YamlProblem, parse_yaml, read_source


def load_catalog(root: str | Path, parsed: Path | None = None) -> Catalog:
    """The catalog at ``root``; raises CatalogError listing every problem found.

    ``parsed``: a folder where resource files parsed by earlier processes are kept
    (``catalog.parse_cache``), so a fresh process re-parses only the files that changed.
    """
    catalog, problems = check_catalog(root, parsed)
    if problems or catalog is None:
        raise CatalogError(problems)
    return catalog


def check_catalog(
    root: str | Path, parsed: Path | None = None
) -> tuple[Catalog | None, list[Problem]]:
    """Load and validate; the catalog is None when anything is wrong."""
    with gc_paused():
        return _check_catalog(Path(root), parsed)


def _check_catalog(root: Path, parsed: Path | None) -> tuple[Catalog | None, list[Problem]]:
    if not root.is_dir():
        return None, [Problem(str(root), 1, "catalog folder not found")]
    reader = _Reader(root, ParseCache(parsed))
    listing = list_sources(root)
    for path, reason in listing.refused:
        reader.problems.append(Problem(reader.shown(path), 1, reason))
    topics = reader.topics()
    resources = reader.resources(listing)
    notes = reader.notes(listing)
    problems = reader.problems + validate(
        resources, notes, topics, known=reader.invalid_ids, check_references=not reader.unreadable
    )
    reader.cache.save(keep=reader.digests)
    if problems:
        # A missing foundation (no topics, no resources) first: everything else follows from it.
        return None, sorted(problems, key=lambda p: (p not in reader.causes, p))
    catalog = Catalog(
        resources=tuple(resource for resource, _, _ in resources),
        notes=tuple(note for note, _ in notes),
        topics=topics,
        root=str(root),
        content_hash=reader.digest.hexdigest(),
        sources=reader.sources,
    )
    return catalog, []


class _Reader:
    def __init__(self, root: Path, cache: ParseCache | None = None) -> None:
        self.root = root
        self.cache = cache or ParseCache(None)
        # Content hashes of the resource files read: what the parse cache keeps.
        self.digests: set[str] = set()
        self.problems: list[Problem] = []
        self.digest = hashlib.sha256()
        # Ids of entries that failed validation, and whether a whole resource file was
        # unreadable: references to those are not reported again as unknown.
        self.invalid_ids: set[str] = set()
        self.unreadable = False
        self.causes: list[Problem] = []
        self.sources: dict[str, list[int | str]] = {}

    def shown(self, path: Path) -> str:
        try:
            return str(path.relative_to(Path.cwd()))
        except ValueError:
            return str(path)

    def relative(self, path: Path) -> str:
        return path.relative_to(self.root).as_posix()

    def read(self, path: Path) -> str | None:
        try:
            text, fingerprint = read_source(path, self.shown(path))
        except YamlProblem as error:
            self.problems.append(error.problem)
            return None
        self.sources[self.relative(path)] = fingerprint
        self.digest.update(str(path.relative_to(self.root)).encode() + b"\0" + text.encode())
        return text

    def yaml(self, text: str, path: Path, first_line: int = 1) -> Any:
        try:
            return parse_yaml(text, self.shown(path), first_line)
        except YamlProblem as error:
            self.problems.append(error.problem)
            return None

    def topics(self) -> dict[str, str]:
        path = self.root / TOPICS_FILE
        if not path.is_file():
            self.causes.append(Problem(self.shown(path), 1, "missing topics file"))
            self.problems.append(self.causes[-1])
            return {}
        text = self.read(path)
        data = self.yaml(text, path) if text is not None else None
        if text is None or (data is None and self.problems):
            return {}
        if not isinstance(data, LineDict):
            self.problems.append(
                Problem(self.shown(path), 1, "expected a mapping of topic id to description")
            )
            return {}
        topics: dict[str, str] = {}
        for key, description in data.items():
            line = data.line_of(key)
            if not isinstance(key, str) or not _valid_id(key):
                self.problems.append(Problem(self.shown(path), line, f"bad topic id {key!r}"))
            elif not isinstance(description, str) or not description.strip():
                self.problems.append(
                    Problem(self.shown(path), line, f"topic {key!r} needs a one-line description")
                )
            else:
                topics[key] = description.strip()
        return topics

    def resources(self, listing: Listing) -> list[tuple[Resource, str, LineDict]]:
        folder = self.root / RESOURCES_DIR
        files = listing.resources
        if not files:
            self.causes.append(
                Problem(self.shown(folder), 1, "no resource files (resources/*.yaml) found")
            )
            self.problems.append(self.causes[-1])
            # Every citation would be reported as unknown: the cause alone says it.
            self.unreadable = True
        loaded: list[tuple[Resource, str, LineDict]] = []
        for path in files:
            text = self.read(path)
            digest = str(self.sources[self.relative(path)][2]) if text is not None else ""
            shown = self.shown(path)  # once per file: it asks the OS for the working folder
            self.digests.add(digest)
            known = _PARSED.get(digest)
            if known is None:
                known = self.cache.get(digest)
            if known is not None:
                _remember(digest, known)
                loaded += [(resource, shown, item) for resource, item in known]
                continue
            problems = len(self.problems)
            data = self.yaml(text, path) if text is not None else None
            if text is None or (data is None and text.strip()):
                self.unreadable = True
                continue
            if not isinstance(data, list):
                kind = type(data).__name__
                self.problems.append(
                    Problem(self.shown(path), 1, f"expected a list of resources, found {kind}")
                )
                continue
            entries = []
            for position, item in enumerate(data, start=1):
                resource = self.resource(item, path, position)
                if resource is not None:
                    entries.append((resource, LineDict.lines(item.line, item.key_lines)))
            loaded += [(resource, shown, item) for resource, item in entries]
            if len(self.problems) == problems:
                _remember(digest, entries)
                self.cache.put(digest, entries)
        return loaded

    def resource(self, item: Any, path: Path, position: int) -> Resource | None:
        if not isinstance(item, LineDict):
            line = _guess_item_line(path, position)
            kind = type(item).__name__
            self.problems.append(
                Problem(
                    self.shown(path), line, f"entry {position}: expected a mapping, found {kind}"
                )
            )
            return None
        try:
            return Resource.model_validate(dict(item))
        except ValidationError as error:
            label = item.get("id") if isinstance(item.get("id"), str) else f"entry {position}"
            self.invalid_ids.add(str(label))
            for detail in error.errors():
                field = str(detail["loc"][0]) if detail["loc"] else ""
                line = item.line_of(field)
                self.problems.append(
                    Problem(self.shown(path), line, f"{label}: {_describe(field, detail)}")
                )
            return None

    def notes(self, listing: Listing) -> list[tuple[Note, LineDict]]:
        loaded: list[tuple[Note, LineDict]] = []
        for path in listing.notes:
            text = self.read(path)
            if text is None:
                continue
            note = self.note(text, path)
            if note is not None:
                loaded.append(note)
        return loaded

    def note(self, text: str, path: Path) -> tuple[Note, LineDict] | None:
        shown = self.shown(path)
        lines = text.splitlines()
        if not lines or lines[0].strip() != "---":
            self.problems.append(Problem(shown, 1, "a note starts with YAML front matter ('---')"))
            return None
        end = next((i for i, line in enumerate(lines[1:], 1) if line.strip() == "---"), None)
        if end is None:
            self.problems.append(Problem(shown, 1, "front matter is not closed with '---'"))
            return None
        meta = self.yaml("\n".join(lines[1:end]), path, first_line=2)
        if meta is None:
            if not self.problems or self.problems[-1].path != shown:
                self.problems.append(Problem(shown, 2, "empty front matter"))
            return None
        if not isinstance(meta, LineDict):
            self.problems.append(Problem(shown, 2, "front matter must be a mapping"))
            return None
        problems_before = len(self.problems)
        note_id = self.note_field(meta, "id", str, shown)
        title = self.note_field(meta, "title", str, shown)
        topics = self.note_field(meta, "topics", list, shown)
        cited = self.note_field(meta, "resources", list, shown, required=False) or []
        for key in meta:
            if key not in ("id", "title", "topics", "resources"):
                self.problems.append(Problem(shown, meta.line_of(key), f"unknown field {key!r}"))
        for field, values in (("topics", topics or []), ("resources", cited)):
            if not all(isinstance(value, str) for value in values):
                self.problems.append(
                    Problem(shown, meta.line_of(field), f"{field} must be a list of ids")
                )
        if isinstance(note_id, str) and not _valid_id(note_id):
            self.problems.append(Problem(shown, meta.line_of("id"), f"bad note id {note_id!r}"))
        below = lines[end + 1 :]
        first = next((i for i, line in enumerate(below) if line.strip()), len(below))
        body = "\n".join(below[first:]).rstrip()
        if not body:
            self.problems.append(
                Problem(shown, end + 1, "the note has no text below its front matter")
            )
        if len(self.problems) > problems_before:
            return None
        assert isinstance(note_id, str) and isinstance(title, str) and topics is not None
        note = Note(
            id=note_id,
            title=title.strip(),
            path=shown,
            topics=tuple(topics),
            resources=tuple(cited),
            body=body,
            body_line=end + 2 + first,
        )
        return note, meta

    def note_field(
        self, meta: LineDict, name: str, kind: type, shown: str, required: bool = True
    ) -> Any:
        value = meta.get(name)
        if value is None:
            if required:
                self.problems.append(Problem(shown, meta.line, f"missing field {name!r}"))
            return None
        if not isinstance(value, kind) or (isinstance(value, str) and not value.strip()):
            expected = "text" if kind is str else "a list"
            self.problems.append(Problem(shown, meta.line_of(name), f"{name!r} must be {expected}"))
            return None
        return value


# Resource files this process parsed without a problem, by the SHA-256 of their bytes: the
# entries (frozen) and their line maps (never changed after parsing). A running bot reads the
# whole catalog again after every edit; at 20,000 entries parsing the unchanged files took 8 s.
_PARSED: dict[str, list[tuple[Resource, LineDict]]] = {}
PARSED_FILES = 256


def _remember(digest: str, entries: list[tuple[Resource, LineDict]]) -> None:
    _PARSED[digest] = entries
    while len(_PARSED) > PARSED_FILES:
        del _PARSED[next(iter(_PARSED))]  # the oldest first


def _valid_id(value: str) -> bool:
    try:
        check_id(value)
    except ValueError:
        return False
    return True


def _describe(field: str, detail: Any) -> str:
    kind = detail["type"]
    if kind == "missing":
        return f"missing field {field!r}"
    if kind == "extra_forbidden":
        return f"unknown field {field!r}"
    message = str(detail["msg"]).removeprefix("Value error, ")
    where = ".".join(str(part) for part in detail["loc"])
    return f"{where}: {message}"


def _guess_item_line(path: Path, position: int) -> int:
    """Line of the ``position``-th top-level ``- `` item, for entries that are not mappings."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError):
        return 1
    starts = [number for number, line in enumerate(lines, 1) if line.startswith("-")]
    return starts[position - 1] if position <= len(starts) else 1


def url_locations(root: str | Path) -> dict[str, tuple[str, int]]:
    """Resource id -> (file, line of its ``url:``), for reports about links."""
    reader = _Reader(Path(root))
    found: dict[str, tuple[str, int]] = {}
    for resource, path, item in reader.resources(list_sources(Path(root))):
        found.setdefault(resource.id, (path, item.line_of("url")))
    return found
