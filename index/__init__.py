"""The retrieval engine: embeddings + BM25 over the catalog, answers, searches and paths."""

from index.build import build_index
from index.embedder import Embedder, SentenceTransformerEmbedder
from index.engine import Engine, IndexStatus
from index.errors import BuildFailed, BuildInProgress, IndexCorrupt, IndexNotBuilt, IndexProblem
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
