"""Hybrid retrieval: dense (FAISS) and lexical (BM25) candidates, fused by rank."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from index.asked import AskedVectors
from index.dense import DenseIndex
from index.document_stems import DocumentStems
from index.fusion import reciprocal_rank_fusion
from index.lexical import LexicalIndex
from index.results import Document, MatchedBy

CANDIDATES = 40
# Entries by their closest learner question: only the first few move the fusion, and each
# candidate costs the answer time.
ASKED_CANDIDATES = 10
# Up to this many documents, one stable sort of every score is quicker than selecting.
SORT_ALL = 4096


@dataclass(frozen=True)
class Candidate:
    row: int
    document: Document
    dense: float
    lexical: float
    fused: float
    dense_rank: int | None
    lexical_rank: int | None
    # Cosine of the closest question the document answers (a passage: its heading), if known.
    asked: float | None = None

    @property
    def matched_by(self) -> MatchedBy:
        if self.dense_rank is not None and self.lexical_rank is not None:
            return "both"
        return "dense" if self.dense_rank is not None else "lexical"


class Retriever:
    """Scores every document for a query vector and text; one instance per index version."""

    def __init__(
        self,
        documents: Sequence[Document],
        dense: DenseIndex,
        lexical: LexicalIndex,
        asked: AskedVectors,
    ) -> None:
        self.documents = documents
        self.dense = dense
        self.lexical = lexical
        self.asked = asked
        # Candidates' stems come from the BM25 table, not from splitting their texts again.
        self.stems = DocumentStems(lexical.lexicon)

    def retrieve(
        self,
        vector: np.ndarray,
        query_terms: Sequence[str],
        limit: int = CANDIDATES,
        mode: str = "fused",
        dense_weight: float = 1.0,
        asked_weight: float = 0.0,
    ) -> list[Candidate]:
        """Candidates best first for the query's vector and catalog terms.

        ``mode`` is fused, dense or lexical (for measuring each); ``dense_weight`` is the
        meaning ranking's share in the fusion beside the words' (the answer policy's, per model),
        ``asked_weight`` that of the resources ranked by their closest learner question.
        """
        if not self.documents:
            return []
        scores, rows = self.dense.search(vector.reshape(1, -1), min(limit, len(self.documents)))
        dense_scores = {int(r): float(s) for r, s in zip(rows[0], scores[0], strict=True) if r >= 0}
        dense_ranking = list(dense_scores)
        lexical_all = self.lexical.scores(query_terms)
        lexical_ranking = top_rows(lexical_all, limit).tolist()
        if mode == "dense":
            rankings: list[list[int]] = [dense_ranking]
        elif mode == "lexical":
            rankings = [lexical_ranking]
        else:
            rankings = [dense_ranking, lexical_ranking]
        weights = [dense_weight, 1.0] if len(rankings) == 2 else [1.0]
        asked = self.asked.scores(vector)
        if mode == "fused" and asked_weight:
            rankings.append(self.asked.ranking(asked, ASKED_CANDIDATES, dense_scores))
            weights.append(asked_weight)
        fused = reciprocal_rank_fusion(rankings, weights=weights)
        dense_rank = {row: rank for rank, row in enumerate(dense_ranking)}
        lexical_rank = {row: rank for rank, row in enumerate(lexical_ranking)}
        order = sorted(fused, key=lambda row: -fused[row])
        missing = [row for row in order if row not in dense_scores]
        if missing:
            dense_scores.update(self._exact_scores(vector, missing))
        closest = self.asked.closest(asked, order)
        for row in order:
            self.stems.remember(row, self.documents[row].indexed)
        return [
            Candidate(
                row=row,
                document=self.documents[row],
                dense=dense_scores[row],
                lexical=float(lexical_all[row]),
                fused=fused[row],
                dense_rank=dense_rank.get(row) if mode != "lexical" else None,
                lexical_rank=lexical_rank.get(row) if mode != "dense" else None,
                asked=closest.get(row),
            )
            for row in order
        ]

    def _exact_scores(self, vector: np.ndarray, rows: list[int]) -> dict[int, float]:
        """Cosine for lexical-only hits, so every candidate carries a comparable dense score."""
        # One call for every row: a reconstruct per row cost a tenth of a millisecond each.
        stored = self.dense.index.reconstruct_batch(np.array(rows, dtype=np.int64))
        return {row: float(score) for row, score in zip(rows, stored @ vector.ravel(), strict=True)}


def top_rows(scores: np.ndarray, limit: int) -> np.ndarray:
    """Rows of the ``limit`` highest positive scores, highest first and ties in row order: the
    first positive rows of a stable argsort of every score, without sorting all 20,000."""
    if len(scores) <= SORT_ALL:
        order = np.argsort(-scores, kind="stable")
        return order[: min(limit, int(np.count_nonzero(scores > 0)))]
    rows = np.flatnonzero(scores > 0)
    if len(rows) > limit:
        values = scores[rows]
        kth = np.partition(values, len(values) - limit)[len(values) - limit]
        above = rows[values > kth]
        tied = rows[values == kth][: limit - len(above)]
        rows = np.sort(np.concatenate([above, tied]))
    return rows[np.argsort(-scores[rows], kind="stable")]
