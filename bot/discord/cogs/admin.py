"""/reindex: rebuild after catalog edits, for maintainers only, without a restart."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

import discord
from discord import app_commands
from discord.ext import commands

from bot.discord import render

if TYPE_CHECKING:
    from bot.discord.client import StudyBot

log = logging.getLogger("studybot")


def is_admin(bot: StudyBot, interaction: discord.Interaction) -> bool:
    """Manage Server, a configured admin role, or a configured admin user — checked every time."""
    settings = bot.settings
    user = interaction.user
    if user.id in settings.admin_user_ids:
        return True
    if not isinstance(user, discord.Member):
        return False
    if user.guild_permissions.manage_guild:
        return True
    return any(role.id in settings.admin_role_ids for role in user.roles)


class Admin(commands.Cog):
    def __init__(self, bot: StudyBot) -> None:
        self.bot = bot

    @app_commands.command(name="reindex", description="Rebuild the index after catalog edits")
    @app_commands.guild_only()
    async def reindex(self, interaction: discord.Interaction) -> None:
        from catalog import CatalogError
        from index import BuildFailed, BuildInProgress

        if not is_admin(self.bot, interaction):
            await interaction.response.send_message(
                "Only maintainers (Manage Server or an admin role) can rebuild the index.",
                ephemeral=True,
            )
            return
        if self.bot.reindex_lock.locked():
            await interaction.response.send_message(
                "A rebuild is already running; its result will be live in a moment.",
                ephemeral=True,
            )
            return
        # Checked and taken with no await in between: two /reindex never both get here.
        async with self.bot.reindex_lock:
            await interaction.response.defer(ephemeral=True, thinking=True)
            log.info("reindex requested by %s", interaction.user.id)
            try:
                report = await self.bot.rebuild()
            except CatalogError as error:
                text = render.catalog_problems_text(error.problems)
            except (BuildFailed, BuildInProgress) as error:
                text = f"The rebuild failed: {error}"
            else:
                text = render.build_report_text(report)
        await interaction.followup.send(text, ephemeral=True)


async def setup(bot: StudyBot) -> None:
    await bot.add_cog(Admin(bot))
