"""Loading a catalog and building an index run without the cyclic garbage collector, and what
they made is not walked again by the young collections afterwards (``catalog.gc_pause``)."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from pathlib import Path

import pytest

from catalog import load_catalog
from catalog.gc_pause import gc_paused
from index import build_index
from tests.conftest import FakeEmbedder
from tests.test_index import edit


@pytest.fixture
def collections() -> Iterator[list[int]]:
    """The generation of every collection that starts while the test runs."""
    started: list[int] = []

    def record(phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            started.append(info["generation"])

    gc.callbacks.append(record)
    try:
        yield started
    finally:
        gc.callbacks.remove(record)


def test_a_catalog_loads_and_an_index_builds_without_a_collection(
    catalog_dir: Path, tmp_path: Path, collections: list[int]
) -> None:
    # New text, so this process parses the file again instead of reusing its entries.
    edit(catalog_dir / "resources" / "guides.yaml", "A web playground", "A playground, paused,")
    catalog = load_catalog(catalog_dir)
    assert collections == []
    build_index(catalog, FakeEmbedder(), tmp_path / "index")
    assert collections == []
    assert gc.isenabled()


class _Watching(FakeEmbedder):
    """Notes whether the collector runs while the build embeds."""

    def __init__(self) -> None:
        super().__init__()
        self.collecting: list[bool] = []

    def encode(self, texts):  # type: ignore[no-untyped-def]
        self.collecting.append(gc.isenabled())
        return super().encode(texts)


def test_the_collector_resumes_after_a_failed_build(catalog_dir: Path, tmp_path: Path) -> None:
    embedder = _Watching()
    embedder.fail_after = 1
    with pytest.raises(Exception, match="crashed midway"):
        build_index(load_catalog(catalog_dir), embedder, tmp_path / "index")
    assert embedder.collecting == [False]
    assert gc.isenabled()


def test_what_a_pause_made_joins_the_oldest_generation() -> None:
    with gc_paused():
        made = [[n] for n in range(10)]
    assert any(item is made for item in gc.get_objects(generation=2))


def test_nested_pauses_resume_at_the_outermost() -> None:
    with gc_paused():
        with gc_paused():
            pass
        assert not gc.isenabled()
    assert gc.isenabled()


def test_a_process_that_keeps_the_collector_off_keeps_it_off() -> None:
    gc.disable()
    try:
        with gc_paused():
            pass
        assert not gc.isenabled()
    finally:
        gc.enable()
