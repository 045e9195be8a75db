"""`studybot catalog import`: a Markdown list of links becomes draft entries for review."""

from __future__ import annotations

from pathlib import Path

import yaml
from click.testing import CliRunner

from bot.terminal.cli import main
from catalog import Resource, load_catalog
from catalog.importer import draft_entries, normalise_url
from tests.conftest import DATA

SEED = DATA / "seed" / "000_e1cf370f7d470737.txt"


def test_the_seed_yields_its_16_links_with_clean_text(tiny_catalog) -> None:  # type: ignore[no-untyped-def]
    drafts, skipped = draft_entries(SEED.read_text(encoding="utf-8"), tiny_catalog)
    assert len(drafts) == 16
    assert all(s.endswith("a link inside the page") for s in skipped)
    for draft in drafts:
        for text in (draft.title, draft.description):
            assert text and text.isascii() and text.isprintable(), text
    by_url = {draft.url: draft for draft in drafts}
    watch = by_url["https://www.youtube.com/watch?v=7xTGNNLPyMI"]
    assert watch.title == "full video" and watch.description == "Watch the full video"
    assert watch.kind == "video"
    assert "https://www.youtube.com/watch?v=9vM4p9NN0Ts" in by_url, "ab_channel is dropped"
    assert by_url["https://www.coursera.org/specializations/deep-learning"].kind == "course"
    duplicates = {d.duplicate_of for d in drafts if d.duplicate_of}
    assert duplicates == {"illustrated-transformer", "tiktokenizer"}


def test_urls_are_normalised() -> None:
    assert normalise_url("https://youtu.be/abc?si=x")[0] == "https://www.youtube.com/watch?v=abc"
    assert (
        normalise_url("https://Example.org/a?utm_source=x&id=3")[0] == "https://example.org/a?id=3"
    )
    url, notes = normalise_url("atlas.nomic.ai")
    assert url == "https://atlas.nomic.ai/" and "no scheme" in notes[0]


def test_a_trailing_slash_or_www_does_not_make_a_new_entry(tiny_catalog) -> None:  # type: ignore[no-untyped-def]
    known = tiny_catalog.resource("illustrated-transformer").url.rstrip("/")
    markdown = f"- [Again]({known}?utm_medium=social)\n"
    [draft], _ = draft_entries(markdown, tiny_catalog)
    assert draft.duplicate_of == "illustrated-transformer"


def test_the_command_writes_reviewable_drafts_and_never_overwrites(
    catalog_dir: Path, tmp_path: Path, real_embedder
) -> None:  # type: ignore[no-untyped-def]
    out = tmp_path / "drafts.yaml"
    where = ["--catalog", str(catalog_dir), "--index", str(tmp_path / "no-index")]
    result = CliRunner().invoke(main, ["catalog", "import", str(SEED), "--out", str(out), *where])
    assert result.exit_code == 0, result.output
    text = out.read_text(encoding="utf-8")
    entries = yaml.safe_load(text)
    assert len(entries) == 14  # 16 links, two already in the catalog
    topics = set(load_catalog(catalog_dir).topics)
    for entry in entries:
        Resource.model_validate(entry)  # loadable once reviewed
        assert entry["status"] == "unverified" and entry["author"] == "REVIEW"
        assert entry["topics"] and set(entry["topics"]) <= topics
    assert "# already in the catalog as tiktokenizer" in text

    again = CliRunner().invoke(main, ["catalog", "import", str(SEED), "--out", str(out), *where])
    assert again.exit_code != 0 and "never overwrites" in again.output
    assert out.read_text(encoding="utf-8") == text
