"""Warnings for maintainers: thin topics, level jumps, note sections that cite nothing."""

from __future__ import annotations

from pathlib import Path

from catalog import load_catalog
from catalog.coverage import table_rows, warnings


def test_a_thin_topic_is_reported_with_its_line(catalog_dir: Path) -> None:
    found = [str(w) for w in warnings(load_catalog(catalog_dir), catalog_dir)]
    assert any("topics.yaml:" in w and "entries (at least 5 wanted)" in w for w in found)


def test_a_note_section_citing_nothing_is_reported_at_its_heading(catalog_dir: Path) -> None:
    note = catalog_dir / "notes" / "attention.md"
    note.write_text(note.read_text(encoding="utf-8") + "\n## Uncited part\nNo links here.\n")
    found = [str(w) for w in warnings(load_catalog(catalog_dir), catalog_dir)]
    line = note.read_text(encoding="utf-8").splitlines().index("## Uncited part") + 1
    assert f"{note}:{line}: warning: section 'Uncited part' cites no catalog entry" in found


def test_the_stats_table_counts_each_topic_by_level(catalog_dir: Path) -> None:
    catalog = load_catalog(catalog_dir)
    rows = {row[0]: row for row in table_rows(catalog)}
    for topic in catalog.topics:
        assert int(rows[topic][1]) == len(catalog.by_topic(topic))
