"""FAISS search over unit vectors: inner product equals cosine similarity on normalised rows.

Small catalogs use an exact flat index. From ``APPROXIMATE_FROM`` documents on, exact search
stops being cheap per query, so the index switches to HNSW (graph search, ~99% recall here).

Questions are searched one at a time, on one thread: over 20,000 vectors that takes 2 ms,
where FAISS's OpenMP threads took 16 ms on two busy cores (they wait on each other). Only
building an HNSW graph, real work per vector, gets every core.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import faiss
import numpy as np

from index.embedder import Vectors

APPROXIMATE_FROM = 50_000
HNSW_NEIGHBOURS = 32

faiss.omp_set_num_threads(1)


class DenseIndex:
    def __init__(self, index: Any) -> None:
        self.index = index

    @classmethod
    def build(cls, vectors: Vectors, approximate_from: int = APPROXIMATE_FROM) -> DenseIndex:
        dim = vectors.shape[1]
        index: Any
        if len(vectors) >= approximate_from:
            index = faiss.IndexHNSWFlat(dim, HNSW_NEIGHBOURS, faiss.METRIC_INNER_PRODUCT)
            index.hnsw.efConstruction = 80
            index.hnsw.efSearch = 64
        else:
            index = faiss.IndexFlatIP(dim)
        if len(vectors):
            if isinstance(index, faiss.IndexHNSWFlat):
                faiss.omp_set_num_threads(os.cpu_count() or 1)
            try:
                index.add(np.ascontiguousarray(vectors, dtype=np.float32))
            finally:
                faiss.omp_set_num_threads(1)
        return cls(index)

    @property
    def kind(self) -> str:
        return "hnsw" if isinstance(self.index, faiss.IndexHNSWFlat) else "flat"

    @property
    def size(self) -> int:
        return int(self.index.ntotal)

    @property
    def dim(self) -> int:
        return int(self.index.d)

    def search(self, queries: Vectors, k: int) -> tuple[np.ndarray[Any, Any], np.ndarray[Any, Any]]:
        """Top ``k`` (scores, row ids) per query; missing slots have id -1."""
        k = max(1, min(k, self.size))
        scores, ids = self.index.search(np.ascontiguousarray(queries, dtype=np.float32), k)
        return scores, ids

    def save(self, path: Path) -> None:
        faiss.write_index(self.index, str(path))

    @classmethod
    def load(cls, path: Path) -> DenseIndex:
        return cls(faiss.read_index(str(path)))
