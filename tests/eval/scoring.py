"""Score the engine on tests/eval/questions.yaml: hit@3 on learners' questions, abstention off-topic."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import yaml

from index import Engine

QUESTIONS = Path(__file__).parent / "questions.yaml"


@dataclass
class Score:
    mode: str
    hit_at_3: float
    abstention: float
    misses: list[str] = field(default_factory=list)
    false_answers: list[str] = field(default_factory=list)


def load_questions() -> tuple[list[dict], list[str]]:
    data = yaml.safe_load(QUESTIONS.read_text(encoding="utf-8"))
    return data["on_topic"], data["off_topic"]


def score(engine: Engine, mode: str = "fused") -> Score:
    on_topic, off_topic = load_questions()
    answers = engine.answer_many([item["q"] for item in on_topic], k=5, mode=mode)
    misses = []
    for item, answer in zip(on_topic, answers, strict=True):
        top3 = [hit.resource.id for hit in answer.resources[:3]] if answer.confident else []
        if not set(item["expect"]) & set(top3):
            misses.append(f"{item['q']!r}: expected {item['expect']}, got {top3}")
    refusals = engine.answer_many(off_topic, k=5, mode=mode)
    false_answers = [a.query for a in refusals if a.confident]
    return Score(
        mode=mode,
        hit_at_3=1 - len(misses) / len(on_topic),
        abstention=1 - len(false_answers) / len(off_topic),
        misses=misses,
        false_answers=false_answers,
    )


if __name__ == "__main__":
    import sys

    from catalog import load_catalog
    from index.embedder import default_embedder
    from index.locations import default_catalog_dir, default_index_dir

    catalog = load_catalog(default_catalog_dir())
    engine = Engine.open(catalog, default_embedder(export=True), default_index_dir())
    for mode in sys.argv[1:] or ["dense", "lexical", "fused"]:
        result = score(engine, mode)
        print(f"{mode:8} hit@3 {result.hit_at_3:.3f}  abstention {result.abstention:.3f}")
        for line in result.misses + [f"answered off-topic: {q}" for q in result.false_answers]:
            print("   ", line)
