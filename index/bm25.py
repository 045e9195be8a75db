"""BM25 scores exactly as bm25s computes them (Lucene variant, k1 1.5, b 0.75), as plain arrays.

bm25s rebuilt its matrix at every load (1 s at 5,000 entries) and importing it pulls in
scipy.sparse (a quarter of a second of every cold ``ask``). Here the matrix is computed once
per build, vectorised over all documents (a one-entry edit must not re-run a per-document
Python loop over 20,000 entries), saved with the index version and summed per query term as
``bm25s.BM25.get_scores`` does, in the same float32 order: scores are bit for bit bm25s's
(``tests/test_lexical_store.py`` compares them).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

K1 = 1.5
B = 0.75

Array = np.ndarray[Any, Any]


@dataclass(frozen=True)
class Bm25Matrix:
    """One column per term: the documents using it (``indices``) and their scores (``data``)."""

    data: Array  # float32
    indices: Array  # int32 document rows, ascending within a column
    indptr: Array  # int64, column t is data[indptr[t]:indptr[t + 1]]
    documents: int

    @classmethod
    def build(cls, term_ids: Array, offsets: Array, terms: int) -> Bm25Matrix:
        """From each document's term ids (``term_ids[offsets[d]:offsets[d + 1]]``)."""
        documents = len(offsets) - 1
        lengths = np.diff(offsets).astype(np.int64)
        if not documents or not len(term_ids):
            return cls(
                np.zeros(0, np.float32),
                np.zeros(0, np.int32),
                np.zeros(terms + 1, np.int64),
                documents,
            )
        average = lengths.mean()  # bm25s: np.array(lengths).mean(), the same pairwise sum
        rows = np.repeat(np.arange(documents, dtype=np.int64), lengths)
        # Sorted by term, then document: already the matrix's column order.
        pairs, counts = np.unique(term_ids.astype(np.int64) * documents + rows, return_counts=True)
        term, row = pairs // documents, pairs % documents
        frequency = np.bincount(term, minlength=terms)
        # math.log per distinct frequency, as bm25s (numpy's log may differ in the last bit).
        distinct = set(frequency.tolist())
        idf_of = {df: math.log(1 + (documents - df + 0.5) / (df + 0.5)) for df in distinct}
        idf = np.array([idf_of[df] for df in frequency.tolist()], dtype=np.float32)
        tf = counts.astype(np.float32).astype(np.float64)
        tfc = tf / (K1 * ((1 - B) + B * lengths[row].astype(np.float64) / average) + tf)
        scores = (idf[term].astype(np.float64) * tfc).astype(np.float32)
        indptr = np.zeros(terms + 1, dtype=np.int64)
        np.cumsum(frequency, out=indptr[1:])
        return cls(scores, row.astype(np.int32), indptr, documents)

    def frequency(self) -> Array:
        """How many documents use each term."""
        return np.diff(self.indptr)

    def scores(self, term_ids: Sequence[int]) -> Array:
        """The summed score of every document, one term after the other (repeats count twice)."""
        total = np.zeros(self.documents, dtype=np.float32)
        for term in term_ids:
            start, end = self.indptr[term], self.indptr[term + 1]
            np.add.at(total, self.indices[start:end], self.data[start:end])
        return total

    def check(self, terms: int) -> None:
        """ValueError when the arrays cannot be one matrix of ``terms`` columns."""
        rows = self.indices
        if (
            self.data.dtype != np.float32
            or rows.dtype != np.int32
            or len(self.indptr) != terms + 1
            or self.indptr[0] != 0
            or self.indptr[-1] != len(self.data)
            or len(rows) != len(self.data)
            or np.any(np.diff(self.indptr) < 0)
            or (len(rows) and not 0 <= rows.min() <= rows.max() < self.documents)
        ):
            raise ValueError("the BM25 arrays do not form one matrix")
