"""Score the engine on a split, beside a naive baseline: ``python -m tests.eval.scoring [split]``.

The baseline is the plain FAISS tutorial retriever: MiniLM over each resource's title and
description, cosine top 3, always answering. Figures worth reporting are the heldout split's.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from index import Engine
from tests.eval.dataset import Case, cases

FALSE_NOTHING = "nothing for an answerable question"
# Covered questions answered as such, not as "partial" ("not sure the catalog covers this").
CONFIDENT = "answerable answered confidently"


@dataclass
class Score:
    name: str
    counts: dict[str, int] = field(default_factory=dict)
    figures: dict[str, float] = field(default_factory=dict)
    failures: dict[str, list[str]] = field(default_factory=dict)

    def line(self) -> str:
        return "  ".join(f"{k} {v:.3f}" for k, v in self.figures.items())


def _rate(hits: Sequence[bool]) -> float:
    return sum(hits) / len(hits) if hits else float("nan")


def _rank(ids: Sequence[str], expect: Sequence[str]) -> int | None:
    return next((n for n, rid in enumerate(ids) if rid in expect), None)


def score(engine: Engine, chosen: Sequence[Case], name: str = "studybot") -> Score:
    answers = engine.answer_many([case.q for case in chosen], k=5)
    result = Score(name)
    fails: dict[str, list[str]] = {}
    hit1, hit3, rr, nothing, confident, declined, honest, named, quoted_ok, quote_found = (
        [] for _ in range(10)
    )
    for case, answer in zip(chosen, answers, strict=True):
        ids = [hit.resource.id for hit in answer.resources]
        shown = f"{case.id} {case.q!r} -> {answer.coverage} {ids[:3]}"
        if case.answer == "covered":
            rank = _rank(ids[:5], case.expect)
            hit1.append(rank == 0)
            hit3.append(rank is not None and rank < 3)
            rr.append(1 / (rank + 1) if rank is not None else 0.0)
            nothing.append(answer.coverage == "none")
            confident.append(answer.coverage == "answered")
            if not hit3[-1]:
                fails.setdefault("hit@3", []).append(f"{shown} expected {list(case.expect)}")
            if answer.coverage == "none":
                fails.setdefault(FALSE_NOTHING, []).append(shown)
            if case.named:
                named.append(bool(ids) and ids[0] == case.named)
                if not named[-1]:
                    fails.setdefault("named first", []).append(f"{shown} named {case.named}")
            if answer.passages and case.quotes is not None:
                good = {q.lower() for q in case.quotes}
                ok = all(f"{p.note_id}#{p.heading}".lower() in good for p in answer.passages)
                quoted_ok.append(ok)
                if not ok:
                    quoted = [f"{p.note_id}#{p.heading}" for p in answer.passages]
                    fails.setdefault("quote", []).append(f"{shown} quoted {quoted}")
            if case.quotes and answer.coverage == "answered":  # a section answers it
                quote_found.append(bool(answer.passages))
        elif case.answer == "uncovered":
            honest.append(answer.coverage != "answered")
            if not honest[-1]:
                fails.setdefault("uncovered answered", []).append(shown)
        else:
            declined.append(answer.coverage == "none")
            if not declined[-1]:
                fails.setdefault("not declined", []).append(shown)
    result.counts = {
        "covered": len(hit3),
        "uncovered": len(honest),
        "decline": len(declined),
        "named": len(named),
        "quoted": len(quoted_ok),
    }
    result.figures = {
        "hit@1": _rate(hit1),
        "hit@3": _rate(hit3),
        "MRR@5": float(np.mean(rr)) if rr else float("nan"),
        FALSE_NOTHING: _rate(nothing),
        CONFIDENT: _rate(confident),
        "declined (off-topic, traps)": _rate(declined),
        "uncovered answered honestly": _rate(honest),
        "named found first": _rate(named),
        "quotes that address the question": _rate(quoted_ok),
        "a quote when a section answers": _rate(quote_found),
    }
    result.failures = fails
    return result


def baseline(engine: Engine, chosen: Sequence[Case]) -> Score:
    """Naive FAISS retriever: cosine over title + description, top 3, always answers."""
    resources = list(engine.catalog.resources)
    matrix = engine.embedder.encode([f"{r.title}. {r.description}" for r in resources])
    queries = engine.embedder.encode([case.q for case in chosen])
    result = Score("naive baseline")
    hit1, hit3, rr, declined, honest, named = ([] for _ in range(6))
    for case, vector in zip(chosen, queries, strict=True):
        order = np.argsort(-(matrix @ vector))[:5]
        ids = [resources[i].id for i in order]
        if case.answer == "covered":
            rank = _rank(ids, case.expect)
            hit1.append(rank == 0)
            hit3.append(rank is not None and rank < 3)
            rr.append(1 / (rank + 1) if rank is not None else 0.0)
            if case.named:
                named.append(ids[0] == case.named)
        elif case.answer == "uncovered":
            honest.append(False)
        else:
            declined.append(False)
    result.figures = {
        "hit@1": _rate(hit1),
        "hit@3": _rate(hit3),
        "MRR@5": float(np.mean(rr)) if rr else float("nan"),
        FALSE_NOTHING: 0.0,
        CONFIDENT: 1.0,
        "declined (off-topic, traps)": _rate(declined),
        "uncovered answered honestly": _rate(honest),
        "named found first": _rate(named),
    }
    return result


def report(engine: Engine, split: str, verbose: bool = False) -> list[Score]:
    chosen = cases(split)
    scores = [score(engine, chosen), baseline(engine, chosen)]
    print(f"split {split}: {len(chosen)} questions, {scores[0].counts}")
    for key in scores[0].figures:
        row = "  ".join(f"{s.figures.get(key, float('nan')):7.3f}" for s in scores)
        print(f"  {key:36} {row}")
    print(f"  {'':36} {'studybot':>7}  {'naive':>7}")
    if verbose:
        for kind, lines in scores[0].failures.items():
            print(f"\n{kind} ({len(lines)}):")
            for line in lines:
                print("   ", line)
    return scores


if __name__ == "__main__":
    from bot.config import Locations, Settings, prepare_process

    args = [a for a in sys.argv[1:] if not a.startswith("-")]
    settings = Settings()
    prepare_process(settings)
    loc = Locations.from_settings(settings)  # STUDYBOT_INDEX_DIR etc., as `studybot` reads them
    engine = Engine.open(loc.catalog(), loc.embedder(building=True), loc.index_dir)
    for split in args or ["heldout"]:
        report(engine, split, verbose="-v" in sys.argv)
