"""Name plans kept on disk (``index.name_plans``): a new build process derives only the plans
of edited entries, and never trusts a damaged or stale line."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

import index.name_plans as name_plans
from catalog import load_catalog
from index import build_index, current_version
from tests.conftest import FakeEmbedder
from tests.test_index import edit

GUIDES = Path("resources") / "guides.yaml"


@pytest.fixture(autouse=True)
def _new_process(monkeypatch: pytest.MonkeyPatch) -> None:
    """Each test starts with no plans in memory, as a new `studybot` process does."""
    monkeypatch.setattr(name_plans, "_OPEN", {})


def build(catalog_dir: Path, index_dir: Path) -> bytes:
    """Build in a process that read nothing yet; the names table the new version stores."""
    name_plans._OPEN.clear()
    build_index(load_catalog(catalog_dir), FakeEmbedder(), index_dir)
    return (current_version(index_dir) / "names.json").read_bytes()


def entries(index_dir: Path) -> list[list[object]]:
    """Each cached entry as [title, aliases, author, *plans], in the order stored."""
    body = (index_dir / "cache" / name_plans.FILE).read_bytes().partition(b"\n")[2]
    found, whole = name_plans.records(body)
    assert whole
    return [[*key, *plans] for key, plans in found]


def test_a_new_process_derives_only_the_edited_entrys_plans(
    catalog_dir: Path, tmp_path: Path
) -> None:
    index_dir = tmp_path / "index"
    build(catalog_dir, index_dir)
    first = entries(index_dir)
    assert len(first) == len(load_catalog(catalog_dir).resources)
    edit(catalog_dir / GUIDES, "title: Tiktokenizer", "title: Tiktokenizer Playground")
    names = build(catalog_dir, index_dir)
    after = entries(index_dir)
    assert after[: len(first)] == first  # appended, not rewritten
    assert [entry[0] for entry in after[len(first) :]] == ["Tiktokenizer Playground"]
    assert names == build(catalog_dir, tmp_path / "scratch")  # the table derived afresh
    assert b"playground" in names


def forge(index_dir: Path, title: str, old: str, new: str, fix_checksum: bool) -> None:
    """Replace the word ``old`` by ``new`` in the cached plans of the entry ``title``; with
    ``fix_checksum``, as a well-formed record (the entry's plans made wrong on purpose)."""
    path = index_dir / "cache" / name_plans.FILE
    header, _, body = path.read_bytes().partition(b"\n")
    found, _ = name_plans.records(body)
    assert any(key[0] == title for key, _ in found)
    if fix_checksum:
        forged = [
            (key, _replaced(plans, old, new)) if key[0] == title else (key, plans)
            for key, plans in found
        ]
        body = name_plans.record(forged)
    else:
        body = body.replace(old.encode(), new.encode())
    path.write_bytes(header + b"\n" + body)


def _replaced(value: Any, old: str, new: str) -> Any:
    if isinstance(value, str):
        return value.replace(old, new)
    if isinstance(value, tuple):
        return tuple(_replaced(item, old, new) for item in value)
    return value


@pytest.mark.parametrize("damage", ["a damaged line", "other code"])
def test_a_damaged_or_stale_plan_is_never_trusted(
    damage: str, catalog_dir: Path, tmp_path: Path
) -> None:
    index_dir = tmp_path / "index"
    expected = build(catalog_dir, index_dir)
    forge(index_dir, "The Annotated Transformer", "annotated", "forged", damage == "other code")
    if damage == "other code":
        path = index_dir / "cache" / name_plans.FILE
        header, _, body = path.read_bytes().partition(b"\n")
        path.write_bytes(
            json.dumps({**json.loads(header), "code": "0" * 64}).encode() + b"\n" + body
        )
    assert build(catalog_dir, index_dir) == expected


def test_edit_after_edit_the_file_is_rewritten_with_only_the_plans_in_use(
    catalog_dir: Path, tmp_path: Path
) -> None:
    index_dir = tmp_path / "index"
    resources = len(load_catalog(catalog_dir).resources)
    before = "title: Tiktokenizer"
    for n in range(2 * resources):
        now = f"title: Tiktokenizer take {n}"
        edit(catalog_dir / GUIDES, before, now)
        before = now
        build(catalog_dir, index_dir)
        assert len(entries(index_dir)) <= name_plans.SLACK * resources
    titles = [entry[0] for entry in entries(index_dir)]
    assert f"Tiktokenizer take {2 * resources - 1}" in titles
    assert "Tiktokenizer take 0" not in titles
