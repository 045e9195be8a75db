"""Questions by command: /ask and the "Recommend resources" context menu (``channels.py``
has mentions, ask channels, threads and forum posts).

Each entry point only translates between Discord and the engine: check the cooldown, defer,
wait for the micro-batcher's answer, render, send. Allowed mentions are none bot-wide.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

import discord
from discord import app_commands
from discord.ext import commands

from bot.discord import render
from bot.discord.cogs.channels import strip_mentions
from bot.discord.cooldowns import cooldown_message

if TYPE_CHECKING:
    from bot.discord.client import StudyBot
    from index import Answer

log = logging.getLogger("studybot")
MAX_QUESTION = 1000


def queue_notice(ahead: int) -> str:
    return f"Lots of questions right now — you're in the queue with {ahead} ahead of you."


class Ask(commands.Cog):
    def __init__(self, bot: StudyBot) -> None:
        self.bot = bot
        self.menu = app_commands.ContextMenu(name="Recommend resources", callback=self.recommend)
        bot.tree.add_command(self.menu)

    async def cog_unload(self) -> None:
        self.bot.tree.remove_command(self.menu.name, type=self.menu.type)

    async def _answer(self, question: str) -> Answer:
        return await self.bot.batcher.answer(question[:MAX_QUESTION])

    @app_commands.command(name="ask", description="Ask about LLMs: get quoted notes and resources")
    @app_commands.describe(question="Your question, in your own words")
    async def ask(
        self, interaction: discord.Interaction, question: app_commands.Range[str, 1, MAX_QUESTION]
    ) -> None:
        retry = self.bot.cooldown.retry_after(interaction.user.id)
        if retry:
            await interaction.response.send_message(cooldown_message(retry), ephemeral=True)
            return
        await interaction.response.defer(thinking=True)
        ahead = self.bot.batcher.ahead
        if ahead >= self.bot.settings.queue_notice_after:
            await interaction.edit_original_response(content=queue_notice(ahead))
        answer = await self._answer(question)
        embed = render.answer_embed(answer, self.bot.engine.catalog, more=True)
        if answer.is_empty:
            # Nothing to share with the channel: tell only the asker.
            await interaction.delete_original_response()
            await interaction.followup.send(embed=embed, ephemeral=True)
            return
        view = await self.bot.answer_view(answer, question)
        view.message = await interaction.edit_original_response(
            content=None, embed=embed, view=view
        )

    async def recommend(self, interaction: discord.Interaction, message: discord.Message) -> None:
        """Answer someone else's message, as a public reply to them."""
        question = strip_mentions(message.content)
        if not question:
            await interaction.response.send_message(
                "That message has no text I can answer.", ephemeral=True
            )
            return
        retry = self.bot.cooldown.retry_after(interaction.user.id)
        if retry:
            await interaction.response.send_message(cooldown_message(retry), ephemeral=True)
            return
        await interaction.response.defer(ephemeral=True, thinking=True)
        answer = await self._answer(question)
        embed = render.answer_embed(answer, self.bot.engine.catalog)
        if answer.is_empty:
            await interaction.followup.send(
                "The catalog has nothing on that message, so I didn't reply to it.",
                embed=embed,
                ephemeral=True,
            )
            return
        view = await self.bot.answer_view(answer, question)
        view.message = await message.reply(embed=embed, view=view, mention_author=False)
        await interaction.followup.send("Replied with resources.", ephemeral=True)


async def setup(bot: StudyBot) -> None:
    await bot.add_cog(Ask(bot))
