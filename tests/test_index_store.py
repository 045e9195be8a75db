"""What each index version stores beside its vectors: BM25, spellings, names, loaded as built."""

from __future__ import annotations

import json
import random
import re
from collections import Counter
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from bot.ops import check_health
from catalog import load_catalog
from index import Engine, IndexCorrupt, build_index
from index.asked import AskedVectors
from index.documents import build_documents
from index.lexical import LexicalIndex
from index.names import NameIndex
from index.retrieval import Retriever
from index.store import current_version
from index.terms import stem, terms, words
from tests.conftest import REAL_CATALOG, FakeEmbedder
from tests.eval.dataset import cases
from tests.test_serving import run


def real_texts() -> list[str]:
    texts = [document.indexed for document in build_documents(load_catalog(REAL_CATALOG))]
    return [*texts, "", "the and of"]  # documents without a single term count too


def test_bm25_scores_are_bm25s_scores_bit_for_bit() -> None:
    import bm25s

    texts = real_texts()
    reference = bm25s.BM25()
    reference.index([terms(text) or ["\x00empty"] for text in texts], show_progress=False)
    lexical = LexicalIndex.from_texts(texts)
    vocabulary = lexical.lexicon.terms
    for term in vocabulary:
        assert np.array_equal(lexical.scores([term]), reference.get_scores([term])), term
    rng = random.Random(11)
    for _ in range(200):
        query = [*rng.sample(vocabulary, 4), rng.choice(vocabulary), "notacatalogword"]
        query.append(query[0])  # a repeated word counts twice, as in bm25s
        assert np.array_equal(lexical.scores(query), reference.get_scores(query))


def test_spellings_and_frequencies_are_counted_from_the_texts() -> None:
    texts = real_texts()
    lexical = LexicalIndex.from_texts(texts)
    frequency = Counter(term for text in texts for term in set(terms(text) or ["\x00empty"]))
    spellings: dict[str, Counter[str]] = {}
    for text in texts:
        for word in words(text):
            spellings.setdefault(stem(word), Counter())[word] += 1
    assert {t: lexical.document_frequency(t) for t in frequency} == dict(frequency)
    assert lexical.lexicon.terms == sorted(frequency)
    for term, found in spellings.items():
        assert lexical.spelling(term) == found.most_common(1)[0][0], term
    assert lexical.lexicon.written == sorted(
        {w for c in spellings.values() for w in c if w.isalpha()}
    )


@pytest.mark.parametrize("name", ["lexical.npz", "names.json", "asked.npz"])
@pytest.mark.parametrize("damage", ["bit", "truncate"])
def test_a_damaged_lexical_or_names_file_is_reported_not_served(
    catalog_dir: Path, tmp_path: Path, name: str, damage: str
) -> None:
    index_dir = tmp_path / "index"
    build_index(load_catalog(catalog_dir), FakeEmbedder(), index_dir)
    path = current_version(index_dir) / name
    data = bytearray(path.read_bytes())
    if damage == "bit":
        data[len(data) // 2] ^= 0x01  # same size: only the checksum can tell
    else:
        del data[len(data) // 2 :]
    path.write_bytes(bytes(data))

    with pytest.raises(IndexCorrupt, match=re.escape(name)):
        Engine.load(index_dir, catalog_dir, FakeEmbedder())
    status = run("index", "status", "--catalog", str(catalog_dir), "--index", str(index_dir))
    assert status.exit_code == 2 and name in status.stdout  # type: ignore[attr-defined]
    [problem] = check_health(index_dir, bot=False, max_age=60, heartbeat=tmp_path / "beat")
    assert problem.startswith("the index does not load") and name in problem


def test_a_damaged_catalog_snapshot_is_reported_at_load(catalog_dir: Path, tmp_path: Path) -> None:
    index_dir = tmp_path / "index"
    build_index(load_catalog(catalog_dir), FakeEmbedder(), index_dir)
    path = current_version(index_dir) / "catalog.jsonl"
    data = bytearray(path.read_bytes())
    # Inside the first resource's line, which is parsed only when an answer reads it.
    data[data.index(b"\n") + 30] ^= 0x01
    path.write_bytes(bytes(data))
    with pytest.raises(IndexCorrupt, match=r"catalog\.jsonl"):
        Engine.load(index_dir, catalog_dir, FakeEmbedder())


def test_a_resource_ranks_by_its_closest_learner_question() -> None:
    unit = np.eye(3, dtype=np.float32)
    # Resource row 4 has two questions (axes 0 and 1), row 9 one (axis 2).
    asked = AskedVectors(unit, np.array([4, 4, 9], dtype=np.int32), np.ones(3, bool))
    assert asked.ranking(asked.scores(np.array([0.1, 0.2, 0.9], dtype=np.float32)), 5) == [9, 4]
    assert asked.ranking(asked.scores(np.array([0.0, 0.9, 0.3], dtype=np.float32)), 5) == [4, 9]
    assert asked.ranking(asked.scores(np.array([0.0, 0.9, 0.3], dtype=np.float32)), 1) == [4]


def test_an_entry_without_questions_ranks_by_its_own_cosine_without_a_second_copy() -> None:
    unit = np.eye(3, dtype=np.float32)
    # Row 4 has a question (axis 0); row 6 has none: the dense search measured it at 0.8.
    asked = AskedVectors(unit[:1], np.array([4]), np.array([True]), np.array([6]))
    scores = asked.scores(np.array([0.5, 0.1, 0.8], dtype=np.float32))
    assert asked.ranking(scores, 5, dense={6: 0.8, 4: 0.3}) == [6, 4]
    assert asked.ranking(scores, 5, dense={6: 0.2}) == [4, 6]
    assert len(asked.vectors) == 1


def test_a_passage_heading_says_how_close_a_quote_is_but_never_ranks_it() -> None:
    unit = np.eye(3, dtype=np.float32)
    # Resource row 4 has a question (axis 0); passage row 7's heading is axis 1.
    asked = AskedVectors(unit[:2], np.array([4, 7], dtype=np.int32), np.array([True, False]))
    scores = asked.scores(np.array([0.2, 0.9, 0.0], dtype=np.float32))
    assert asked.ranking(scores, 5) == [4]
    assert asked.closest(scores, [7, 4]) == pytest.approx({7: 0.9, 4: 0.2})


def test_learner_questions_are_stored_with_the_resources_they_belong_to(
    real_engine: Engine,
) -> None:
    asked = real_engine.retriever.asked
    assert asked is not None
    documents = real_engine.documents
    ranking = asked.rows[asked.ranks].tolist()
    assert {documents[row].ref for row in ranking} == {r.id for r in real_engine.catalog.resources}
    resources = real_engine.catalog.resources
    assert len(ranking) == sum(len(r.questions) for r in resources)
    assert len(asked.silent) == sum(not r.questions for r in resources)
    # ... and every passage has its heading, which never ranks it.
    headed = asked.rows[~asked.ranks].tolist()
    assert sorted(headed) == [row for row, d in enumerate(documents) if not d.is_resource]


def comparable(answer: Any) -> dict[str, Any]:
    shown = answer.to_json()
    del shown["timings_ms"]
    return shown


def test_answers_from_the_stored_tables_equal_a_fresh_build(real_engine: Engine) -> None:
    catalog = load_catalog(REAL_CATALOG)
    documents = build_documents(catalog)
    lexical = LexicalIndex.from_texts([document.indexed for document in documents])
    fresh = Engine(
        catalog,
        real_engine.embedder,
        documents,
        Retriever(documents, real_engine.retriever.dense, lexical, real_engine.retriever.asked),
        NameIndex.build(catalog.resources, lexical.document_frequency),
        real_engine.manifest,
        real_engine.index_dir,
    )
    reloaded = Engine.load(real_engine.index_dir, REAL_CATALOG, real_engine.embedder)
    questions = [case.q for case in cases("heldout")]
    questions += ["tokenizaton", "the chinchila paper", "karpathy tokenizer video"]
    for old, new in zip(fresh.answer_many(questions), reloaded.answer_many(questions), strict=True):
        assert comparable(new) == comparable(old)
    assert json.dumps(reloaded.names.to_json()) == json.dumps(fresh.names.to_json())


def test_a_rebuild_derives_again_only_what_comes_from_edited_files(catalog_dir: Path) -> None:
    before = {d.id: d for d in build_documents(load_catalog(catalog_dir))}
    guides = catalog_dir / "resources" / "guides.yaml"
    guides.write_text(guides.read_text().replace("A web playground", "A new playground"))
    catalog = load_catalog(catalog_dir)
    after = {d.id: d for d in build_documents(catalog)}
    from_guides = {f"resource:{r.id}" for r in catalog.resources if r.url in guides.read_text()}
    for doc_id, document in after.items():
        if document.kind == "resource":
            assert (document is before[doc_id]) == (doc_id not in from_guides), doc_id
    assert "A new playground" in after["resource:tiktokenizer"].indexed
