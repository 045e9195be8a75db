"""The large files of a version as parts, so a rebuild writes only the parts that changed.

Rewriting the documents, the vectors and the catalog snapshot whole after a one-entry edit
wrote 58 MB at 20,000 entries (about half a second of a new build process). Each is now a
sequence of parts: ``documents.jsonl``, ``documents.1.jsonl``, ... A part ends after a row
whose key (a document or entry id) hashes to 0 modulo ``PART_ROWS``: the boundaries come
from the rows themselves, so adding or removing an entry changes the part that holds it and
no other. A part whose bytes equal a part of the previous version (same SHA-256, which is
checked on the old file, not taken from its manifest) becomes a hard link to it. A part may
also carry a key, a digest of what its bytes are made from: a part whose key the previous
version recorded is linked without being made at all (encoding 20,000 documents as JSON took
a quarter of a second of each new build process).

Each version stays self-contained: every part is a file in its own folder, listed with its
size and checksum in its manifest. Hard links share bytes, not names, so removing an old
version's folder never removes what a newer one uses; no file is ever rewritten in place.
A file system without hard links gets copies.
"""

from __future__ import annotations

import hashlib
import os
import zlib
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

PART_ROWS = 1024
# A run of rows with no boundary (a 1 in 1,024 chance per row) is cut here regardless.
MAX_PART_ROWS = 4 * PART_ROWS


def part_ends(keys: Sequence[str]) -> list[int]:
    """Row numbers where each part ends (exclusive); one part, maybe empty, at the least."""
    ends: list[int] = []
    start = 0
    for row, key in enumerate(keys):
        if zlib.crc32(key.encode("utf-8")) % PART_ROWS == 0 or row + 1 - start >= MAX_PART_ROWS:
            ends.append(row + 1)
            start = row + 1
    if start < len(keys) or not ends:
        ends.append(len(keys))
    return ends


def part_name(name: str, number: int) -> str:
    """``documents.jsonl``, ``documents.1.jsonl``: the first part keeps the file's own name."""
    if number == 0:
        return name
    stem, dot, suffix = name.partition(".")
    return f"{stem}.{number}{dot}{suffix}"


class PartWriter:
    """Writes parts into a staging folder, linking those the previous version already has."""

    def __init__(self, staging: Path, previous: Path | None, recorded: dict[str, Any]) -> None:
        self.staging = staging
        self.previous = previous
        # The previous version's files by checksum and by key, as its manifest records them
        # (each then checked on the file itself).
        entries = [(n, e) for n, e in recorded.items() if isinstance(e, dict)]
        self._by_sha = {str(e.get("sha256")): n for n, e in entries}
        self._by_key = {str(e["key"]): n for n, e in entries if e.get("key")}
        self._recorded = dict(entries)
        self.files: dict[str, dict[str, Any]] = {}
        self.written: list[Path] = []

    def write(
        self,
        name: str,
        parts: Sequence[Callable[[], bytes]],
        keys: Sequence[str] | None = None,
    ) -> list[str]:
        """Write ``name``'s parts, each made by calling it unless its key (``keys``, in the same
        order) finds it in the previous version; returns their file names in order."""
        names = []
        for number, make in enumerate(parts):
            target = part_name(name, number)
            key = keys[number] if keys is not None else None
            old = self._by_key.get(key) if key else None
            entry = self._recorded.get(old) if old else None
            if entry is not None and self._link(str(old), entry, self.staging / target):
                self.files[target] = {**entry, "key": key}
            else:
                data = make()
                sha = hashlib.sha256(data).hexdigest()
                found = self._by_sha.get(sha)
                entry = {"bytes": len(data), "sha256": sha}
                if found is None or not self._link(found, entry, self.staging / target):
                    (self.staging / target).write_bytes(data)
                    self.written.append(self.staging / target)
                self.files[target] = {**entry, "key": key} if key else entry
            names.append(target)
        return names

    def _link(self, old: str, entry: dict[str, Any], target: Path) -> bool:
        """Link ``target`` to the previous version's ``old`` if its bytes are still ``entry``'s."""
        if self.previous is None:
            return False
        source = self.previous / old
        try:
            if source.stat().st_size != entry.get("bytes") or _sha256(source) != entry.get(
                "sha256"
            ):
                return False  # damaged since: this version gets a fresh copy
            os.link(source, target)
        except OSError:
            return False
        return True


def part_key(fields: Sequence[Sequence[str]]) -> str:
    """A digest of the strings a part is made from (each row's, in order)."""
    digest = hashlib.sha256()
    for row in fields:
        digest.update(("\0".join(row) + "\1").encode("utf-8", "surrogatepass"))
    return digest.hexdigest()


def split_lines(lines: list[str], ends: list[int], skip: int) -> list[bytes]:
    """``lines`` cut at ``ends`` (row numbers counted after the first ``skip`` lines, a header
    that goes with the first part), each part as UTF-8."""
    starts = [0, *(end + skip for end in ends[:-1])]
    stops = [*(end + skip for end in ends[:-1]), len(lines)]
    return ["".join(lines[a:b]).encode("utf-8") for a, b in zip(starts, stops, strict=True)]


def read_parts(version: Path, names: Sequence[str]) -> bytes:
    """The bytes of a file stored as parts, in order."""
    return b"".join((version / name).read_bytes() for name in names)


def _sha256(path: Path) -> str:
    with path.open("rb") as handle:
        return hashlib.file_digest(handle, "sha256").hexdigest()
