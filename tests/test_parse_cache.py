"""A fresh process re-parses only the catalog files that changed, and never trusts a bad cache."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from pydantic import ValidationError

import catalog.loader as loader
import catalog.parse_cache as parse_cache
from bot.terminal.cli import main
from catalog import check_catalog, load_catalog
from catalog.snapshot import dump_snapshot, read_snapshot
from tests.conftest import REAL_CATALOG
from tests.test_catalog import line_of, replace


def resource_files(parsed: list[str]) -> list[str]:
    return [name for name in parsed if name.endswith(".yaml") and name != "topics.yaml"]


def test_a_new_process_parses_again_only_the_edited_file(
    catalog_dir: Path, tmp_path: Path, fresh_process: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    cache = tmp_path / "parsed"
    load_catalog(catalog_dir, cache)
    guides = catalog_dir / "resources" / "guides.yaml"
    replace(guides, "A web playground", "A reparsed playground")
    monkeypatch.setattr(loader, "_PARSED", {})
    fresh_process.clear()
    after = load_catalog(catalog_dir, cache)
    assert resource_files(fresh_process) == ["guides.yaml"]
    assert after.resource("tiktokenizer").description.startswith("A reparsed playground")  # type: ignore[union-attr]
    monkeypatch.setattr(loader, "_PARSED", {})
    assert load_catalog(catalog_dir).resources == after.resources  # the same as parsed afresh
    assert len(list(cache.glob(f"*{parse_cache.SUFFIX}"))) == len(
        list((catalog_dir / "resources").iterdir())
    )


def test_problems_in_a_file_read_from_the_cache_still_give_its_lines(
    catalog_dir: Path, tmp_path: Path, fresh_process: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    cache = tmp_path / "parsed"
    load_catalog(catalog_dir, cache)
    papers = catalog_dir / "resources" / "papers.yaml"
    guides = catalog_dir / "resources" / "guides.yaml"
    # guides.yaml takes a URL of papers.yaml: the duplicate is reported where papers.yaml,
    # read from the cache, has it.
    url = next(line for line in papers.read_text().splitlines() if "url:" in line)
    replace(guides, guides.read_text().split("url:")[1].split("\n")[0], url.split("url:")[1])
    monkeypatch.setattr(loader, "_PARSED", {})
    fresh_process.clear()
    _, problems = check_catalog(catalog_dir, cache)
    assert resource_files(fresh_process) == ["guides.yaml"]
    [problem] = problems
    assert problem.path.endswith("papers.yaml") and "duplicate URL" in problem.message
    assert problem.line == line_of(papers, url.strip())


DAMAGE = {
    "garbage": lambda data: b"\x00\xff not a cache",
    "an edited entry": lambda data: data.replace(b"A web playground", b"A forged playground"),
    "a truncated file": lambda data: data[: len(data) // 2],
    "other code": lambda data: data.replace(parse_cache.code_fingerprint().encode(), b"0" * 64),
}


@pytest.mark.parametrize("damage", sorted(DAMAGE))
def test_a_damaged_or_stale_parse_cache_is_never_trusted(
    damage: str, catalog_dir: Path, tmp_path: Path, fresh_process: list[str]
) -> None:
    cache = tmp_path / "parsed"
    expected = load_catalog(catalog_dir, cache)
    for path in cache.glob(f"*{parse_cache.SUFFIX}"):
        data = path.read_bytes()
        if damage == "an edited entry" and b"A web playground" not in data:
            continue
        path.write_bytes(DAMAGE[damage](data))
    loader._PARSED.clear()
    fresh_process.clear()
    again = load_catalog(catalog_dir, cache)
    assert again.resources == expected.resources
    assert "forged" not in again.resource("tiktokenizer").description  # type: ignore[union-attr]
    assert "guides.yaml" in resource_files(fresh_process)
    loader._PARSED.clear()
    fresh_process.clear()
    load_catalog(catalog_dir, cache)  # the damage was repaired: nothing is parsed
    assert resource_files(fresh_process) == []


def test_after_an_edit_a_new_build_process_finds_the_new_text(
    catalog_dir: Path, tmp_path: Path, fresh_process: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    where = ["--catalog", str(catalog_dir), "--index", str(tmp_path / "index")]
    runner = CliRunner()
    first = runner.invoke(main, ["index", "build", "--json", *where])
    assert first.exit_code == 0, first.output
    replace(
        catalog_dir / "resources" / "guides.yaml",
        "A web playground",
        "A zymurgy brewing playground",
    )
    monkeypatch.setattr(loader, "_PARSED", {})
    fresh_process.clear()
    second = runner.invoke(main, ["index", "build", "--json", *where])
    assert second.exit_code == 0, second.output
    assert resource_files(fresh_process) == ["guides.yaml"]
    assert json.loads(second.stdout)["embedded"] == 1
    asked = runner.invoke(main, ["search", "zymurgy brewing", "--json", *where])
    assert asked.exit_code == 0, asked.output
    assert "tiktokenizer" in asked.stdout


def test_entries_read_back_from_a_snapshot_behave_as_the_validated_ones() -> None:
    catalog = load_catalog(REAL_CATALOG)
    served = read_snapshot(dump_snapshot(catalog).encode("utf-8"))
    assert len(served.resources) == len(catalog.resources)
    for loaded, read in zip(catalog.resources, served.resources, strict=True):
        assert read == loaded
        assert hash(read) == hash(loaded)
        assert read.model_dump() == loaded.model_dump()
        assert read.verified == loaded.verified
    with pytest.raises(ValidationError):
        served.resources[0].title = "changed"  # type: ignore[misc]
