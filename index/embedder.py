"""Text -> unit vectors. The Embedder protocol is the seam tests and faster encoders plug into."""

from __future__ import annotations

import os
import threading
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

import numpy as np
import numpy.typing as npt

from index.locations import DEFAULT_MODEL, bundled_model_path

if TYPE_CHECKING:
    from collections.abc import Sequence

Vectors = npt.NDArray[np.float32]

# One loaded model per path and process: rebuilds and new Engines reuse it.
_MODELS: dict[str, Any] = {}
_MODELS_LOCK = threading.Lock()


class Embedder(Protocol):
    """Anything that turns texts into L2-normalised float32 rows."""

    @property
    def name(self) -> str: ...

    def encode(self, texts: Sequence[str]) -> Vectors: ...


def resolve_model(model: str | None) -> str:
    """The default name means the bundled copy; anything else is a local path or a hub id."""
    if model is None or model in (DEFAULT_MODEL, f"sentence-transformers/{DEFAULT_MODEL}"):
        return str(bundled_model_path())
    return model


class SentenceTransformerEmbedder:
    """sentence-transformers on the CPU, loaded on first use so model-free commands start fast."""

    def __init__(self, model: str | None = None, batch_size: int = 64) -> None:
        self.model_ref = model or DEFAULT_MODEL
        self.batch_size = batch_size
        self._model: Any = None

    @property
    def name(self) -> str:
        return self.model_ref

    def _load(self) -> Any:
        if self._model is not None:
            return self._model
        path = resolve_model(self.model_ref)
        with _MODELS_LOCK:
            if path not in _MODELS:
                os.environ.setdefault("TQDM_DISABLE", "1")
                os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
                if Path(path).exists():
                    os.environ.setdefault("HF_HUB_OFFLINE", "1")
                    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
                from sentence_transformers import SentenceTransformer
                from transformers.utils import logging as transformers_logging

                transformers_logging.disable_progress_bar()  # type: ignore[no-untyped-call]
                transformers_logging.set_verbosity_error()  # type: ignore[no-untyped-call]
                _MODELS[path] = SentenceTransformer(path, device="cpu")
            self._model = _MODELS[path]
        return self._model

    def encode(self, texts: Sequence[str]) -> Vectors:
        model = self._load()
        vectors = model.encode(
            list(texts),
            batch_size=self.batch_size,
            normalize_embeddings=True,
            convert_to_numpy=True,
            show_progress_bar=False,
        )
        return np.ascontiguousarray(vectors, dtype=np.float32)
