"""The fast path: answers from onnxruntime that equal sentence-transformers', without torch."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner

from bot.terminal.cli import main
from catalog import load_catalog
from index import Engine, build_index, onnx_models
from index.embedder import default_embedder
from index.locations import DEFAULT_MODEL
from tests.conftest import FakeEmbedder
from tests.eval.dataset import load_questions

ROOT = Path(__file__).parent.parent
LONG = " ".join(["Pipeline parallelism splits the layers of a model across devices."] * 60)
TEXTS = [
    "How does pipeline parallelism work?",
    "what does ZeRO stage 2 shard",
    "",
    " ",
    "?",
    "a",
    "Ünïcödé tokens, emoji 🤖 and 中文 characters",
    LONG,  # far beyond 256 tokens: truncated the same way
]


def cosines(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    return (a * b).sum(axis=1) / (np.linalg.norm(a, axis=1) * np.linalg.norm(b, axis=1))


def test_onnx_vectors_equal_sentence_transformers_for_short_long_and_empty_texts(
    real_embedder, st_embedder
) -> None:  # type: ignore[no-untyped-def]
    fast, reference = real_embedder.encode(TEXTS), st_embedder.encode(TEXTS)
    assert fast.shape == reference.shape == (len(TEXTS), 384)
    assert cosines(fast, reference).min() >= 0.9999
    assert np.abs(fast - reference).max() < 1e-5
    # One at a time (no padding) gives the same rows as the padded batch.
    alone = np.vstack([real_embedder.encode([text]) for text in TEXTS])
    assert np.abs(alone - fast).max() < 1e-5


def test_every_eval_question_encodes_like_sentence_transformers(real_embedder, st_embedder) -> None:  # type: ignore[no-untyped-def]
    on_topic, off_topic = load_questions()
    questions = [item["q"] for item in on_topic] + off_topic
    similarity = cosines(real_embedder.encode(questions), st_embedder.encode(questions))
    worst = int(similarity.argmin())
    assert similarity[worst] >= 0.9999, questions[worst]


def test_the_onnx_encoder_keeps_the_model_name_so_indexes_are_interchangeable(
    real_embedder, st_embedder
) -> None:  # type: ignore[no-untyped-def]
    assert real_embedder.name == st_embedder.name == DEFAULT_MODEL


@pytest.fixture
def fake_exports(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, models_dir: Path) -> list[Path]:
    """A fresh model cache (``tmp_path / "models"``, also for the commands the test runs), and
    an exporter that copies the session's real export (fast)."""
    exported = default_embedder(models_dir=models_dir, export=True).onnx_file  # the real file
    monkeypatch.setenv("STUDYBOT_MODEL_CACHE", str(tmp_path / "models"))
    calls: list[Path] = []

    def export_onnx(source: Path, target: Path) -> None:
        calls.append(target)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(exported, target)

    import index.onnx_export

    monkeypatch.setattr(index.onnx_export, "export_onnx", export_onnx)
    return calls


def test_the_export_is_reused_until_the_weights_change(
    fake_exports: list[Path], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    models = tmp_path / "models"
    files = onnx_models.inspect_model(DEFAULT_MODEL, models)
    first = onnx_models.ensure_onnx(files, export=True)
    again = onnx_models.ensure_onnx(onnx_models.inspect_model(DEFAULT_MODEL, models), export=True)
    assert first == again and fake_exports == [first]
    assert files.fingerprint[:12] in first.parent.name and first.is_relative_to(models)

    monkeypatch.setattr(onnx_models, "fingerprint", lambda folder, models_dir: "f" * 64)
    changed = onnx_models.ensure_onnx(onnx_models.inspect_model(DEFAULT_MODEL, models), export=True)
    assert changed != first and fake_exports == [first, changed]
    assert changed.parent.name.endswith("-ffffffffffff")
    assert not first.exists()  # the export of the old weights is gone


def test_the_weights_hash_follows_file_contents(tmp_path: Path) -> None:
    models = tmp_path / "models"
    model = tmp_path / "model"
    (model / "1_Pooling").mkdir(parents=True)
    (model / "model.safetensors").write_bytes(b"weights v1")
    (model / "1_Pooling" / "config.json").write_text("{}")
    first = onnx_models.fingerprint(model, models)
    assert onnx_models.fingerprint(model, models) == first  # remembered
    assert (models / onnx_models.FINGERPRINTS).is_file()
    (model / "model.safetensors").write_bytes(b"weights v2")
    assert onnx_models.fingerprint(model, models) != first


def test_queries_never_export_they_fall_back_and_say_how_to_fix_it(
    fake_exports: list[Path], real_engine: Engine, tmp_path: Path
) -> None:
    embedder = default_embedder(models_dir=tmp_path / "models")
    assert embedder.backend == "sentence-transformers" and fake_exports == []
    assert "studybot index build" in embedder.notice
    engine = Engine.load(real_engine.index_dir, real_engine.catalog, embedder)
    assert embedder.notice in engine.notices


def test_index_build_exports_the_model_queries_then_use(
    fake_exports: list[Path], catalog_dir: Path, tmp_path: Path
) -> None:
    index = str(tmp_path / "index")
    runner = CliRunner()
    built = runner.invoke(main, ["index", "build", "--catalog", str(catalog_dir), "--index", index])
    assert built.exit_code == 0, built.output
    [export] = fake_exports
    assert export.is_relative_to(tmp_path / "models")  # STUDYBOT_MODEL_CACHE, via Settings
    status = runner.invoke(
        main, ["index", "status", "--catalog", str(catalog_dir), "--index", index]
    )
    assert "encoder:  onnxruntime" in status.stdout and "note:" not in status.stdout
    assert default_embedder(models_dir=tmp_path / "models").backend == "onnxruntime"


def test_without_onnxruntime_index_status_says_so_once(
    monkeypatch: pytest.MonkeyPatch, catalog_dir: Path, tmp_path: Path
) -> None:
    monkeypatch.setitem(sys.modules, "onnxruntime", None)  # import fails as if not installed
    embedder = default_embedder(models_dir=tmp_path / "models", export=True)
    assert embedder.backend == "sentence-transformers"
    assert "onnxruntime is not installed" in embedder.notice
    index = tmp_path / "index"
    build_index(load_catalog(catalog_dir), FakeEmbedder(), index)
    result = CliRunner().invoke(
        main, ["index", "status", "--catalog", str(catalog_dir), "--index", str(index)]
    )
    assert result.exit_code == 0, result.output
    shown = " ".join(result.stdout.split())  # rich wraps long lines
    assert "encoder: sentence-transformers" in shown
    assert shown.count("onnxruntime is not installed") == 1


CHECK_IMPORTS = """
import sys
from bot.terminal.cli import main
try:
    main(sys.argv[1:], standalone_mode=False)
finally:
    print("IMPORTED", "torch" in sys.modules, "sentence_transformers" in sys.modules)
"""


@pytest.mark.parametrize(
    "args",
    [["ask", "How does pipeline parallelism work?"], ["search", "tokenizer"]],
    ids=["ask", "search"],
)
def test_ask_and_search_answer_without_importing_torch(
    args: list[str], real_engine: Engine
) -> None:
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            CHECK_IMPORTS,
            *args,
            "--json",
            "--index",
            str(real_engine.index_dir),
        ],
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert '"url"' in result.stdout  # a real answer, with resources
    assert "IMPORTED False False" in result.stdout
    assert "note:" not in result.stderr  # no fallback
