"""Which files make up a catalog, and a cheap way to tell whether any changed since a build.

The loader and the freshness check list files the same way, so an index never calls a catalog
fresh while the loader would read something else. Sizes and mtimes are compared first; a file
is hashed only when those differ (an editor that rewrites a file unchanged keeps it fresh).
"""

from __future__ import annotations

import hashlib
import os
import stat
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

TOPICS_FILE = "topics.yaml"
RESOURCES_DIR = "resources"
NOTES_DIR = "notes"
YAML_SUFFIXES = (".yaml", ".yml")
NOTE_SUFFIXES = (".md", ".markdown")

# relative path -> [size, mtime_ns, sha256 of the bytes]
Fingerprints = Mapping[str, Sequence[int | str]]


@dataclass(frozen=True)
class Listing:
    """The files the loader reads, and the entries it refuses to read (with why)."""

    resources: tuple[Path, ...]
    notes: tuple[Path, ...]
    refused: tuple[tuple[Path, str], ...]


def list_sources(root: Path) -> Listing:
    """Resource and note files at any depth; suffixes compared without case.

    Hidden files and editor backups (``~``) are skipped silently; anything else that is not a
    catalog file (a named pipe, a socket, a stray ``.txt``) is refused with a reason, never
    opened: reading a pipe would block forever.
    """
    refused: list[tuple[Path, str]] = []
    resources = _walk(root / RESOURCES_DIR, YAML_SUFFIXES, "resource files", refused)
    notes = _walk(root / NOTES_DIR, NOTE_SUFFIXES, "notes", refused)
    return Listing(tuple(resources), tuple(notes), tuple(refused))


def _walk(
    folder: Path, suffixes: tuple[str, ...], what: str, refused: list[tuple[Path, str]]
) -> list[Path]:
    found: list[Path] = []
    for dirpath, dirnames, filenames in os.walk(folder):
        dirnames[:] = sorted(name for name in dirnames if not name.startswith("."))
        for name in sorted(filenames):
            if name.startswith(".") or name.endswith("~"):
                continue
            path = Path(dirpath) / name
            try:
                mode = path.stat().st_mode
            except OSError as error:
                refused.append((path, f"cannot read file: {error.strerror}"))
                continue
            if not stat.S_ISREG(mode):
                refused.append((path, "not a regular file (a pipe or device?): skipped"))
            elif path.suffix.lower() not in suffixes:
                expected = " or ".join(suffixes)
                refused.append((path, f"not one of the {what} ({expected}): move or rename it"))
            else:
                found.append(path)
    found.sort(key=lambda p: str(p.relative_to(folder)).lower())
    return found


def source_files(root: Path) -> list[Path]:
    """Every file whose content goes into the catalog, topics first."""
    listing = list_sources(root)
    return [root / TOPICS_FILE, *listing.resources, *listing.notes]


def fingerprint(size: int, mtime_ns: int, data: bytes) -> list[int | str]:
    return [size, mtime_ns, hashlib.sha256(data).hexdigest()]


def changed_sources(root: Path, recorded: Fingerprints) -> list[str]:
    """Relative paths added, removed or edited since ``recorded``; hashes only what moved."""
    current: dict[str, Path] = {}
    for path in source_files(root):
        if path.exists():
            current[path.relative_to(root).as_posix()] = path
    changed = set(recorded).symmetric_difference(current)
    for name in set(recorded) & set(current):
        size, mtime_ns, digest = recorded[name]
        try:
            info = current[name].stat()
            if info.st_size == size and info.st_mtime_ns == mtime_ns:
                continue
            if info.st_size != size or _sha256(current[name]) != digest:
                changed.add(name)
        except OSError:
            changed.add(name)
    return sorted(changed)


def _sha256(path: Path) -> str:
    with path.open("rb") as handle:
        return hashlib.file_digest(handle, "sha256").hexdigest()
