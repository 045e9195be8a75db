"""Fixtures and helpers for tests that run the real bot against the fake Discord.

Loaded as a pytest plugin by ``conftest.py``. Bots share the session's real engine
(``create_bot(settings, engine=...)``), so each starts in well under a second.
"""

from __future__ import annotations

import asyncio
import contextlib
import shutil
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from bot import create_bot
from bot.config import Settings
from index import Engine
from tests.conftest import REAL_CATALOG
from tests.fakes import FakeDiscord, running_bot


def settings_for(engine: Engine, **extra: object) -> Settings:
    values: dict[str, object] = {
        "STUDYBOT_CATALOG_DIR": str(REAL_CATALOG),
        "STUDYBOT_INDEX_DIR": str(engine.index_dir),
        "STUDYBOT_ASK_COOLDOWN_SECONDS": 0,
        "STUDYBOT_WATCH_CATALOG": False,  # on only where a test edits the catalog on purpose
        **extra,
    }
    return Settings(_env_file=None, **values)  # type: ignore[call-arg]


@pytest.fixture
async def fake() -> AsyncIterator[FakeDiscord]:
    async with FakeDiscord(heartbeat_interval_ms=1000) as server:
        yield server


@pytest.fixture
def settings(real_engine: Engine, fake: FakeDiscord, tmp_path: Path) -> Settings:
    return settings_for(
        real_engine,
        DISCORD_GUILD_ID=fake.guild_id,
        STUDYBOT_ASK_CHANNEL_IDS=f"{fake.other_channel_id},{fake.forum_id},{fake.bare_forum_id}",
        STUDYBOT_FEEDBACK_DB=str(tmp_path / "studybot.sqlite3"),
    )


@pytest.fixture
async def bot(fake: FakeDiscord, settings: Settings, real_engine: Engine):  # type: ignore[no-untyped-def]
    client = create_bot(settings, engine=real_engine, guild_ready_timeout=0.05)
    async with running_bot(fake, client):
        yield client


@contextlib.asynccontextmanager
async def bot_over_a_copy(
    fake: FakeDiscord, engine: Engine, tmp_path: Path, **extra: object
) -> AsyncIterator[Any]:
    """A bot over copies of the real catalog and index, so a test may edit and rebuild them."""
    catalog_dir, index_dir = tmp_path / "catalog", tmp_path / "index"
    shutil.copytree(REAL_CATALOG, catalog_dir)
    shutil.copytree(engine.index_dir, index_dir)
    settings = settings_for(
        engine,
        DISCORD_GUILD_ID=fake.guild_id,
        STUDYBOT_CATALOG_DIR=str(catalog_dir),
        STUDYBOT_INDEX_DIR=str(index_dir),
        STUDYBOT_FEEDBACK_DB=str(tmp_path / "studybot.sqlite3"),
        **extra,
    )
    async with running_bot(fake, create_bot(settings, guild_ready_timeout=0.05)) as client:
        yield client


def button(message: dict[str, Any], label: str) -> str:
    """The custom id of the button a user would click, found by its label or emoji."""
    for row in message["components"]:
        for item in row.get("components", []):
            if item.get("label") == label or (item.get("emoji") or {}).get("name") == label:
                return str(item["custom_id"])
    raise AssertionError(f"no {label!r} button in {message['components']}")


def embed_text(message: dict[str, Any]) -> str:
    parts = [message.get("content") or ""]
    for embed in message.get("embeds", []):
        parts += [embed.get("title", ""), embed.get("description", "")]
        parts += [f"{f['name']} {f['value']}" for f in embed.get("fields", [])]
        parts.append((embed.get("footer") or {}).get("text", ""))
    return "\n".join(parts)


def replies_to(message: dict[str, Any]) -> Any:
    """A predicate for ``wait_for_message``: the bot's reply to ``message``."""
    return lambda m: (m.get("message_reference") or {}).get("message_id") == message["id"]


def bot_messages(fake: FakeDiscord, channel_id: int) -> list[dict[str, Any]]:
    return [m for m in fake.messages_in(channel_id) if m["author"]["id"] == str(fake.bot_user_id)]


async def handlers_done() -> None:
    """Wait until every ``on_message`` the bot started has finished (no sleeps, no guessing)."""
    while tasks := [
        t for t in asyncio.all_tasks() if t.get_name() == "discord.py: on_message" and not t.done()
    ]:
        await asyncio.gather(*tasks, return_exceptions=True)
