"""`make bench`: how fast studybot answers, builds and starts, next to the bare model's floor.

A benchmark, not a test: it prints a table and asserts nothing.
"""

from __future__ import annotations

import os
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from rich.console import Console
from rich.table import Table

from catalog import load_catalog
from index import Engine, SentenceTransformerEmbedder, build_index
from tests.eval.scoring import load_questions

ROOT = Path(__file__).parent.parent
CATALOG = ROOT / "catalog" / "data"
REPEATS = 3


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def timed_ms(action) -> float:  # type: ignore[no-untyped-def]
    started = time.perf_counter()
    action()
    return (time.perf_counter() - started) * 1000


def cold_start(args: list[str], env: dict[str, str]) -> float:
    """Seconds from a fresh `studybot` process to its exit (best of three)."""
    best = float("inf")
    for _ in range(3):
        started = time.perf_counter()
        subprocess.run(
            [sys.executable, "-m", "bot", *args], env=env, capture_output=True, check=True
        )
        best = min(best, time.perf_counter() - started)
    return best


def main() -> None:
    console = Console()
    rows: list[tuple[str, str, str]] = []
    work = Path(tempfile.mkdtemp(prefix="studybot-bench-"))
    try:
        catalog_dir = work / "catalog"
        shutil.copytree(CATALOG, catalog_dir)
        index_dir = work / "index"
        embedder = SentenceTransformerEmbedder()
        embedder.encode(["warm up the model"])

        seconds = (
            timed_ms(lambda: build_index(load_catalog(catalog_dir), embedder, index_dir)) / 1000
        )
        documents = len(Engine.load(index_dir, load_catalog(catalog_dir), embedder).documents)
        rows.append(("full build", f"{seconds:.2f} s", f"{documents} documents, model loaded"))

        resources = next((catalog_dir / "resources").glob("*.yaml"))
        text = resources.read_text(encoding="utf-8")
        # Prefix the first plain one-line description: still valid YAML, one entry changed.
        edited = re.sub(r"(?m)^(  description: )(?=[A-Za-z])", r"\1Edited. ", text, count=1)
        resources.write_text(edited, encoding="utf-8")
        seconds = (
            timed_ms(lambda: build_index(load_catalog(catalog_dir), embedder, index_dir)) / 1000
        )
        rows.append(
            ("incremental build", f"{seconds:.2f} s", "after editing one entry (goal <= 1 s)")
        )

        engine = Engine.load(index_dir, load_catalog(catalog_dir), embedder)
        on_topic, _ = load_questions()
        questions = [item["q"] for item in on_topic]
        model = embedder._load()
        for question in questions[:10]:
            engine.answer(question)
        encode_ms: list[float] = []
        answer_ms: list[float] = []
        for _ in range(REPEATS):
            for question in questions:
                encode_ms.append(
                    timed_ms(lambda q=question: model.encode([q], normalize_embeddings=True))
                )
                answer_ms.append(timed_ms(lambda q=question: engine.answer(q)))
        floor = statistics.median(encode_ms)
        p50 = statistics.median(answer_ms)
        rows.append(
            (
                "bare model.encode p50 / p95",
                f"{floor:.1f} / {percentile(encode_ms, 0.95):.1f} ms",
                "the floor",
            )
        )
        rows.append(
            (
                "warm answer() p50 / p95",
                f"{p50:.1f} / {percentile(answer_ms, 0.95):.1f} ms",
                f"{p50 / floor:.2f}x the floor (goal <= 1.25x)",
            )
        )
        batch = timed_ms(lambda: engine.answer_many(questions))
        rows.append(
            (
                "answer_many, per question",
                f"{batch / len(questions):.1f} ms",
                f"{len(questions)} questions in one batch",
            )
        )
        rows.append(
            (
                "peak RSS, this process",
                f"{resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB",
                "model + index loaded",
            )
        )

        env = {
            **os.environ,
            "STUDYBOT_CATALOG_DIR": str(catalog_dir),
            "STUDYBOT_INDEX_DIR": str(index_dir),
        }
        commands = {
            "ask": ["ask", "How does pipeline parallelism work?"],
            "search": ["search", "tokenizer"],
            "tokenize": ["tokenize", "Hello world"],
            "topics": ["topics"],
            "catalog check": ["catalog", "check"],
            "index status": ["index", "status"],
        }
        for name, args in commands.items():
            rows.append(
                (
                    f"cold start: {name}",
                    f"{cold_start(args, env):.2f} s",
                    "fresh process, index built",
                )
            )
        child = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
        rows.append(("peak RSS, largest command", f"{child:.0f} MB", "cold `studybot ask`"))
    finally:
        shutil.rmtree(work, ignore_errors=True)

    table = Table(title="studybot bench", title_justify="left")
    table.add_column("measure")
    table.add_column("value", justify="right")
    table.add_column("note", style="dim")
    for row in rows:
        table.add_row(*row)
    console.print(table)


if __name__ == "__main__":
    main()
