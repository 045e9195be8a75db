"""Each document's stems, read from the BM25 table the index already holds.

Answers weigh how much of a question each of ~40 candidates covers (``terms.stems_of`` on the
candidate's text). At 20,000 entries most candidates of a question are read for the first
time, and splitting and stemming their texts again cost about 1.5 ms of each answer. The build
already split and stemmed every text into the BM25 matrix (``index.lexicon.tabulate`` counts
``terms.terms`` of each ``Document.indexed``), so a candidate's stems are the terms whose
column holds its row: the same set, read instead of computed.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from index.lexicon import EMPTY, Lexicon
from index.terms import remember_stems

Array = np.ndarray[Any, Any]


class DocumentStems:
    """Stems by document row, for one index version; the row table is made at the first call
    (a 10 ms sort of the matrix's entries by row), each row's set when first asked."""

    def __init__(self, lexicon: Lexicon) -> None:
        self._lexicon = lexicon
        self._terms: Array | None = None
        self._starts: Array | None = None
        self._known: dict[int, frozenset[str]] = {}

    def __call__(self, row: int) -> frozenset[str]:
        found = self._known.get(row)
        if found is None:
            terms, starts = self._table()
            names = self._lexicon.terms
            ids = terms[starts[row] : starts[row + 1]].tolist()
            found = frozenset([names[t] for t in ids]) - _EMPTY
            self._known[row] = found
        return found

    def remember(self, row: int, text: str) -> None:
        """Give ``terms.stems_of`` the stems of row ``row``, whose indexed text is ``text``."""
        remember_stems(text, self(row))

    def _table(self) -> tuple[Array, Array]:
        """Term ids grouped by row, and where each row's start: one sort of (row, term) pairs
        packed in 64 bits, far quicker than a stable argsort of the rows."""
        if self._terms is None or self._starts is None:
            matrix = self._lexicon.matrix
            columns = np.repeat(
                np.arange(len(matrix.indptr) - 1, dtype=np.int64), np.diff(matrix.indptr)
            )
            pairs = np.sort((matrix.indices.astype(np.int64) << 32) | columns)
            self._terms = (pairs & 0xFFFFFFFF).astype(np.int64)
            rows = np.bincount(matrix.indices, minlength=matrix.documents)
            starts = np.zeros(matrix.documents + 1, dtype=np.int64)
            np.cumsum(rows, out=starts[1:])
            self._starts = starts
        return self._terms, self._starts


_EMPTY = frozenset([EMPTY])
