"""Browsing the catalog: /resource (filtered search, paged), /path and /topics."""

from __future__ import annotations

from typing import TYPE_CHECKING

import discord
from discord import app_commands
from discord.ext import commands

from bot.discord import render
from bot.discord.cooldowns import cooldown_message
from bot.discord.views import PagedView, search_pages
from bot.present import topic_or_hint
from catalog.vocabulary import KINDS, LEVELS

if TYPE_CHECKING:
    from bot.discord.client import StudyBot

KIND_CHOICES = [app_commands.Choice(name=kind, value=kind) for kind in KINDS]
LEVEL_CHOICES = [app_commands.Choice(name=level, value=level) for level in LEVELS]


class Browse(commands.Cog):
    def __init__(self, bot: StudyBot) -> None:
        self.bot = bot

    async def topic_autocomplete(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        """Topics containing what was typed, best (prefix) matches first; Discord shows 25."""
        typed = current.strip().lower()
        topics = self.bot.engine.catalog.topics
        ranked = sorted(
            (t for t in topics if typed in t or typed in topics[t].lower()),
            key=lambda t: (not t.startswith(typed), typed not in t, t),
        )
        return [app_commands.Choice(name=t, value=t) for t in ranked[:25]]

    @app_commands.allowed_installs(guilds=True, users=True)
    @app_commands.allowed_contexts(guilds=True, dms=True, private_channels=True)
    @app_commands.command(name="resource", description="Find resources in the catalog")
    @app_commands.describe(
        query="What you are looking for",
        topic="Only this topic",
        kind="Only this kind of resource",
        level="Only this level",
        free="Only free (or only paid) resources",
    )
    @app_commands.choices(kind=KIND_CHOICES, level=LEVEL_CHOICES)
    @app_commands.autocomplete(topic=topic_autocomplete)
    async def resource(
        self,
        interaction: discord.Interaction,
        query: app_commands.Range[str, 0, 300] = "",
        topic: str | None = None,
        kind: app_commands.Choice[str] | None = None,
        level: app_commands.Choice[str] | None = None,
        free: bool | None = None,
    ) -> None:
        retry = self.bot.cooldown.retry_after(interaction.user.id)
        if retry:
            await interaction.response.send_message(cooldown_message(retry), ephemeral=True)
            return
        await interaction.response.defer(thinking=True)
        filters = {
            "topic": topic,
            "kind": kind.value if kind else None,
            "level": level.value if level else None,
            "free": free,
        }
        search = await self.bot.storage.save_search(interaction.user.id, query, filters)
        pages = await search_pages(self.bot, search)
        if len(pages) == 1:
            await interaction.edit_original_response(embed=pages[0])
            return
        view = PagedView(self.bot, search.id, 0, len(pages))
        view.message = await interaction.edit_original_response(embed=pages[0], view=view)

    @app_commands.allowed_installs(guilds=True, users=True)
    @app_commands.allowed_contexts(guilds=True, dms=True, private_channels=True)
    @app_commands.command(name="path", description="A learning path for a topic, in order")
    @app_commands.describe(topic="The topic", level="Start from this level")
    @app_commands.choices(level=LEVEL_CHOICES)
    @app_commands.autocomplete(topic=topic_autocomplete)
    async def path(
        self,
        interaction: discord.Interaction,
        topic: str,
        level: app_commands.Choice[str] | None = None,
    ) -> None:
        engine = self.bot.engine
        learning_path = engine.path(
            topic_or_hint(engine.catalog, topic), level.value if level else None
        )
        await interaction.response.send_message(
            embed=render.path_embed(learning_path, engine.catalog)
        )

    @app_commands.allowed_installs(guilds=True, users=True)
    @app_commands.allowed_contexts(guilds=True, dms=True, private_channels=True)
    @app_commands.command(name="topics", description="The topics the catalog covers")
    async def topics(self, interaction: discord.Interaction) -> None:
        await interaction.response.send_message(
            embed=render.topics_embed(self.bot.engine.catalog), ephemeral=True
        )


async def setup(bot: StudyBot) -> None:
    await bot.add_cog(Browse(bot))
