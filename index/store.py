"""On-disk layout, written so readers never see a half-built index.

    INDEX_DIR/
      CURRENT                 name of the version being served (replaced atomically)
      versions/<name>/        manifest.json, vectors.faiss, documents.jsonl
      cache/<model>/          embedding cache: keys.json + vectors.npy
      build.lock              held while a build runs

A build writes ``versions/<name>.tmp``, renames it into place, then swaps ``CURRENT``:
each step is atomic, so a crash at any point leaves the previous version serving.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import shutil
import time
from collections.abc import Iterator
from dataclasses import asdict
from pathlib import Path
from typing import Any

from index.dense import DenseIndex
from index.errors import BuildInProgress, IndexCorrupt, IndexNotBuilt
from index.results import Document

# 2: resource documents carry their aliases; the manifest carries the answer policy.
FORMAT = 2
KEEP_VERSIONS = 2
MANIFEST = "manifest.json"
VECTORS = "vectors.faiss"
DOCUMENTS = "documents.jsonl"


def current_version(index_dir: Path) -> Path:
    pointer = index_dir / "CURRENT"
    try:
        name = pointer.read_text(encoding="utf-8").strip()
    except FileNotFoundError:
        raise IndexNotBuilt(f"no index in {index_dir}") from None
    except OSError as error:
        raise IndexCorrupt(f"cannot read {pointer}: {error.strerror}") from None
    path = index_dir / "versions" / name
    if not name or "/" in name or not path.is_dir():
        raise IndexCorrupt(f"{pointer} points at a missing version {name!r}")
    return path


def read_manifest(version: Path) -> dict[str, Any]:
    try:
        manifest = json.loads((version / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise IndexCorrupt(f"unreadable manifest in {version}: {error}") from None
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise IndexCorrupt(
            f"{version / MANIFEST} is not a studybot index manifest (format {FORMAT})"
        )
    return manifest


def load_version(version: Path) -> tuple[dict[str, Any], list[Document], DenseIndex]:
    """Manifest, documents and vectors of one version, checked against each other."""
    manifest = read_manifest(version)
    try:
        with (version / DOCUMENTS).open(encoding="utf-8") as lines:
            documents = [Document(**json.loads(line)) for line in lines if line.strip()]
        dense = DenseIndex.load(version / VECTORS)
    except (OSError, ValueError, TypeError, RuntimeError) as error:
        raise IndexCorrupt(f"damaged index files in {version}: {error}") from None
    if dense.size != len(documents) or len(documents) != manifest.get("counts", {}).get(
        "documents"
    ):
        raise IndexCorrupt(f"index files in {version} disagree on the number of documents")
    if manifest.get("dim") != dense.dim:
        raise IndexCorrupt(f"vector dimension in {version} does not match its manifest")
    return manifest, documents, dense


def write_version(
    index_dir: Path, manifest: dict[str, Any], documents: list[Document], dense: DenseIndex
) -> Path:
    """Write a complete version beside the served one and return its final path."""
    versions = index_dir / "versions"
    versions.mkdir(parents=True, exist_ok=True)
    name = time.strftime("%Y%m%dT%H%M%S") + f"-{os.getpid()}-{time.monotonic_ns() % 10**6:06d}"
    staging = versions / f"{name}.tmp"
    staging.mkdir()
    try:
        with (staging / DOCUMENTS).open("w", encoding="utf-8") as out:
            for document in documents:
                out.write(json.dumps(asdict(document), ensure_ascii=False) + "\n")
        dense.save(staging / VECTORS)
        _write_json(staging / MANIFEST, manifest)
        for path in staging.iterdir():
            _fsync(path)
        final = versions / name
        staging.rename(final)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return final


def publish(index_dir: Path, version: Path) -> None:
    """Point CURRENT at ``version`` in one rename, then drop versions nobody serves."""
    tmp = index_dir / "CURRENT.tmp"
    tmp.write_text(version.name + "\n", encoding="utf-8")
    _fsync(tmp)
    os.replace(tmp, index_dir / "CURRENT")
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
    index_dir.mkdir(parents=True, exist_ok=True)
    with (index_dir / "build.lock").open("w") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | (0 if wait else fcntl.LOCK_NB))
        except BlockingIOError:
            raise BuildInProgress(f"another build of {index_dir} is running") from None
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _write_json(path: Path, value: Any) -> None:
    path.write_text(json.dumps(value, indent=2, sort_keys=True) + "\n", encoding="utf-8")


def _fsync(path: Path) -> None:
    with path.open("rb") as handle:
        os.fsync(handle.fileno())
