"""Shared fixtures: a tiny catalog, a deterministic fake embedder, and the real bundled model.

The real model runs as users run it, through the ONNX encoder; ``st_embedder`` is the
sentence-transformers reference it is compared with.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pytest

import catalog.loader as loader
from catalog import Catalog, load_catalog
from index import Engine
from index.terms import terms

pytest_plugins = ["tests.botkit"]

DATA = Path(__file__).parent / "data"
TINY_CATALOG = DATA / "catalog"
REAL_CATALOG = Path(__file__).parent.parent / "catalog" / "data"


class FakeEmbedder:
    """Bag of stemmed words hashed into 256 dimensions: fast, deterministic, meaning-free.

    Counts what it encodes, so tests can check what a rebuild embedded.
    """

    def __init__(self, name: str = "fake-hash-256", fail_after: int | None = None) -> None:
        self._name = name
        self.encoded: list[str] = []
        self.fail_after = fail_after

    @property
    def name(self) -> str:
        return self._name

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        if self.fail_after is not None and len(self.encoded) + len(texts) > self.fail_after:
            raise RuntimeError("embedding crashed midway")
        self.encoded.extend(texts)
        vectors = np.zeros((len(texts), 256), dtype=np.float32)
        for row, text in enumerate(texts):
            for term in terms(text) or ["\0"]:
                digest = hashlib.blake2b(term.encode(), digest_size=4).digest()
                vectors[row, int.from_bytes(digest, "little") % 256] += 1.0
        norms = np.linalg.norm(vectors, axis=1, keepdims=True)
        return vectors / np.maximum(norms, 1e-9)


@pytest.fixture
def catalog_dir(tmp_path: Path) -> Path:
    """A writable copy of the tiny catalog (ten resources, three notes)."""
    target = tmp_path / "catalog"
    shutil.copytree(TINY_CATALOG, target)
    return target


@pytest.fixture
def tiny_catalog(catalog_dir: Path) -> Catalog:
    return load_catalog(catalog_dir)


@pytest.fixture
def fake_embedder() -> FakeEmbedder:
    return FakeEmbedder()


@pytest.fixture
def engine(tiny_catalog: Catalog, fake_embedder: FakeEmbedder, tmp_path: Path) -> Engine:
    built, _ = Engine.build(tiny_catalog, fake_embedder, tmp_path / "index")
    return built


def pytest_configure(config: pytest.Config) -> None:
    """The test process starts as the front ends do, with its models in pytest's cache folder.

    Exported once per machine, not per test: the autouse ``_data_dir`` fixture gives every test a
    fresh data folder, which would otherwise mean a fresh (seconds-long) export. The folder is
    handed to the library as an argument (``models_dir``) and to the ``studybot`` commands the
    tests run as their setting, ``STUDYBOT_MODEL_CACHE``, unless the user set one.
    """
    from bot.config import Settings, prepare_process

    if not os.environ.get("STUDYBOT_MODEL_CACHE"):
        cache = getattr(config, "cache", None)
        folder = cache.mkdir("studybot-models") if cache else Path(tempfile.mkdtemp())
        os.environ["STUDYBOT_MODEL_CACHE"] = str(folder)
    prepare_process(Settings(_env_file=None))  # type: ignore[call-arg]


@pytest.fixture(scope="session")
def models_dir() -> Path:
    """Where the tests' ONNX exports live (see ``pytest_configure``)."""
    return Path(os.environ["STUDYBOT_MODEL_CACHE"])


@pytest.fixture(scope="session")
def real_embedder(models_dir: Path):  # type: ignore[no-untyped-def]
    """What users get: the ONNX encoder over the bundled model, exported on first need."""
    from index.embedder import default_embedder

    embedder = default_embedder(models_dir=models_dir, export=True)
    assert embedder.backend == "onnxruntime", getattr(embedder, "notice", None)
    return embedder


@pytest.fixture(scope="session")
def st_embedder():  # type: ignore[no-untyped-def]
    """The reference the fast encoder must agree with (imports torch: only where compared)."""
    from index import SentenceTransformerEmbedder

    return SentenceTransformerEmbedder()


@pytest.fixture(scope="session")
def real_engine(real_embedder, tmp_path_factory: pytest.TempPathFactory) -> Engine:  # type: ignore[no-untyped-def]
    """The real catalog through the real bundled model, built once per test session."""
    index_dir = tmp_path_factory.mktemp("real-index")
    built, _ = Engine.build(load_catalog(REAL_CATALOG), real_embedder, index_dir)
    return built


@pytest.fixture(autouse=True)
def _data_dir(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    """Keep every test's index and caches out of the user's data folder."""
    monkeypatch.setenv("STUDYBOT_DATA_DIR", str(tmp_path_factory.mktemp("data")))
    monkeypatch.delenv("STUDYBOT_INDEX_DIR", raising=False)
    monkeypatch.delenv("STUDYBOT_CATALOG_DIR", raising=False)


@pytest.fixture
def fresh_process(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Forget what this process parsed, as a new `studybot` would; lists the files parsed."""
    monkeypatch.setattr(loader, "_PARSED", {})
    parsed: list[str] = []
    real = loader.parse_yaml

    def counting(text: str, shown: str, first_line: int = 1) -> object:
        parsed.append(Path(shown).name)
        return real(text, shown, first_line)

    monkeypatch.setattr(loader, "parse_yaml", counting)
    return parsed
