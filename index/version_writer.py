"""Writing index versions: a complete version beside the served one, published in one rename.

``index.store`` describes the layout and reads it; this module writes it. Parts that did not
change since the served version are hard links to its files (``index.parts``).
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import shutil
import time
from collections.abc import Iterator, Sequence
from dataclasses import fields
from functools import partial
from pathlib import Path
from typing import Any

from catalog import Catalog
from catalog.derived import Derived
from catalog.snapshot import snapshot_lines
from index.asked import AskedVectors
from index.dense import DenseIndex
from index.errors import BuildInProgress, IndexProblem
from index.lexicon import Lexicon
from index.names import NameIndex
from index.parts import PartWriter, part_ends, part_key, split_lines
from index.results import Document
from index.store import (
    ASKED,
    CATALOG,
    DOCUMENTS,
    FORMAT,
    HASHES,
    KEEP_VERSIONS,
    LEXICON,
    MANIFEST,
    NAMES,
    VECTOR_PARTS,
    VECTORS,
    check_location,
    current_version,
    file_sha256,
    location_error,
    read_manifest,
)


def write_version(
    index_dir: Path,
    manifest: dict[str, Any],
    documents: list[Document],
    dense: DenseIndex,
    catalog: Catalog,
    lexicon: Lexicon,
    names: NameIndex,
    hashes: list[str],
    asked: AskedVectors,
) -> Path:
    """Write a complete version beside the served one and return its final path."""
    versions = index_dir / "versions"
    versions.mkdir(parents=True, exist_ok=True)
    now = time.time_ns()
    # Names sort in the order versions were written (to the microsecond): pruning keeps the
    # newest ones, even of several builds within one second.
    stamp = time.strftime("%Y%m%dT%H%M%S", time.localtime(now // 10**9))
    name = f"{stamp}.{now // 1000 % 10**6:06d}-{os.getpid()}"
    staging = versions / f"{name}.tmp"
    staging.mkdir()
    try:
        parts = PartWriter(staging, *_previous(index_dir))
        ends = part_ends([document.id for document in documents])
        spans = list(zip([0, *ends[:-1]], ends, strict=True))
        stored = {
            DOCUMENTS: parts.write(
                DOCUMENTS,
                [partial(_document_part, documents[a:b]) for a, b in spans],
                [_documents_key(documents[a:b]) for a, b in spans],
            )
        }
        if dense.kind == "flat":
            matrix = dense.stored_vectors()
            stored[VECTOR_PARTS] = parts.write(
                VECTOR_PARTS, [partial(matrix[a:b].tobytes) for a, b in spans]
            )
        else:
            dense.save(staging / VECTORS)
        header, *entries = snapshot_lines(catalog)
        ends = part_ends([resource.id for resource in catalog.resources])
        lines = split_lines([header, *entries], ends, 1)
        stored[CATALOG] = parts.write(CATALOG, [partial(bytes, line) for line in lines])
        ids = [document.id for document in documents]
        (staging / HASHES).write_text(_encode({"ids": ids, "hashes": hashes}), encoding="utf-8")
        lexicon.save(staging / LEXICON)
        (staging / NAMES).write_text(json.dumps(names.to_json(), ensure_ascii=False), "utf-8")
        asked.save(staging / ASKED)
        whole = [path for path in sorted(staging.iterdir()) if path.name not in parts.files]
        files = {p.name: {"bytes": p.stat().st_size, "sha256": file_sha256(p)} for p in whole}
        manifest = {
            **manifest,
            "parts": stored,
            "files": dict(sorted({**files, **parts.files}.items())),
        }
        _write_json(staging / MANIFEST, manifest)
        # Linked parts were made durable by the build that first wrote them.
        for path in [*whole, *parts.written, staging / MANIFEST]:
            _fsync(path)
        final = versions / name
        staging.rename(final)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return final


def publish(index_dir: Path, version: Path) -> None:
    """Point CURRENT at ``version`` in one rename, then drop versions nobody serves.

    If the switch fails, the new version and the temporary pointer are removed: nothing of
    the attempt is left, and the previous version is still the one served.
    """
    tmp = index_dir / "CURRENT.tmp"
    try:
        tmp.write_text(version.name + "\n", encoding="utf-8")
        _fsync(tmp)
        os.replace(tmp, index_dir / "CURRENT")
    except BaseException:
        tmp.unlink(missing_ok=True)
        shutil.rmtree(version, ignore_errors=True)
        raise
    with contextlib.suppress(OSError):
        prune(index_dir, keep=version.name)


def prune(index_dir: Path, keep: str) -> None:
    versions = sorted(
        (p for p in (index_dir / "versions").iterdir() if p.is_dir()),
        key=lambda p: p.name,
    )
    finished = [p for p in versions if not p.name.endswith(".tmp")]
    survivors = {keep, *(p.name for p in finished[-KEEP_VERSIONS:])}
    for path in versions:
        # Leftover .tmp folders are crashed builds; other builds are excluded by the lock.
        if path.name not in survivors:
            shutil.rmtree(path, ignore_errors=True)


@contextlib.contextmanager
def build_lock(index_dir: Path, wait: bool = False) -> Iterator[None]:
    """One build at a time per index folder, across processes."""
    check_location(index_dir)
    try:
        index_dir.mkdir(parents=True, exist_ok=True)
        handle = (index_dir / "build.lock").open("w")
    except OSError as error:
        raise location_error(index_dir, error) from None
    with handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | (0 if wait else fcntl.LOCK_NB))
        except BlockingIOError:
            raise BuildInProgress(f"another build of {index_dir} is running") from None
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


_encode = json.JSONEncoder(ensure_ascii=False).encode
# One encoder and vars(), not json.dumps(asdict()): a third of the time; and an unchanged
# entry's document is the same object from build to build (``index.documents``).
_document_line: Derived[Document, str] = Derived(lambda d: _encode(vars(d)) + "\n")


def _document_part(documents: Sequence[Document]) -> bytes:
    return "".join(_document_line(document) for document in documents).encode("utf-8")


def _documents_key(documents: Sequence[Document]) -> str:
    """What a documents part is made from: the store's format and every field of each row."""
    rows = [[str(value) for value in vars(d).values()] for d in documents]
    return part_key([[f"format {FORMAT}", *_DOCUMENT_FIELDS], *rows])


_DOCUMENT_FIELDS = tuple(field.name for field in fields(Document))


def _previous(index_dir: Path) -> tuple[Path | None, dict[str, Any]]:
    """The version being served and the files its manifest lists, to link unchanged parts to;
    nothing when there is none or it cannot be read (everything is then written)."""
    try:
        version = current_version(index_dir)
        files = read_manifest(version).get("files")
    except IndexProblem:
        return None, {}
    return version, files if isinstance(files, dict) else {}


def _write_json(path: Path, value: Any) -> None:
    path.write_text(json.dumps(value, indent=2, sort_keys=True) + "\n", encoding="utf-8")


def _fsync(path: Path) -> None:
    with path.open("rb") as handle:
        os.fsync(handle.fileno())
