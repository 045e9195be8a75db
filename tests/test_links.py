"""`studybot catalog links` against a real web server on 127.0.0.1 (never the internet)."""

from __future__ import annotations

import json
import subprocess
import sys
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from bot.terminal.cli import main
from catalog.links import LinkOptions, check_links
from tests.test_catalog import line_of

FAST = LinkOptions(timeout=10, slow_after=0.5, retries=2, backoff=0.05)


class Site:
    def __init__(self, port: int) -> None:
        self.base = f"http://127.0.0.1:{port}"

    def url(self, path: str) -> str:
        return self.base + path

    def stats(self) -> dict:
        with urllib.request.urlopen(self.url("/stats"), timeout=10) as response:
            return json.loads(response.read())


@pytest.fixture
def site() -> Iterator[Site]:
    process = subprocess.Popen(
        [sys.executable, "-m", "tests.fakes.link_server"],
        cwd=Path(__file__).parent.parent,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout is not None
        yield Site(int(process.stdout.readline()))
    finally:
        process.kill()
        process.wait()


def test_each_kind_of_answer_gets_its_verdict(site: Site) -> None:
    paths = ["/ok", "/old", "/temporary", "/missing", "/busy", "/broken", "/slow"]
    results = check_links([site.url(p) for p in paths], FAST)
    verdicts = {path: results[site.url(path)].verdict for path in paths}
    assert verdicts == {
        "/ok": "ok",
        "/old": "moved",
        "/temporary": "ok",
        "/missing": "dead",
        "/busy": "ok",
        "/broken": "dead",
        "/slow": "slow",
    }
    assert results[site.url("/old")].final_url == site.url("/new")
    assert results[site.url("/missing")].message == "404 Not Found"
    hits = site.stats()["hits"]
    assert hits["/busy"] == 2, "a 429 is retried after its Retry-After"
    assert hits["/broken"] == 3, "a 503 is retried twice, then reported"
    assert hits["/missing"] == 1, "a 404 is not retried"


def test_one_host_never_sees_more_than_its_share_at_once(site: Site) -> None:
    urls = [site.url(f"/page/{n}") for n in range(12)]
    results = check_links(urls, LinkOptions(concurrency=16, per_host=2))
    assert {r.verdict for r in results.values()} == {"ok"}
    assert site.stats()["max_in_flight"] <= 2


def test_a_rerun_within_the_ttl_asks_only_about_dead_links(site: Site, tmp_path: Path) -> None:
    cache = tmp_path / "links.json"
    urls = [site.url("/ok"), site.url("/old"), site.url("/missing")]
    check_links(urls, FAST, cache)
    again = check_links(urls, FAST, cache)
    assert again[site.url("/ok")].cached and again[site.url("/old")].verdict == "moved"
    assert not again[site.url("/missing")].cached
    hits = site.stats()["hits"]
    assert hits["/ok"] == 1 and hits["/old"] == 1 and hits["/missing"] == 2
    expired = LinkOptions(timeout=10, cache_ttl=0)
    check_links(urls, expired, cache)
    assert site.stats()["hits"]["/ok"] == 2


def test_excluded_urls_are_never_requested(site: Site) -> None:
    options = LinkOptions(exclude=(r"/missing$",))
    results = check_links([site.url("/missing"), site.url("/ok")], options)
    assert results[site.url("/missing")].verdict == "excluded"
    assert "/missing" not in site.stats()["hits"]


def test_the_command_reports_entries_with_path_line_and_fails_only_on_dead(
    site: Site, catalog_dir: Path
) -> None:
    guides = catalog_dir / "resources" / "guides.yaml"
    papers = catalog_dir / "resources" / "papers.yaml"
    for path in (guides, papers):
        text = path.read_text(encoding="utf-8")
        lines = []
        for number, line in enumerate(text.splitlines()):
            if line.startswith("  url: "):
                line = f"  url: {site.url(f'/page/{path.stem}-{number:03d}')}"
            lines.append(line)
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    text = guides.read_text(encoding="utf-8")
    first, second = [line for line in text.splitlines() if line.startswith("  url: ")][:2]
    guides.write_text(
        text.replace(first, f"  url: {site.url('/old')}").replace(
            second, f"  url: {site.url('/slow')}"
        ),
        encoding="utf-8",
    )
    where = ["--catalog", str(catalog_dir), "--slow", "0.5"]

    result = CliRunner().invoke(main, ["catalog", "links", *where])
    assert result.exit_code == 0, result.output
    moved_line = line_of(guides, "/old")
    assert (
        f"{guides}:{moved_line}: moved: illustrated-transformer: {site.url('/old')} -> "
        f"{site.url('/new')} (adopt the new URL)"
    ) in result.stdout
    assert f"{guides}:{line_of(guides, '/slow')}: slow: annotated-transformer:" in result.stdout

    text = papers.read_text(encoding="utf-8")
    gone = next(line for line in text.splitlines() if line.startswith("  url: "))
    papers.write_text(text.replace(gone, f"  url: {site.url('/missing')}"), encoding="utf-8")
    result = CliRunner().invoke(main, ["catalog", "links", "--json", *where])
    assert result.exit_code == 1
    [dead] = [link for link in json.loads(result.stdout)["links"] if link["verdict"] == "dead"]
    assert dead["path"] == str(papers) and dead["line"] == line_of(papers, "/missing")
    assert dead["status"] == 404
