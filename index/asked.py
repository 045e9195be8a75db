"""What each document answers, as questions, one vector each.

For a resource, its learners' questions (``questions:`` in the catalog); for a note passage,
its section heading, which notes phrase as a learner's question ("What is a KV cache?").
A resource's own vector reads its title, description and questions as one long text; a
learner's question is closest to another learner's question, so each is also embedded on its
own: a resource ranks by its closest question (the third ranking in the fusion), and a passage
is quoted when its heading is close to what was asked. A resource without questions (a
maintainer's new entry, or every entry of a generated catalog) stands in with its own vector,
whose cosine the dense search has already measured: it is not stored twice.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

import numpy as np

from index.results import Document

Array = np.ndarray[Any, Any]


def asked_questions(
    documents: Sequence[Document], questions: dict[str, tuple[str, ...]]
) -> list[tuple[int, str]]:
    """(document row, question): every learner question of every resource, every heading."""
    return [
        (row, question)
        for row, document in enumerate(documents)
        for question in (
            questions.get(document.ref, ()) if document.is_resource else (document.heading,)
        )
    ]


@dataclass(frozen=True)
class AskedVectors:
    vectors: Array  # one unit vector per question
    rows: Array  # the document row each question belongs to
    # Which questions rank their document; passages' headings only say how close a quote is.
    ranks: Array
    # Resource rows without questions: ranked by their own vector's cosine (the dense score).
    silent: Array = field(default_factory=lambda: np.zeros(0, np.int32))

    def scores(self, vector: Array) -> Array:
        """The cosine of each document's closest question to the asked one, by document (in
        row order): one pass over the questions, grouped by document."""
        vectors, starts, _, _ = self._grouped
        if not len(starts):
            return np.zeros(0, np.float32)
        return np.maximum.reduceat(vectors @ vector.ravel(), starts)

    @cached_property
    def _grouped(self) -> tuple[Array, Array, Array, Array]:
        """The questions ordered by document (as built: no copy), where each document's run
        starts, the documents' rows (the order of ``scores``), and which rank by them."""
        vectors, rows, ranks = self.vectors, self.rows, self.ranks
        if len(rows) > 1 and bool(np.any(np.diff(rows) < 0)):
            order = np.argsort(rows, kind="stable")
            vectors, rows, ranks = vectors[order], rows[order], ranks[order]
        documents, starts = np.unique(rows, return_index=True)
        ranked = np.logical_or.reduceat(ranks, starts) if len(starts) else ranks[:0]
        return vectors, starts, documents, ranked

    @cached_property
    def _place(self) -> dict[int, int]:
        """Each document row's place in ``scores``."""
        return {int(row): n for n, row in enumerate(self._grouped[2].tolist())}

    def closest(self, scores: Array, rows: Sequence[int]) -> dict[int, float]:
        """The cosine of each document's closest question (``scores``), for the given rows."""
        place = self._place
        return {row: float(scores[place[row]]) for row in rows if row in place}

    @cached_property
    def _silent(self) -> frozenset[int]:
        return frozenset(self.silent.tolist())

    def ranking(
        self, scores: Array, limit: int, dense: dict[int, float] | None = None
    ) -> list[int]:
        """Document rows by their closest question, best first; ``dense`` holds the cosine of
        the documents the dense search found, which stands in for a silent entry's question."""
        _, _, documents, ranked = self._grouped
        rows, scores = documents[ranked], scores[ranked]
        if len(rows) > limit:
            chosen = np.argpartition(-scores, limit - 1)[:limit]
            rows, scores = rows[chosen], scores[chosen]
        best = list(zip(scores.tolist(), rows.tolist(), strict=True))
        if self._silent and dense:
            best += [(score, row) for row, score in dense.items() if row in self._silent]
        best.sort(key=lambda pair: -pair[0])
        return [int(row) for _, row in best[:limit]]

    def save(self, path: Any) -> None:
        np.savez(
            path,
            vectors=self.vectors.astype(np.float32),
            rows=self.rows.astype(np.int32),
            ranks=self.ranks.astype(bool),
            silent=self.silent.astype(np.int32),
        )

    @classmethod
    def load(cls, data: bytes, documents: int) -> AskedVectors:
        with np.load(io.BytesIO(data), allow_pickle=False) as stored:
            vectors, rows = np.asarray(stored["vectors"]), np.asarray(stored["rows"])
            ranks, silent = np.asarray(stored["ranks"]), np.asarray(stored["silent"])
        if len(vectors) != len(rows) or len(ranks) != len(rows):
            raise ValueError("learner questions and their documents differ in number")
        if any(len(r) and int(r.max()) >= documents for r in (rows, silent)):
            raise ValueError("learner questions point past the documents")
        return cls(vectors, rows, ranks.astype(bool), silent.astype(np.int32))
