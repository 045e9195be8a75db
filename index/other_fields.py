"""How close a question is to fields the catalog is not about (``policies/other-fields.txt``).

Near-field traps share the catalog's words ("step-down transformer", "attention span") and
land close to it in meaning; what gives them away is that they sit closer still to another
field. The vectors of those fields are encoded once by ``python -m tests.eval.fit`` and
kept beside the fitted policy, since encoding them at every start would cost half a second.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

import numpy as np

from index.embedder import Embedder
from index.policy import POLICIES, AnswerPolicy, policy_path

OTHER_FIELDS = POLICIES / "other-fields.txt"


def field_texts(path: Path = OTHER_FIELDS) -> list[str]:
    lines = path.read_text(encoding="utf-8").splitlines()
    return [line.strip() for line in lines if line.strip() and not line.startswith("#")]


def digest(texts: list[str]) -> str:
    return hashlib.sha256("\n".join(texts).encode()).hexdigest()[:16]


def vectors_path(model: str) -> Path:
    return policy_path(model).with_suffix(".fields.npz")


def save_field_vectors(model: str, embedder: Embedder) -> str:
    """Encode the fields for ``model``; the digest goes into the policy fitted with them."""
    texts = field_texts()
    found = digest(texts)
    np.savez(vectors_path(model), vectors=embedder.encode(texts), digest=np.array(found))
    return found


def field_vectors(policy: AnswerPolicy, embedder: Embedder) -> np.ndarray[Any, Any] | None:
    """The vectors the policy was fitted with; None when it does not weigh other fields."""
    if not policy.other_fields:
        return None
    try:
        with np.load(vectors_path(policy.model), allow_pickle=False) as stored:
            if str(stored["digest"]) == policy.other_fields:
                return np.asarray(stored["vectors"], dtype=np.float32)
    except (OSError, ValueError, KeyError):
        pass
    # The packaged vectors belong to another list: encode this one (slow, but right).
    return np.asarray(embedder.encode(field_texts()), dtype=np.float32)


def closeness(vectors: np.ndarray[Any, Any] | None, question: np.ndarray[Any, Any]) -> float:
    """Cosine of the question to the nearest other field (0 without fields)."""
    if vectors is None or not len(vectors):
        return 0.0
    return float((vectors @ question).max())
