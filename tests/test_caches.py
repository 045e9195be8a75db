"""The build caches: edit after edit, a rebuild embeds and reads only what changed."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from catalog import load_catalog
from index import Engine, build_index
from index.segments import MAX_APPENDED
from tests.conftest import FakeEmbedder
from tests.test_index import edit

GUIDES = Path("resources") / "guides.yaml"


def test_edit_after_edit_each_rebuild_embeds_only_the_edited_entry(
    catalog_dir: Path, tmp_path: Path
) -> None:
    index_dir = tmp_path / "index"
    build_index(load_catalog(catalog_dir), FakeEmbedder(), index_dir)
    before = "A web playground"
    for n in range(MAX_APPENDED + 3):
        now = f"A playground, take {n},"
        edit(catalog_dir / GUIDES, before, now)
        before = now
        embedder = FakeEmbedder()  # and a new cache object: as a new process would read it
        report, _ = build_index(load_catalog(catalog_dir), embedder, index_dir)
        assert report.embedded == 1, n
        assert f"take {n}," in embedder.encoded[0]
    cache = sorted(p.name for p in (index_dir / "cache").glob("*.npz"))
    assert len(cache) <= 2 * (MAX_APPENDED + 1)  # appended files are folded back in
    engine = Engine.load(index_dir, catalog_dir, FakeEmbedder())
    hit = engine.search(f"playground take {MAX_APPENDED + 2}", k=1)[0]
    assert hit.resource.id == "tiktokenizer"


def test_a_damaged_cache_file_costs_embeddings_never_wrong_vectors(
    catalog_dir: Path, tmp_path: Path
) -> None:
    index_dir = tmp_path / "index"
    build_index(load_catalog(catalog_dir), FakeEmbedder(), index_dir)
    edit(catalog_dir / GUIDES, "A web playground", "An online playground")
    build_index(load_catalog(catalog_dir), FakeEmbedder(), index_dir)
    appended = sorted((index_dir / "cache").glob("embeddings-*.1.npz"))
    assert appended, "the edit was appended beside the cache"
    appended[0].write_bytes(b"PK\x03\x04 damaged")
    edit(catalog_dir / GUIDES, "An online playground", "A web playground")
    embedder = FakeEmbedder()
    report, _ = build_index(load_catalog(catalog_dir), embedder, index_dir)
    assert report.embedded == 0  # the original text's vector is in the intact base file
    edit(catalog_dir / GUIDES, "A web playground", "An online playground")
    report, _ = build_index(load_catalog(catalog_dir), embedder, index_dir)
    assert report.embedded == 1  # its vector was in the damaged file: embedded again
    fresh_dir = tmp_path / "fresh"
    build_index(load_catalog(catalog_dir), FakeEmbedder(), fresh_dir, full=True)
    served = Engine.load(index_dir, catalog_dir, FakeEmbedder()).retriever.dense
    fresh = Engine.load(fresh_dir, catalog_dir, FakeEmbedder()).retriever.dense
    assert np.allclose(
        served.index.reconstruct_n(0, served.size), fresh.index.reconstruct_n(0, fresh.size)
    )
