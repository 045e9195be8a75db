"""Embeddings cached by (model, text hash), so a rebuild embeds only what changed.

One ``.npz`` file per model, with the rows of recent builds appended beside it
(``index.segments``); each file is written atomically, so its keys and vectors never disagree.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

import numpy as np

from index import segments
from index.embedder import Vectors

MAX_ROWS = 200_000


def parsed_catalog_dir(index_dir: Path) -> Path:
    """Where a build keeps the catalog files it parsed (``catalog.parse_cache``), so the next
    process re-parses only what changed."""
    return index_dir / "cache" / "parsed"


class EmbeddingCache:
    """Vectors by text hash, for one model; a save writes only the rows added (``segments``)."""

    def __init__(self, index_dir: Path, model: str) -> None:
        key = hashlib.sha256(model.encode()).hexdigest()[:16]
        self.path = index_dir / "cache" / f"embeddings-{key}.npz"
        self._rows: dict[str, np.ndarray[Any, Any]] = {}
        self._added: dict[str, None] = {}
        base, extra = segments.load(self.path, ("keys", "vectors"))
        # Rows in the base file and in the appended ones: when to rewrite the base.
        self._counts = (self._read(base), sum(self._read(arrays) for arrays in extra))

    def _read(self, arrays: segments.Arrays | None) -> int:
        if arrays is None or len(arrays["keys"]) != len(arrays["vectors"]):
            return 0
        keys, vectors = arrays["keys"], arrays["vectors"]
        self._rows.update({str(k): vectors[row] for row, k in enumerate(keys)})
        return len(keys)

    def __len__(self) -> int:
        return len(self._rows)

    def get(self, text_hash: str) -> np.ndarray[Any, Any] | None:
        return self._rows.get(text_hash)

    def put(self, hashes: list[str], vectors: Vectors) -> None:
        for key, vector in zip(hashes, vectors, strict=True):
            self._rows[key] = vector
            self._added[key] = None

    def save(self, keep: set[str]) -> None:
        """Persist the rows added: appended, or with a rewrite of the base that keeps the rows
        in ``keep`` first, then older ones up to MAX_ROWS."""
        if not self._added:
            return
        self._counts = segments.save(
            self.path, self._rows, self._added, keep, MAX_ROWS, self._arrays, self._counts
        )
        self._added.clear()

    def _arrays(self, keys: list[str]) -> dict[str, np.ndarray[Any, Any]]:
        vectors = np.stack([self._rows[key] for key in keys]).astype(np.float32)
        return {"keys": np.array(keys), "vectors": vectors}
