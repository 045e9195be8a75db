"""Catalog input that used to be accepted without a word, hang, or bury its cause."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from catalog import check_catalog, load_catalog
from tests.test_catalog import line_of, problems_for, replace

ENTRY = """- id: {id}
  title: Extra entry
  url: {url}
  kind: article
  level: beginner
  topics: [attention]
  author: Someone
  free: true
  description: An extra entry for the test.
  why: It tests the loader.
"""


def test_a_key_written_twice_is_reported_at_the_second(catalog_dir: Path) -> None:
    guides = catalog_dir / "resources" / "guides.yaml"
    replace(
        guides,
        "  url: https://jalammar.github.io/illustrated-transformer/\n",
        "  url: https://jalammar.github.io/illustrated-transformer/\n"
        "  url: https://example.org/other\n",
    )
    first = line_of(guides, "url: https://jalammar")
    assert problems_for(catalog_dir) == [
        f"{guides}:{first + 1}: duplicate key 'url' (first at line {first})"
    ]


def test_resources_in_subfolders_and_upper_case_suffixes_are_loaded(catalog_dir: Path) -> None:
    nested = catalog_dir / "resources" / "extra" / "More.YAML"
    nested.parent.mkdir()
    nested.write_text(ENTRY.format(id="nested-entry", url="https://example.org/n"), "utf-8")
    note = catalog_dir / "notes" / "moved.markdown"
    shutil.move(catalog_dir / "notes" / "attention.md", note)
    catalog = load_catalog(catalog_dir)
    assert catalog.resource("nested-entry") is not None
    assert catalog.note("attention") is not None


def test_a_stray_file_in_resources_is_named(catalog_dir: Path) -> None:
    stray = catalog_dir / "resources" / "todo.txt"
    stray.write_text("remember to add more\n", "utf-8")
    [problem] = problems_for(catalog_dir)
    assert problem.startswith(f"{stray}:1: not one of the resource files (.yaml or .yml)")


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("https://evil.example@arxiv.org/abs/1", "URL carries credentials ('evil.example'@)"),
        ("https://arxiv.org/abs/1 2", "whitespace"),
        ('"https://arxiv.org/abs/1\\nhttps://x.org"', "U+000A"),
        ("'[paper](https://arxiv.org/abs/1)'", "looks like Markdown"),
        ("https://\u0430rxiv.org/abs/1", "U+0430 CYRILLIC SMALL LETTER A, looks like 'a'"),
    ],
)
def test_urls_that_mislead_are_rejected_with_the_reason(
    catalog_dir: Path, url: str, message: str
) -> None:
    extra = catalog_dir / "resources" / "extra.yaml"
    extra.write_text(ENTRY.format(id="extra-entry", url=url), "utf-8")
    [problem] = problems_for(catalog_dir)
    assert problem.startswith(f"{extra}:3: extra-entry: url: malformed URL")
    assert message in problem


def test_a_look_alike_character_in_an_id_is_named(catalog_dir: Path) -> None:
    extra = catalog_dir / "resources" / "extra.yaml"
    extra.write_text(ENTRY.format(id="gpt-p\u0430per", url="https://example.org/x"), "utf-8")
    [problem] = problems_for(catalog_dir)
    assert problem.startswith(f"{extra}:1: ")
    assert "'\u0430' (U+0430 CYRILLIC SMALL LETTER A, looks like 'a')" in problem


def check_in_a_process(catalog_dir: Path) -> subprocess.CompletedProcess[str]:
    """`studybot catalog check` in its own process, with a timeout: a hang fails, not stalls."""
    return subprocess.run(
        [sys.executable, "-m", "bot", "catalog", "check", "--catalog", str(catalog_dir)],
        capture_output=True,
        text=True,
        timeout=60,
    )


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs named pipes")
def test_a_named_pipe_in_the_catalog_does_not_hang_check(catalog_dir: Path) -> None:
    pipe = catalog_dir / "resources" / "stuck.yaml"
    os.mkfifo(pipe)
    result = check_in_a_process(catalog_dir)
    assert result.returncode == 1
    assert f"{pipe}:1: not a regular file" in result.stderr


def test_an_alias_bomb_in_front_matter_is_refused(catalog_dir: Path) -> None:
    bomb = ["---", "id: bomb", "title: Bomb", "topics: [attention]", 'a: &a ["x","x","x","x"]']
    for level in range(1, 12):
        prev = chr(ord("a") + level - 1)
        name = chr(ord("a") + level)
        bomb.append(f"{name}: &{name} [*{prev},*{prev},*{prev},*{prev}]")
    bomb += ["---", "Text."]
    note = catalog_dir / "notes" / "bomb.md"
    note.write_text("\n".join(bomb) + "\n", "utf-8")
    result = check_in_a_process(catalog_dir)
    assert result.returncode == 1
    assert f"{note}:" in result.stderr and "alias bomb" in result.stderr


def test_an_empty_resources_folder_says_so_first_and_briefly(catalog_dir: Path) -> None:
    for path in (catalog_dir / "resources").iterdir():
        path.unlink()
    catalog, problems = check_catalog(catalog_dir)
    assert catalog is None
    assert (
        str(problems[0])
        == f"{catalog_dir / 'resources'}:1: no resource files (resources/*.yaml) found"
    )
    assert len(problems) == 1
