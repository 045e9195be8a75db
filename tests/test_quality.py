"""Retrieval quality on learners' own questions, with the real model and the real catalog."""

from __future__ import annotations

import pytest

from index import Engine
from tests.eval.scoring import Score, load_questions, score


def test_the_eval_set_is_big_enough_and_names_real_resources(real_engine: Engine) -> None:
    on_topic, off_topic = load_questions()
    assert len(on_topic) >= 60 and len(off_topic) >= 15
    ids = {resource.id for resource in real_engine.catalog.resources}
    for item in on_topic:
        assert set(item["expect"]) <= ids, item


@pytest.fixture(scope="session")
def fused(real_engine: Engine) -> Score:
    """The fused score, computed once: three tests read it."""
    return score(real_engine, "fused")


def test_learners_questions_find_a_right_resource_in_the_top_3(fused: Score) -> None:
    result = fused
    assert result.hit_at_3 >= 0.9, "\n".join(result.misses)


def test_off_topic_questions_get_an_honest_nothing(fused: Score) -> None:
    result = fused
    assert result.abstention >= 0.9, result.false_answers


def test_fusion_is_at_least_as_good_as_either_retriever_alone(
    real_engine: Engine, fused: Score
) -> None:
    assert fused.hit_at_3 >= score(real_engine, "dense").hit_at_3
    assert fused.hit_at_3 >= score(real_engine, "lexical").hit_at_3


def test_pipeline_question_quotes_the_parallelism_note(real_engine: Engine) -> None:
    answer = real_engine.answer("How does pipeline parallelism work?")
    assert answer.confident
    assert answer.passages[0].note_id == "parallelism"
    assert "pipeline" in answer.passages[0].heading.lower()


def test_a_short_acronym_question_still_quotes_the_section_named_after_it(
    real_engine: Engine,
) -> None:
    answer = real_engine.answer("what is RLHF")
    assert answer.confident
    assert answer.passages and "RLHF" in answer.passages[0].heading
