"""On-disk layout, written so readers never see a half-built index.

    INDEX_DIR/
      CURRENT                 name of the version being served (replaced atomically)
      versions/<name>/        manifest.json, vectors.f32 (vectors.faiss for HNSW), documents.jsonl,
                              catalog.jsonl (these three in parts: ``index.parts``), lexical.npz
                              (terms, BM25, spellings), names.json, asked.npz
      cache/                  embeddings-<model>.npz and words.npz, by text hash, each with
                              the rows of recent builds appended as <name>.<n>.npz;
                              parsed/: the catalog files as parsed, by content hash;
                              names.jsonl: what each title, alias and author may name
      build.lock              held while a build runs

A build (``index.version_writer``) writes ``versions/<name>.tmp``, renames it into place,
then swaps ``CURRENT``: each step is atomic, so a crash at any point leaves the previous
version serving.

A version is self-contained: ``catalog.jsonl`` is the catalog it was built from, so serving
never reads the catalog's YAML (a broken edit cannot stop answers), and the manifest records
each file's size and SHA-256 so ``index status`` can tell a damaged file from a healthy one.
Parts that did not change since the previous version are hard links to its files: shared bytes,
never shared names, so pruning an old version cannot remove what a newer one reads.
"""

from __future__ import annotations

import errno
import hashlib
import io
import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from catalog import Catalog
from catalog.snapshot import read_snapshot
from index.asked import AskedVectors
from index.dense import DenseIndex
from index.errors import (
    BadIndexLocation,
    IndexCorrupt,
    IndexNotBuilt,
    IndexProblem,
)
from index.lexicon import Lexicon
from index.names import NameIndex
from index.parts import read_parts
from index.results import Document
from index.stored_documents import StoredDocuments

# 2: resource documents carry their aliases; the manifest carries the answer policy.
# 3: self-contained: catalog.json (the catalog snapshot), file sizes and checksums.
# 4: lexical.npz and names.json: what loading used to recompute from the documents;
#    catalog.jsonl: the snapshot one resource per line, each parsed when first read;
#    hashes.json: each document's text hash, for the next build's report.
# 5: asked.npz: one vector per learner question of each resource.
# 6: asked.npz also holds one vector per passage: its section heading.
# 7: asked.npz lists entries without questions instead of storing their own vectors again.
# 8: documents, catalog snapshot and flat vectors (raw float32, vectors.f32) in parts.
FORMAT = 8
KEEP_VERSIONS = 2
MANIFEST = "manifest.json"
VECTORS = "vectors.faiss"
VECTOR_PARTS = "vectors.f32"
DOCUMENTS = "documents.jsonl"
CATALOG = "catalog.jsonl"
LEXICON = "lexical.npz"
NAMES = "names.json"
ASKED = "asked.npz"
# Each document's id and text hash: what the next build compares against, without parsing.
HASHES = "hashes.json"
CHOOSE = "choose another with --index or STUDYBOT_INDEX_DIR"


def check_location(index_dir: Path) -> None:
    """Raise BadIndexLocation when ``index_dir`` or a parent is a file, not a folder."""
    for path in (index_dir, *index_dir.parents):
        if path.exists() or path.is_symlink():
            if not path.is_dir():
                where = "is" if path == index_dir else f"is inside {path}, which is"
                raise BadIndexLocation(
                    f"the index folder {index_dir} {where} a file, not a folder: "
                    f"remove it or {CHOOSE}"
                )
            return


def location_error(index_dir: Path, error: OSError) -> BadIndexLocation:
    """One line for an OSError met while writing in the index folder."""
    if error.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        return BadIndexLocation(
            f"cannot write in the index folder {index_dir} ({error.strerror}): "
            f"make it writable or {CHOOSE}"
        )
    if error.errno in (errno.ENOTDIR, errno.EEXIST):
        return BadIndexLocation(
            f"the index folder {index_dir} or one of its parents is a file: {CHOOSE}"
        )
    return BadIndexLocation(f"cannot use the index folder {index_dir}: {error.strerror}")


def current_version(index_dir: Path) -> Path:
    check_location(index_dir)
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


def load_version(version: Path) -> tuple[dict[str, Any], Sequence[Document], DenseIndex]:
    """Manifest, documents and vectors of one version, checked against each other.

    Documents are parsed when first read, from bytes whose checksum is verified here.
    """
    manifest = read_manifest(version)
    damaged = verify_files(version, manifest, checksums=False)
    if damaged:
        raise IndexCorrupt(f"damaged index files in {version}: {'; '.join(damaged)}")
    try:
        documents = StoredDocuments(_verified(version, DOCUMENTS, manifest), str(version))
        if manifest.get("index_type") == "flat":
            data = read_parts(version, _parts(manifest, VECTOR_PARTS))
            dim = int(manifest["dim"])
            vectors = np.frombuffer(data, dtype=np.float32).reshape(-1, dim)
            dense = DenseIndex.flat(vectors, dim)
        else:
            dense = DenseIndex.load(version / VECTORS)
    except (OSError, ValueError, TypeError, KeyError, RuntimeError) as error:
        raise IndexCorrupt(f"damaged index files in {version}: {error}") from None
    if dense.size != len(documents) or len(documents) != manifest.get("counts", {}).get(
        "documents"
    ):
        raise IndexCorrupt(f"index files in {version} disagree on the number of documents")
    if manifest.get("dim") != dense.dim:
        raise IndexCorrupt(f"vector dimension in {version} does not match its manifest")
    return manifest, documents, dense


def load_tables(
    version: Path, manifest: dict[str, Any], documents: int
) -> tuple[Lexicon, NameIndex, AskedVectors]:
    """The lexicon, name index and learner questions of a version, checked by checksum."""
    try:
        lexicon = Lexicon.load(io.BytesIO(_verified(version, LEXICON, manifest)))
        names = NameIndex.from_json(json.loads(_verified(version, NAMES, manifest)))
        asked = AskedVectors.load(_verified(version, ASKED, manifest), documents)
    except (OSError, ValueError) as error:
        raise IndexCorrupt(f"damaged index files in {version}: {error}") from None
    if lexicon.matrix.documents != documents:
        raise IndexCorrupt(f"index files in {version} disagree on the number of documents")
    return lexicon, names, asked


def stored_hashes(index_dir: Path) -> dict[str, str]:
    """Document id -> text hash in the version being served; empty when there is none."""
    try:
        version = current_version(index_dir)
        data = json.loads(_verified(version, HASHES, read_manifest(version)))
        return dict(zip(data["ids"], data["hashes"], strict=True))
    except (IndexProblem, OSError, ValueError, KeyError, TypeError):
        return {}


def load_snapshot(version: Path) -> Catalog:
    """The catalog this version was built from, as it was then."""
    try:
        manifest = read_manifest(version)
        return read_snapshot(_verified(version, CATALOG, manifest))
    except (OSError, ValueError) as error:
        raise IndexCorrupt(f"unreadable catalog snapshot in {version}: {error}") from None


def verify_files(version: Path, manifest: dict[str, Any], checksums: bool = True) -> list[str]:
    """What is wrong with the files the manifest lists: missing, resized, or (with
    ``checksums``) altered. Sizes cost a stat; checksums read every byte."""
    recorded = manifest.get("files")
    if not isinstance(recorded, dict) or not recorded:
        return ["the manifest lists no files"]
    damaged = []
    for name, expected in sorted(recorded.items()):
        path = version / name
        try:
            size = path.stat().st_size
        except OSError:
            damaged.append(f"{name} is missing")
            continue
        if size != expected.get("bytes"):
            damaged.append(f"{name} has {size} bytes, the build wrote {expected.get('bytes')}")
        elif checksums and file_sha256(path) != expected.get("sha256"):
            damaged.append(f"{name} does not match its checksum")
    return damaged


def _verified(version: Path, name: str, manifest: dict[str, Any]) -> bytes:
    """The bytes of a file read lazily afterwards (of each of its parts, joined), checked
    against the manifest's checksums: a damaged file is reported at load, not in the middle of
    an answer."""
    names = _parts(manifest, name) if name in manifest.get("parts", {}) else [name]
    chunks = []
    for part in names:
        data = (version / part).read_bytes()
        expected = manifest.get("files", {}).get(part, {}).get("sha256")
        if hashlib.sha256(data).hexdigest() != expected:
            raise IndexCorrupt(
                f"damaged index files in {version}: {part} does not match its checksum"
            )
        chunks.append(data)
    return b"".join(chunks)


def _parts(manifest: dict[str, Any], name: str) -> list[str]:
    names = manifest.get("parts", {}).get(name)
    if not isinstance(names, list) or not all(isinstance(n, str) and "/" not in n for n in names):
        raise ValueError(f"the manifest lists no parts for {name}")
    return names


def file_sha256(path: Path) -> str:
    with path.open("rb") as handle:
        return hashlib.file_digest(handle, "sha256").hexdigest()
