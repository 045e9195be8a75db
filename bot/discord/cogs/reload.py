"""Live reload: the bot watches the catalog folder and rebuilds after maintainers' edits.

Edits are debounced (an editor's save is several file events), then the index is rebuilt
incrementally beside the serving one and swapped in, under the same lock as ``/reindex``.
An edit that breaks the catalog is reported (the log, and the ``path:line`` problems in
``STUDYBOT_ADMIN_CHANNEL_ID`` when set) while the previous index keeps answering.
"""

from __future__ import annotations

import asyncio
import logging
from pathlib import Path
from typing import TYPE_CHECKING

import discord
from discord.ext import commands

from bot.discord import render_tools

if TYPE_CHECKING:
    from bot.discord.client import StudyBot

log = logging.getLogger(__name__)


class Reload(commands.Cog):
    def __init__(self, bot: StudyBot) -> None:
        self.bot = bot
        self.stop = asyncio.Event()
        self.task: asyncio.Task[None] | None = None

    async def cog_load(self) -> None:
        folder = self.bot.locations.catalog_dir
        if self.bot.settings.watch_catalog and folder.is_dir():
            self.task = asyncio.create_task(self.watch(folder), name="catalog-watch")

    async def cog_unload(self) -> None:
        self.stop.set()
        if self.task is not None:
            self.task.cancel()
            await asyncio.gather(self.task, return_exceptions=True)

    async def watch(self, folder: Path) -> None:
        from watchfiles import awatch

        debounce = round(self.bot.settings.reload_debounce_seconds * 1000)
        log.info("watching %s for catalog edits", folder)
        async for changes in awatch(folder, debounce=debounce, stop_event=self.stop):
            log.info("catalog edited (%d file events): rebuilding", len(changes))
            try:
                await self.reload()
            except Exception:  # the watcher must outlive any one failed rebuild
                log.exception("live reload failed; the previous index is still serving")

    async def reload(self) -> None:
        """Rebuild once; a broken catalog is reported, never served."""
        from catalog import CatalogError
        from index import BuildFailed, BuildInProgress

        async with self.bot.reindex_lock:
            try:
                report = await self.bot.rebuild()
            except CatalogError as error:
                for problem in error.problems:
                    log.warning("catalog: %s", problem)
                await self.tell_admins(render_tools.catalog_problems_text(error.problems))
                return
            except (BuildFailed, BuildInProgress) as error:
                log.warning("live reload: %s; the previous index is still serving", error)
                await self.tell_admins(f"The rebuild after a catalog edit failed: {error}")
                return
        log.info("live reload: %s", render_tools.build_report_text(report).replace("\n", "; "))

    async def tell_admins(self, text: str) -> None:
        channel_id = self.bot.settings.admin_channel_id
        if channel_id is None:
            return
        try:
            channel = self.bot.get_channel(channel_id) or await self.bot.fetch_channel(channel_id)
            if isinstance(channel, discord.abc.Messageable):
                await channel.send(text, allowed_mentions=discord.AllowedMentions.none())
        except discord.HTTPException as error:
            log.warning("could not post to the admin channel %s: %s", channel_id, error)


async def setup(bot: StudyBot) -> None:
    await bot.add_cog(Reload(bot))
