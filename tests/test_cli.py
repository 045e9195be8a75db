"""The studybot command line, end to end with the real model and the real catalog."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from bot.terminal.cli import main
from index import Engine

ROOT = Path(__file__).parent.parent


@pytest.fixture
def studybot(real_engine: Engine):  # type: ignore[no-untyped-def]
    """Run `studybot ARGS` in-process against the session's real index."""

    def run(*args: str, stdin: str | None = None, index: bool = True):  # type: ignore[no-untyped-def]
        extra = ["--index", str(real_engine.index_dir)] if index else []
        return CliRunner().invoke(main, [*args, *extra], input=stdin)

    return run


def json_lines(output: str) -> list[dict]:
    return [json.loads(line) for line in output.splitlines() if line.strip()]


def test_ask_json_prints_the_answer_contract(studybot) -> None:  # type: ignore[no-untyped-def]
    result = studybot("ask", "How does pipeline parallelism work?", "--json", "-k", "3")
    assert result.exit_code == 0, result.output
    [data] = json_lines(result.stdout)
    assert data["question"] == "How does pipeline parallelism work?"
    assert data["confident"] is True and data["coverage"] == "answered" and data["answer"]
    assert 1 <= len(data["resources"]) <= 5
    assert set(data["resources"][0]) >= {"id", "title", "url", "kind", "level", "score", "reason"}
    assert {"note", "heading", "text", "score"} <= set(data["passages"][0])
    assert data["timings_ms"]["total"] > 0


def test_ask_reads_questions_from_stdin_one_json_object_per_line(studybot) -> None:  # type: ignore[no-untyped-def]
    questions = [
        "what is byte pair encoding",
        "",
        "best pizza in naples",
        "what does ZeRO stage 3 shard",
    ]
    result = studybot("ask", "--json", "-", stdin="\n".join(questions) + "\n")
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert len(lines) == len(questions), "one output line per input line, blank ones too"
    answers = [json.loads(line) for line in lines]
    assert [a["question"] for a in answers] == questions
    assert answers[1]["error"] == "empty question"
    assert [answers[i]["confident"] for i in (0, 2, 3)] == [True, False, True]


def test_ask_in_the_terminal_shows_passages_and_links(studybot) -> None:  # type: ignore[no-untyped-def]
    result = studybot("ask", "what is the difference between BPE and WordPiece")
    assert result.exit_code == 0
    assert "Recommended resources" in result.stdout
    assert "http" in result.stdout


def test_search_json_respects_filters(studybot) -> None:  # type: ignore[no-untyped-def]
    result = studybot("search", "tokenizer", "--topic", "tokenization", "--kind", "video", "--json")
    assert result.exit_code == 0, result.output
    results = json.loads(result.stdout)["results"]
    assert results
    assert all(r["kind"] == "video" and "tokenization" in r["topics"] for r in results)


def test_search_with_a_bad_topic_is_one_line_and_exit_2(studybot) -> None:  # type: ignore[no-untyped-def]
    result = studybot("search", "bpe", "--topic", "tokenisation")
    assert result.exit_code == 2
    assert result.stderr.startswith(
        "error: unknown topic 'tokenisation'; did you mean tokenization"
    )
    assert "Traceback" not in result.output


def test_path_json_lists_prerequisites_before_the_steps_that_need_them(studybot) -> None:  # type: ignore[no-untyped-def]
    result = studybot("path", "parallelism", "--json", index=False)
    assert result.exit_code == 0, result.output
    steps = json.loads(result.stdout)["steps"]
    seen: set[str] = set()
    for step in steps:
        assert set(step["prerequisites"]) <= seen
        seen.add(step["id"])
    assert len(steps) >= 3


def test_topics_lists_the_vocabulary(studybot) -> None:  # type: ignore[no-untyped-def]
    result = studybot("topics", "--json", index=False)
    topics = {t["id"]: t for t in json.loads(result.stdout)["topics"]}
    assert "tokenization" in topics and topics["tokenization"]["resources"] >= 3


def test_tokenize_json(studybot) -> None:  # type: ignore[no-untyped-def]
    result = studybot("tokenize", "Hello world", "--json", index=False)
    assert json.loads(result.stdout) == {
        "encoding": "cl100k_base",
        "count": 2,
        "tokens": [{"id": 9906, "text": "Hello"}, {"id": 1917, "text": " world"}],
    }


def test_tokenize_unknown_encoding_lists_the_available_ones(studybot) -> None:  # type: ignore[no-untyped-def]
    result = studybot("tokenize", "hi", "--encoding", "klingon", index=False)
    assert result.exit_code == 2
    assert "cl100k_base" in result.stderr and "wordpiece" in result.stderr


def test_tokenize_works_as_a_module_with_no_network(tmp_path: Path) -> None:
    """`python -m bot tokenize` in a fresh process whose sockets all fail."""
    blocker = tmp_path / "sitecustomize.py"
    blocker.write_text(
        "import socket\n"
        "def _refuse(*a, **k):\n    raise OSError('network is unreachable in this test')\n"
        "socket.socket.connect = _refuse\nsocket.create_connection = _refuse\n"
        "socket.getaddrinfo = _refuse\n",
        encoding="utf-8",
    )
    env = {
        **os.environ,
        "PYTHONPATH": f"{tmp_path}{os.pathsep}{ROOT}",
        "TIKTOKEN_CACHE_DIR": str(tmp_path / "tk"),
    }
    done = subprocess.run(
        [sys.executable, "-m", "bot", "tokenize", "Hello world", "--json"],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["tokens"][0] == {"id": 9906, "text": "Hello"}


def test_catalog_check_reports_path_line_and_exits_1(tmp_path: Path, studybot) -> None:  # type: ignore[no-untyped-def]
    import shutil

    broken = tmp_path / "broken"
    shutil.copytree(ROOT / "tests" / "data" / "catalog", broken)
    (broken / "resources" / "bad.yaml").write_bytes(b"- id: [unclosed\n")
    result = studybot("catalog", "check", "--catalog", str(broken), index=False)
    assert result.exit_code == 1
    assert f"{broken / 'resources' / 'bad.yaml'}:" in result.stderr
    assert "Traceback" not in result.output


def test_catalog_check_passes_on_the_real_catalog(studybot) -> None:  # type: ignore[no-untyped-def]
    result = studybot("catalog", "check", index=False)
    assert result.exit_code == 0, result.output
    assert "ok (" in result.stdout


def test_catalog_list_json(studybot) -> None:  # type: ignore[no-untyped-def]
    data = json.loads(studybot("catalog", "list", "--json", index=False).stdout)
    first = data["resources"][0]
    assert {"id", "title", "url", "kind", "level", "topics", "free"} <= set(first)
    assert data["notes"] and {"id", "title", "resources"} <= set(data["notes"][0])


def test_index_build_json_reuses_every_embedding_when_nothing_changed(studybot) -> None:  # type: ignore[no-untyped-def]
    result = studybot("index", "build", "--json")
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert set(report) == {"documents", "embedded", "reused", "removed", "seconds", "warnings"}
    assert report["warnings"] == []
    assert report["embedded"] == 0 and report["reused"] == report["documents"]


def test_index_status_and_export(studybot, real_engine: Engine) -> None:  # type: ignore[no-untyped-def]
    status = studybot("index", "status")
    assert status.exit_code == 0 and "all-MiniLM-L6-v2" in status.stdout
    exported = json_lines(studybot("index", "export").stdout)
    assert len(exported) == len(real_engine.documents)
    assert any(row.get("note") == "parallelism" for row in exported)
    assert all(row["text"] for row in exported)


def test_index_status_without_an_index_says_so(tmp_path: Path, studybot) -> None:  # type: ignore[no-untyped-def]
    result = studybot("index", "status", "--index", str(tmp_path / "nothing"), index=False)
    assert result.exit_code == 2 and "no index" in result.stderr


def test_chat_reads_piped_stdin_and_exits_at_the_end(studybot) -> None:  # type: ignore[no-untyped-def]
    lines = "/help\nwhat is RLHF\n/path tokenization\n/tokenize Hello world\n/nonsense\n"
    result = studybot("chat", stdin=lines)
    assert result.exit_code == 0, result.output
    assert "/search QUERY" in result.stdout
    assert "Learning path: tokenization" in result.stdout
    assert "cl100k_base: 2 tokens" in result.stdout
    assert "Unknown command /nonsense" in result.stdout


def test_user_text_is_never_read_as_markup(studybot) -> None:  # type: ignore[no-untyped-def]
    result = studybot("search", "what does [/INST] mean")
    assert result.exit_code == 0, result.output
    result = studybot("ask", "what does [bold]x[/bold] :smile: [/INST] mean")
    assert result.exit_code == 0, result.output
    assert "[bold]x[/bold] :smile: [/INST]" in result.stdout


def test_urls_are_never_cut_in_a_pipe(studybot, real_engine: Engine) -> None:  # type: ignore[no-untyped-def]
    urls = {r.url for r in real_engine.catalog.resources}
    long_ones = {u for u in urls if len(u) > 70}
    assert long_ones, "the catalog has URLs longer than a line"
    result = studybot("search", "transformer", "-k", "25")
    printed = set(re.findall(r"https?://\S+", result.stdout))
    assert printed and printed <= urls, printed - urls
    assert "…" not in "".join(printed)


def test_a_path_shows_its_links(studybot) -> None:  # type: ignore[no-untyped-def]
    result = studybot("path", "tokenization")
    assert result.exit_code == 0, result.output
    assert re.search(r"^\s+https://\S+$", result.stdout, re.MULTILINE)


def test_a_cited_title_is_said_once(studybot) -> None:  # type: ignore[no-untyped-def]
    result = studybot("ask", "what is byte pair encoding")
    assert "minbpe “minbpe”" not in result.stdout
    assert re.search(r"minbpe \[(\d)\]", result.stdout), result.stdout
    number = re.search(r"minbpe \[(\d)\]", result.stdout).group(1)  # type: ignore[union-attr]
    assert re.search(
        rf"^\[{number}\] minbpe .*\n\s+https://github.com/karpathy/minbpe$",
        result.stdout,
        re.MULTILINE,
    )


def test_chat_path_checks_the_level_and_suggests_topics_by_their_descriptions(studybot) -> None:  # type: ignore[no-untyped-def]
    result = studybot("chat", stdin="/path tokenization expert\n/path lora\n")
    assert "unknown level 'expert'; choose one of beginner" in result.stderr
    assert "unknown topic 'lora'; did you mean peft" in result.stderr


def test_escape_sequences_in_a_question_are_not_echoed_raw(studybot) -> None:  # type: ignore[no-untyped-def]
    result = studybot("ask", "best \x1b[31mpizza\x1b[0m in naples")
    assert "\x1b[31m" not in result.stdout and "␛[31m" in result.stdout


def test_ctrl_c_in_the_chat_drops_the_line_and_keeps_the_session(
    real_engine: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import io

    from rich.console import Console

    from bot.config import Locations, Settings
    from bot.terminal.chat import run_chat

    typed: list[object] = [KeyboardInterrupt(), "/help", EOFError()]

    def keyboard(prompt: str) -> str:
        item = typed.pop(0)
        if isinstance(item, BaseException):
            raise item
        return str(item)

    monkeypatch.setattr("builtins.input", keyboard)
    monkeypatch.setattr("sys.stdin", io.StringIO())
    monkeypatch.setattr("sys.stdin.isatty", lambda: True)
    shown = io.StringIO()
    loc = Locations.from_settings(Settings(_env_file=None), None, str(real_engine.index_dir))  # type: ignore[call-arg]
    run_chat(loc, Console(file=shown), Console(file=io.StringIO()), tmp_path / "history")
    assert "/search QUERY" in shown.getvalue(), "the session went on after Ctrl-C"
    assert not typed


def test_feedback_report_lists_gaps_most_asked_first(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import asyncio

    from bot.storage import SqliteStorage

    db = tmp_path / "studybot.sqlite3"

    async def seed() -> None:
        storage = SqliteStorage(db)
        for _ in range(3):
            await storage.save_answer("how do I fine-tune on a Mac?", [], "partial")
        await storage.save_answer("best pizza in naples", [], "none")
        answered = await storage.save_answer("what is RLHF", ["rlhf"], "answered")
        await storage.vote(answered.id, 7, -1, missing="no video")
        await storage.save_answer("what is BPE", ["bpe"], "answered")
        await storage.close()

    asyncio.run(seed())
    monkeypatch.setenv("STUDYBOT_FEEDBACK_DB", str(db))
    result = CliRunner().invoke(main, ["feedback", "report"])
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0].startswith("3x “how do I fine-tune on a Mac?” (3 partial")
    assert any("what is RLHF" in line and "no video" in line for line in lines)
    assert not any("what is BPE" in line for line in lines)
