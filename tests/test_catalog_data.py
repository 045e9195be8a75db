"""The shipped catalog: every seed link is there, repaired, and the catalog is big enough."""

from __future__ import annotations

import re
from pathlib import Path

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
