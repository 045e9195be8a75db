"""When to answer: a calibrated decision between answered, partial and nothing.

Two small logistic models read a handful of features of the question and its candidates:
one estimates that the catalog answers the question, the other that the question is about
the field at all. Both were fitted on the tuning split of the evaluation set
(``python -m tests.eval.fit``) for one embedding model, because each model has its own cosine
scale. The fitted policy is written into the index manifest; an index built with a model that
has no fitted policy uses the lexical-only one, which ignores cosine, and says so.
"""

from __future__ import annotations

import json
import math
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path
from typing import Any

from index.results import Coverage

POLICIES = Path(__file__).parent / "policies"
LEXICAL_ONLY = "lexical-only"

FEATURES: tuple[str, ...] = (
    "dense",
    "asked",
    "known",
    "unknown",
    "missing",
    "topical",
    "match",
    "headed",
    "agree",
    "named",
    "start",
    "weight",
    "other",
)
# Features that read cosine. Without a fitted model the cosine scale is unknown: none of them.
COSINE_FEATURES = frozenset({"dense", "asked", "other", "cited"})
LEXICAL_FEATURES: tuple[str, ...] = tuple(f for f in FEATURES if f not in COSINE_FEATURES)
# What a candidate resource is ranked by (``index.ranking.resource_features``).
RANK_FEATURES: tuple[str, ...] = (
    "fused",
    "position",
    "dense",
    "dense_rank",
    "lexical_rank",
    "asked",
    "cited",
    "coverage",
    "title",
    "beginner",
    "advanced",
    "paper",
    "course_or_video",
    "repo_or_tool",
    "free",
    "kind_asked",
    "level_asked",
    "free_asked",
)
LEXICAL_RANK_FEATURES: tuple[str, ...] = tuple(f for f in RANK_FEATURES if f not in COSINE_FEATURES)


@dataclass(frozen=True)
class Logistic:
    """P(yes) = sigmoid(intercept + sum(coefficient * feature))."""

    intercept: float
    coefficients: dict[str, float]

    def probability(self, features: dict[str, float]) -> float:
        z = self.intercept
        for name, coefficient in self.coefficients.items():  # a loop: faster than sum() here
            z += coefficient * features.get(name, 0.0)
        return _sigmoid(z)

    def highest(self, known: dict[str, float], ranges: dict[str, tuple[float, float]]) -> float:
        """The highest probability for the ``known`` features, whatever values in their
        ``ranges`` the other features take: what bounds a ranking before it reads them."""
        z = self.intercept
        for name, coefficient in self.coefficients.items():
            if name in ranges:
                low, high = ranges[name]
                z += max(coefficient * low, coefficient * high)
            else:
                z += coefficient * known.get(name, 0.0)
        return _sigmoid(z)


def _sigmoid(z: float) -> float:
    return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z))))


@dataclass(frozen=True)
class AnswerPolicy:
    """Every threshold and coefficient of the answer decision, for one embedding model."""

    model: str
    covered: Logistic
    in_field: Logistic
    answer_at: float
    partial_at: float
    # P(a tutor would accept this resource for the question), over RANK_FEATURES: how
    # resources are ranked. Without it (a policy from before it was fitted): by fused rank.
    relevance: Logistic | None = None
    # Fusion: the meaning ranking's weight beside the words' (1.0) in reciprocal rank fusion.
    dense_weight: float = 0.4
    # ... and the resources ranked by their closest learner question (index.asked).
    asked_weight: float = 0.4
    # Resources: recommended when this close in meaning, or sharing words and this close.
    resource_floor: float = 0.30
    lexical_floor: float = 0.18
    # Passages: meaning + heading_weight x heading match + text_weight x word match must reach
    # passage_score: a section headed with the asked thing wins over one that mentions it.
    heading_weight: float = 0.6
    text_weight: float = 0.2
    passage_score: float = 0.7
    passage_margin: float = 0.12
    # ... plus this weight x its heading's cosine to the question, when the scale is known: the
    # section headed with the asked thing ("What is RAG?") beats one that uses its words more.
    heading_cosine_weight: float = 0.0
    max_passages: int = 1
    # ... and is quoted only when it is about the question: its heading this close in meaning
    # to the question (headings read as learners' questions), or its heading carrying this
    # share of the question's topical words (a note's introduction never counts: its heading
    # is the whole topic). Fitted for precision: no quote rather than an unrelated one.
    quote_heading_cosine: float = 2.0
    quote_heading_words: float = 2.0
    # ... or its heading this much closer to the question than any other retrieved heading.
    quote_heading_margin: float = 2.0
    # The digest of the other fields (index.other_fields) the "other" feature was fitted with.
    other_fields: str = ""
    fitted_on: dict[str, Any] = field(default_factory=dict)

    def decide(self, features: dict[str, float]) -> Coverage:
        if self.covered.probability(features) >= self.answer_at:
            return "answered"
        if self.in_field.probability(features) >= self.partial_at:
            return "partial"
        return "none"

    @property
    def uses_cosine(self) -> bool:
        return "dense" in self.covered.coefficients or "dense" in self.in_field.coefficients

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> AnswerPolicy:
        """The policy as stored; fields an older studybot wrote and this one dropped are ignored."""
        known = {f.name for f in fields(cls)}
        values = {key: value for key, value in data.items() if key in known}
        values["covered"] = Logistic(**data["covered"])
        values["in_field"] = Logistic(**data["in_field"])
        if data.get("relevance"):
            values["relevance"] = Logistic(**data["relevance"])
        return cls(**values)


def policy_path(model: str) -> Path:
    """Where the fitted policy for ``model`` is kept (a file name made from the model's name)."""
    safe = "".join(c if c.isalnum() or c in "-._" else "_" for c in Path(model).name)
    return POLICIES / f"{safe}.json"


def policy_for(model: str) -> AnswerPolicy:
    """The policy fitted for ``model``, else the lexical-only one (cosine scales differ)."""
    path = policy_path(model)
    if not path.is_file() or model == LEXICAL_ONLY:
        path = policy_path(LEXICAL_ONLY)
    return AnswerPolicy.from_json(json.loads(path.read_text(encoding="utf-8")))
