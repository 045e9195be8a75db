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
# An entry has a handful of questions; this many per wanted entry covers the closest ones.
PER_ENTRY = 8


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
        """Each question's cosine to the asked one."""
        return self.vectors @ vector.ravel()

    @cached_property
    def _groups(self) -> tuple[Array, Array, dict[int, int]]:
        """Questions ordered by document, where each document's run starts, and its run."""
        order = np.argsort(self.rows, kind="stable")
        documents, starts = np.unique(self.rows[order], return_index=True)
        return order, starts, {int(row): n for n, row in enumerate(documents.tolist())}

    def closest(self, scores: Array, rows: Sequence[int]) -> dict[int, float]:
        """The cosine of each document's closest question, for the given document rows."""
        if not len(self.rows):
            return {}
        order, starts, run = self._groups
        best = np.maximum.reduceat(scores[order], starts).tolist()
        return {row: best[run[row]] for row in rows if row in run}

    @cached_property
    def _silent(self) -> frozenset[int]:
        return frozenset(self.silent.tolist())

    def ranking(
        self, scores: Array, limit: int, dense: dict[int, float] | None = None
    ) -> list[int]:
        """Document rows by their closest question, best first; ``dense`` holds the cosine of
        the documents the dense search found, which stands in for a silent entry's question."""
        rows, scores = self.rows[self.ranks], scores[self.ranks]
        best: list[tuple[float, int]] = []
        if len(rows):
            # Only the best few questions can name the first ``limit`` entries: sort those.
            few = min(len(scores), limit * PER_ENTRY)
            chosen = np.argpartition(-scores, few - 1)[:few]
            best = list(zip(scores[chosen].tolist(), rows[chosen].tolist(), strict=True))
        if self._silent and dense:
            best += [(score, row) for row, score in dense.items() if row in self._silent]
        ranked: dict[int, None] = {}
        for _, row in sorted(best, key=lambda pair: -pair[0]):
            ranked.setdefault(int(row))
            if len(ranked) >= limit:
                break
        return list(ranked)

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
