"""Fit the answer policy on the tuning split: ``python -m tests.eval.fit``.

Writes ``index/policies/<model>.json`` (cosine and words) and ``lexical-only.json`` (words
only, for models nobody fitted). Logistic models with an L2 penalty, fitted by Newton's
method: P(the catalog covers it) and P(it is about the field) decide whether to answer,
and P(a tutor would accept this resource) ranks. Thresholds are picked on probabilities
from models fitted without the question's own set (leave one set out) to keep "nothing"
for answerable questions rare and declines of off-topic questions near certain; the quote
gate is the one whose quotes address the question at QUOTES_ADDRESS. Check the result on the heldout split, never on this one.
"""

from __future__ import annotations

import itertools
import json
from collections.abc import Sequence
from dataclasses import replace

import numpy as np

from index import Engine
from index.other_fields import field_vectors, save_field_vectors
from index.policy import (
    FEATURES,
    LEXICAL_FEATURES,
    LEXICAL_ONLY,
    LEXICAL_RANK_FEATURES,
    RANK_FEATURES,
    AnswerPolicy,
    Logistic,
    policy_path,
)
from index.quotes import is_about
from tests.eval.dataset import Case, cases

L2 = 1.0
# Each goal keeps a margin: a threshold at exactly the goal misses it on half of unseen sets.
# "Nothing" <= 0.02 against 0.03 and uncovered honesty >= 0.95 against 0.90: fitted for 0.025
# and 0.925, a fresh blind set (blind9) read "nothing" 0.038 and honesty 0.882 at its first
# run, so those margins were too thin.
HONEST_UNCOVERED = 0.95
NOTHING_FOR_ANSWERABLE = 0.02
# Quotes keep a margin over their goal (0.90 of quotes address the question): no quote
# rather than an unrelated one. Cross-validated on tuning (5 folds x 5 seeds), a gate fitted
# for 0.92 gave 0.91 on the folds it had not seen; for 0.95, 0.94; for 0.96, 0.955 (163 good
# quotes against 166 for 0.95).
QUOTES_ADDRESS = 0.96
# ... and on every question set with at least MIN_SET_QUOTES quotes, WORST_SET_QUOTES less one
# quote (a set quotes 15-50 times: one quote moves it 2-7 points): a gate that quotes well on
# average but badly for one writer's questions will meet a writer like that. Pooled over
# tuning, the gate fitted without it read 0.964, but 0.862 on blind7 (25 of 29), and a fresh
# held-out set (blind12) read 0.741 at its first run.
WORST_SET_QUOTES = 0.90
MIN_SET_QUOTES = 10
HEADING_COSINES = (*np.round(np.arange(0.5, 0.701, 0.01), 2).tolist(), 2.0)
# How much closer than the next heading a section's heading must be (2.0: never enough).
HEADING_MARGINS = (*np.round(np.arange(0.08, 0.401, 0.02), 2).tolist(), 2.0)
HEADING_WORDS = (0.0, 0.25, 0.5, 0.75, 0.9, 1.0, 2.0)


def fit_logistic(x: np.ndarray, y: np.ndarray, names: Sequence[str]) -> Logistic:
    """Newton's method on the penalised log-likelihood (features standardised first)."""
    mean, std = x.mean(axis=0), x.std(axis=0) + 1e-9
    z = np.hstack([np.ones((len(x), 1)), (x - mean) / std])
    w = np.zeros(z.shape[1])
    penalty = np.eye(z.shape[1]) * L2
    penalty[0, 0] = 0.0
    for _ in range(50):
        p = 1 / (1 + np.exp(-(z @ w)))
        gradient = z.T @ (p - y) + penalty @ w
        hessian = (z * (p * (1 - p))[:, None]).T @ z + penalty
        step = np.linalg.solve(hessian, gradient)
        w -= step
        if np.abs(step).max() < 1e-8:
            break
    coefficients = w[1:] / std
    intercept = w[0] - float(coefficients @ mean)
    return Logistic(
        round(float(intercept), 5),
        {n: round(float(c), 5) for n, c in zip(names, coefficients, strict=True)},
    )


def out_of_fold(
    x: np.ndarray, y: np.ndarray, names: Sequence[str], groups: Sequence[str]
) -> np.ndarray:
    """Each row's probability from a model fitted on the other question sets: a set is
    written by one writer in one voice, and the project is measured on sets by writers it
    never saw, so a threshold must hold for a set the model did not see, not for rows of
    sets it did."""
    fold = np.array(groups)
    found = np.zeros(len(x))
    for group in sorted(set(groups)):
        model = fit_logistic(x[fold != group], y[fold != group], names)
        found[fold == group] = [
            model.probability(dict(zip(names, row, strict=True))) for row in x[fold == group]
        ]
    return found


def choose_thresholds(
    covered: np.ndarray, in_field: np.ndarray, labels: Sequence[str]
) -> tuple[float, float]:
    """Thresholds that meet the goals on the tuning split, then answer as much as they allow.

    ``answer_at``: the lowest that keeps HONEST_UNCOVERED of uncovered questions from a
    confident answer (and off-topic ones under 1 %), so covered questions are answered, not
    just "partial". ``partial_at``: the highest that keeps "nothing" for answerable questions
    at or under NOTHING_FOR_ANSWERABLE, so as many off-topic questions as possible are declined.
    """
    grid = np.round(np.arange(0.05, 1.0, 0.01), 2)
    label = np.array(labels)

    def share(mask: np.ndarray, kind: str) -> float:
        chosen = mask[label == kind]
        return float(chosen.mean()) if chosen.size else 0.0

    answer_at = next(
        (
            float(t)
            for t in grid
            if share(covered < t, "uncovered") >= HONEST_UNCOVERED
            and share(covered >= t, "decline") <= 0.01
        ),
        float(grid[-1]),
    )
    answered = covered >= answer_at
    partial_at = max(
        (
            float(t)
            for t in grid
            if share(~answered & (in_field < t), "covered") <= NOTHING_FOR_ANSWERABLE
        ),
        default=float(grid[0]),
    )
    answered = covered >= answer_at
    shown = answered | (in_field >= partial_at)
    print(
        f"left-out sets at answer {answer_at}, partial {partial_at}: "
        f"nothing {share(~shown, 'covered'):.3f}, declined {share(~shown, 'decline'):.3f}, "
        f"uncovered honest {share(~answered, 'uncovered'):.3f}"
    )
    return answer_at, partial_at


def choose_quote_gate(
    engine: Engine,
    chosen: Sequence[Case],
    cosines: Sequence[float],
    margins: Sequence[float],
    shares: Sequence[float],
) -> tuple[float, float, float]:
    """The heading closeness, lead over the next heading and heading words a quote needs: the
    most good quotes among the gates whose quotes address the question at QUOTES_ADDRESS, and
    at WORST_SET_QUOTES (less one quote) on each question set; else the most precise gate. Only the
    best-scored section of an answer can be quoted."""
    labelled = [case for case in chosen if case.answer == "covered" and case.quotes is not None]
    answers = engine.answer_many([case.q for case in labelled])
    answered = [c for c, a in zip(labelled, answers, strict=True) if a.coverage == "answered"]
    tops = [
        (sections[0], sections[0].key.lower() in {q.lower() for q in case.quotes or ()}, case)
        for case, sections in zip(answered, engine.sections([c.q for c in answered]), strict=True)
        if sections
    ]
    results = []
    for cosine, margin, share in itertools.product(cosines, margins, shares):
        gate = replace(
            engine.policy,
            quote_heading_cosine=cosine,
            quote_heading_margin=margin,
            quote_heading_words=share,
        )
        by_set: dict[str, list[bool]] = {}
        for section, right, case in tops:
            if is_about(section, gate):
                by_set.setdefault(case.source, []).append(right)
        good = [right for rights in by_set.values() for right in rights]
        precision = sum(good) / len(good) if good else 0.0
        counted = [r for r in by_set.values() if len(r) >= MIN_SET_QUOTES]
        worst = min((sum(r) / len(r) for r in counted), default=1.0)
        every_set = all(sum(r) + 1 >= WORST_SET_QUOTES * len(r) for r in counted)
        fits = precision >= QUOTES_ADDRESS and every_set
        results.append((fits, sum(good), precision, worst, cosine, margin, share))
    best = max(results, key=lambda r: (r[0], r[1], r[2]) if r[0] else (r[0], r[2], r[1]))
    print(
        f"quotes: {best[1]} good, {best[2]:.3f} address the question (tuning), "
        f"{best[3]:.3f} on the worst set"
    )
    return best[4], best[5], best[6]


def fit_relevance(engine: Engine, chosen: Sequence[Case], names: Sequence[str]) -> Logistic:
    """P(a labelled resource) over every resource that may be recommended, answerable only."""
    covered = [case for case in chosen if case.answer == "covered"]
    x, y = [], []
    for case, rows in zip(covered, engine.ranking_features([c.q for c in covered]), strict=True):
        for resource_id, features in rows:
            x.append([features[n] for n in names])
            y.append(float(resource_id in case.expect))
    return fit_logistic(np.array(x), np.array(y), names)


# Without a fitted model the cosine scale is unknown: recommend and quote on words alone.
WORDS_ONLY = {"resource_floor": 2.0, "lexical_floor": -1.0, "passage_score": 0.5,
              "dense_weight": 1.0}  # fmt: skip
# With it, sections are also scored by their heading's closeness, and the quote gate alone
# decides (no floor on the score): in the same cross-validation, with a close heading quoted
# only when no other is closer, 132 good quotes at 0.955 against 119 at 0.924 before.
CLOSE_HEADINGS = {"passage_score": 0.0, "heading_cosine_weight": 0.3}


def fit(
    engine: Engine, chosen: Sequence[Case], names: Sequence[str], model: str, fields: str
) -> AnswerPolicy:
    answers = engine.answer_many([case.q for case in chosen])
    x = np.array([[a.features[n] for n in names] for a in answers])
    labels = [case.answer for case in chosen]
    is_covered = np.array([lab == "covered" for lab in labels], float)
    in_the_field = np.array([lab != "decline" for lab in labels], float)
    covered = fit_logistic(x, is_covered, names)
    in_field = fit_logistic(x, in_the_field, names)
    # Thresholds read probabilities of question sets the model did not see: in-sample ones
    # are over-confident, so thresholds picked on them let unseen questions through.
    sets = [case.source for case in chosen]
    answer_at, partial_at = choose_thresholds(
        out_of_fold(x, is_covered, names, sets), out_of_fold(x, in_the_field, names, sets), labels
    )
    lexical = model == LEXICAL_ONLY
    base = replace(engine.policy, **(WORDS_ONLY if lexical else CLOSE_HEADINGS))
    base = replace(
        base,
        model=model,
        covered=covered,
        in_field=in_field,
        answer_at=answer_at,
        partial_at=partial_at,
        other_fields=fields if "other" in names else "",
        fitted_on={
            "questions": len(chosen),
            "by_label": {lab: labels.count(lab) for lab in sorted(set(labels))},
            "split": "tuning",
        },
    )
    original, engine.policy = engine.policy, base
    try:
        # Which resources may be recommended depends on the policy's floors: fitted under it.
        ranked = LEXICAL_RANK_FEATURES if lexical else RANK_FEATURES
        base = engine.policy = replace(base, relevance=fit_relevance(engine, chosen, ranked))
        # Quotes are chosen among the answered questions, so the gate is fitted last.
        # With a known cosine scale, headings close in meaning; else headings sharing words.
        if lexical:
            gate = choose_quote_gate(engine, chosen, (2.0,), (2.0,), HEADING_WORDS)
        else:
            gate = choose_quote_gate(engine, chosen, HEADING_COSINES, HEADING_MARGINS, (1.0, 2.0))
    finally:
        engine.policy = original
    cosine, margin, words = gate
    return replace(
        base,
        quote_heading_cosine=cosine,
        quote_heading_margin=margin,
        quote_heading_words=words,
    )


def main() -> None:
    from bot.config import Locations, Settings, prepare_process

    settings = Settings()
    prepare_process(settings)
    loc = Locations.from_settings(settings)  # STUDYBOT_INDEX_DIR etc., as `studybot` reads them
    embedder = loc.embedder(building=True)
    fields = save_field_vectors(embedder.name, embedder)
    engine = Engine.open(loc.catalog(), embedder, loc.index_dir)
    # Features are read with the new fields even while the index still carries the old policy.
    engine.other_fields = field_vectors(replace(engine.policy, other_fields=fields), embedder)
    chosen = cases("tuning")
    for names, model in ((FEATURES, embedder.name), (LEXICAL_FEATURES, LEXICAL_ONLY)):
        policy = fit(engine, chosen, names, model, fields)
        path = policy_path(model)
        path.write_text(json.dumps(policy.to_json(), indent=2) + "\n", encoding="utf-8")
        print(f"{path}: answer at {policy.answer_at}, partial at {policy.partial_at}")


if __name__ == "__main__":
    main()
