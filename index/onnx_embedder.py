"""Text -> unit vectors with onnxruntime and the model's own ``tokenizer.json``: no torch.

The graph (see ``index.onnx_export``) already does mean pooling and normalisation; this module
only reproduces what sentence-transformers does before the model: WordPiece tokenisation of the
raw text, truncation to the model's ``max_seq_length`` (256 for all-MiniLM-L6-v2, from its
``sentence_bert_config.json``; the ``tokenizer.json`` itself says 128 and pads every text to
128, which we undo), and padding to the longest text of the batch. Texts are batched in order
of length, as sentence-transformers does, so a long document does not pad a batch of short ones.

Threads: onnxruntime's default, one per core. With spinning turned off (idle workers sleep
instead of busy-waiting, so they leave the core to the bot's event loop and other processes),
two threads beat one on this 2-core machine for single questions too (p50 6.0 vs 7.6 ms) and
for batches of 32 (160 vs 300 ms). With spinning on, a first measurement here had two
threads at 14 ms a question against 6 ms for one.

Batch size: small. On the CPU a batch costs what its longest text costs times its size, and
attention grows with length, so big batches lose: 50 eval questions took 369 ms one at a
time, 225 ms in batches of 4-8 and 346 ms in batches of 32 (sorted by length each time).
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from index.vectors import Vectors

BATCH_SIZE = 8


class OnnxEmbedder:
    """An ``Embedder`` over an exported ONNX file; loads it on first use.

    ``name`` is the model's name, not the runtime's: the vectors equal sentence-transformers'
    (cosine >= 0.9999), so an index or embedding cache built by either encoder serves the other.
    """

    backend = "onnxruntime"

    def __init__(
        self,
        name: str,
        onnx_file: Path,
        tokenizer_file: Path,
        max_seq_length: int,
        threads: int = 0,
        batch_size: int = BATCH_SIZE,
    ) -> None:
        self._name = name
        self.onnx_file = onnx_file
        self.tokenizer_file = tokenizer_file
        self.max_seq_length = max_seq_length
        self.threads = threads
        self.batch_size = batch_size
        self._session: Any = None
        self._tokenizer: Any = None
        self._inputs: tuple[str, ...] = ()
        self._lock = threading.Lock()

    @property
    def name(self) -> str:
        return self._name

    def describe(self) -> str:
        return f"onnxruntime ({self.onnx_file})"

    def preload(self) -> None:
        """Start loading the model in a thread; ``encode`` waits for it.

        onnxruntime builds its session (~0.25 s) without holding the GIL, so on two cores it
        overlaps with reading the catalog and indexing BM25, which a cold ``ask`` does anyway.
        """
        if self._session is None:
            threading.Thread(target=self._load, name="onnx-preload", daemon=True).start()

    def _load(self) -> tuple[Any, Any]:
        if self._session is not None:
            return self._session, self._tokenizer
        with self._lock:
            if self._session is None:
                import onnxruntime
                from tokenizers import Tokenizer

                tokenizer = Tokenizer.from_file(str(self.tokenizer_file))
                tokenizer.enable_truncation(max_length=self.max_seq_length)
                pad = tokenizer.padding or {}
                pad_token = str(pad.get("pad_token", "[PAD]"))
                tokenizer.enable_padding(
                    pad_id=int(pad.get("pad_id", tokenizer.token_to_id(pad_token) or 0)),
                    pad_token=pad_token,
                )
                options = onnxruntime.SessionOptions()
                options.intra_op_num_threads = self.threads
                options.inter_op_num_threads = 1
                options.log_severity_level = 3
                options.add_session_config_entry("session.intra_op.allow_spinning", "0")
                session = onnxruntime.InferenceSession(
                    str(self.onnx_file), options, providers=["CPUExecutionProvider"]
                )
                self._inputs = tuple(i.name for i in session.get_inputs())
                self._tokenizer = tokenizer
                self._session = session
        return self._session, self._tokenizer

    def encode(self, texts: Sequence[str]) -> Vectors:
        session, tokenizer = self._load()
        if not texts:
            return np.zeros((0, 0), dtype=np.float32)
        order = sorted(range(len(texts)), key=lambda i: -len(texts[i]))
        rows: list[Vectors] = []
        for start in range(0, len(order), self.batch_size):
            batch = [texts[i] for i in order[start : start + self.batch_size]]
            encodings = tokenizer.encode_batch(batch)
            ids = np.array([e.ids for e in encodings], dtype=np.int64)
            feed = {
                "input_ids": ids,
                "attention_mask": np.array([e.attention_mask for e in encodings], dtype=np.int64),
                "token_type_ids": np.array([e.type_ids for e in encodings], dtype=np.int64),
            }
            (vectors,) = session.run(None, {k: v for k, v in feed.items() if k in self._inputs})
            rows.append(np.asarray(vectors, dtype=np.float32))
        stacked = np.vstack(rows)
        result = np.empty_like(stacked)
        result[order] = stacked
        return np.ascontiguousarray(result)
