"""/help and /about."""

from __future__ import annotations

from importlib import metadata
from typing import TYPE_CHECKING

import discord
from discord import app_commands
from discord.ext import commands

from bot.discord import render_tools

if TYPE_CHECKING:
    from bot.discord.client import StudyBot


class Info(commands.Cog):
    def __init__(self, bot: StudyBot) -> None:
        self.bot = bot

    @app_commands.allowed_installs(guilds=True, users=True)
    @app_commands.allowed_contexts(guilds=True, dms=True, private_channels=True)
    @app_commands.command(name="help", description="What studybot can do")
    async def help(self, interaction: discord.Interaction) -> None:
        await interaction.response.send_message(embed=render_tools.help_embed(), ephemeral=True)

    @app_commands.allowed_installs(guilds=True, users=True)
    @app_commands.allowed_contexts(guilds=True, dms=True, private_channels=True)
    @app_commands.command(name="about", description="Catalog size, index build, model, version")
    async def about(self, interaction: discord.Interaction) -> None:
        engine = self.bot.engine
        manifest = engine.manifest
        embed = render_tools.about_embed(
            resources=len(engine.catalog.resources),
            notes=len(engine.catalog.notes),
            topics=len(engine.catalog.topics),
            built_at=str(manifest.get("built_at", "?")),
            model=str(manifest.get("model", "?")),
            version=metadata.version("studybot"),
            documents=len(engine.documents),
            notices=engine.notices,
        )
        await interaction.response.send_message(embed=embed, ephemeral=True)


async def setup(bot: StudyBot) -> None:
    await bot.add_cog(Info(bot))
