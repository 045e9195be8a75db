"""What the lexical index serves from, computed at build time and saved with each version.

Loading used to recompute all of it from the document texts (1 s at 5,000 entries): the
terms, their BM25 matrix, and each stem's commonest written form. Now a build tabulates it
from each document's words (``WordCache`` keeps those per text hash, as embeddings are kept,
so an edit re-reads one document) and ``lexical.npz`` stores it as plain arrays: strings as
newline-joined UTF-8, no pickle.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO
from zipfile import BadZipFile

import numpy as np

from index import segments
from index.bm25 import Array, Bm25Matrix
from index.terms import stem, words

# A document without terms still gets one, so bm25s's average length counts it.
EMPTY = "\x00empty"
CACHE_ROWS = 200_000


@dataclass(frozen=True)
class Lexicon:
    """Sorted terms, the BM25 matrix over them, each term's commonest spelling in the
    documents (the term itself when none), and every alphabetic word as written, sorted."""

    terms: list[str]
    matrix: Bm25Matrix
    spellings: list[str]
    written: list[str]

    def save(self, path: Path) -> None:
        np.savez(
            path,
            terms=_join(self.terms),
            spellings=_join(self.spellings),
            written=_join(self.written),
            data=self.matrix.data,
            indices=self.matrix.indices,
            indptr=self.matrix.indptr,
            documents=np.array([self.matrix.documents], dtype=np.int64),
        )

    @classmethod
    def load(cls, source: Path | BinaryIO) -> Lexicon:
        """ValueError (or OSError) when the file is not a whole lexicon."""
        try:
            with np.load(source, allow_pickle=False) as stored:
                arrays = {key: stored[key] for key in stored.files}
            terms = _split(arrays["terms"])
            matrix = Bm25Matrix(
                arrays["data"], arrays["indices"], arrays["indptr"], int(arrays["documents"][0])
            )
            lexicon = cls(terms, matrix, _split(arrays["spellings"]), _split(arrays["written"]))
        except (KeyError, IndexError, EOFError, UnicodeDecodeError, BadZipFile) as error:
            raise ValueError(f"incomplete lexicon: {error!r}") from None
        matrix.check(len(terms))
        if len(lexicon.spellings) != len(terms):
            raise ValueError("lexicon: terms and spellings disagree")
        return lexicon


def tabulate(word_ids: Array, offsets: Array, vocabulary: list[str]) -> Lexicon:
    """The lexicon of documents whose words are ``vocabulary[word_ids[offsets[d]:offsets[d+1]]]``.

    Equal to counting ``index.terms.terms`` of every text: a stem's spelling is its most
    frequent written word, the first met on a tie (as ``Counter.most_common``).
    """
    # np.unique's three answers from one pass each instead of a sort of every word.
    tally = np.bincount(word_ids, minlength=len(vocabulary))
    used = np.flatnonzero(tally)
    firsts = np.full(len(vocabulary), len(word_ids), dtype=np.int64)
    np.minimum.at(firsts, word_ids, np.arange(len(word_ids), dtype=np.int64))
    first, counts = firsts[used], tally[used]
    stems = [stem(vocabulary[w]) for w in used.tolist()]
    lengths = np.diff(offsets)
    empty = lengths == 0
    terms = sorted(set(stems) | ({EMPTY} if empty.any() else set()))
    term_id = {term: n for n, term in enumerate(terms)}
    of_word = np.full(len(vocabulary), -1, dtype=np.int32)
    of_word[used] = [term_id[s] for s in stems]
    doc_terms = of_word[word_ids]
    if empty.any():
        doc_terms = np.insert(doc_terms, offsets[:-1][empty], term_id[EMPTY])
        offsets = offsets + np.concatenate([[0], np.cumsum(empty)])
    matrix = Bm25Matrix.build(doc_terms, offsets, len(terms))
    spellings = list(terms)
    owner = of_word[used]
    order = np.lexsort((first, -counts, owner))
    leads = order[np.r_[True, owner[order][1:] != owner[order][:-1]]] if len(order) else order
    for row in leads.tolist():
        spellings[owner[row]] = vocabulary[used[row]]
    written = sorted(w for w in (vocabulary[u] for u in used.tolist()) if w.isalpha())
    return Lexicon(terms, matrix, spellings, written)


class WordCache:
    """Each document's words by text hash: ``cache/words.npz`` and the rows of recent builds
    appended beside it (``index.segments``); only in memory without an index folder."""

    def __init__(self, index_dir: Path | None = None, reuse: bool = True) -> None:
        self.path = index_dir / "cache" / "words.npz" if index_dir else None
        self.vocabulary: list[str] = []
        self._word: dict[str, int] = {}
        self._rows: dict[str, Array] = {}
        self._added: dict[str, None] = {}
        # Rows in the base file and in the appended ones: when to rewrite the base.
        self._counts = (0, 0)
        if self.path is None or not reuse:
            return
        base, extra = segments.load(self.path, ("keys", "offsets", "ids", "words"))
        self._counts = (self._read(base), sum(self._read(arrays) for arrays in extra))

    @property
    def added(self) -> int:
        return len(self._added)

    def _read(self, arrays: segments.Arrays | None) -> int:
        """Add one file's rows, its word ids mapped onto this vocabulary; 0 if it is damaged."""
        if arrays is None:
            return 0
        keys, offsets, ids = arrays["keys"], arrays["offsets"], arrays["ids"]
        try:
            words = _split(arrays["words"])
        except (ValueError, UnicodeDecodeError):
            return 0
        if len(offsets) != len(keys) + 1 or (len(ids) and ids.max() >= len(words)):
            return 0
        if not self.vocabulary:
            self.vocabulary = words
            self._word = {word: n for n, word in enumerate(words)}
        else:
            ids = np.array([self._id(word) for word in words], dtype=np.int32)[ids]
        for n, key in enumerate(keys.tolist()):
            self._rows[str(key)] = ids[offsets[n] : offsets[n + 1]]
        return len(keys)

    def words(self, hashes: list[str], texts: list[str]) -> tuple[Array, Array]:
        """Word ids of every text (read only for hashes not cached) and their offsets."""
        rows = []
        for key, text in zip(hashes, texts, strict=True):
            row = self._rows.get(key)
            if row is None:
                row = np.array([self._id(word) for word in words(text)], dtype=np.int32)
                self._rows[key] = row
                self._added[key] = None
            rows.append(row)
        offsets = np.zeros(len(rows) + 1, dtype=np.int64)
        np.cumsum([len(row) for row in rows], out=offsets[1:])
        flat = np.concatenate(rows) if rows else np.zeros(0, dtype=np.int32)
        return flat.astype(np.int32, copy=False), offsets

    def _id(self, word: str) -> int:
        found = self._word.get(word)
        if found is None:
            found = self._word[word] = len(self.vocabulary)
            self.vocabulary.append(word)
        return found

    def save(self, keep: set[str]) -> None:
        """Persist the rows added: appended, or with a rewrite of the base that keeps the rows
        in ``keep`` first, then older ones up to CACHE_ROWS."""
        if not self._added or self.path is None:
            return
        self._counts = segments.save(
            self.path, self._rows, self._added, keep, CACHE_ROWS, self._arrays, self._counts
        )
        self._added.clear()

    def _arrays(self, keys: list[str]) -> dict[str, Array]:
        """The rows of ``keys`` with only the words they use, so no file grows with every edit."""
        rows = [self._rows[key] for key in keys]
        offsets = np.zeros(len(rows) + 1, dtype=np.int64)
        np.cumsum([len(row) for row in rows], out=offsets[1:])
        flat = np.concatenate(rows) if rows else np.zeros(0, dtype=np.int32)
        kept, flat = np.unique(flat, return_inverse=True)
        return {
            "keys": np.array(keys),
            "offsets": offsets,
            "ids": flat.astype(np.int32),
            "words": _join([self.vocabulary[w] for w in kept.tolist()]),
        }


def _join(strings: list[str]) -> Array:
    """Strings as one UTF-8 byte array (no word or term holds a newline)."""
    return np.frombuffer("\n".join(strings).encode("utf-8"), dtype=np.uint8)


def _split(data: Array) -> list[str]:
    if data.dtype != np.uint8 or data.ndim != 1:
        raise ValueError("expected newline-joined UTF-8")
    return data.tobytes().decode("utf-8").split("\n") if data.size else []
