"""How common a word is in everyday English: wordfreq's large English list, loaded fast.

``wordfreq.zipf_frequency`` costs about half a second per process (its language tables and
the 321,000-word list built into a dict), which doubled a cold ``studybot ask``. The same list
is kept here as one sorted blob of words beside their Zipf values, made once from wordfreq's
own data file and cached in the folder the front end names with ``keep_word_tables_in`` (studybot:
next to the exported models); a process then reads it in a few milliseconds and looks words up
by binary search. Without a folder the tables are made in memory, once per process.
"""

from __future__ import annotations

import bisect
import gzip
import importlib.util
import os
import tempfile
from array import array
from collections.abc import Callable
from functools import cache, lru_cache
from pathlib import Path

CACHE_NAME = "wordfreq-large-en-v1.bin"
FOREIGN_CACHE_NAME = "wordfreq-foreign-v1.bin"
SOURCE = "large_en.msgpack.gz"
# Latin-script languages told apart from English by their words (others by their script).
FOREIGN = ("fr", "es", "de", "pt", "it", "nl", "tr", "pl", "id", "vi", "sv", "da", "ro", "cs")
FOREIGN_MIN = 300  # centi-Zipf: a word the other language really uses
FOREIGN_MARGIN = 100  # and at least ten times more often than English does


class WordTable:
    """Sorted words and their values (centi-Zipf, 0 for words not listed)."""

    def __init__(self, words: list[bytes], values: array[int]) -> None:
        self.words = words
        self.values = values

    def zipf(self, word: str) -> float:
        key = word.encode("utf-8")
        at = bisect.bisect_left(self.words, key)
        if at < len(self.words) and self.words[at] == key:
            return self.values[at] / 100
        return 0.0

    def to_bytes(self) -> bytes:
        blob = b"\n".join(self.words)
        return len(blob).to_bytes(8, "little") + blob + self.values.tobytes()

    @classmethod
    def from_bytes(cls, data: bytes) -> WordTable:
        size = int.from_bytes(data[:8], "little")
        words = data[8 : 8 + size].split(b"\n")
        values = array("H")
        values.frombytes(data[8 + size :])
        if len(values) != len(words):
            raise ValueError("word table is damaged")
        return cls(words, values)


def _buckets(name: str) -> list[list[str]]:
    """A wordfreq list (one bucket of words per centibel), read without importing wordfreq."""
    import msgpack

    spec = importlib.util.find_spec("wordfreq")
    if spec is None or not spec.submodule_search_locations:
        raise ModuleNotFoundError("wordfreq is not installed")
    source = Path(next(iter(spec.submodule_search_locations))) / "data" / name
    header, *buckets = msgpack.loads(gzip.decompress(source.read_bytes()), raw=False)
    if header.get("format") != "cB":
        raise ValueError(f"unexpected wordfreq format {header!r}")
    return list(buckets)


def _zipf_values(name: str) -> dict[str, int]:
    """Word -> centi-Zipf (Zipf = log10(frequency per billion words) = 9 - centibels / 100)."""
    best: dict[str, int] = {}
    for centibels, bucket in enumerate(_buckets(name)):
        for word in bucket:
            best.setdefault(word, max(0, 900 - centibels))
    return best


def _table(values: dict[str, int]) -> WordTable:
    ordered = sorted((w.encode("utf-8"), z) for w, z in values.items())
    return WordTable([w for w, _ in ordered], array("H", (z for _, z in ordered)))


def from_wordfreq() -> WordTable:
    """English: wordfreq's large list, every word it knows."""
    return _table(_zipf_values(SOURCE))


def foreign_from_wordfreq() -> WordTable:
    """Words other languages use far more than English, valued language index * 1000 + Zipf.

    From wordfreq's small lists (words at Zipf 3 and above): enough to tell "fonctionne" or
    "qué" from English, in a table of a few tens of thousands of words instead of nine
    languages' full lists in memory.
    """
    english = table()
    best: dict[str, tuple[int, int]] = {}
    for index, code in enumerate(FOREIGN):
        for word, centi in _zipf_values(f"small_{code}.msgpack.gz").items():
            strong = centi >= FOREIGN_MIN and centi >= english.zipf(word) * 100 + FOREIGN_MARGIN
            if strong and centi > best.get(word, (0, 0))[1]:
                best[word] = (index, centi)
    return _table({word: index * 1000 + centi for word, (index, centi) in best.items()})


_folder: Path | None = None


def keep_word_tables_in(folder: Path | None) -> None:
    """Save the word tables in ``folder`` (None: keep them in memory only).

    A setting for the whole process, not an argument: the tables are read by plain functions
    (``zipf``) deep inside query analysis and BM25, once per process. Call it at start, before
    the first question.
    """
    global _folder
    _folder = folder


def _cached(name: str, make: Callable[[], WordTable]) -> WordTable:
    """The table saved under ``name`` in the chosen folder, made on first use."""
    if _folder is None:
        return make()
    path = _folder / name
    try:
        return WordTable.from_bytes(path.read_bytes())
    except (OSError, ValueError):
        pass
    made = make()
    tmp: Path | None = None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=path.parent, delete=False) as handle:
            tmp = Path(handle.name)
            handle.write(made.to_bytes())
        os.replace(tmp, path)
    except OSError:  # a read-only folder only costs speed
        if tmp is not None:
            tmp.unlink(missing_ok=True)
    return made


@cache
def table() -> WordTable:
    return _cached(CACHE_NAME, from_wordfreq)


@cache
def foreign_table() -> WordTable:
    return _cached(FOREIGN_CACHE_NAME, foreign_from_wordfreq)


def foreign(word: str) -> tuple[str, float] | None:
    """The language that uses ``word`` far more than English does, with its Zipf value."""
    value = foreign_table().zipf(word.lower())
    if not value:
        return None
    index, centi = divmod(round(value * 100), 1000)
    return FOREIGN[index], centi / 100


@lru_cache(maxsize=65536)
def zipf(word: str) -> float:
    """How common ``word`` is in everyday English (Zipf scale: "the" 7.7, "voltage" 4.0)."""
    return table().zipf(word.lower())
