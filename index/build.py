"""Build and publish an index version: embed what changed, write beside the old one, switch."""

from __future__ import annotations

import dataclasses
import platform
import time
from collections.abc import Callable
from importlib import metadata
from pathlib import Path
from typing import Any

import numpy as np

from catalog import Catalog
from catalog.gc_pause import gc_paused
from index.asked import AskedVectors, asked_questions
from index.cache import EmbeddingCache
from index.dense import APPROXIMATE_FROM, DenseIndex
from index.documents import build_documents, document_hash, text_hash
from index.embedder import Embedder
from index.errors import BuildFailed, IndexProblem
from index.lexical import LexicalIndex
from index.lexicon import WordCache, tabulate
from index.name_plans import NamePlans, name_plans
from index.names import NameIndex
from index.policy import policy_for
from index.results import BuildReport, Document
from index.store import FORMAT, location_error, stored_hashes
from index.version_writer import build_lock, publish, write_version

Progress = Callable[[int, int], None]
BATCH = 64


def build_index(
    catalog: Catalog,
    embedder: Embedder,
    index_dir: Path,
    full: bool = False,
    progress: Progress | None = None,
    approximate_from: int = APPROXIMATE_FROM,
) -> tuple[BuildReport, Path]:
    """Build and publish; a failure before the switch leaves the previous version serving.

    Messages say what happened: a failure after the switch (saving the embedding cache) is a
    warning on the report, since the new version is already the one served.
    """
    started = time.perf_counter()
    with build_lock(index_dir), gc_paused():
        had_index = (index_dir / "CURRENT").exists()
        serving = "the previous index is still serving" if had_index else "no index was published"
        try:
            report, version, caches, plans, keep = _build(
                catalog, embedder, index_dir, full, progress, approximate_from, started
            )
        except IndexProblem:
            raise
        except PermissionError as error:
            raise location_error(index_dir, error) from error
        except (OSError, RuntimeError, ValueError, MemoryError) as error:
            raise BuildFailed(f"index build failed ({error}); {serving}") from error
        try:
            publish(index_dir, version)
        except OSError as error:
            raise BuildFailed(f"could not switch to the new index ({error}); {serving}") from error
        try:
            for cache in caches:
                cache.save(keep=keep)
            plans.save()
        except (OSError, ValueError) as error:
            warning = (
                f"the new index is published and serving, but its caches could not be saved "
                f"({error}): the next build embeds and reads every document again"
            )
            report = dataclasses.replace(report, warnings=(*report.warnings, warning))
        return report, version


def _build(
    catalog: Catalog,
    embedder: Embedder,
    index_dir: Path,
    full: bool,
    progress: Progress | None,
    approximate_from: int,
    started: float,
) -> tuple[BuildReport, Path, tuple[EmbeddingCache, WordCache], NamePlans, set[str]]:
    """Embed what changed and write the new version, not yet published."""
    documents = build_documents(catalog)
    hashes = [document_hash(document) for document in documents]
    previous = stored_hashes(index_dir)
    cache = EmbeddingCache(index_dir, embedder.name)
    vectors: list[np.ndarray[Any, Any] | None] = [None if full else cache.get(h) for h in hashes]
    todo = [row for row, vector in enumerate(vectors) if vector is None]
    if progress:
        progress(0, len(todo))
    for start in range(0, len(todo), BATCH):
        rows = todo[start : start + BATCH]
        encoded = embedder.encode([documents[row].indexed for row in rows])
        cache.put([hashes[row] for row in rows], encoded)
        for row, vector in zip(rows, encoded, strict=True):
            vectors[row] = vector
        if progress:
            progress(min(start + BATCH, len(todo)), len(todo))
    matrix = _stack(vectors)
    dense = DenseIndex.build(matrix, approximate_from)
    asked, asked_hashes = _asked(catalog, documents, embedder, cache)
    words = WordCache(index_dir, reuse=not full)
    word_ids, offsets = words.words(hashes, [document.indexed for document in documents])
    lexicon = tabulate(word_ids, offsets, words.vocabulary)
    lexical = LexicalIndex(lexicon)
    plans = name_plans(index_dir)
    names = NameIndex.build(catalog.resources, lexical.document_frequency, plans)
    report = _report(documents, hashes, previous, len(todo), started)
    manifest = _manifest(catalog, embedder, documents, dense, report)
    version = write_version(
        index_dir, manifest, documents, dense, catalog, lexicon, names, hashes, asked
    )
    return report, version, (cache, words), plans, set(hashes) | asked_hashes


def _asked(
    catalog: Catalog,
    documents: list[Document],
    embedder: Embedder,
    cache: EmbeddingCache,
) -> tuple[AskedVectors, set[str]]:
    """One vector per learner question and heading, embedded once and cached like documents.

    An entry without questions (a maintainer's new one) is listed as silent: ranked by its own
    vector's cosine, so the third ranking does not push it below the entries that have them.
    """
    asked = asked_questions(documents, {r.id: r.questions for r in catalog.resources})
    hashes = [text_hash(question) for _, question in asked]
    todo = [n for n, h in enumerate(hashes) if cache.get(h) is None]
    for start in range(0, len(todo), BATCH):
        chunk = todo[start : start + BATCH]
        cache.put([hashes[n] for n in chunk], embedder.encode([asked[n][1] for n in chunk]))
    vectors = [cache.get(h) for h in hashes]
    asking = {row for row, _ in asked}
    silent = [r for r, d in enumerate(documents) if d.is_resource and r not in asking]
    rows = np.array([row for row, _ in asked], dtype=np.int32)
    ranks = np.array([documents[row].is_resource for row in rows.tolist()], dtype=bool)
    asked_vectors = AskedVectors(_stack(vectors), rows, ranks, np.array(silent, dtype=np.int32))
    return asked_vectors, set(hashes)


def _stack(vectors: list[np.ndarray[Any, Any] | None]) -> np.ndarray[Any, Any]:
    present = [v for v in vectors if v is not None]
    if not present:
        return np.zeros((0, 384), dtype=np.float32)
    # One concatenation of the rows, not vstack's 20,000 two-dimensional views (a third).
    return np.concatenate(present).reshape(len(present), -1).astype(np.float32, copy=False)


def _report(
    documents: list[Document],
    hashes: list[str],
    previous: dict[str, str],
    embedded: int,
    started: float,
) -> BuildReport:
    now = dict(zip([document.id for document in documents], hashes, strict=True))

    def owner(doc_id: str) -> str:
        return doc_id.split(":", 1)[1].split("#")[0]

    # Entries, not documents: a note is one entry however many passages it has. Only the
    # documents that differ are looked at: a one-entry edit has a handful among 20,000.
    removed_docs = previous.keys() - now.keys()
    added_docs = now.keys() - previous.keys()
    edited = [doc_id for doc_id, h in now.items() if previous.get(doc_id, h) != h]
    changed = {owner(doc_id) for doc_id in [*edited, *removed_docs, *added_docs]}
    if removed_docs or added_docs:
        before = {owner(doc_id) for doc_id in previous}
        after = {owner(doc_id) for doc_id in now}
    else:
        before = after = changed
    return BuildReport(
        documents=len(documents),
        embedded=embedded,
        reused=len(documents) - embedded,
        removed=len(removed_docs),
        seconds=time.perf_counter() - started,
        added_ids=tuple(sorted(after - before)),
        updated_ids=tuple(sorted((changed & before) & after)),
        removed_ids=tuple(sorted(before - after)),
    )


def _manifest(
    catalog: Catalog,
    embedder: Embedder,
    documents: list[Document],
    dense: DenseIndex,
    report: BuildReport,
) -> dict[str, Any]:
    return {
        "format": FORMAT,
        "model": embedder.name,
        "dim": dense.dim,
        "index_type": dense.kind,
        "catalog_hash": catalog.content_hash,
        # Per file [size, mtime_ns, sha256]: `index status` checks freshness from this alone.
        "catalog_sources": dict(catalog.sources),
        "catalog_dir": catalog.root,
        "counts": {
            "documents": len(documents),
            "resources": sum(1 for d in documents if d.is_resource),
            "passages": sum(1 for d in documents if not d.is_resource),
            "notes": len(catalog.notes),
        },
        "built_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "build_seconds": round(report.seconds, 3),
        "policy": policy_for(embedder.name).to_json(),
        "versions": _library_versions(),
    }


def _library_versions() -> dict[str, str]:
    found = {"python": platform.python_version()}
    for name in ("studybot", "faiss-cpu", "numpy", "sentence-transformers", "torch"):
        try:
            found[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            continue
    return found
