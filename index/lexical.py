"""BM25 over the same terms the hints show (``index.terms``), scored with bm25s.

It is rebuilt from the stored document texts at load: for catalog-sized corpora that takes
milliseconds, and it leaves one fewer file format to keep consistent. Query words the catalog
never uses are corrected to a close catalog word when there is one ("paralellism").
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import numpy as np

from index.terms import terms

MIN_CORRECTABLE = 5
CORRECTION_CUTOFF = 0.84
# A topical word is one the catalog discusses in several documents but not everywhere:
# "rlhf" or "attention", not "model" (everywhere) nor "computer" (one passing mention).
TOPICAL_MIN_DOCS = 3
TOPICAL_MAX_SHARE = 0.3


@dataclass(frozen=True)
class QueryTerms:
    """A query as the lexical index sees it."""

    terms: tuple[str, ...]
    known: tuple[str, ...]
    topical: tuple[str, ...]

    @property
    def coverage(self) -> float:
        """Share of the query's words that the catalog uses at all."""
        return len(self.known) / len(self.terms) if self.terms else 0.0


class LexicalIndex:
    def __init__(self, texts: Sequence[str]) -> None:
        import bm25s

        logging.getLogger("bm25s").setLevel(logging.WARNING)
        self.size = len(texts)
        self._retriever = bm25s.BM25()
        tokenized = [terms(text) or ["\x00empty"] for text in texts]
        if texts:
            self._retriever.index(tokenized, show_progress=False)
        self._frequency = Counter(term for doc in tokenized for term in set(doc))
        self._vocabulary = sorted(self._frequency)
        self.correct = lru_cache(maxsize=4096)(self._correct)

    def _correct(self, term: str) -> str | None:
        if term in self._frequency:
            return term
        if len(term) < MIN_CORRECTABLE or not term.isalpha():
            return None
        from rapidfuzz import fuzz, process

        # rapidfuzz, not difflib: a miss scans the whole vocabulary, and difflib's 15 ms of
        # pure Python per word held the GIL long enough to stall the bot's event loop.
        best = process.extractOne(
            term, self._vocabulary, scorer=fuzz.ratio, score_cutoff=CORRECTION_CUTOFF * 100
        )
        return str(best[0]) if best else None

    def analyse(self, query: str) -> QueryTerms:
        """Terms, the catalog's spelling of each, and those the catalog treats as topics."""
        # A number the catalog never mentions ("question 9") says nothing about the topic.
        query_terms = tuple(
            term
            for term in dict.fromkeys(terms(query))
            if not (term.isdigit() and term not in self._frequency)
        )
        known = tuple(k for k in (self.correct(t) for t in query_terms) if k is not None)
        most = max(TOPICAL_MIN_DOCS, TOPICAL_MAX_SHARE * self.size)
        topical = tuple(t for t in known if TOPICAL_MIN_DOCS <= self._frequency[t] <= most)
        return QueryTerms(query_terms, known, topical)

    def scores(self, query: str) -> np.ndarray[Any, Any]:
        """BM25 score of every document for ``query`` (zeros when no term is known)."""
        known = list(self.analyse(query).known)
        if not known or not self.size:
            return np.zeros(self.size, dtype=np.float32)
        return np.asarray(self._retriever.get_scores(known), dtype=np.float32)
