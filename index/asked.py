"""Learners' questions of each resource (``questions:`` in the catalog), one vector each.

A resource's own vector reads its title, description and questions as one long text; a
learner's question is closest to another learner's question, so each is also embedded on its
own, and a resource ranks by its closest question (the third ranking in the fusion).
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from index.results import Document

Array = np.ndarray[Any, Any]
# An entry has a handful of questions; this many per wanted entry covers the closest ones.
PER_ENTRY = 8


def asked_questions(
    documents: Sequence[Document], questions: dict[str, tuple[str, ...]]
) -> list[tuple[int, str]]:
    """(document row, question) for every learner question of every resource document."""
    return [
        (row, question)
        for row, document in enumerate(documents)
        if document.is_resource
        for question in questions.get(document.ref, ())
    ]


@dataclass(frozen=True)
class AskedVectors:
    vectors: Array  # one unit vector per question (an entry without questions: its own)
    rows: Array  # the document row each question belongs to

    def ranking(self, vector: Array, limit: int) -> list[int]:
        """Document rows by their closest question, best first."""
        if not len(self.rows):
            return []
        scores = self.vectors @ vector.ravel()
        # Only the best few questions can name the first ``limit`` entries: sort those alone.
        few = min(len(scores), limit * PER_ENTRY)
        best = np.argpartition(-scores, few - 1)[:few]
        order = best[np.argsort(-scores[best], kind="stable")]
        ranked: dict[int, None] = {}
        for row in self.rows[order].tolist():
            ranked.setdefault(int(row))
            if len(ranked) >= limit:
                break
        return list(ranked)

    def save(self, path: Any) -> None:
        np.savez(path, vectors=self.vectors.astype(np.float32), rows=self.rows.astype(np.int32))

    @classmethod
    def load(cls, data: bytes, documents: int) -> AskedVectors:
        with np.load(io.BytesIO(data), allow_pickle=False) as stored:
            asked = cls(np.asarray(stored["vectors"]), np.asarray(stored["rows"]))
        if len(asked.vectors) != len(asked.rows) or (
            len(asked.rows) and int(asked.rows.max()) >= documents
        ):
            raise ValueError("learner questions point past the documents")
        return asked
