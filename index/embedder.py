"""Text -> unit vectors. The Embedder protocol is the seam tests and faster encoders plug into.

``default_embedder`` picks the encoder: onnxruntime over an ONNX export of the model's weights
(``index.onnx_embedder``) when it can, sentence-transformers otherwise. Both report the model's
name, not the runtime's, because they produce the same vectors (cosine >= 0.9999): an index or
an embedding cache built with one is served by the other, and switching never forces a rebuild.
The fallback carries a ``notice`` saying why it is used; ``Engine`` and ``index status`` show it.

Offline by argument, not by environment: a local model folder is opened with
``local_files_only=True``, so no hub is asked whatever ``HF_HUB_OFFLINE`` says. The
environment flags only third-party libraries read (onnxruntime's telemetry, tokenizers'
parallelism) are set once by the front end at process start (``bot.config.prepare_process``).
"""

from __future__ import annotations

import threading
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

import numpy as np

from index.locations import DEFAULT_MODEL, bundled_model_path
from index.vectors import Vectors as Vectors

if TYPE_CHECKING:
    from collections.abc import Callable, Sequence

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


def default_embedder(
    model: str | None = None,
    *,
    models_dir: Path,
    export: bool = False,
    threads: int = 0,
    announce: Callable[[str], None] | None = None,
) -> Embedder:
    """The ONNX encoder when it can run, else sentence-transformers with a notice saying why.

    ``models_dir`` holds the ONNX exports (studybot's ``STUDYBOT_MODEL_CACHE``).
    ``export`` allows making the ONNX file when it is missing: a few seconds and an import of
    torch, so the build does it and the query path does not (it falls back instead). ``threads``
    is onnxruntime's; 0 means one per core.
    """
    from index.onnx_models import FastPathUnavailable, ensure_onnx, inspect_model

    name = model or DEFAULT_MODEL
    try:
        _import_onnxruntime()
        files = inspect_model(name, models_dir)
        onnx_file = ensure_onnx(files, export, announce)
    except FastPathUnavailable as why:
        return SentenceTransformerEmbedder(
            name, notice=f"answering with sentence-transformers: {why}"
        )
    from index.onnx_embedder import OnnxEmbedder

    return OnnxEmbedder(name, onnx_file, files.tokenizer_file, files.max_seq_length, threads)


def _import_onnxruntime() -> None:
    from index.onnx_models import FastPathUnavailable

    try:
        import onnxruntime  # noqa: F401
    except ImportError:
        raise FastPathUnavailable("onnxruntime is not installed") from None


class SentenceTransformerEmbedder:
    """sentence-transformers on the CPU, loaded on first use so model-free commands start fast."""

    backend = "sentence-transformers"

    def __init__(
        self, model: str | None = None, batch_size: int = 64, notice: str | None = None
    ) -> None:
        self.model_ref = model or DEFAULT_MODEL
        self.batch_size = batch_size
        self.notice = notice
        self._model: Any = None

    @property
    def name(self) -> str:
        return self.model_ref

    def describe(self) -> str:
        return "sentence-transformers (torch)"

    def _load(self) -> Any:
        if self._model is not None:
            return self._model
        path = resolve_model(self.model_ref)
        with _MODELS_LOCK:
            if path not in _MODELS:
                from sentence_transformers import SentenceTransformer
                from transformers.utils import logging as transformers_logging

                transformers_logging.disable_progress_bar()  # type: ignore[no-untyped-call]
                transformers_logging.set_verbosity_error()  # type: ignore[no-untyped-call]
                # A folder on disk never goes to the hub; a hub id may (README: "when online").
                local = Path(path).exists()
                _MODELS[path] = SentenceTransformer(path, device="cpu", local_files_only=local)
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
