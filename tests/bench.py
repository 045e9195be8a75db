"""`make bench`: how fast studybot starts, answers and builds, the ONNX encoder beside the bare model.

A benchmark, not a test: it prints a table and asserts nothing. Everything runs in a scratch
folder (catalog copy, index, exported model). This machine shares its cores, so timings are
best-of-N for cold starts and medians over hundreds of questions for warm answers, interleaved
so a noisy minute hurts both encoders alike.
"""

from __future__ import annotations

import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table

ROOT = Path(__file__).parent.parent
CATALOG = ROOT / "catalog" / "data"
REPEATS = 3
COLD_RUNS = 5
QUESTION = "How does pipeline parallelism work?"
COMMANDS = {  # name: (args, goal in seconds)
    "ask": (["ask", QUESTION], 1.5),
    "search": (["search", "tokenizer"], 1.0),
    "tokenize": (["tokenize", "Hello world"], 1.0),
    "topics": (["topics"], 1.0),
    "catalog check": (["catalog", "check"], 1.0),
    "index status": (["index", "status"], 1.0),
}
BOT_PROCESS = """
import resource, sys
from bot.config import Locations, Settings
import bot.discord.client  # discord.py and the cogs, as the running bot has them
from tests.eval.dataset import load_questions
engine = Locations.from_settings(Settings()).engine()
on_topic, _ = load_questions()
for item in on_topic[:40]:
    engine.answer(item["q"])
status = dict(line.split(":", 1) for line in open("/proc/self/status"))
print(status["VmRSS"].split()[0], status["VmHWM"].split()[0], "torch" in sys.modules)
"""

Row = tuple[str, str, str]


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def timed(action) -> float:  # type: ignore[no-untyped-def]
    """Seconds ``action()`` takes."""
    started = time.perf_counter()
    action()
    return time.perf_counter() - started


def mark(value: float, goal: float, unit: str = "") -> str:
    return f"goal <= {goal:g}{unit}: {'ok' if value <= goal else 'MISSED'}"


def fast_embedder(export: bool = False) -> Any:
    """The encoder the bench's `studybot` processes get: the same settings, the same models."""
    from bot.config import Locations, Settings, prepare_process

    settings = Settings()
    prepare_process(settings)
    return Locations.from_settings(settings).embedder(building=export)


def cold_start(args: list[str], env: dict[str, str]) -> tuple[float, float]:
    """Best and median seconds from a fresh `studybot` process to its exit."""
    runs = []
    for _ in range(COLD_RUNS):
        started = time.perf_counter()
        subprocess.run(
            [sys.executable, "-m", "bot", *args], env=env, capture_output=True, check=True
        )
        runs.append(time.perf_counter() - started)
    return min(runs), statistics.median(runs)


def build_rows(work: Path, catalog_dir: Path, env: dict[str, str]) -> list[Row]:
    """First build on a fresh machine (export + embed), then both encoders embedding alone."""
    from catalog import load_catalog
    from index import SentenceTransformerEmbedder, build_index

    rows: list[Row] = []
    first = timed(
        lambda: subprocess.run(
            [sys.executable, "-m", "bot", "index", "build", "--index", str(work / "first")],
            env=env,
            capture_output=True,
            check=True,
        )
    )
    rows.append(("first `index build`", f"{first:.1f} s", "fresh process: ONNX export + embed all"))
    catalog = load_catalog(catalog_dir)
    fast = fast_embedder()
    reference = SentenceTransformerEmbedder()
    fast.encode(["warm up"])
    reference.encode(["warm up"])
    seconds: dict[str, list[float]] = {"onnx": [], "st": []}
    for _ in range(2):  # alternate, keep the best of each
        seconds["onnx"].append(
            timed(lambda: build_index(catalog, fast, work / "index-onnx", full=True))
        )
        seconds["st"].append(
            timed(lambda: build_index(catalog, reference, work / "index-st", full=True))
        )
    onnx, st = min(seconds["onnx"]), min(seconds["st"])
    rows.append(
        (
            "full build, onnxruntime",
            f"{onnx:.1f} s",
            f"model loaded; {st / onnx:.2f}x as fast as st",
        )
    )
    rows.append(("full build, sentence-transformers", f"{st:.1f} s", "model loaded (before)"))
    return rows


def incremental_row(catalog_dir: Path, index_dir: Path) -> Row:
    from catalog import load_catalog
    from index import build_index

    resources = next((catalog_dir / "resources").glob("*.yaml"))
    text = resources.read_text(encoding="utf-8")
    # Prefix the first plain one-line description: still valid YAML, one entry changed.
    edited = re.sub(r"(?m)^(  description: )(?=[A-Za-z])", r"\1Edited. ", text, count=1)
    resources.write_text(edited, encoding="utf-8")
    embedder = fast_embedder()
    seconds = timed(lambda: build_index(load_catalog(catalog_dir), embedder, index_dir))
    return (
        "incremental build",
        f"{seconds:.2f} s",
        f"one entry edited; {mark(seconds, 1.0, ' s')}",
    )


def warm_rows(catalog_dir: Path, index_dir: Path) -> tuple[list[Row], Any, Any]:
    """answer() on the ONNX encoder against the bare sentence-transformers encode, interleaved."""
    from catalog import load_catalog
    from index import Engine, SentenceTransformerEmbedder
    from tests.eval.dataset import load_questions

    catalog = load_catalog(catalog_dir)
    fast = Engine.load(index_dir, catalog, fast_embedder())
    reference = SentenceTransformerEmbedder()
    slow = Engine.load(index_dir, catalog, reference)
    model = reference._load()
    on_topic, _ = load_questions()
    questions = [item["q"] for item in on_topic]
    for question in questions[:10]:
        fast.answer(question)
        model.encode([question], normalize_embeddings=True)
    times: dict[str, list[float]] = {"answer": [], "encode": [], "st": []}
    for _ in range(REPEATS):
        for n, q in enumerate(questions):
            times["st"].append(timed(lambda q=q: model.encode([q], normalize_embeddings=True)))
            # Right after torch, whichever runs first shares the cores with torch's idle
            # threads winding down: answer and encode take that place in turn.
            pair = ["answer", "encode"] if n % 2 else ["encode", "answer"]
            for key in pair:
                run = fast.answer if key == "answer" else lambda q: fast.embedder.encode([q])
                times[key].append(timed(lambda q=q, run=run: run(q)))
    ms = {key: [1000 * v for v in values] for key, values in times.items()}
    floor = statistics.median(ms["st"])
    p50 = statistics.median(ms["answer"])
    onnx = statistics.median(ms["encode"])
    rows = [
        (
            "bare st model.encode p50 / p95",
            f"{floor:.1f} / {percentile(ms['st'], 0.95):.1f} ms",
            "sentence-transformers, one question",
        ),
        (
            "bare onnx encode p50 / p95",
            f"{statistics.median(ms['encode']):.1f} / {percentile(ms['encode'], 0.95):.1f} ms",
            "onnxruntime + tokenizers, one question",
        ),
        (
            "warm answer() p50 / p95",
            f"{p50:.1f} / {percentile(ms['answer'], 0.95):.1f} ms",
            f"{p50 / onnx:.2f}x the onnx encode; {mark(p50 / onnx, 1.5)} "
            f"({p50 / floor:.2f}x bare st encode; {mark(p50 / floor, 0.6)})",
        ),
    ]
    per_question = timed(lambda: fast.answer_many(questions)) * 1000 / len(questions)
    rows.append(
        ("answer_many, per question", f"{per_question:.1f} ms", f"{len(questions)} in one batch")
    )
    return rows, fast, slow


def quality_rows(fast: Any, slow: Any) -> list[Row]:
    """Held-out quality only: the tuning split is what the policy was fitted on."""
    from tests.eval.dataset import cases
    from tests.eval.scoring import FALSE_NOTHING, baseline, score

    heldout = cases("heldout")
    rows = []
    for label, engine in (("onnxruntime", fast), ("sentence-transformers", slow)):
        f = score(engine, heldout).figures
        rows.append(
            (
                f"held-out hit@1 / hit@3 / MRR@5, {label}",
                f"{f['hit@1']:.3f} / {f['hit@3']:.3f} / {f['MRR@5']:.3f}",
                f"nothing for answerable {f[FALSE_NOTHING]:.3f}, "
                f"declined {f['declined (off-topic, traps)']:.3f}, "
                f"uncovered honest {f['uncovered answered honestly']:.3f}",
            )
        )
    naive = baseline(fast, heldout).figures
    rows.append(
        (
            "held-out hit@1 / hit@3 / MRR@5, naive FAISS baseline",
            f"{naive['hit@1']:.3f} / {naive['hit@3']:.3f} / {naive['MRR@5']:.3f}",
            "title + description cosine top 3, never declines",
        )
    )
    return rows


def bot_memory(env: dict[str, str]) -> tuple[str, str, str]:
    """VmRSS and VmHWM (kB) of a process holding the bot's engine, and whether torch loaded."""
    result = subprocess.run(
        [sys.executable, "-c", BOT_PROCESS],
        env={**env, "PYTHONPATH": str(ROOT)},
        capture_output=True,
        text=True,
        check=True,
    )
    rss, peak, torch = result.stdout.split()
    return rss, peak, torch


def bot_rss_row(env: dict[str, str]) -> Row:
    rss, peak, torch = bot_memory(env)
    steady = int(rss) / 1024
    return (
        "bot process RSS (steady / peak)",
        f"{steady:.0f} / {int(peak) / 1024:.0f} MB",
        f"engine + discord.py, 40 answers; torch {'loaded' if torch == 'True' else 'not loaded'};"
        f" {mark(steady, 400, ' MB')}",
    )


def main() -> None:
    rows: list[Row] = []
    work = Path(tempfile.mkdtemp(prefix="studybot-bench-"))
    try:
        catalog_dir = work / "catalog"
        shutil.copytree(CATALOG, catalog_dir)
        os.environ["STUDYBOT_DATA_DIR"] = str(work / "data")
        os.environ["STUDYBOT_MODEL_CACHE"] = str(work / "models")
        env = {
            **os.environ,
            "STUDYBOT_CATALOG_DIR": str(catalog_dir),
            "STUDYBOT_INDEX_DIR": str(work / "index-onnx"),
        }
        rows += build_rows(work, catalog_dir, env)
        for name, (args, goal) in COMMANDS.items():
            best, median = cold_start(args, env)
            rows.append(
                (
                    f"cold start: {name}",
                    f"{best:.2f} s",
                    f"best of {COLD_RUNS} (median {median:.2f}); {mark(best, goal, ' s')}",
                )
            )
        rows.append(bot_rss_row(env))
        warm, fast, slow = warm_rows(catalog_dir, work / "index-onnx")
        rows += warm
        rows += quality_rows(fast, slow)
        rows.append(incremental_row(catalog_dir, work / "index-onnx"))
    finally:
        shutil.rmtree(work, ignore_errors=True)

    table = Table(title="studybot bench (2 shared cores: expect noise)", title_justify="left")
    table.add_column("measure")
    table.add_column("value", justify="right")
    table.add_column("note", style="dim")
    for row in rows:
        table.add_row(*row)
    Console(width=120).print(table)


if __name__ == "__main__":
    main()
