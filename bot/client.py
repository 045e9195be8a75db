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

from bot.batching import AnswerBatcher
from bot.context import Locations
from bot.cooldowns import AskCooldown
from bot.errors import report_app_command_error
from bot.lifecycle import refuse_when_stopping
from bot.settings import Settings

if TYPE_CHECKING:
    from aiohttp import web

    from bot.feedback import FeedbackStore
    from index import BuildReport, Engine

log = logging.getLogger("studybot")

EXTENSIONS = (
    "bot.cogs.ask",
    "bot.cogs.browse",
    "bot.cogs.tokenize",
    "bot.cogs.admin",
    "bot.cogs.info",
)


def _intents() -> discord.Intents:
    intents = discord.Intents.default()
    intents.message_content = True
    return intents


class StudyBotMixin:
    """What studybot adds to discord.py's Bot; mixed into the plain and the sharded one."""

    settings: Settings
    locations: Locations
    engine: Engine
    batcher: AnswerBatcher
    feedback: FeedbackStore
    cooldown: AskCooldown
    reindex_lock: asyncio.Lock
    tree: app_commands.CommandTree[Any]
    # False once a stop signal arrived: new questions are turned away (bot/lifecycle.py).
    accepting: bool = True
    _heartbeat: asyncio.Task[None] | None
    _http: web.AppRunner | None

    def __init__(self, settings: Settings, **options: Any) -> None:
        defaults = {
            "command_prefix": commands.when_mentioned,
            "intents": _intents(),
            "allowed_mentions": discord.AllowedMentions.none(),
            "help_command": None,
        }
        if settings.shard_count:
            defaults["shard_count"] = settings.shard_count
        super().__init__(**{**defaults, **options})
        self.settings = settings
        self.locations = Locations.from_options(
            str(settings.catalog_dir) if settings.catalog_dir else None,
            str(settings.index_dir) if settings.index_dir else None,
            settings.model,
        )
        self.batcher = AnswerBatcher(lambda: self.engine)
        self.cooldown = AskCooldown(settings.ask_cooldown_rate, settings.ask_cooldown_seconds)
        self.reindex_lock = asyncio.Lock()
        self.tree.on_error = report_app_command_error  # type: ignore[method-assign]
        self.tree.interaction_check = functools.partial(refuse_when_stopping, self)  # type: ignore[method-assign]

    async def setup_hook(self) -> None:
        from bot.feedback import FeedbackStore
        from index.locations import data_dir

        self.engine = await asyncio.to_thread(self.locations.engine)
        for notice in self.engine.notices:
            log.warning("index: %s", notice)
        db = self.settings.feedback_db or data_dir() / "feedback.sqlite3"
        self.feedback = FeedbackStore(db)
        for extension in EXTENSIONS:
            await self.load_extension(extension)  # type: ignore[attr-defined]
        await self._sync_commands()
        await self._start_ops()

    async def _start_ops(self) -> None:
        """The heartbeat `studybot health --bot` reads, and the optional /healthz + /metrics."""
        from bot import ops

        path = ops.heartbeat_path(self.settings.heartbeat_file)
        self._heartbeat = asyncio.create_task(ops.heartbeat_loop(self, path), name="heartbeat")
        self._http = None
        if self.settings.http_port is not None:
            self._http = await ops.start_http(
                self, self.settings.http_host, self.settings.http_port
            )

    def dispatch(self, event_name: str, /, *args: Any, **kwargs: Any) -> None:
        if event_name == "message" and not self.accepting:
            return  # stopping: mentions and ask-channel messages are no longer questions
        super().dispatch(event_name, *args, **kwargs)  # type: ignore[misc]

    async def close(self) -> None:
        from bot import ops

        await ops.stop(getattr(self, "_heartbeat", None), getattr(self, "_http", None))
        await self.batcher.close()
        await super().close()  # type: ignore[misc]
        feedback = getattr(self, "feedback", None)
        if feedback is not None:
            feedback.close()

    async def _sync_commands(self) -> None:
        guild_id = self.settings.discord_guild_id
        if guild_id:
            guild = discord.Object(id=guild_id)
            self.tree.copy_global_to(guild=guild)
            synced = await self.tree.sync(guild=guild)
        else:
            synced = await self.tree.sync()
        log.info("synced %d application commands", len(synced))

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


def create_bot(settings: Settings | None = None, **options: Any) -> StudyBot | ShardedStudyBot:
    """A configured bot; with no arguments, everything comes from the environment / `.env`."""
    settings = settings or Settings()
    if settings.shard_count:
        return ShardedStudyBot(settings, **options)
    return StudyBot(settings, **options)
