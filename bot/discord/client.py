"""The Discord bot: owns the Engine, loads one cog per feature, syncs its commands.

The engine is loaded once in ``setup_hook`` (in a thread) and replaced whole after
``/reindex``, so questions are answered from the old index until the new one is ready.
"""

from __future__ import annotations

import asyncio
import functools
import logging
from typing import TYPE_CHECKING, Any

import discord
from discord import app_commands
from discord.ext import commands

from bot.config import Locations, Settings, prepare_process
from bot.discord.batching import AnswerBatcher
from bot.discord.cooldowns import AskCooldown
from bot.discord.errors import report_app_command_error
from bot.discord.lifecycle import refuse_when_stopping

if TYPE_CHECKING:
    from aiohttp import web

    from bot.storage import Storage
    from index import Answer, BuildReport, Engine

log = logging.getLogger("studybot")

EXTENSIONS = (
    "bot.discord.cogs.ask",
    "bot.discord.cogs.channels",
    "bot.discord.cogs.browse",
    "bot.discord.cogs.tokenize",
    "bot.discord.cogs.admin",
    "bot.discord.cogs.info",
    "bot.discord.cogs.reload",
)


def intents_for(settings: Settings) -> discord.Intents:
    """Only the intents studybot uses (https://discord.com/developers/docs/events/gateway#gateway-intents).

    Guilds: channels, threads and forum posts. Guild messages: mentions and ask channels.
    Message content (privileged) only with ask channels: a mention carries its content anyway.
    """
    intents = discord.Intents.none()
    intents.guilds = True
    intents.guild_messages = True
    intents.message_content = bool(settings.ask_channel_ids)
    return intents


class StudyBotMixin:
    """What studybot adds to discord.py's Bot; mixed into the plain and the sharded one."""

    settings: Settings
    locations: Locations
    engine: Engine
    batcher: AnswerBatcher
    storage: Storage
    cooldown: AskCooldown
    reindex_lock: asyncio.Lock
    sync_only: dict[str, bool] | None = None  # `studybot sync`: sync, load no engine
    last_sync = ""
    tree: app_commands.CommandTree[Any]
    # False once a stop signal arrived: new questions are turned away (bot/lifecycle.py).
    accepting: bool = True
    _heartbeat: asyncio.Task[None] | None
    _http: web.AppRunner | None

    def __init__(
        self,
        settings: Settings,
        engine: Engine | None = None,
        locations: Locations | None = None,
        **options: Any,
    ) -> None:
        defaults = {
            "command_prefix": commands.when_mentioned,
            "intents": intents_for(settings),
            "allowed_mentions": discord.AllowedMentions.none(),
            "help_command": None,
        }
        if settings.shard_count:
            defaults["shard_count"] = settings.shard_count
        super().__init__(**{**defaults, **options})
        self.settings = settings
        self.locations = locations or Locations.from_settings(settings)
        if engine is not None:
            self.engine = engine
        self.batcher = AnswerBatcher(lambda: self.engine)
        self.cooldown = AskCooldown(settings.ask_cooldown_rate, settings.ask_cooldown_seconds)
        self.reindex_lock = asyncio.Lock()
        self.tree.on_error = report_app_command_error  # type: ignore[method-assign]
        self.tree.interaction_check = functools.partial(refuse_when_stopping, self)  # type: ignore[method-assign]

    async def setup_hook(self) -> None:
        from bot.discord.views import (
            MentorButton,
            MoreButton,
            PageButton,
            VoteButton,
            submit_missing,
        )
        from bot.storage import SqliteStorage

        # Buttons on messages sent before a restart still work: their state is in storage;
        # so does a 👎 form, read by its custom_id.
        self.add_dynamic_items(VoteButton, MoreButton, PageButton, MentorButton)  # type: ignore[attr-defined]
        self.add_listener(submit_missing, "on_interaction")  # type: ignore[attr-defined]
        self.storage = SqliteStorage(self.settings.database)
        if not hasattr(self, "engine") and self.sync_only is None:
            self.engine = await asyncio.to_thread(self.locations.engine)
            for notice in self.engine.notices:
                log.warning("index: %s", notice)
        for extension in EXTENSIONS:
            await self.load_extension(extension)  # type: ignore[attr-defined]
        self.last_sync = await self.sync(**(self.sync_only or {}))
        if self.sync_only is None:
            await self._start_ops()

    async def sync(self, force: bool = False, clear_global: bool = False) -> str:
        from bot.discord.syncing import sync_commands

        return await sync_commands(self.tree, self.settings, force=force, clear_global=clear_global)

    async def _start_ops(self) -> None:
        """The heartbeat `studybot health --bot` reads, and the optional /healthz + /metrics."""
        from bot import ops

        beat = ops.heartbeat_loop(self, self.settings.heartbeat)
        self._heartbeat = asyncio.create_task(beat, name="heartbeat")
        self._http = None
        if self.settings.http_port is not None:
            self._http = await ops.start_http(
                self, self.settings.http_host, self.settings.http_port
            )

    def dispatch(self, event_name: str, /, *args: Any, **kwargs: Any) -> None:
        if event_name == "message" and not self.accepting:
            return  # stopping: mentions and ask-channel messages are no longer questions
        super().dispatch(event_name, *args, **kwargs)  # type: ignore[misc]

    async def on_message(self, message: discord.Message) -> None:
        """No prefix commands: a mention is a question (``cogs/channels.py``), not a command.

        discord.py's default would look a command up and log CommandNotFound for every mention.
        """

    async def answer_message(
        self,
        answer: Answer,
        question: str,
        *,
        more: bool = False,
        asked: str | None = None,
        read_with: str | None = None,
    ) -> dict[str, Any]:
        """What to send for an answer: an embed and its buttons, or a card (``answer_cards``)."""
        from bot.discord import render
        from bot.discord.cards import answer_card

        view = await self.answer_view(answer, question)
        catalog = self.engine.catalog
        if self.settings.answer_cards:
            return {
                "view": answer_card(
                    answer, catalog, view, asked=asked or question, read_with=read_with
                )
            }
        embed = render.answer_embed(answer, catalog, more=more, asked=asked, read_with=read_with)
        return {"embed": embed, "view": view}

    async def answer_view(self, answer: Answer, question: str) -> discord.ui.View:
        """The buttons under an answer; what they need is stored first, so they outlive us."""
        from bot.discord.views import answer_view

        ids = [hit.resource.id for hit in answer.resources]
        stored = await self.storage.save_answer(question, ids, answer.coverage)
        return answer_view(stored, mentors=self.settings.mentor_role_id is not None)

    async def close(self) -> None:
        from bot import ops

        await ops.stop(getattr(self, "_heartbeat", None), getattr(self, "_http", None))
        await self.batcher.close()
        await super().close()  # type: ignore[misc]
        if hasattr(self, "storage"):
            await self.storage.close()

    async def rebuild(self) -> BuildReport:
        """Rebuild from the catalog on disk, then swap the engine in.

        The caller holds ``reindex_lock``; until the swap, questions use the old engine.
        """
        from bot import metrics
        from index import Engine

        metrics.REINDEX_RUNS.inc()
        with metrics.REINDEX_SECONDS.time():
            try:
                catalog = await asyncio.to_thread(self.locations.catalog)
                engine, report = await asyncio.to_thread(
                    Engine.build, catalog, self.engine.embedder, self.locations.index_dir
                )
            except Exception:
                metrics.REINDEX_FAILURES.inc()
                raise
        self.engine = engine
        return report


class StudyBot(StudyBotMixin, commands.Bot):
    pass


class ShardedStudyBot(StudyBotMixin, commands.AutoShardedBot):
    pass


def create_bot(
    settings: Settings,
    *,
    engine: Engine | None = None,
    locations: Locations | None = None,
    **options: Any,
) -> StudyBot | ShardedStudyBot:
    """A configured bot. ``engine``: an engine already built (tests share one; no reload)."""
    prepare_process(settings)
    cls = ShardedStudyBot if settings.shard_count else StudyBot
    return cls(settings, engine, locations, **options)
