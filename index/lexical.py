"""BM25 over the same terms the hints show (``index.terms``), as bm25s scores it.

It serves from the ``Lexicon`` a build saved with the index version (``index.lexicon``):
loading reads arrays instead of tokenizing every document again. Query words the catalog
never uses are corrected to a close catalog word when there is one ("paralellism").
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache
from typing import Any

import numpy as np

from index.lexicon import Lexicon, WordCache, tabulate
from index.query import Query, analyse
from index.terms import stem
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
    def __init__(self, lexicon: Lexicon) -> None:
        self.lexicon = lexicon
        self.size = lexicon.matrix.documents
        self._ids = {term: n for n, term in enumerate(lexicon.terms)}
        frequency: list[int] = lexicon.matrix.frequency().tolist()
        self._frequency = dict(zip(lexicon.terms, frequency, strict=True))
        self._spellings: dict[str, str] = {}
        self._vocabulary = lexicon.terms
        self._written = lexicon.written
        self.correct = lru_cache(maxsize=4096)(self._correct)

    @classmethod
    def from_texts(cls, texts: Sequence[str]) -> LexicalIndex:
        """Straight from the texts, nothing cached (tests, and the reference the store matches)."""
        cache = WordCache()
        word_ids, offsets = cache.words([str(n) for n in range(len(texts))], list(texts))
        return cls(tabulate(word_ids, offsets, cache.vocabulary))

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
            self._spellings = dict(zip(self.lexicon.terms, self.lexicon.spellings, strict=True))
        return self._spellings.get(term, term)

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
            is_topical=lambda term: TOPICAL_MIN_DOCS <= self._frequency.get(term, 0) <= most,
            total=self.size,
        )

    def scores(self, query_terms: Sequence[str]) -> np.ndarray[Any, Any]:
        """BM25 score of every document for the catalog terms (zeros when there are none)."""
        if not query_terms or not self.size:
            return np.zeros(self.size, dtype=np.float32)
        ids = [self._ids[term] for term in query_terms if term in self._ids]
        return self.lexicon.matrix.scores(ids)
