"""How common a word is in everyday English: wordfreq's large English list, loaded fast.

``wordfreq.zipf_frequency`` costs about half a second per process (its language tables and
the 321,000-word list built into a dict), which doubled a cold ``studybot ask``. The same list
is kept here as one sorted blob of words beside their Zipf values, made once from wordfreq's
own data file and cached next to the exported models; a process then reads it in a few
milliseconds and looks words up by binary search.
"""

from __future__ import annotations

import bisect
import gzip
import importlib.util
import os
import tempfile
from array import array
from functools import cache, lru_cache
from pathlib import Path

CACHE_NAME = "wordfreq-large-en-v1.bin"
SOURCE = "large_en.msgpack.gz"


class WordTable:
    """Sorted words and their Zipf values (centi-Zipf, 0 for words not listed)."""

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


def from_wordfreq() -> WordTable:
    """Read wordfreq's English list (buckets of words, one per centibel) without importing it."""
    import msgpack

    spec = importlib.util.find_spec("wordfreq")
    if spec is None or not spec.submodule_search_locations:
        raise ModuleNotFoundError("wordfreq is not installed")
    source = Path(next(iter(spec.submodule_search_locations))) / "data" / SOURCE
    header, *buckets = msgpack.loads(gzip.decompress(source.read_bytes()), raw=False)
    if header.get("format") != "cB":
        raise ValueError(f"unexpected wordfreq format {header!r}")
    best: dict[str, int] = {}
    for centibels, bucket in enumerate(buckets):
        for word in bucket:
            # Zipf = log10(frequency per billion words) = 9 - centibels / 100.
            best.setdefault(word, max(0, 900 - centibels))
    ordered = sorted((w.encode("utf-8"), z) for w, z in best.items())
    return WordTable([w for w, _ in ordered], array("H", (z for _, z in ordered)))


@cache
def table() -> WordTable:
    """The cached table, made and saved on first use (a failed save only costs speed)."""
    from index.onnx_models import models_dir

    path = models_dir() / CACHE_NAME
    try:
        return WordTable.from_bytes(path.read_bytes())
    except (OSError, ValueError):
        pass
    made = from_wordfreq()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=path.parent, delete=False) as handle:
            handle.write(made.to_bytes())
        os.replace(handle.name, path)
    except OSError:
        Path(handle.name).unlink(missing_ok=True)
    return made


@lru_cache(maxsize=65536)
def zipf(word: str) -> float:
    """How common ``word`` is in everyday English (Zipf scale: "the" 7.7, "voltage" 4.0)."""
    return table().zipf(word.lower())
