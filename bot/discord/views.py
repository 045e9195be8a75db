"""Buttons under answers and result pages. Views tidy up (disable their buttons) on timeout."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

import discord

from bot import metrics
from bot.discord import render

if TYPE_CHECKING:
    from bot.storage import FeedbackStore
    from index import Answer, Engine

TIMEOUT = 15 * 60
MORE_PAGE = 5


class TidyView(discord.ui.View):
    """A view that greys its buttons out when it expires, so nobody clicks dead buttons."""

    message: discord.Message | discord.InteractionMessage | discord.WebhookMessage | None = None

    async def on_timeout(self) -> None:
        for item in self.children:
            if isinstance(item, discord.ui.Button):
                item.disabled = True
        if self.message is not None:
            with contextlib.suppress(discord.HTTPException):
                await self.message.edit(view=self)


class AnswerView(TidyView):
    """👍 / 👎 for anyone (a second click undoes) and "More resources" (the next results)."""

    def __init__(
        self, answer: Answer, engine: Callable[[], Engine], feedback: FeedbackStore
    ) -> None:
        super().__init__(timeout=TIMEOUT)
        self.answer = answer
        self.engine = engine
        self.feedback = feedback
        self.shown: dict[int, int] = {}
        if not answer.confident:
            self.remove_item(self.more)

    async def _vote(self, interaction: discord.Interaction, vote: int) -> None:
        message_id = interaction.message.id if interaction.message else 0
        ids = [hit.resource.id for hit in self.answer.resources]
        now = await asyncio.to_thread(
            self.feedback.toggle, message_id, interaction.user.id, vote, self.answer.query, ids
        )
        metrics.record_vote(now)
        text = {1: "Thanks — glad it helped.", -1: "Thanks — noted.", 0: "Vote removed."}[now]
        await interaction.response.send_message(text, ephemeral=True)

    @discord.ui.button(emoji="👍", style=discord.ButtonStyle.secondary)
    async def up(
        self, interaction: discord.Interaction, button: discord.ui.Button[AnswerView]
    ) -> None:
        await self._vote(interaction, 1)

    @discord.ui.button(emoji="👎", style=discord.ButtonStyle.secondary)
    async def down(
        self, interaction: discord.Interaction, button: discord.ui.Button[AnswerView]
    ) -> None:
        await self._vote(interaction, -1)

    @discord.ui.button(label="More resources", style=discord.ButtonStyle.primary)
    async def more(
        self, interaction: discord.Interaction, button: discord.ui.Button[AnswerView]
    ) -> None:
        await interaction.response.defer(ephemeral=True, thinking=True)
        start = self.shown.get(interaction.user.id, len(self.answer.resources))
        engine = self.engine()
        bigger = await asyncio.to_thread(engine.answer, self.answer.query, start + MORE_PAGE)
        hits = list(bigger.resources[start : start + MORE_PAGE])
        self.shown[interaction.user.id] = start + len(hits)
        embed = render.more_resources_embed(self.answer.query, hits, start)
        await interaction.followup.send(embed=embed, ephemeral=True)


class PagedView(TidyView):
    """Prev / Next through pages of results; only the person who asked can turn them."""

    def __init__(self, author_id: int, pages: Sequence[discord.Embed]) -> None:
        super().__init__(timeout=TIMEOUT)
        self.author_id = author_id
        self.pages = list(pages)
        self.page = 0
        self._sync()

    def _sync(self) -> None:
        self.prev.disabled = self.page == 0
        self.next.disabled = self.page >= len(self.pages) - 1

    async def interaction_check(self, interaction: discord.Interaction) -> bool:
        if interaction.user.id == self.author_id:
            return True
        await interaction.response.send_message(
            "Only the person who searched can turn these pages — try `/resource` yourself.",
            ephemeral=True,
        )
        return False

    async def _show(self, interaction: discord.Interaction, page: int) -> None:
        self.page = max(0, min(page, len(self.pages) - 1))
        self._sync()
        await interaction.response.edit_message(embed=self.pages[self.page], view=self)

    @discord.ui.button(label="Prev", style=discord.ButtonStyle.secondary)
    async def prev(
        self, interaction: discord.Interaction, button: discord.ui.Button[PagedView]
    ) -> None:
        await self._show(interaction, self.page - 1)

    @discord.ui.button(label="Next", style=discord.ButtonStyle.secondary)
    async def next(
        self, interaction: discord.Interaction, button: discord.ui.Button[PagedView]
    ) -> None:
        await self._show(interaction, self.page + 1)
