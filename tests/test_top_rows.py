"""The lexical ranking's top rows, by a full sort (small catalogs) or by selecting the few
above the cut (large ones): the same rows, in the same order."""

from __future__ import annotations

import numpy as np
import pytest

import index.retrieval
from index.retrieval import top_rows


@pytest.mark.parametrize("sort_all", [0, 4096], ids=["selecting", "sorting"])
def test_top_rows_equal_the_positive_head_of_a_stable_argsort(
    sort_all: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(index.retrieval, "SORT_ALL", sort_all)
    rng = np.random.default_rng(11)
    for trial in range(2000):
        size, limit = int(rng.integers(0, 200)), int(rng.integers(1, 50))
        if trial % 2:  # many ties, on the cut too
            scores = rng.choice([0.0, 0.0, 0.5, 1.0, 2.0], size=size).astype(np.float32)
        else:
            scores = (rng.random(size) * (rng.random(size) > 0.5)).astype(np.float32)
        head = np.argsort(-scores, kind="stable")[:limit]
        expected = [int(row) for row in head if scores[row] > 0]
        assert top_rows(scores, limit).tolist() == expected, trial
