"""Embeddings cached by (model, text hash), so a rebuild embeds only what changed.

One ``.npz`` file per model, replaced atomically: keys and vectors can never disagree.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

import numpy as np

from index.embedder import Vectors
from index.npz import save_npz

MAX_ROWS = 200_000


def parsed_catalog_dir(index_dir: Path) -> Path:
    """Where a build keeps the catalog files it parsed (``catalog.parse_cache``), so the next
    process re-parses only what changed."""
    return index_dir / "cache" / "parsed"


class EmbeddingCache:
    def __init__(self, index_dir: Path, model: str) -> None:
        key = hashlib.sha256(model.encode()).hexdigest()[:16]
        self.path = index_dir / "cache" / f"embeddings-{key}.npz"
        self._rows: dict[str, np.ndarray[Any, Any]] = {}
        try:
            with np.load(self.path, allow_pickle=False) as data:
                keys, vectors = data["keys"], data["vectors"]
        except (OSError, ValueError, KeyError, EOFError):
            return
        if len(keys) == len(vectors):
            self._rows = {str(k): vectors[row] for row, k in enumerate(keys)}

    def __len__(self) -> int:
        return len(self._rows)

    def get(self, text_hash: str) -> np.ndarray[Any, Any] | None:
        return self._rows.get(text_hash)

    def put(self, hashes: list[str], vectors: Vectors) -> None:
        for key, vector in zip(hashes, vectors, strict=True):
            self._rows[key] = vector

    def save(self, keep: set[str]) -> None:
        """Persist, the rows in ``keep`` first, then older ones up to MAX_ROWS."""
        ordered = [k for k in self._rows if k in keep] + [k for k in self._rows if k not in keep]
        ordered = ordered[:MAX_ROWS]
        if not ordered:
            return
        save_npz(
            self.path,
            keys=np.array(ordered),
            vectors=np.stack([self._rows[key] for key in ordered]).astype(np.float32),
        )
