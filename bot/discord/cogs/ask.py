"""Questions by command: /ask and the "Recommend resources" context menu (``channels.py``
has mentions, ask channels, threads and forum posts).

Each entry point only translates between Discord and the engine: check the cooldown, defer,
wait for the micro-batcher's answer, render, send. Allowed mentions are none bot-wide.
"""

from __future__ import annotations

import asyncio
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
# Seconds to wait for an answer before deferring. A warm answer takes ~10 ms, but a loaded
# machine can take half a second; Discord wants the first response within 3 s ("Receiving an
# Interaction": https://discord.com/developers/docs/interactions/receiving-and-responding).
# Answering directly is what lets "nothing on that" stay private.
DIRECT_WITHIN = 1.5


def queue_notice(ahead: int) -> str:
    return f"Lots of questions right now — you're in the queue with {ahead} ahead of you."


class Ask(commands.Cog):
    def __init__(self, bot: StudyBot) -> None:
        self.bot = bot
        self.menu = app_commands.ContextMenu(
            name="Recommend resources",
            callback=self.recommend,
            allowed_installs=app_commands.AppInstallationType(guild=True, user=True),
            allowed_contexts=app_commands.AppCommandContext(
                guild=True, dm_channel=True, private_channel=True
            ),
        )
        bot.tree.add_command(self.menu)

    async def cog_unload(self) -> None:
        self.bot.tree.remove_command(self.menu.name, type=self.menu.type)

    async def _answer(self, question: str) -> Answer:
        return await self.bot.batcher.answer(question[:MAX_QUESTION])

    @app_commands.allowed_installs(guilds=True, users=True)
    @app_commands.allowed_contexts(guilds=True, dms=True, private_channels=True)
    @app_commands.command(name="ask", description="Ask about LLMs: get quoted notes and resources")
    @app_commands.describe(question="Your question, in your own words")
    async def ask(
        self, interaction: discord.Interaction, question: app_commands.Range[str, 1, MAX_QUESTION]
    ) -> None:
        retry = self.bot.cooldown.retry_after(interaction.user.id)
        if retry:
            await interaction.response.send_message(cooldown_message(retry), ephemeral=True)
            return
        ahead = self.bot.batcher.ahead
        pending = self.bot.batcher.submit(question[:MAX_QUESTION])
        if ahead == 0:
            # Nobody waiting: answer at once, so "nothing on that" can be private from the
            # start. Behind a queue, or when the answer is slow, defer first: the asker sees
            # "thinking..." at once, and Discord needs a first response within 3 s.
            done, _ = await asyncio.wait({pending}, timeout=DIRECT_WITHIN)
            if pending in done:
                await self._send_direct(interaction, pending.result(), question)
                return
        await interaction.response.defer(thinking=True)
        if ahead >= self.bot.settings.queue_notice_after:
            await interaction.edit_original_response(content=queue_notice(ahead))
        answer = await pending
        shown = await self.bot.answer_message(answer, question, more=True)
        if answer.is_empty:
            # Nothing to share with the channel: remove the public placeholder, tell the asker.
            await interaction.delete_original_response()
            await interaction.followup.send(**shown, ephemeral=True)
            return
        await interaction.edit_original_response(content=None, **shown)

    async def _send_direct(
        self, interaction: discord.Interaction, answer: Answer, question: str
    ) -> None:
        shown = await self.bot.answer_message(answer, question, more=True)
        # Nothing to share with the channel: only the asker sees it (buttons still work).
        await interaction.response.send_message(**shown, ephemeral=answer.is_empty)

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
        if not interaction.is_guild_integration():
            await self._answer_in_interaction(interaction, question)
            return
        await interaction.response.defer(ephemeral=True, thinking=True)
        answer = await self._answer(question)
        embed = render.answer_embed(answer, self.bot.engine.catalog)
        if answer.is_empty:
            await interaction.edit_original_response(
                content="The catalog has nothing on that message, so I didn't reply to it.",
                embed=embed,
            )
            return
        shown = await self.bot.answer_message(answer, question)
        await message.reply(**shown, mention_author=False)
        await interaction.edit_original_response(content="Replied with resources.")

    async def _answer_in_interaction(self, interaction: discord.Interaction, question: str) -> None:
        """Installed by a user, or in a DM: the bot may not be able to post in this channel, so
        the answer is the interaction's own response (public, or private when it is "nothing")."""
        await interaction.response.defer(thinking=True)
        answer = await self._answer(question)
        shown = await self.bot.answer_message(answer, question)
        if answer.is_empty:
            await interaction.delete_original_response()
            await interaction.followup.send(**shown, ephemeral=True)
            return
        await interaction.edit_original_response(**shown)


async def setup(bot: StudyBot) -> None:
    await bot.add_cog(Ask(bot))
