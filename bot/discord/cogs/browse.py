"""Browsing the catalog: /resource (filtered search, paged), /path and /topics."""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING

import discord
from discord import app_commands
from discord.ext import commands

from bot.discord import render
from bot.discord.views import PagedView
from catalog.vocabulary import KINDS, LEVELS

if TYPE_CHECKING:
    from bot.discord.client import StudyBot

PER_PAGE = 5
MAX_RESULTS = 25
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
        await interaction.response.defer(thinking=True)
        engine = self.bot.engine
        hits = await asyncio.to_thread(
            engine.search,
            query,
            MAX_RESULTS,
            topic,
            kind.value if kind else None,
            level.value if level else None,
            free,
        )
        filters = ", ".join(
            f"{name}: {value}"
            for name, value in (
                ("topic", topic),
                ("kind", kind.value if kind else None),
                ("level", level.value if level else None),
                ("free", {True: "yes", False: "no"}.get(free) if free is not None else None),
            )
            if value
        )
        count = max(1, -(-len(hits) // PER_PAGE))
        pages = [
            render.hits_page_embed(query, hits, number, PER_PAGE, filters)
            for number in range(1, count + 1)
        ]
        if len(pages) == 1:
            await interaction.edit_original_response(embed=pages[0])
            return
        view = PagedView(interaction.user.id, pages)
        view.message = await interaction.edit_original_response(embed=pages[0], view=view)

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
        learning_path = engine.path(topic, level.value if level else None)
        await interaction.response.send_message(
            embed=render.path_embed(learning_path, engine.catalog)
        )

    @app_commands.command(name="topics", description="The topics the catalog covers")
    async def topics(self, interaction: discord.Interaction) -> None:
        await interaction.response.send_message(
            embed=render.topics_embed(self.bot.engine.catalog), ephemeral=True
        )


async def setup(bot: StudyBot) -> None:
    await bot.add_cog(Browse(bot))
