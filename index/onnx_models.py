"""Where exported ONNX models live, which weights they came from, and when to export again.

    MODELS_DIR/                          the caller's folder (studybot: STUDYBOT_MODEL_CACHE)
      fingerprints.json                  model folder -> file sizes, mtimes and content hash
      all-MiniLM-L6-v2-<hash12>/
        model.onnx                       ~90 MB, never in git
        export.json                      model, weights hash, max_seq_length, opset, torch

The folder name carries the hash of the model's files (weights, config, tokenizer), so new
weights get a new export and an old export can never be served for them; the export for the
old weights is removed once the new one is written. Hashing 90 MB takes
a few hundred milliseconds, more than a query should pay, so the hash is remembered beside the
files' sizes and modification times and recomputed only when one of those changes.

Only BERT-like sentence-transformers models are exported: a Transformer, mean Pooling and
optionally Normalize, with a ``tokenizer.json``. Anything else stays with sentence-transformers.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from index.locations import DEFAULT_MODEL, bundled_model_path

ONNX_FILE = "model.onnx"
EXPORT_INFO = "export.json"
FINGERPRINTS = "fingerprints.json"
EXPORTABLE_TYPES = frozenset({"bert"})
_HASHED_SKIP = {".md", ".onnx", ".lock"}


class FastPathUnavailable(Exception):
    """Why the ONNX encoder cannot be used; the message is shown as a notice."""


@dataclass(frozen=True)
class ModelFiles:
    """A sentence-transformers model folder that can be exported, and its export's place."""

    name: str
    folder: Path
    max_seq_length: int
    fingerprint: str
    models_dir: Path

    @property
    def export_dir(self) -> Path:
        slug = "".join(c if c.isalnum() or c in "-_." else "-" for c in Path(self.name).name)
        return self.models_dir / f"{slug}-{self.fingerprint[:12]}"

    @property
    def onnx_file(self) -> Path:
        return self.export_dir / ONNX_FILE

    @property
    def tokenizer_file(self) -> Path:
        return self.folder / "tokenizer.json"


def model_folder(model: str) -> Path:
    """The local folder of ``model``: the bundled copy, a path, or a hub id already cached."""
    if model in (DEFAULT_MODEL, f"sentence-transformers/{DEFAULT_MODEL}"):
        return bundled_model_path()
    path = Path(model).expanduser()
    if path.is_dir():
        return path
    try:
        from huggingface_hub import snapshot_download

        for repo in (model, f"sentence-transformers/{model}"):
            try:
                return Path(snapshot_download(repo, local_files_only=True))
            except Exception:  # any miss means "not cached here"
                continue
    except ImportError:
        pass
    raise FastPathUnavailable(f"{model!r} is not a local model folder nor a cached hub model")


def inspect_model(model: str, models_dir: Path) -> ModelFiles:
    """The model's files if it can run on onnxruntime; else FastPathUnavailable says why.

    ``models_dir`` holds the exports and the remembered weight hashes.
    """
    folder = model_folder(model)
    modules = _read_json(folder / "modules.json")
    kinds = [str(m.get("type", "")).rsplit(".", 1)[-1] for m in modules or []]
    if kinds not in (["Transformer", "Pooling"], ["Transformer", "Pooling", "Normalize"]):
        raise FastPathUnavailable(f"{model!r} is not a Transformer + Pooling model")
    pooling_path = folder / str(modules[1].get("path", "")) / "config.json"
    pooling = _read_json(pooling_path) or {}
    modes = {k for k, v in pooling.items() if k.startswith("pooling_mode") and v is True}
    if modes != {"pooling_mode_mean_tokens"}:
        raise FastPathUnavailable(f"{model!r} does not use mean pooling")
    config = _read_json(folder / "config.json") or {}
    if config.get("model_type") not in EXPORTABLE_TYPES:
        raise FastPathUnavailable(f"{model!r} is a {config.get('model_type')!r}, not BERT-like")
    if not (folder / "tokenizer.json").is_file():
        raise FastPathUnavailable(f"{model!r} has no tokenizer.json")
    st_config = _read_json(folder / "sentence_bert_config.json") or {}
    if st_config.get("do_lower_case"):
        raise FastPathUnavailable(f"{model!r} lowercases outside its tokenizer")
    max_length = int(st_config.get("max_seq_length") or config.get("max_position_embeddings", 512))
    return ModelFiles(model, folder, max_length, fingerprint(folder, models_dir), models_dir)


def fingerprint(folder: Path, models_dir: Path) -> str:
    """sha256 over the model's files, remembered in ``models_dir`` by their sizes and mtimes."""
    files = sorted(
        p
        for p in [*folder.iterdir(), *folder.glob("*_Pooling/*")]
        if p.is_file() and p.suffix not in _HASHED_SKIP
    )
    stats = [[str(p.relative_to(folder)), p.stat().st_size, p.stat().st_mtime_ns] for p in files]
    memo_file = models_dir / FINGERPRINTS
    memo = _read_json(memo_file) or {}
    known = memo.get(str(folder)) if isinstance(memo, dict) else None
    if isinstance(known, dict) and known.get("files") == stats:
        return str(known["sha256"])
    digest = hashlib.sha256()
    for path in files:
        digest.update(str(path.relative_to(folder)).encode() + b"\0")
        with path.open("rb") as handle:
            while chunk := handle.read(1 << 20):
                digest.update(chunk)
    value = digest.hexdigest()
    memo = memo if isinstance(memo, dict) else {}
    memo[str(folder)] = {"files": stats, "sha256": value}
    with contextlib.suppress(OSError):  # a read-only data folder only costs the next hash
        _write_json(memo_file, memo)
    return value


def ensure_onnx(
    files: ModelFiles, export: bool, announce: Callable[[str], None] | None = None
) -> Path:
    """The ONNX file for ``files``; exported first when missing and ``export`` is allowed.

    ``announce`` hears about an export before it starts: it takes seconds, once.
    """
    if files.onnx_file.is_file() and (files.export_dir / EXPORT_INFO).is_file():
        return files.onnx_file
    if not export:
        raise FastPathUnavailable(
            f"no ONNX export of {files.name} for these weights yet: "
            "run `studybot index build` to make one"
        )
    if announce is not None:
        announce(f"Preparing the fast {files.name} encoder (ONNX export, once; about 10 s)...")
    try:
        from index.onnx_export import OPSET, export_onnx

        export_onnx(files.folder, files.onnx_file)
    except ImportError as error:
        raise FastPathUnavailable(f"cannot export to ONNX ({error})") from error
    except Exception as error:  # any exporter failure means "use the fallback"
        raise FastPathUnavailable(f"ONNX export of {files.name} failed: {error}") from error
    _write_json(
        files.export_dir / EXPORT_INFO,
        {
            "model": files.name,
            "source": str(files.folder),
            "sha256": files.fingerprint,
            "max_seq_length": files.max_seq_length,
            "opset": OPSET,
            "torch": _version("torch"),
            "onnx": _version("onnx"),
        },
    )
    _remove_older_exports(files)
    return files.onnx_file


def _remove_older_exports(files: ModelFiles) -> None:
    """Exports of earlier weights of the same model folder: ~90 MB each, never used again.

    A process still serving one keeps working: onnxruntime read the file when it started.
    """
    for info in files.models_dir.glob(f"*/{EXPORT_INFO}"):
        folder = info.parent
        if folder == files.export_dir:
            continue
        recorded = _read_json(info)
        if isinstance(recorded, dict) and recorded.get("source") == str(files.folder):
            shutil.rmtree(folder, ignore_errors=True)


def _version(package: str) -> str:
    from importlib import metadata

    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return ""


def _read_json(path: Path) -> Any:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def _write_json(path: Path, value: Any) -> None:
    """Atomically, so concurrent processes read the old or the new file, never half of one."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_text(json.dumps(value, indent=1), encoding="utf-8")
    os.replace(tmp, path)
