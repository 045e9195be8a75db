"""Building, publishing and reloading the index: incremental, atomic, self-healing."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from catalog import load_catalog
from index import BuildFailed, Engine, IndexCorrupt, IndexNotBuilt, build_index
from index.dense import DenseIndex
from index.documents import build_documents
from index.store import current_version
from tests.conftest import FakeEmbedder


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_incremental_rebuild_embeds_only_the_changed_entry(
    catalog_dir: Path, tmp_path: Path
) -> None:
    index_dir = tmp_path / "index"
    first = FakeEmbedder()
    report, _ = build_index(load_catalog(catalog_dir), first, index_dir)
    assert report.embedded == report.documents
    # Each document once, and each section heading once (how close a quote is to a question).
    headings = {d.heading for d in build_documents(load_catalog(catalog_dir)) if not d.is_resource}
    assert len(first.encoded) == report.documents + len(headings)

    edit(catalog_dir / "resources" / "guides.yaml", "A web playground", "An online playground")
    second = FakeEmbedder()
    report, _ = build_index(load_catalog(catalog_dir), second, index_dir)
    assert report.embedded == 1
    assert report.reused == report.documents - 1
    assert report.updated_ids == ("tiktokenizer",)
    assert len(second.encoded) == 1 and "online playground" in second.encoded[0]


def test_full_rebuild_embeds_everything_again(catalog_dir: Path, tmp_path: Path) -> None:
    build_index(load_catalog(catalog_dir), FakeEmbedder(), tmp_path / "index")
    embedder = FakeEmbedder()
    report, _ = build_index(load_catalog(catalog_dir), embedder, tmp_path / "index", full=True)
    assert report.embedded == report.documents == len(embedder.encoded)


def test_removed_entry_is_reported_and_gone_from_answers(catalog_dir: Path, tmp_path: Path) -> None:
    index_dir = tmp_path / "index"
    build_index(load_catalog(catalog_dir), FakeEmbedder(), index_dir)
    papers = catalog_dir / "resources" / "papers.yaml"
    text = papers.read_text(encoding="utf-8")
    start = text.index("- id: instructgpt")
    papers.write_text(text[:start], encoding="utf-8")
    catalog = load_catalog(catalog_dir)
    report, _ = build_index(catalog, FakeEmbedder(), index_dir)
    assert report.removed == 1 and report.removed_ids == ("instructgpt",)
    engine = Engine.load(index_dir, catalog, FakeEmbedder())
    hits = engine.search("instructions human feedback reinforcement learning", k=10)
    assert "instructgpt" not in {hit.resource.id for hit in hits}


def test_a_build_that_crashes_midway_leaves_the_old_index_serving(
    catalog_dir: Path, tmp_path: Path
) -> None:
    index_dir = tmp_path / "index"
    catalog = load_catalog(catalog_dir)
    build_index(catalog, FakeEmbedder(), index_dir)
    served = current_version(index_dir)

    edit(catalog_dir / "resources" / "guides.yaml", "A web playground", "An online playground")
    with pytest.raises(BuildFailed, match="previous index is still serving"):
        build_index(load_catalog(catalog_dir), FakeEmbedder(fail_after=0), index_dir)

    assert current_version(index_dir) == served
    engine = Engine.load(index_dir, load_catalog(catalog_dir), FakeEmbedder())
    assert engine.search("tokens playground", k=3)[0].resource.id == "tiktokenizer"
    assert not [p for p in (index_dir / "versions").iterdir() if p.name.endswith(".tmp")]


def test_a_full_disk_while_writing_leaves_the_old_index(
    catalog_dir: Path, tmp_path: Path, monkeypatch
) -> None:
    index_dir = tmp_path / "index"
    catalog = load_catalog(catalog_dir)
    build_index(catalog, FakeEmbedder(), index_dir)
    served = current_version(index_dir)

    def disk_full(self, *args, **kwargs) -> None:  # type: ignore[no-untyped-def]
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(Path, "write_text", disk_full)
    monkeypatch.setattr(Path, "write_bytes", disk_full)
    with pytest.raises(BuildFailed, match="No space left"):
        build_index(catalog, FakeEmbedder(), index_dir, full=True)
    assert current_version(index_dir) == served
    assert sorted(p.name for p in (index_dir / "versions").iterdir()) == [served.name]


def test_a_corrupt_index_is_rebuilt_on_open(catalog_dir: Path, tmp_path: Path) -> None:
    index_dir = tmp_path / "index"
    catalog = load_catalog(catalog_dir)
    build_index(catalog, FakeEmbedder(), index_dir)
    (current_version(index_dir) / "vectors.f32").write_bytes(b"garbage")
    with pytest.raises(IndexCorrupt):
        Engine.load(index_dir, catalog, FakeEmbedder())

    engine = Engine.open(catalog, FakeEmbedder(), index_dir)
    assert engine.notices and engine.notices[0].startswith("rebuilt the index")
    answer = engine.answer("What does ZeRO partition?")
    assert not answer.is_empty and answer.resources[0].resource.id == "zero-paper"


def test_a_missing_index_is_built_on_open(tiny_catalog, tmp_path: Path) -> None:
    with pytest.raises(IndexNotBuilt):
        Engine.load(tmp_path / "none", tiny_catalog, FakeEmbedder())
    engine = Engine.open(tiny_catalog, FakeEmbedder(), tmp_path / "none")
    assert engine.status().manifest["counts"]["resources"] == 10


def test_the_engine_says_when_the_catalog_changed_since_the_build(
    catalog_dir: Path, tmp_path: Path
) -> None:
    index_dir = tmp_path / "index"
    build_index(load_catalog(catalog_dir), FakeEmbedder(), index_dir)
    edit(catalog_dir / "notes" / "attention.md", "Each token", "Every token")
    engine = Engine.load(index_dir, load_catalog(catalog_dir), FakeEmbedder())
    assert engine.status().stale
    assert any("catalog changed" in notice for notice in engine.notices)


def test_an_index_from_another_model_is_not_used(tiny_catalog, tmp_path: Path) -> None:
    build_index(tiny_catalog, FakeEmbedder("model-a"), tmp_path / "index")
    with pytest.raises(IndexCorrupt, match="model-a"):
        Engine.load(tmp_path / "index", tiny_catalog, FakeEmbedder("model-b"))


def test_manifest_records_what_the_index_was_built_from(engine: Engine, tiny_catalog) -> None:
    manifest = engine.status().manifest
    assert manifest["catalog_hash"] == tiny_catalog.content_hash
    assert manifest["model"] == "fake-hash-256" and manifest["dim"] == 256
    assert (
        manifest["counts"]["documents"]
        == manifest["counts"]["resources"] + manifest["counts"]["passages"]
    )
    assert {"faiss-cpu", "numpy"} <= set(manifest["versions"])
    assert manifest["index_type"] == "flat"


def test_faiss_search_equals_exact_cosine_search(
    engine: Engine, fake_embedder: FakeEmbedder
) -> None:
    vectors = fake_embedder.encode([d.indexed for d in engine.documents])
    query = fake_embedder.encode(["pipeline stages micro-batches"])[0]
    exact = np.argsort(-(vectors @ query), kind="stable")[:5]
    scores, rows = engine.retriever.dense.search(query.reshape(1, -1), 5)
    assert np.allclose(scores[0], (vectors @ query)[exact], atol=1e-5)
    assert set(rows[0]) == set(exact) or np.allclose(
        np.sort(scores[0]), np.sort((vectors @ query)[exact])
    )


def test_large_catalogs_switch_to_an_approximate_index(tiny_catalog, tmp_path: Path) -> None:
    build_index(tiny_catalog, FakeEmbedder(), tmp_path / "index", approximate_from=5)
    engine = Engine.load(tmp_path / "index", tiny_catalog, FakeEmbedder())
    assert engine.status().manifest["index_type"] == "hnsw"
    assert engine.search("ZeRO optimizer states partition", k=1)[0].resource.id == "zero-paper"


def test_a_large_flat_index_searched_in_half_precision_returns_the_exact_rows_and_scores(
    tmp_path: Path,
) -> None:
    rng = np.random.default_rng(11)
    vectors = rng.standard_normal((3000, 384)).astype(np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    queries = vectors[rng.choice(len(vectors), 40)] + 0.5 * rng.standard_normal((40, 384))
    queries = (queries / np.linalg.norm(queries, axis=1, keepdims=True)).astype(np.float32)
    DenseIndex.build(vectors).save(tmp_path / "vectors.faiss")
    exact = DenseIndex.load(tmp_path / "vectors.faiss")
    compressed = DenseIndex.load(tmp_path / "vectors.faiss")
    compressed.compress_from = 1000
    assert compressed.compressed and not exact.compressed
    for query in queries:
        want_scores, want_rows = exact.search(query.reshape(1, -1), 40)
        scores, rows = compressed.search(query.reshape(1, -1), 40)
        assert rows.tolist() == want_rows.tolist()
        assert scores.tolist() == want_scores.tolist()
