"""The shipped catalog: every seed link is there, repaired, and the catalog is big enough."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from catalog import load_catalog

ROOT = Path(__file__).parent.parent
# A copy of the seed document the catalog was built from, so a clean clone checks it too.
SEED = Path(__file__).parent / "data" / "seed" / "000_e1cf370f7d470737.txt"
SEED_URLS = {
    "https://stanford-cs324.github.io/winter2022/lectures/",
    "https://ai.stanford.edu/courses/",
    "https://www.youtube.com/watch?v=9vM4p9NN0Ts",
    "http://ai.berkeley.edu/home.html",
    "https://ocw.mit.edu/search/?q=machine%20learning",
    "https://ocw.mit.edu/search/?q=artificial%20intelligence",
    "https://cameronrwolfe.substack.com/p/explaining-chatgpt-to-anyone-in-20",
    "https://jalammar.github.io/illustrated-transformer/",
    "https://www.coursera.org/specializations/deep-learning",
    "https://cloud.google.com/learn/training/machinelearning-ai",
    "https://newsletter.languagemodels.co/p/the-illustrated-deepseek-r1",
    "https://www.youtube.com/watch?v=7xTGNNLPyMI",
    "https://tiktokenizer.vercel.app/",
    "https://atlas.nomic.ai/",
    "https://bbycroft.net/llm",
    "https://lnkd.in/g7P-C4HJ",
    "https://alessiodevoto.github.io/parallelism/",
}


def test_every_link_of_the_seed_is_an_entry() -> None:
    urls = {resource.url for resource in load_catalog(ROOT / "catalog" / "data").resources}
    assert urls >= SEED_URLS, SEED_URLS - urls


def test_the_seed_links_listed_here_are_the_seeds_own() -> None:
    text = SEED.read_text(encoding="utf-8")
    for url in SEED_URLS:
        core = re.sub(r"^https?://(www\.)?", "", url).split("?v=")[-1].rstrip("/")
        assert core in text, url


def test_the_catalog_is_big_enough_and_has_notes_on_the_core_topics() -> None:
    catalog = load_catalog(ROOT / "catalog" / "data")
    assert len(catalog.resources) >= 60
    assert {"parallelism", "tokenization", "attention", "training-pipeline"} <= {
        note.id for note in catalog.notes
    }
    assert all(len(catalog.by_topic(topic)) >= 3 for topic in catalog.topics)


def test_no_mojibake_is_left() -> None:
    for path in (ROOT / "catalog" / "data").rglob("*"):
        if path.is_file():
            text = path.read_text(encoding="utf-8")
            assert not re.search("â€|ğŸ|ğ—|Ã©", text), path


def test_the_unknown_short_link_says_so() -> None:
    catalog = load_catalog(ROOT / "catalog" / "data")
    [entry] = [r for r in catalog.resources if r.url == "https://lnkd.in/g7P-C4HJ"]
    assert "could not be verified" in entry.description


# ---- the whole curriculum, kept that way (issue 9) ----------------------------------------

CATALOG = ROOT / "catalog" / "data"


@pytest.fixture(scope="module")
def shipped():  # type: ignore[no-untyped-def]
    return load_catalog(CATALOG)


def test_the_catalog_covers_the_curriculum(shipped) -> None:  # type: ignore[no-untyped-def]
    assert len(shipped.resources) >= 300 and len(shipped.notes) >= 18
    for topic in shipped.topics:
        entries = shipped.by_topic(topic)
        assert len(entries) >= 5, topic
        assert len({r.kind for r in entries}) >= 2, f"{topic}: one kind only"


def test_a_beginner_entry_never_requires_a_harder_one(shipped) -> None:  # type: ignore[no-untyped-def]
    for resource in shipped.resources:
        if resource.level == "beginner":
            harder = [p for p in resource.prerequisites if shipped.resource(p).level != "beginner"]
            assert not harder, f"{resource.id} needs {harder}"


def test_papers_link_arxiv_abstract_pages_without_a_version(shipped) -> None:  # type: ignore[no-untyped-def]
    for resource in shipped.resources:
        if "arxiv.org" in resource.url:
            assert re.fullmatch(r"https://arxiv\.org/abs/\d{4}\.\d{4,5}", resource.url), resource.id


def test_entries_whose_target_is_unknown_are_marked_unverified(shipped) -> None:  # type: ignore[no-untyped-def]
    short = shipped.resource("lnkd-understand-transformer-steps")
    assert short is not None and short.status == "unverified"


def test_every_note_cites_entries_that_exist(shipped) -> None:  # type: ignore[no-untyped-def]
    for note in shipped.notes:
        assert note.cited, note.id
        assert all(shipped.resource(ref) for ref in note.cited), note.id


def test_well_known_entries_have_the_names_learners_use(shipped) -> None:  # type: ignore[no-untyped-def]
    aliases = {alias.lower() for r in shipped.resources for alias in r.aliases}
    assert {"cs324", "the chinchilla paper"} <= aliases
