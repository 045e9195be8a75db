"""What a learner gets back: quoted notes, ranked resources with reasons, or an honest nothing."""

from __future__ import annotations

from pathlib import Path

import pytest

from catalog import load_catalog
from index import Engine, UnknownTopic
from index.kinds import requested_kind, requested_level
from index.names import NameMatch, is_lookup
from index.paths import learning_path
from index.policy import AnswerPolicy
from index.shorthand import expand_shorthand


def test_answer_quotes_the_note_section_that_covers_the_question(engine: Engine) -> None:
    answer = engine.answer("What is ZeRO?")
    assert answer.confident
    first = answer.passages[0]
    assert (first.note_id, first.heading) == ("parallelism", "ZeRO")
    assert first.text in answer.text
    # References are shown as titles, never as raw [[ids]].
    assert "[[" not in answer.text and "“ZeRO: Memory Optimizations" in answer.text


def test_answer_ranks_the_matching_resource_first_with_a_reason(engine: Engine) -> None:
    answer = engine.answer("pipeline parallelism micro-batches stages")
    top = answer.resources[0]
    assert top.resource.id == "gpipe"
    assert top.matched_by in ("lexical", "both")
    assert "pipeline" in top.reason


def test_a_policy_from_before_the_relevance_model_still_ranks_the_match_first(
    engine: Engine,
) -> None:
    stored = {k: v for k, v in engine.policy.to_json().items() if k != "relevance"}
    engine.policy = AnswerPolicy.from_json(stored)
    assert engine.policy.relevance is None
    assert engine.answer("pipeline parallelism micro-batches stages").resources[0].resource.id == (
        "gpipe"
    )


def test_resources_are_not_repeated(engine: Engine) -> None:
    answer = engine.answer("ZeRO optimizer states gradients parameters data parallelism")
    ids = [hit.resource.id for hit in answer.resources]
    assert len(ids) == len(set(ids))


def test_resources_cited_by_the_quoted_passage_are_recommended(engine: Engine) -> None:
    answer = engine.answer("What is byte pair encoding versus WordPiece merges?")
    assert "bpe-paper" in {hit.resource.id for hit in answer.resources}


def test_off_topic_question_gets_an_honest_nothing(engine: Engine) -> None:
    answer = engine.answer("best sourdough bread recipe with rye flour")
    assert not answer.confident and answer.is_empty
    assert answer.passages == () and answer.resources == ()
    assert answer.text == "The catalog has nothing on that question."
    assert answer.nearest_topics


def test_empty_question_is_not_confident(engine: Engine) -> None:
    assert not engine.answer("   ").confident


def test_answer_many_keeps_order_and_embeds_in_one_batch(engine: Engine, fake_embedder) -> None:
    before = len(fake_embedder.encoded)
    questions = ["ZeRO stage 3 parameters", "sourdough rye", "byte pair encoding merges"]
    answers = engine.answer_many(questions)
    assert [a.query for a in answers] == questions
    assert [a.confident for a in answers] == [True, False, True]
    assert len(fake_embedder.encoded) - before == 3


def test_answer_json_contract(engine: Engine) -> None:
    data = engine.answer("How does pipeline parallelism work?").to_json()
    assert set(data) >= {
        "question",
        "coverage",
        "confident",
        "answer",
        "resources",
        "passages",
        "timings_ms",
    }
    assert data["confident"] == (data["coverage"] == "answered")
    assert set(data["resources"][0]) >= {"id", "title", "url", "kind", "level", "score", "reason"}
    assert set(data["passages"][0]) >= {"note", "heading", "text", "score"}


def test_search_filters_by_topic_kind_level_and_free(engine: Engine) -> None:
    hits = engine.search("tokenizer", topic="tokenization", kind="video")
    assert [hit.resource.id for hit in hits] == ["karpathy-tokenizer"]
    beginner = engine.search("", level="beginner")
    assert {hit.resource.level for hit in beginner} == {"beginner"} and len(beginner) == 2
    assert engine.search("tokenizer", free=False) == []


def test_search_with_an_unknown_topic_suggests_one(engine: Engine) -> None:
    with pytest.raises(UnknownTopic, match="did you mean tokenization"):
        engine.search("bpe", topic="tokenisation")


def test_path_puts_prerequisites_first(engine: Engine) -> None:
    path = engine.path("transformers")
    order = [step.resource.id for step in path.steps]
    assert order == [
        "illustrated-transformer",
        "attention-is-all-you-need",
        "annotated-transformer",
    ]
    assert path.steps[2].prerequisites == ("attention-is-all-you-need",)


def test_path_pulls_in_prerequisites_from_other_topics_and_orders_by_level(
    catalog_dir: Path,
) -> None:
    guides = catalog_dir / "resources" / "guides.yaml"
    text = guides.read_text(encoding="utf-8")
    guides.write_text(
        text.replace("prerequisites: [zero-paper]", "prerequisites: [zero-paper, tiktokenizer]"),
        encoding="utf-8",
    )
    path = learning_path(load_catalog(catalog_dir), "parallelism")
    order = [step.resource.id for step in path.steps]
    assert "tiktokenizer" in order  # a tokenization resource, needed first
    assert order.index("tiktokenizer") < order.index("deepspeed-zero-tutorial")
    assert order.index("zero-paper") < order.index("deepspeed-zero-tutorial")
    assert order[0] == "tiktokenizer"  # the only beginner step comes first


def test_path_from_a_level_skips_easier_resources(engine: Engine) -> None:
    path = engine.path("Transformers", level="intermediate")
    assert path.topic == "transformers"
    assert all(step.resource.level != "beginner" for step in path.steps)
    assert [s.resource.id for s in path.steps] == [
        "attention-is-all-you-need",
        "annotated-transformer",
    ]


def test_a_model_nobody_fitted_answers_on_words_and_says_so(engine: Engine) -> None:
    # The fake embedder's cosine scale is not MiniLM's: its index carries the words-only policy.
    assert engine.policy.model == "lexical-only" and not engine.policy.uses_cosine
    assert engine.manifest["policy"]["model"] == "lexical-only"
    assert any("no answer policy was fitted" in notice for notice in engine.notices)


def test_the_real_models_policy_is_written_into_its_index(real_engine: Engine) -> None:
    assert real_engine.manifest["policy"]["model"] == real_engine.embedder.name
    assert real_engine.policy.uses_cosine
    assert not any("no answer policy" in notice for notice in real_engine.notices)


@pytest.mark.parametrize(
    "chatter", ["ty bot", "hi everyone 👋", "who made this bot?", "Anyone here?"]
)
def test_small_talk_gets_a_pointer_to_what_the_bot_does_not_resources(
    real_engine: Engine, chatter: str
) -> None:
    answer = real_engine.answer(chatter)
    assert answer.coverage == "none" and answer.resources == () and answer.passages == ()
    assert answer.notice.startswith("I answer questions about learning LLMs")
    assert answer.nearest_topics == ()


def test_a_question_after_a_greeting_is_still_answered(real_engine: Engine) -> None:
    answer = real_engine.answer("hi bot, what is LoRA?")
    assert answer.coverage != "none" and not answer.notice
    assert "lora-paper" in {hit.resource.id for hit in answer.resources}


def test_resources_a_section_on_the_question_cites_carry_its_closeness_for_ranking(
    real_engine: Engine,
) -> None:
    heading = "What are Switch Transformer and Mixtral?"
    rows = dict(real_engine.ranking_features([heading])[0])
    # The section under that very heading cites these: its closeness to the question is 1.
    for cited in ("switch-transformers", "mixtral-paper"):
        assert rows[cited]["cited"] > 0.95
    assert max(features["cited"] for features in rows.values()) <= 1.0 + 1e-6


def test_a_section_headed_with_the_question_is_quoted(real_engine: Engine) -> None:
    answer = real_engine.answer("What are Switch Transformer and Mixtral?")
    assert answer.coverage == "answered"
    assert [(p.note_id, p.heading) for p in answer.passages] == [
        ("mixture-of-experts", "What are Switch Transformer and Mixtral?")
    ]


@pytest.mark.parametrize(
    ("question", "kind", "strength", "lookup"),
    [
        ("is there a link to the instructgpt paper", "paper", 3.5, True),
        ("karpathy's tokenizer video", "video", 3.0, True),
        ("what is the lora paper about", "paper", 2.5, False),
        ("the lora paper or the qlora one?", "paper", 2.5, False),
        ("any good video on mixture of experts", "video", 1.0, False),
        ("anthropic toy models of superposition", None, 4.0, True),
        ("lost in the middle problem", None, 2.5, False),
    ],
)
def test_a_lookup_names_a_resource_of_a_stated_kind_and_asks_nothing_about_it(
    question: str, kind: str | None, strength: float, lookup: bool
) -> None:
    assert is_lookup(question, kind, [NameMatch("some-resource", strength)]) is lookup


@pytest.mark.parametrize(
    ("question", "wants"),
    [
        ("a video explaining attention", "video"),
        ("paper that introduced RLHF?", "paper"),
        ("Any beginner friendly videos on tokenization", "video"),
        ("which library should I use for RAG", "tool"),
        ("anything on youtube about rope", "video"),
        ("books or videos to start?", "book"),
        ("where do I begin reading papers", None),
        ("I can't follow transformer papers yet", None),
        ("my code for training is slow", None),
        ("what class of models is BERT", None),
    ],
)
def test_a_kind_is_asked_for_only_when_requested(question: str, wants: str | None) -> None:
    assert requested_kind(question.lower()) == wants


@pytest.mark.parametrize(
    ("question", "level"),
    [
        ("a gentle intro to RAG", "beginner"),
        ("ELI5 attention please", "beginner"),
        ("in-depth material on attention", "advanced"),
        ("where do I start with LLMs", None),  # a path, not a level
        ("build a tokenizer from scratch", None),  # code, not a level
        ("any intuitive explanation of PPO?", None),
    ],
)
def test_a_level_is_asked_for_in_so_many_words(question: str, level: str | None) -> None:
    assert requested_level(question.lower()) == level


def test_shorthand_is_written_out_unless_the_catalog_uses_the_word() -> None:
    uses = {"rl": 17, "attn": 1}
    written = expand_shorthand("rl vids w/ attn pls, U-Net", lambda word: uses.get(word, 0))
    assert written == "rl videos with attention please, U-Net"
