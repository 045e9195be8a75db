"""The retrieval engine: embeddings + BM25 over the catalog, answers, searches and paths.

Names are imported on first use, so ``studybot tokenize`` or ``catalog check`` never pay for
FAISS, bm25s or the embedding model.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

_EXPORTS = {
    "build_index": "index.build",
    "Embedder": "index.embedder",
    "SentenceTransformerEmbedder": "index.embedder",
    "Engine": "index.engine",
    "IndexStatus": "index.engine",
    "BuildFailed": "index.errors",
    "BuildInProgress": "index.errors",
    "IndexCorrupt": "index.errors",
    "IndexNotBuilt": "index.errors",
    "IndexProblem": "index.errors",
    "UnknownTopic": "index.paths",
    "Answer": "index.results",
    "BuildReport": "index.results",
    "Document": "index.results",
    "LearningPath": "index.results",
    "Passage": "index.results",
    "PathStep": "index.results",
    "ResourceHit": "index.results",
}

__all__ = [
    "Answer",
    "BuildFailed",
    "BuildInProgress",
    "BuildReport",
    "Document",
    "Embedder",
    "Engine",
    "IndexCorrupt",
    "IndexNotBuilt",
    "IndexProblem",
    "IndexStatus",
    "LearningPath",
    "Passage",
    "PathStep",
    "ResourceHit",
    "SentenceTransformerEmbedder",
    "UnknownTopic",
    "build_index",
]

if TYPE_CHECKING:
    from index.build import build_index
    from index.embedder import Embedder, SentenceTransformerEmbedder
    from index.engine import Engine, IndexStatus
    from index.errors import (
        BuildFailed,
        BuildInProgress,
        IndexCorrupt,
        IndexNotBuilt,
        IndexProblem,
    )
    from index.paths import UnknownTopic
    from index.results import (
        Answer,
        BuildReport,
        Document,
        LearningPath,
        Passage,
        PathStep,
        ResourceHit,
    )


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'index' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value
