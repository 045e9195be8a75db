"""A published index serves by itself: a broken catalog, a bad folder or a full disk after
publishing never stop answers or print tracebacks, and `index status` checks what it claims."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner

from bot.terminal.cli import main
from catalog import load_catalog
from index import Engine
from index.build import build_index
from index.errors import BadIndexLocation
from index.store import current_version
from tests.conftest import TINY_CATALOG, FakeEmbedder
from tests.test_catalog import replace

ROOT = Path(__file__).parent.parent


@pytest.fixture
def real_tiny_index(catalog_dir: Path, tmp_path: Path, real_embedder) -> Path:  # type: ignore[no-untyped-def]
    """The tiny catalog indexed with the real model, as `studybot index build` leaves it."""
    index_dir = tmp_path / "index"
    build_index(load_catalog(catalog_dir), real_embedder, index_dir)
    return index_dir


def run(*args: str) -> object:
    return CliRunner().invoke(main, list(args))


def break_catalog(catalog_dir: Path) -> None:
    replace(catalog_dir / "resources" / "papers.yaml", "  level: advanced", "  level: [advanced")


def test_ask_answers_from_the_index_while_the_catalog_is_broken(
    catalog_dir: Path, real_tiny_index: Path
) -> None:
    break_catalog(catalog_dir)
    where = ["--catalog", str(catalog_dir), "--index", str(real_tiny_index)]
    result = run("ask", "What does ZeRO partition?", "--json", *where)
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["resources"][0]["id"] == "zero-paper"
    [note] = [line for line in result.stderr.splitlines() if "catalog changed" in line]
    assert "resources/papers.yaml" in note
    for command in (["path", "parallelism"], ["topics"], ["search", "pipeline"]):
        assert run(*command, *where).exit_code == 0, command


def test_the_engine_serves_the_catalog_it_was_built_from(catalog_dir: Path, tmp_path: Path) -> None:
    index_dir = tmp_path / "index"
    build_index(load_catalog(catalog_dir), FakeEmbedder(), index_dir)
    for path in (catalog_dir / "resources").iterdir():
        path.unlink()
    engine = Engine.open(catalog_dir, FakeEmbedder(), index_dir)
    assert engine.catalog.resource("zero-paper") is not None
    assert engine.search("ZeRO memory", k=1)[0].resource.id == "zero-paper"
    assert engine.status().stale


def test_a_touched_but_unchanged_catalog_is_still_fresh(catalog_dir: Path, tmp_path: Path) -> None:
    index_dir = tmp_path / "index"
    build_index(load_catalog(catalog_dir), FakeEmbedder(), index_dir)
    guides = catalog_dir / "resources" / "guides.yaml"
    guides.write_bytes(guides.read_bytes())
    os.utime(guides, ns=(1, 1))
    assert not Engine.load(index_dir, catalog_dir, FakeEmbedder()).stale
    replace(guides, "Jay Alammar", "J. Alammar")
    engine = Engine.load(index_dir, catalog_dir, FakeEmbedder())
    assert engine.stale and "resources/guides.yaml" in engine.notices[-1]


def test_a_file_where_the_index_folder_should_be_is_one_line(
    catalog_dir: Path, tmp_path: Path, real_embedder
) -> None:  # type: ignore[no-untyped-def]
    blocker = tmp_path / "index"
    blocker.write_text("not a folder\n")
    for index_dir in (blocker, blocker / "inner"):
        result = run("ask", "what is BPE", "--catalog", str(catalog_dir), "--index", str(index_dir))
        assert result.exit_code == 2
        assert result.stderr.startswith("error: the index folder ")
        assert "a file, not a folder" in result.stderr and "STUDYBOT_INDEX_DIR" in result.stderr
        assert len(result.stderr.splitlines()) == 1


def test_a_read_only_index_folder_is_one_line() -> None:
    """Run as an unprivileged user: root writes through any mode bits."""
    base = Path(tempfile.mkdtemp(prefix="studybot-ro-"))
    try:
        base.chmod(0o755)
        shutil.copytree(TINY_CATALOG, base / "catalog")
        readonly = base / "index"
        readonly.mkdir(mode=0o555)
        readonly.chmod(0o555)
        # Everything is imported first, then (as root) privileges are dropped: the
        # interpreter itself may live where an unprivileged user cannot read.
        script = (
            "import os, sys, pathlib\n"
            "import faiss, numpy\n"
            "from catalog import load_catalog\n"
            "from index.build import build_index\n"
            "from index.errors import IndexProblem\n"
            "from tests.conftest import FakeEmbedder\n"
            f"catalog = load_catalog({str(base / 'catalog')!r})\n"
            "if os.geteuid() == 0:\n"
            "    os.setgid(65534); os.setuid(65534)\n"
            "try:\n"
            f"    build_index(catalog, FakeEmbedder(), pathlib.Path({str(readonly)!r}))\n"
            "except IndexProblem as error:\n"
            "    print(error); sys.exit(2)\n"
        )
        result = subprocess.run(
            [sys.executable, "-c", script],
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert result.returncode == 2, result.stderr
        assert result.stdout.startswith(f"cannot write in the index folder {readonly}")
        assert "STUDYBOT_INDEX_DIR" in result.stdout
    finally:
        shutil.rmtree(base, ignore_errors=True)


def test_build_index_into_a_file_raises_a_typed_error(tiny_catalog, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    (tmp_path / "index").write_text("x")
    with pytest.raises(BadIndexLocation, match="is a file"):
        build_index(tiny_catalog, FakeEmbedder(), tmp_path / "index")


def test_a_full_disk_after_publishing_says_the_new_index_serves(
    catalog_dir: Path, tmp_path: Path, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    index_dir = tmp_path / "index"
    savez = np.savez

    def full_disk(path, **arrays) -> None:  # type: ignore[no-untyped-def]
        if "cache" not in Path(path).parts:  # the version itself is written before the disk fills
            return savez(path, **arrays)
        Path(path).write_bytes(b"PK\x03\x04 partial")
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(np, "savez", full_disk)
    report, version = build_index(load_catalog(catalog_dir), FakeEmbedder(), index_dir)
    assert current_version(index_dir) == version
    [warning] = report.warnings
    assert warning.startswith("the new index is published and serving")
    assert "No space left" in warning and "still serving" not in warning
    leftovers = [p.name for p in index_dir.rglob("*") if ".tmp" in p.name]
    assert leftovers == []


def test_index_status_reports_a_damaged_file(catalog_dir: Path, tmp_path: Path) -> None:
    index_dir = tmp_path / "index"
    build_index(load_catalog(catalog_dir), FakeEmbedder(), index_dir)
    where = ["--catalog", str(catalog_dir), "--index", str(index_dir)]
    healthy = run("index", "status", *where)
    assert healthy.exit_code == 0, healthy.output
    assert "intact" in healthy.stdout and "up to date" in healthy.stdout

    documents = current_version(index_dir) / "documents.jsonl"
    data = bytearray(documents.read_bytes())
    data[10] ^= 0x01  # same size, one bit flipped
    documents.write_bytes(bytes(data))
    damaged = run("index", "status", *where)
    assert damaged.exit_code == 2
    assert "documents.jsonl does not match its checksum" in damaged.stdout
    assert "index build --full" in damaged.stderr


def _age_the_policy(index_dir: Path) -> None:
    """Make the index look built by an older studybot whose policy was fitted differently."""
    manifest_file = current_version(index_dir) / "manifest.json"
    manifest = json.loads(manifest_file.read_text(encoding="utf-8"))
    manifest["policy"]["answer_at"] = 0.123
    manifest_file.write_text(json.dumps(manifest), encoding="utf-8")


def test_a_new_answer_policy_rebuilds_the_index_with_it(catalog_dir: Path, tmp_path: Path) -> None:
    index_dir = tmp_path / "index"
    build_index(load_catalog(catalog_dir), FakeEmbedder(), index_dir)
    _age_the_policy(index_dir)
    engine = Engine.open(catalog_dir, FakeEmbedder(), index_dir)
    assert engine.policy.answer_at != 0.123
    assert engine.notices[0].startswith("rebuilt the index: the answer policy changed")


def test_an_old_policy_index_still_answers_while_the_catalog_is_broken(
    catalog_dir: Path, tmp_path: Path
) -> None:
    index_dir = tmp_path / "index"
    build_index(load_catalog(catalog_dir), FakeEmbedder(), index_dir)
    _age_the_policy(index_dir)
    break_catalog(catalog_dir)
    engine = Engine.open(catalog_dir, FakeEmbedder(), index_dir)
    assert engine.policy.answer_at == 0.123
    assert any("older answer policy" in notice for notice in engine.notices)
    assert engine.search("ZeRO memory", k=1)[0].resource.id == "zero-paper"
