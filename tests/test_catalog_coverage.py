"""Warnings for maintainers: thin topics, level jumps, note sections that cite nothing."""

from __future__ import annotations

from pathlib import Path

from catalog import coverage_rows, coverage_warnings, load_catalog


def test_a_thin_topic_is_reported_with_its_line(catalog_dir: Path) -> None:
    found = [str(w) for w in coverage_warnings(load_catalog(catalog_dir), catalog_dir)]
    assert any("topics.yaml:" in w and "entries (at least 5 wanted)" in w for w in found)


def test_a_note_section_citing_nothing_is_reported_at_its_heading(catalog_dir: Path) -> None:
    note = catalog_dir / "notes" / "attention.md"
    note.write_text(note.read_text(encoding="utf-8") + "\n## Uncited part\nNo links here.\n")
    found = [str(w) for w in coverage_warnings(load_catalog(catalog_dir), catalog_dir)]
    line = note.read_text(encoding="utf-8").splitlines().index("## Uncited part") + 1
    assert f"{note}:{line}: warning: section 'Uncited part' cites no catalog entry" in found


def test_the_stats_table_counts_each_topic_by_level(catalog_dir: Path) -> None:
    catalog = load_catalog(catalog_dir)
    rows = {row[0]: row for row in coverage_rows(catalog)}
    for topic in catalog.topics:
        assert int(rows[topic][1]) == len(catalog.by_topic(topic))


def test_catalog_check_prints_warnings_but_passes(catalog_dir: Path) -> None:
    from click.testing import CliRunner

    from bot.terminal.cli import main as cli

    result = CliRunner().invoke(cli, ["catalog", "check", "--catalog", str(catalog_dir)])
    assert result.exit_code == 0
    assert "warning: topic" in result.output and ": ok (" in result.output


def test_catalog_stats_lists_every_topic(catalog_dir: Path) -> None:
    from click.testing import CliRunner

    from bot.terminal.cli import main as cli

    result = CliRunner().invoke(cli, ["catalog", "stats", "--catalog", str(catalog_dir)])
    assert result.exit_code == 0
    for topic in load_catalog(catalog_dir).topics:
        assert topic in result.output
