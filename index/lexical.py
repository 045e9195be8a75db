"""BM25 over the same terms the hints show (``index.terms``), scored with bm25s.

It is rebuilt from the stored document texts at load: for catalog-sized corpora that takes
milliseconds, and it leaves one fewer file format to keep consistent. Query words the catalog
never uses are corrected to a close catalog word when there is one ("paralellism").
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Sequence
from functools import lru_cache
from typing import Any

import numpy as np

from index.query import Query, analyse
from index.terms import stem, terms, words
from index.word_frequency import zipf

MIN_CORRECTABLE = 5
CORRECTION_CUTOFF = 0.84
# Words at least this common in English (Zipf scale) are words, not typos.
TYPO_ZIPF = 2.5
# A topical word is one the catalog discusses in several documents but not everywhere:
# "rlhf" or "attention", not "model" (everywhere) nor "computer" (one passing mention).
TOPICAL_MIN_DOCS = 3
TOPICAL_MAX_SHARE = 0.3


class LexicalIndex:
    def __init__(self, texts: Sequence[str]) -> None:
        import bm25s

        logging.getLogger("bm25s").setLevel(logging.WARNING)
        self.size = len(texts)
        self._texts = list(texts)
        self._retriever = bm25s.BM25()
        tokenized = [terms(text) or ["\x00empty"] for text in texts]
        if texts:
            self._retriever.index(tokenized, show_progress=False)
        self._frequency = Counter(term for doc in tokenized for term in set(doc))
        self._spellings: dict[str, Counter[str]] = {}
        self._written: list[str] = []
        self._vocabulary = sorted(self._frequency)
        self.correct = lru_cache(maxsize=4096)(self._correct)

    def _correct(self, term: str) -> str | None:
        """The catalog's word for ``term``: itself, or the closest spelling if it is a typo.

        A real English word ("voltage") is not a typo of a catalog word, so only words that
        everyday English does not use are corrected; a swap of two letters ("cahce") is one edit.
        """
        if term in self._frequency:
            return term
        if len(term) < MIN_CORRECTABLE or not term.isalpha() or zipf(term) >= TYPO_ZIPF:
            return None
        from rapidfuzz import fuzz, process
        from rapidfuzz.distance import DamerauLevenshtein

        # rapidfuzz, not difflib: a miss scans the whole vocabulary, and difflib's 15 ms of
        # pure Python per word held the GIL long enough to stall the bot's event loop.
        best = process.extractOne(
            term, self._vocabulary, scorer=fuzz.ratio, score_cutoff=CORRECTION_CUTOFF * 100
        )
        if best is None:
            # Against the words as written too: "tokenizaton" is close to "tokenization",
            # whose stem "tokenize" is not.
            if not self._spellings:
                self._spellings = self._count_spellings()
            written = process.extractOne(
                term, self._written, scorer=fuzz.ratio, score_cutoff=CORRECTION_CUTOFF * 100
            )
            if written is not None:
                return stem(str(written[0]))
        if best is None:
            best = process.extractOne(
                term,
                self._vocabulary,
                scorer=DamerauLevenshtein.distance,  # type: ignore[call-overload]
                score_cutoff=1,
            )
        return str(best[0]) if best else None

    def spelling(self, term: str) -> str:
        """The catalog's commonest word for a stem ("illustrat" -> "illustrated")."""
        if not self._spellings:
            self._spellings = self._count_spellings()
        found = self._spellings.get(term)
        return found.most_common(1)[0][0] if found else term

    def _count_spellings(self) -> dict[str, Counter[str]]:
        spellings: dict[str, Counter[str]] = {}
        for text in self._texts:
            for word in words(text):
                spellings.setdefault(stem(word), Counter())[word] += 1
        self._written = sorted({w for found in spellings.values() for w in found if w.isalpha()})
        return spellings

    def document_frequency(self, term: str) -> int:
        """How many documents use ``term`` (a stem)."""
        return self._frequency.get(term, 0)

    def analyse(self, query: str) -> Query:
        """The question's words, the catalog's spelling of each, and what it asks for."""
        most = max(TOPICAL_MIN_DOCS, TOPICAL_MAX_SHARE * self.size)
        return analyse(
            query,
            correct=self.correct,
            frequency=self.document_frequency,
            spelling=self.spelling,
            is_topical=lambda term: TOPICAL_MIN_DOCS <= self._frequency[term] <= most,
            total=self.size,
        )

    def scores(self, query_terms: Sequence[str]) -> np.ndarray[Any, Any]:
        """BM25 score of every document for the catalog terms (zeros when there are none)."""
        if not query_terms or not self.size:
            return np.zeros(self.size, dtype=np.float32)
        return np.asarray(self._retriever.get_scores(list(query_terms)), dtype=np.float32)
