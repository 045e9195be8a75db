"""Export a sentence-transformers model to ONNX: the only module on the fast path that needs torch.

Imported only when an export runs (``studybot index build``, or the first build on a machine),
never when a question is answered. The exported graph is the whole sentence-transformers
pipeline after tokenisation: the transformer, mean pooling over real tokens, and L2
normalisation, so onnxruntime returns the same unit vectors ``SentenceTransformer.encode``
does (max abs difference ~2e-7 for all-MiniLM-L6-v2).

Why the TorchScript exporter (``dynamo=False``) and opset 18: it traces the model (with eager
attention) into plain ops with dynamic batch and sequence axes and needs only the ``onnx``
package; the dynamo exporter would also need onnxscript. sentence-transformers' own
``backend="onnx"`` is not an option: it needs optimum-onnx, which pins a transformers older
than sentence-transformers 6 accepts.
"""

from __future__ import annotations

import os
import warnings
from pathlib import Path
from typing import Any

OPSET = 18
INPUTS = ("input_ids", "attention_mask", "token_type_ids")


def export_onnx(source: Path, target: Path) -> None:
    """Write ``target`` (an .onnx file) from the sentence-transformers model folder ``source``.

    Written beside the target first and renamed into place, so a crash leaves no half file.
    """
    import torch
    from transformers import AutoModel
    from transformers.utils import logging as transformers_logging

    transformers_logging.set_verbosity_error()  # type: ignore[no-untyped-call]
    transformers_logging.disable_progress_bar()  # type: ignore[no-untyped-call]
    # eager attention traces to plain matmuls/softmax; sdpa's fused kernel does not export.
    # local_files_only: the folder is on disk, so the hub is never asked, with or without
    # HF_HUB_OFFLINE in the environment.
    transformer = AutoModel.from_pretrained(
        str(source), attn_implementation="eager", local_files_only=True
    )
    transformer.eval()
    wrapper = _pooled_model(transformer)
    sample = torch.ones((2, 8), dtype=torch.long)
    dynamic = {name: {0: "batch", 1: "sequence"} for name in INPUTS}
    dynamic["embeddings"] = {0: "batch"}
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    try:
        with torch.inference_mode(), warnings.catch_warnings():
            warnings.simplefilter("ignore")
            torch.onnx.export(
                wrapper,
                (sample, sample, torch.zeros_like(sample)),
                str(tmp),
                input_names=list(INPUTS),
                output_names=["embeddings"],
                dynamic_axes=dynamic,
                opset_version=OPSET,
                dynamo=False,
            )
        os.replace(tmp, target)
    finally:
        tmp.unlink(missing_ok=True)


def _pooled_model(transformer: Any) -> Any:
    """A torch Module: transformer -> mean over attended tokens -> unit length.

    Built in a function so that importing this module never imports torch.
    """
    import torch

    class MeanPooledNormalized(torch.nn.Module):
        def __init__(self, inner: Any) -> None:
            super().__init__()
            self.inner = inner

        def forward(
            self,
            input_ids: torch.Tensor,
            attention_mask: torch.Tensor,
            token_type_ids: torch.Tensor,
        ) -> torch.Tensor:
            hidden = self.inner(
                input_ids=input_ids,
                attention_mask=attention_mask,
                token_type_ids=token_type_ids,
            ).last_hidden_state
            # Same arithmetic as sentence-transformers' Pooling(mean) and Normalize modules.
            mask = attention_mask.unsqueeze(-1).to(hidden.dtype)
            summed = (hidden * mask).sum(dim=1)
            counts = mask.sum(dim=1).clamp(min=1e-9)
            return torch.nn.functional.normalize(summed / counts, p=2.0, dim=1)

    return MeanPooledNormalized(transformer)
