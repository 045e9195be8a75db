"""Ranking reads a question's words only for candidates that can still take a place: the
resources shown must be exactly those that scoring every candidate would show."""

from __future__ import annotations

import pytest

from index import Engine
from index.answering import PARTIAL_RESOURCES
from index.ranking import _score, rankable

QUESTIONS = (
    "how does pipeline parallelism work",
    "a beginner video on attention",
    "free course on fine tuning llms",
    "what is a kv cache and why does it matter for inference",
    "papers on scaling laws",
    "best repo to learn tokenization from scratch",
    "how do I evaluate a rag system",
    "gentle intro to transformers",
)


@pytest.mark.parametrize("question", QUESTIONS)
def test_resources_shown_are_the_best_scored_of_all_candidates(
    real_engine: Engine, question: str
) -> None:
    answer = real_engine.answer(question)
    assert answer.coverage != "none"
    shown = [hit.resource.id for hit in answer.resources if hit.matched_by not in ("name", "note")]
    named = {hit.resource.id for hit in answer.resources if hit.matched_by == "name"}
    cited = {ref for passage in answer.passages[:1] for ref in passage.cites}
    relevance = real_engine.policy.relevance
    assert relevance is not None
    ((query, candidates),) = [
        (query, candidates) for _, query, candidates, _ in real_engine._retrieved([question])
    ]
    every = [
        (-round(_score(relevance, features, resource.id in cited), 5), position, resource.id)
        for position, (_, resource, features) in enumerate(
            rankable(query, candidates, real_engine.catalog, real_engine.policy)
        )
        if resource.id not in named
    ]
    assert shown == [resource_id for *_, resource_id in sorted(every)][: len(shown)]
    places = PARTIAL_RESOURCES if answer.coverage == "partial" else 5
    assert len(shown) == min(len(every), places - len(named))
