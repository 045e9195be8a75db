"""The retrieval engine: embeddings + BM25 over the catalog, answers, searches and paths.

Names are imported on first use, so ``studybot tokenize`` or ``catalog check`` never pay for
FAISS or the embedding model.
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
    "BadIndexLocation": "index.errors",
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
    # What the front ends need besides the engine: locations, the store, the token demo.
    "Progress": "index.build",
    "default_embedder": "index.embedder",
    "DEFAULT_MODEL": "index.locations",
    "default_catalog_dir": "index.locations",
    "learning_path": "index.paths",
    "catalog_changes": "index.freshness",
    "current_version": "index.store",
    "load_snapshot": "index.store",
    "parsed_catalog_dir": "index.cache",
    "load_tables": "index.store",
    "verify_files": "index.store",
    "load_version": "index.store",
    "read_manifest": "index.store",
    "DEFAULT_ENCODING": "index.token_split",
    "MAX_TOKENIZE_CHARS": "index.token_split",
    "WORDPIECE": "index.token_split",
    "Token": "index.token_split",
    "TokenSplit": "index.token_split",
    "UnknownEncoding": "index.token_split",
    "available_encodings": "index.token_split",
    "split_tokens": "index.token_split",
    "wordpiece_split": "index.token_split",
    "keep_word_tables_in": "index.word_frequency",
}

__all__ = [
    "DEFAULT_ENCODING",
    "DEFAULT_MODEL",
    "MAX_TOKENIZE_CHARS",
    "WORDPIECE",
    "Answer",
    "BadIndexLocation",
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
    "Progress",
    "ResourceHit",
    "SentenceTransformerEmbedder",
    "Token",
    "TokenSplit",
    "UnknownEncoding",
    "UnknownTopic",
    "available_encodings",
    "build_index",
    "catalog_changes",
    "current_version",
    "default_catalog_dir",
    "default_embedder",
    "keep_word_tables_in",
    "learning_path",
    "load_snapshot",
    "load_tables",
    "load_version",
    "parsed_catalog_dir",
    "read_manifest",
    "split_tokens",
    "verify_files",
    "wordpiece_split",
]

if TYPE_CHECKING:
    from index.build import Progress, build_index
    from index.cache import parsed_catalog_dir
    from index.embedder import Embedder, SentenceTransformerEmbedder, default_embedder
    from index.engine import Engine, IndexStatus
    from index.errors import (
        BadIndexLocation,
        BuildFailed,
        BuildInProgress,
        IndexCorrupt,
        IndexNotBuilt,
        IndexProblem,
    )
    from index.freshness import catalog_changes
    from index.locations import DEFAULT_MODEL, default_catalog_dir
    from index.paths import UnknownTopic, learning_path
    from index.results import (
        Answer,
        BuildReport,
        Document,
        LearningPath,
        Passage,
        PathStep,
        ResourceHit,
    )
    from index.store import (
        current_version,
        load_snapshot,
        load_tables,
        load_version,
        read_manifest,
        verify_files,
    )
    from index.token_split import (
        DEFAULT_ENCODING,
        MAX_TOKENIZE_CHARS,
        WORDPIECE,
        Token,
        TokenSplit,
        UnknownEncoding,
        available_encodings,
        split_tokens,
        wordpiece_split,
    )
    from index.word_frequency import keep_word_tables_in


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'index' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value
