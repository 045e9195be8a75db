"""`docker stop` and Ctrl-C: the bot finishes what it is answering, closes, and exits 0."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from pathlib import Path

import pytest

from bot import create_bot
from bot.discord.lifecycle import RESTARTING, shut_down
from index import Engine
from tests.conftest import REAL_CATALOG
from tests.fakes import FakeDiscord, running_bot
from tests.test_bot import embed_text, settings_for

ROOT = Path(__file__).parent.parent


@pytest.fixture
async def fake() -> FakeDiscord:  # type: ignore[misc]
    async with FakeDiscord(heartbeat_interval_ms=1000) as server:
        yield server


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT])
async def test_a_stop_signal_finishes_the_question_in_flight_and_exits_0(
    fake: FakeDiscord, real_engine: Engine, tmp_path: Path, signum: int
) -> None:
    env = {
        **os.environ,
        "DISCORD_TOKEN": fake.token,
        "DISCORD_GUILD_ID": str(fake.guild_id),
        "STUDYBOT_CATALOG_DIR": str(REAL_CATALOG),
        "STUDYBOT_INDEX_DIR": str(real_engine.index_dir),
        "STUDYBOT_FEEDBACK_DB": str(tmp_path / "feedback.sqlite3"),
        "STUDYBOT_ASK_COOLDOWN_SECONDS": "0",
        "PYTHONPATH": str(ROOT),
    }
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "tests.fakes.bot_process",
        fake.api_base,
        fake.gateway_url,
        cwd=tmp_path,  # no stray .env
        env=env,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    try:
        await fake.wait_ready(timeout=120)
        inter = await fake.slash("ask", {"question": "what does ZeRO stage 3 shard"})
        await inter.wait_for(lambda i: i.response_type is not None, timeout=30)
        process.send_signal(signum)
        answer = await inter.wait_response(timeout=60)
        assert "ZeRO" in embed_text(answer)
        _, stderr = await asyncio.wait_for(process.communicate(), 60)
    finally:
        if process.returncode is None:
            process.kill()
            await process.wait()
    log = stderr.decode()
    assert process.returncode == 0, log
    assert "stopped cleanly" in log and "Traceback" not in log


async def test_while_stopping_new_questions_are_turned_away(
    fake: FakeDiscord, real_engine: Engine, tmp_path: Path
) -> None:
    settings = settings_for(
        real_engine,
        DISCORD_GUILD_ID=fake.guild_id,
        STUDYBOT_FEEDBACK_DB=str(tmp_path / "feedback.sqlite3"),
    )
    async with running_bot(fake, create_bot(settings, guild_ready_timeout=0.05)) as bot:
        bot.accepting = False
        shown = await (await fake.slash("ask", {"question": "what is BPE"})).wait_response()
        assert shown["content"] == RESTARTING
        await shut_down(bot, grace=5)
        assert bot.is_closed()


async def test_a_bot_restarted_while_the_catalog_is_broken_starts_and_says_so(
    fake: FakeDiscord, real_engine: Engine, tmp_path: Path
) -> None:
    import shutil

    catalog_dir = tmp_path / "catalog"
    shutil.copytree(REAL_CATALOG, catalog_dir)
    broken = catalog_dir / "resources" / "broken.yaml"
    broken.write_text("- id: [unclosed\n", encoding="utf-8")
    settings = settings_for(
        real_engine,
        DISCORD_GUILD_ID=fake.guild_id,
        STUDYBOT_CATALOG_DIR=str(catalog_dir),
        STUDYBOT_FEEDBACK_DB=str(tmp_path / "feedback.sqlite3"),
    )
    async with running_bot(fake, create_bot(settings, guild_ready_timeout=0.05)):
        answered = await (await fake.slash("ask", {"question": "what is RLHF"})).wait_response()
        assert "](" in embed_text(answered)
        about = embed_text(await (await fake.slash("about")).wait_response())
        assert "catalog changed since the index was built (resources/broken.yaml)" in about


async def test_healthz_metrics_and_heartbeat_of_a_running_bot(
    fake: FakeDiscord, real_engine: Engine, tmp_path: Path
) -> None:
    import json
    import socket

    import aiohttp

    from bot.metrics import REGISTRY

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    beat = tmp_path / "heartbeat.json"
    settings = settings_for(
        real_engine,
        DISCORD_GUILD_ID=fake.guild_id,
        STUDYBOT_FEEDBACK_DB=str(tmp_path / "feedback.sqlite3"),
        STUDYBOT_HTTP_PORT=port,
        STUDYBOT_HEARTBEAT_FILE=str(beat),
    )
    answered = {"outcome": "answered"}
    before = REGISTRY.get_sample_value("studybot_questions_total", answered) or 0.0
    async with running_bot(fake, create_bot(settings, guild_ready_timeout=0.05)):
        await (
            await fake.slash("ask", {"question": "what does ZeRO stage 3 shard"})
        ).wait_response()
        async with aiohttp.ClientSession() as http:
            async with http.get(f"http://127.0.0.1:{port}/healthz") as response:
                assert response.status == 200
                assert (await response.json())["status"] == "ok"
            async with http.get(f"http://127.0.0.1:{port}/metrics") as response:
                page = await response.text()
        for _ in range(100):  # the first "ready" beat follows on_ready
            if beat.exists() and json.loads(beat.read_text())["ready"]:
                break
            await asyncio.sleep(0.1)
        assert json.loads(beat.read_text())["ready"] is True
    assert REGISTRY.get_sample_value("studybot_questions_total", answered) == before + 1
    assert "# TYPE studybot_answer_seconds histogram" in page
    assert "studybot_gateway_latency_seconds" in page and "user" not in page
