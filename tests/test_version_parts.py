"""Index versions stored in parts: a rebuild shares what did not change, and every version
still reads, verifies and prunes as if it were alone."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

import index.parts as parts
from catalog import load_catalog
from index import BuildFailed, Engine, build_index
from index.lexicon import Lexicon
from index.store import current_version, read_manifest, verify_files
from tests.conftest import FakeEmbedder
from tests.test_index_store import comparable

QUESTIONS = [
    "What does ZeRO partition?",
    "a playground to see how text is tokenized",
    "papers about scaling laws",
    "how do transformers use attention?",
]


@pytest.fixture(autouse=True)
def _small_parts(monkeypatch: pytest.MonkeyPatch) -> None:
    """Parts of about two rows, so the tiny catalog's files come in several."""
    monkeypatch.setattr(parts, "PART_ROWS", 2)
    monkeypatch.setattr(parts, "MAX_PART_ROWS", 8)


def edit_one_entry(catalog_dir: Path, new: str = "A new playground") -> None:
    guides = catalog_dir / "resources" / "guides.yaml"
    text = guides.read_text(encoding="utf-8")
    old = "A web playground" if "A web playground" in text else "A new playground"
    guides.write_text(text.replace(old, new), encoding="utf-8")


def inodes(version: Path) -> dict[str, int]:
    return {path.name: path.stat().st_ino for path in version.iterdir()}


def test_a_rebuild_after_one_edit_answers_as_a_full_build(
    catalog_dir: Path, tmp_path: Path, fresh_process: list[str]
) -> None:
    index_dir, full_dir = tmp_path / "index", tmp_path / "full"
    build_index(load_catalog(catalog_dir), FakeEmbedder(), index_dir)
    edit_one_entry(catalog_dir)
    catalog = load_catalog(catalog_dir)
    build_index(catalog, FakeEmbedder(), index_dir)
    build_index(catalog, FakeEmbedder(), full_dir, full=True)
    rebuilt = Engine.load(index_dir, catalog_dir, FakeEmbedder())
    full = Engine.load(full_dir, catalog_dir, FakeEmbedder())
    assert len(read_manifest(current_version(index_dir))["parts"]["documents.jsonl"]) > 1
    for question in QUESTIONS:
        assert comparable(rebuilt.answer(question)) == comparable(full.answer(question))
    assert any("new playground" in d.indexed for d in rebuilt.documents)


def test_a_rebuild_after_one_edit_writes_only_the_parts_that_changed(
    catalog_dir: Path, tmp_path: Path
) -> None:
    index_dir = tmp_path / "index"
    build_index(load_catalog(catalog_dir), FakeEmbedder(), index_dir)
    before = current_version(index_dir)
    edit_one_entry(catalog_dir)
    build_index(load_catalog(catalog_dir), FakeEmbedder(), index_dir)
    after = current_version(index_dir)
    stored = read_manifest(after)["parts"]
    old, new = inodes(before), inodes(after)
    for name in ("documents.jsonl", "vectors.f32", "catalog.jsonl"):
        shared = [part for part in stored[name] if old.get(part) == new[part]]
        assert 0 < len(shared) < len(stored[name]), name
    assert verify_files(after, read_manifest(after)) == []


def test_pruning_old_versions_never_breaks_the_current_one(
    catalog_dir: Path, tmp_path: Path
) -> None:
    index_dir = tmp_path / "index"
    for edit in range(4):
        edit_one_entry(catalog_dir, f"A playground, take {edit}")
        build_index(load_catalog(catalog_dir), FakeEmbedder(), index_dir)
    current = current_version(index_dir)
    versions = sorted(p.name for p in (index_dir / "versions").iterdir())
    assert len(versions) < 4 and current.name in versions  # each build prunes old versions
    for name in versions:
        if name != current.name:
            shutil.rmtree(index_dir / "versions" / name)
    assert verify_files(current, read_manifest(current)) == []
    engine = Engine.load(index_dir, catalog_dir, FakeEmbedder())
    assert engine.answer("What does ZeRO partition?").resources[0].resource.id == "zero-paper"


def test_pruning_keeps_the_newest_versions_even_of_builds_within_one_second(
    catalog_dir: Path, tmp_path: Path
) -> None:
    index_dir = tmp_path / "index"
    written = []
    for edit in range(5):
        edit_one_entry(catalog_dir, f"A playground, take {edit}")
        build_index(load_catalog(catalog_dir), FakeEmbedder(), index_dir)
        written.append(current_version(index_dir).name)
    kept = sorted(p.name for p in (index_dir / "versions").iterdir())
    assert 0 < len(kept) < len(written)  # old versions were pruned ...
    assert kept == written[-len(kept) :]  # ... and the newest kept, in the order they were built
    assert sorted(written) == written


def test_a_damaged_shared_part_is_reported_and_the_next_build_writes_it_afresh(
    catalog_dir: Path, tmp_path: Path
) -> None:
    index_dir = tmp_path / "index"
    build_index(load_catalog(catalog_dir), FakeEmbedder(), index_dir)
    edit_one_entry(catalog_dir)
    build_index(load_catalog(catalog_dir), FakeEmbedder(), index_dir)
    served = current_version(index_dir)
    stored = read_manifest(served)["parts"]["documents.jsonl"]
    shared = next(p for p in stored if (served / p).stat().st_nlink > 1)
    data = bytearray((served / shared).read_bytes())
    data[5] ^= 0x01  # same size, one bit flipped, in both versions at once
    (served / shared).write_bytes(bytes(data))
    damaged_inode = (served / shared).stat().st_ino
    assert verify_files(served, read_manifest(served)) == [f"{shared} does not match its checksum"]

    edit_one_entry(catalog_dir, "A playground once more")
    build_index(load_catalog(catalog_dir), FakeEmbedder(), index_dir)
    rebuilt = current_version(index_dir)
    assert verify_files(rebuilt, read_manifest(rebuilt)) == []
    assert (rebuilt / shared).stat().st_ino != damaged_inode


def test_a_build_failing_after_linking_parts_leaves_the_previous_version_whole(
    catalog_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    index_dir = tmp_path / "index"
    build_index(load_catalog(catalog_dir), FakeEmbedder(), index_dir)
    served = current_version(index_dir)
    edit_one_entry(catalog_dir)

    def disk_full(self: Lexicon, path: Path) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(Lexicon, "save", disk_full)
    with pytest.raises(BuildFailed, match="previous index is still serving"):
        build_index(load_catalog(catalog_dir), FakeEmbedder(), index_dir)
    assert current_version(index_dir) == served
    assert [p for p in index_dir.rglob("*") if ".tmp" in p.name] == []
    assert all(path.stat().st_nlink == 1 for path in served.iterdir())
    assert verify_files(served, read_manifest(served)) == []
