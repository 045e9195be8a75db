"""Settings is the only reader of the environment; the library gets paths, and stays offline.

``index`` and ``catalog`` take every folder as an argument, so the same call gives the same
result whoever makes it; the front ends turn the documented variables into those arguments.
"""

from __future__ import annotations

import ast
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from bot.config import LIBRARY_ENVIRONMENT, Locations, Settings, prepare_process
from index import DEFAULT_MODEL, default_catalog_dir

ROOT = Path(__file__).parent.parent
ENVIRONMENT_CALLS = {"environ", "environb", "getenv", "getenvb", "putenv", "unsetenv"}
LOCATION_VARIABLES = (
    "STUDYBOT_DATA_DIR",
    "STUDYBOT_INDEX_DIR",
    "STUDYBOT_CATALOG_DIR",
    "STUDYBOT_MODEL_CACHE",
    "STUDYBOT_MODEL",
    "XDG_DATA_HOME",
    "TIKTOKEN_CACHE_DIR",
)


def environment_uses(path: Path) -> list[str]:
    """``os.environ``, ``os.getenv``, ``from os import environ``... in one file, as ``line: name``."""
    found: list[tuple[int, str]] = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Attribute) and node.attr in ENVIRONMENT_CALLS:
            found.append((node.lineno, node.attr))
        elif isinstance(node, ast.ImportFrom) and node.module == "os":
            found += [(node.lineno, a.name) for a in node.names if a.name in ENVIRONMENT_CALLS]
    return [f"{line}: {name}" for line, name in sorted(found)]


@pytest.mark.parametrize("package", ["index", "catalog"])
def test_library_code_never_reads_or_writes_the_environment(package: str) -> None:
    uses = {
        str(path.relative_to(ROOT)): found
        for path in sorted((ROOT / package).rglob("*.py"))
        if (found := environment_uses(path))
    }
    assert uses == {}, "library code takes paths as arguments; Settings reads the environment"


def test_the_check_catches_each_way_of_touching_the_environment(tmp_path: Path) -> None:
    sample = tmp_path / "sample.py"
    sample.write_text(
        "import os\nfrom os import getenv\n"
        "a = os.environ.get('X')\nos.environ.setdefault('Y', '1')\nos.putenv('Z', '')\n",
        encoding="utf-8",
    )
    assert environment_uses(sample) == ["2: getenv", "3: environ", "4: environ", "5: putenv"]


@pytest.fixture
def clean_environment(monkeypatch: pytest.MonkeyPatch) -> pytest.MonkeyPatch:
    """None of the location variables set, and no ``.env`` read: each test sets what it needs."""
    for name in LOCATION_VARIABLES:
        monkeypatch.delenv(name, raising=False)
    return monkeypatch


def settings() -> Settings:
    return Settings(_env_file=None)  # type: ignore[call-arg]


def test_default_locations_follow_the_xdg_data_folder(
    clean_environment: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    clean_environment.setenv("HOME", str(tmp_path / "home"))
    home_data = tmp_path / "home" / ".local" / "share" / "studybot"
    loc = Locations.from_settings(settings())
    assert (loc.index_dir, loc.models_dir, loc.tiktoken_dir) == (
        home_data / "index",
        home_data / "models",
        home_data / "tiktoken",
    )
    assert loc.catalog_dir == default_catalog_dir() and loc.model == DEFAULT_MODEL
    clean_environment.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    assert Locations.from_settings(settings()).index_dir == tmp_path / "xdg" / "studybot" / "index"


def test_documented_variables_move_each_folder(
    clean_environment: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    clean_environment.setenv("STUDYBOT_DATA_DIR", str(tmp_path / "data"))
    loc = Locations.from_settings(settings())
    assert loc.index_dir == tmp_path / "data" / "index"
    assert loc.models_dir == tmp_path / "data" / "models"
    assert loc.tiktoken_dir == tmp_path / "data" / "tiktoken"
    for name, value in {
        "STUDYBOT_INDEX_DIR": tmp_path / "idx",
        "STUDYBOT_CATALOG_DIR": tmp_path / "cat",
        "STUDYBOT_MODEL_CACHE": tmp_path / "models",
        "TIKTOKEN_CACHE_DIR": tmp_path / "tk",
    }.items():
        clean_environment.setenv(name, str(value))
    loc = Locations.from_settings(settings())
    assert (loc.index_dir, loc.catalog_dir, loc.models_dir, loc.tiktoken_dir) == (
        tmp_path / "idx",
        tmp_path / "cat",
        tmp_path / "models",
        tmp_path / "tk",
    )
    given = Locations.from_settings(settings(), str(tmp_path / "c2"), str(tmp_path / "i2"))
    assert (given.catalog_dir, given.index_dir) == (tmp_path / "c2", tmp_path / "i2")


def test_model_cache_in_the_env_file_is_honoured(
    clean_environment: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """Before Settings owned it, a STUDYBOT_MODEL_CACHE written in .env was silently ignored."""
    env_file = tmp_path / ".env"
    env_file.write_text(f"STUDYBOT_MODEL_CACHE={tmp_path / 'models'}\n", encoding="utf-8")
    loaded = Settings(_env_file=env_file)  # type: ignore[call-arg]
    assert Locations.from_settings(loaded).models_dir == tmp_path / "models"


def test_prepare_process_sets_library_flags_but_keeps_the_users(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    for name in LIBRARY_ENVIRONMENT:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("TOKENIZERS_PARALLELISM", "true")
    prepare_process(settings())
    assert os.environ["ORT_DISABLE_TELEMETRY"] == "1"
    assert os.environ["TQDM_DISABLE"] == "1"
    assert os.environ["TOKENIZERS_PARALLELISM"] == "true"  # the user's choice stands


def test_a_prepared_process_multiplies_vectors_on_one_blas_thread() -> None:
    """Waking BLAS threads for each question's small product doubled the search time."""
    probe = (
        "from bot.config import Settings, prepare_process; prepare_process(Settings());"
        "import numpy, index.dense;"  # as the engine loads them, after the front end's start
        "from threadpoolctl import threadpool_info;"
        "print(sorted({i['num_threads'] for i in threadpool_info() if i['user_api'] == 'blas'}))"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe],
        env={**os.environ, "PYTHONPATH": str(ROOT), "OPENBLAS_NUM_THREADS": "2"},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[1]"


OFFLINE_PROBE = """
import json, socket, sys
from pathlib import Path

attempts = []

def refuse(*args, **kwargs):
    attempts.append(repr(args[-1] if args else kwargs)[:80])
    raise OSError("network is unreachable in this test")

socket.socket.connect = refuse
socket.socket.connect_ex = refuse
socket.create_connection = refuse
socket.getaddrinfo = refuse

from index import SentenceTransformerEmbedder, default_embedder

onnx = default_embedder(models_dir=Path(sys.argv[1]), export=True)  # exports: transformers
torch_vectors = SentenceTransformerEmbedder().encode(["pipeline parallelism"])
onnx_vectors = onnx.encode(["pipeline parallelism"])
print(onnx.backend, float((torch_vectors * onnx_vectors).sum()), json.dumps(attempts))
"""


def test_the_bundled_model_loads_and_exports_without_offline_flags_or_network(
    tmp_path: Path,
) -> None:
    """The library alone, with no HF_HUB_OFFLINE/TRANSFORMERS_OFFLINE and every socket refused:
    loading the model with sentence-transformers and exporting it to ONNX ask no hub."""
    env = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith(("HF_", "TRANSFORMERS_", "STUDYBOT_"))
    }
    env |= {"HF_HOME": str(tmp_path / "hf"), "PYTHONPATH": str(ROOT)}
    done = subprocess.run(
        [sys.executable, "-c", OFFLINE_PROBE, str(tmp_path / "models")],
        env=env,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    backend, cosine, attempts = done.stdout.split(" ", 2)
    assert backend == "onnxruntime" and float(cosine) > 0.9999
    assert json.loads(attempts) == [], "the network was tried"
    assert list((tmp_path / "models").glob("*/model.onnx")), "the export went where it was told"
