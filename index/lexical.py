"""BM25 over the same terms the hints show (``index.terms``), scored with bm25s.

It is rebuilt from the stored document texts at load: for catalog-sized corpora that takes
milliseconds, and it leaves one fewer file format to keep consistent.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any

import numpy as np

from index.terms import terms


class LexicalIndex:
    def __init__(self, texts: Sequence[str]) -> None:
        import bm25s

        logging.getLogger("bm25s").setLevel(logging.WARNING)
        self.size = len(texts)
        self._retriever = bm25s.BM25()
        tokenized = [terms(text) or ["\x00empty"] for text in texts]
        if texts:
            self._retriever.index(tokenized, show_progress=False)
        self._vocabulary = {term for doc in tokenized for term in doc}

    def scores(self, query: str) -> np.ndarray[Any, Any]:
        """BM25 score of every document for ``query`` (zeros when no term is known)."""
        known = [term for term in terms(query) if term in self._vocabulary]
        if not known or not self.size:
            return np.zeros(self.size, dtype=np.float32)
        return np.asarray(self._retriever.get_scores(known), dtype=np.float32)
