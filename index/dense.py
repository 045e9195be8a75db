"""FAISS search over unit vectors: inner product equals cosine similarity on normalised rows.

Small catalogs use an exact flat index. From ``COMPRESS_FROM`` documents on, a flat index is
searched through half-precision copies of its vectors (the scan is memory-bound: half the bytes,
1.5 ms instead of 2.4 ms at 20,000), and the best ``REFINE`` times as many rows as asked for are
scored again on the full vectors: the rows, their order and their scores are the flat index's
(all 1,016 tuning questions at 20,000 entries got the same 40 rows, scores equal to the bit).
What a version stores stays the flat vectors; the copies are made at the second search (30 ms
at 20,000: a process that answers one question never makes them). From ``APPROXIMATE_FROM``
documents on, the index switches to HNSW (graph search).

Questions are searched one at a time, on one thread: over 20,000 vectors that took 2 ms,
where FAISS's OpenMP threads took 16 ms on two busy cores (they wait on each other). Only
building an HNSW graph, real work per vector, gets every core.

A flat index built from vectors keeps them and makes its FAISS index at the first search: a
``studybot index build`` process only writes the vectors, and importing FAISS and copying
20,000 vectors into it cost it 0.07 s for nothing.
"""

from __future__ import annotations

import os
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np

from index.embedder import Vectors

APPROXIMATE_FROM = 50_000
COMPRESS_FROM = 10_000
REFINE = 4
HNSW_NEIGHBOURS = 32


@cache
def _faiss() -> Any:
    """FAISS, imported when first needed, searching on one thread."""
    import faiss

    faiss.omp_set_num_threads(1)
    return faiss


class DenseIndex:
    def __init__(
        self, index: Any, compress_from: int = COMPRESS_FROM, vectors: Vectors | None = None
    ) -> None:
        """A FAISS ``index``, or None and the ``vectors`` of a flat index made when needed."""
        self._index = index
        self._vectors = vectors
        self.compress_from = compress_from
        self._searcher: Any = None
        self._searches = 0
        # IndexRefine does not own the indexes it searches: they live as long as this object.
        self._parts: tuple[Any, ...] = ()

    @classmethod
    def build(cls, vectors: Vectors, approximate_from: int = APPROXIMATE_FROM) -> DenseIndex:
        if len(vectors) < approximate_from:
            return cls(None, vectors=np.ascontiguousarray(vectors, dtype=np.float32))
        faiss = _faiss()
        index = faiss.IndexHNSWFlat(vectors.shape[1], HNSW_NEIGHBOURS, faiss.METRIC_INNER_PRODUCT)
        index.hnsw.efConstruction = 80
        index.hnsw.efSearch = 64
        if len(vectors):
            faiss.omp_set_num_threads(os.cpu_count() or 1)
            try:
                index.add(np.ascontiguousarray(vectors, dtype=np.float32))
            finally:
                faiss.omp_set_num_threads(1)
        return cls(index)

    @classmethod
    def flat(cls, vectors: Vectors, dim: int) -> DenseIndex:
        """An exact index over ``vectors`` whatever their number: a stored flat index."""
        return cls(_flat_index(np.ascontiguousarray(vectors, dtype=np.float32), dim))

    @property
    def index(self) -> Any:
        """The FAISS index (a flat one made from the vectors at the first call)."""
        if self._index is None:
            assert self._vectors is not None
            self._index = _flat_index(self._vectors, self._vectors.shape[1])
        return self._index

    def stored_vectors(self) -> np.ndarray[Any, Any]:
        """A flat index's vectors as one array, without a copy."""
        if self._vectors is not None:
            return self._vectors
        if not self.size:
            return np.zeros((0, self.dim), dtype=np.float32)
        stored = _faiss().rev_swig_ptr(self.index.get_xb(), self.size * self.dim)
        return np.asarray(stored).reshape(self.size, self.dim)

    @property
    def kind(self) -> str:
        if self._vectors is not None:
            return "flat"
        return "hnsw" if isinstance(self.index, _faiss().IndexHNSWFlat) else "flat"

    @property
    def compressed(self) -> bool:
        """Whether searches scan half-precision copies (refined on the full vectors)."""
        return self.kind == "flat" and self.size >= self.compress_from

    @property
    def size(self) -> int:
        if self._vectors is not None:
            return len(self._vectors)
        return int(self.index.ntotal)

    @property
    def dim(self) -> int:
        if self._vectors is not None:
            return int(self._vectors.shape[1])
        return int(self.index.d)

    def search(self, queries: Vectors, k: int) -> tuple[np.ndarray[Any, Any], np.ndarray[Any, Any]]:
        """Top ``k`` (scores, row ids) per query; missing slots have id -1."""
        k = max(1, min(k, self.size))
        self._searches += 1
        searcher = self._searcher
        if searcher is None:
            # A one-question process (a cold `ask`) searches once: 2 ms flat, not 30 ms of copies.
            searcher = self._searcher_for_size() if self._searches > 1 else self.index
        scores, ids = searcher.search(np.ascontiguousarray(queries, dtype=np.float32), k)
        return scores, ids

    def _searcher_for_size(self) -> Any:
        """The flat index itself, or from ``compress_from`` rows its half-precision copy refined
        on the full vectors. Two threads racing here build equal searchers; one is kept."""
        searcher = self.index
        if self.compressed:
            faiss = _faiss()
            halves = faiss.IndexScalarQuantizer(
                self.dim, faiss.ScalarQuantizer.QT_fp16, faiss.METRIC_INNER_PRODUCT
            )
            halves.add(self.stored_vectors())
            searcher = faiss.IndexRefine(halves, self.index)
            searcher.k_factor = REFINE
            self._parts = (halves, self.index)
        self._searcher = searcher
        return searcher

    def save(self, path: Path) -> None:
        _faiss().write_index(self.index, str(path))

    @classmethod
    def load(cls, path: Path) -> DenseIndex:
        return cls(_faiss().read_index(str(path)))


def _flat_index(vectors: Vectors, dim: int) -> Any:
    index = _faiss().IndexFlatIP(dim)
    if len(vectors):
        index.add(vectors)
    return index
