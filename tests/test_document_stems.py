"""Answers read candidates' stems from the BM25 table and, once serving, the whole index at the
second question (``index.document_stems``, ``index.read_ahead``): neither may change an answer."""

from __future__ import annotations

import pytest

import index.terms as terms
from index import Engine
from index.document_stems import DocumentStems

QUESTIONS = [
    "how does attention work in transformers",
    "what is a kv cache",
    "a beginner course on fine-tuning",
    "the lora paper",
    "how do I reduce hallucinations with retrieval",
    "what is rlhf",
    "tokenizaton explained",
]


def test_every_documents_stems_from_the_bm25_table_are_those_of_its_text(
    real_engine: Engine,
) -> None:
    stems = DocumentStems(real_engine.retriever.lexical.lexicon)
    for row, document in enumerate(real_engine.documents):
        assert stems(row) == frozenset(terms.terms(document.indexed)), document.id


@pytest.fixture
def nothing_remembered(monkeypatch: pytest.MonkeyPatch) -> None:
    """No stems known yet, as in a new process."""
    monkeypatch.setattr(terms, "_KNOWN", {})
    terms._stems_of.cache_clear()


def test_answers_are_the_same_read_lazily_or_read_ahead(
    real_engine: Engine, real_embedder, nothing_remembered: None
) -> None:  # type: ignore[no-untyped-def]
    # A new engine per question, as a one-question `studybot ask` process: nothing read ahead.
    lazily = [
        Engine.load(real_engine.index_dir, None, real_embedder).answer(question)
        for question in QUESTIONS
    ]
    assert len(terms._KNOWN) < len(real_engine.documents)
    serving = Engine.load(real_engine.index_dir, None, real_embedder)
    ahead = [serving.answer(question) for question in QUESTIONS]
    assert len(terms._KNOWN) >= len(real_engine.documents)  # read ahead at the second
    for one, other in zip(lazily, ahead, strict=True):
        assert one == other
        assert one.features == other.features
