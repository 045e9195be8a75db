"""Buttons under answers and result pages, persistent across restarts.

Every button is a ``discord.ui.DynamicItem``: its ``custom_id`` carries an id into the bot's
storage (``studybot:vote:<answer>:up``), and the bot registers the templates in
``setup_hook``, so a click on a message sent before a restart still works. Errors in any
button go through ``errors.report_interaction_error``, like commands. ``PagedView`` still
greys its buttons out after ``settings.view_timeout``, editing through the bot token (an
interaction token is dead after 15 minutes).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import re
from typing import TYPE_CHECKING, Any, cast

import discord

from bot import metrics
from bot.discord import render
from bot.discord.errors import report_interaction_error

if TYPE_CHECKING:
    from re import Match

    from bot.discord.client import StudyBot
    from bot.storage import StoredAnswer, StoredSearch
    from index import ResourceHit

log = logging.getLogger("studybot")
MORE_PAGE = 5
PER_PAGE = 5
MAX_RESULTS = 25
Button = discord.ui.Button[Any]


def studybot(interaction: discord.Interaction) -> StudyBot:
    return cast("StudyBot", interaction.client)


class Reports:
    """Mixed into every button: its failures reach the user (one error path for all)."""

    async def callback(self, interaction: discord.Interaction) -> None:
        try:
            await self.run(interaction)
        except Exception as error:
            where = f"button {getattr(self, 'custom_id', '?')}"
            await report_interaction_error(interaction, error, where)

    async def run(self, interaction: discord.Interaction) -> None:
        raise NotImplementedError


VOTE = r"studybot:vote:(?P<answer>[0-9]+):(?P<vote>up|down)"
MISSING = r"studybot:missing:(?P<answer>[0-9]+)"
MORE = r"studybot:more:(?P<answer>[0-9]+):(?P<start>[0-9]+)"
MENTOR = r"studybot:mentor:(?P<answer>[0-9]+)"
PAGE = r"studybot:page:(?P<search>[0-9]+):(?P<page>-?[0-9]+):(?P<way>prev|next)"


class VoteButton(Reports, discord.ui.DynamicItem[Button], template=VOTE):
    """👍 / 👎 for anyone; a second click undoes."""

    def __init__(self, answer_id: int, vote: int) -> None:
        word = "up" if vote > 0 else "down"
        super().__init__(
            discord.ui.Button(
                emoji="👍" if vote > 0 else "👎",
                style=discord.ButtonStyle.secondary,
                custom_id=f"studybot:vote:{answer_id}:{word}",
            )
        )
        self.answer_id = answer_id
        self.vote = vote

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Item[Any], match: Match[str]
    ) -> VoteButton:
        return cls(int(match["answer"]), 1 if match["vote"] == "up" else -1)

    async def run(self, interaction: discord.Interaction) -> None:
        storage = studybot(interaction).storage
        if self.vote < 0 and await storage.current_vote(self.answer_id, interaction.user.id) >= 0:
            form = MissingModal(self.answer_id)
            await interaction.response.send_modal(form)
            # Submissions are handled by their custom_id (submit_missing), not by this object,
            # so a form opened before a restart is still received after it.
            form.stop()
            return
        now = await storage.vote(self.answer_id, interaction.user.id, self.vote)
        metrics.record_vote(now)
        await interaction.response.send_message(VOTED[now], ephemeral=True)


VOTED = {1: "Thanks — glad it helped.", -1: "Thanks — noted.", 0: "Vote removed."}


class MissingModal(discord.ui.Modal, title="What was missing?"):
    """Opened by 👎: an optional line for the maintainers, stored with the vote."""

    missing: discord.ui.TextInput[MissingModal] = discord.ui.TextInput(
        label="What were you looking for? (optional)",
        style=discord.TextStyle.paragraph,
        required=False,
        max_length=500,
        custom_id="missing",
    )

    def __init__(self, answer_id: int) -> None:
        super().__init__(custom_id=f"studybot:missing:{answer_id}")


def _text_inputs(components: list[dict[str, Any]]) -> dict[str, str]:
    """custom_id -> value of the text inputs in a submitted modal (rows or labels)."""
    found: dict[str, str] = {}
    for component in components:
        if component.get("type") == 4:
            found[str(component.get("custom_id"))] = str(component.get("value") or "")
        nested = component.get("components") or (
            [component["component"]] if "component" in component else []
        )
        found.update(_text_inputs(nested))
    return found


async def submit_missing(interaction: discord.Interaction) -> None:
    """A 👎 form sent back: stored with the vote, whichever process opened it."""
    data: dict[str, Any] = interaction.data or {}  # type: ignore[assignment]
    match = re.fullmatch(MISSING, str(data.get("custom_id", "")))
    if interaction.type is not discord.InteractionType.modal_submit or match is None:
        return
    try:
        said = _text_inputs(list(data.get("components") or [])).get("missing", "").strip()
        storage = studybot(interaction).storage
        now = await storage.vote(int(match["answer"]), interaction.user.id, -1, missing=said)
        metrics.record_vote(now)
        await interaction.response.send_message(VOTED[now], ephemeral=True)
    except Exception as error:
        await report_interaction_error(interaction, error, "the feedback form")


class MoreButton(Reports, discord.ui.DynamicItem[Button], template=MORE):
    """The next resources for the answer's question, privately; through the cooldown and the
    micro-batcher like every question."""

    def __init__(self, answer_id: int, start: int) -> None:
        super().__init__(
            discord.ui.Button(
                label="More resources",
                style=discord.ButtonStyle.primary,
                custom_id=f"studybot:more:{answer_id}:{start}",
            )
        )
        self.answer_id = answer_id
        self.start = start

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Item[Any], match: Match[str]
    ) -> MoreButton:
        return cls(int(match["answer"]), int(match["start"]))

    async def run(self, interaction: discord.Interaction) -> None:
        from bot.discord.cooldowns import cooldown_message

        bot = studybot(interaction)
        retry = bot.cooldown.retry_after(interaction.user.id)
        if retry:
            await interaction.response.send_message(cooldown_message(retry), ephemeral=True)
            return
        stored = await bot.storage.answer(self.answer_id)
        if stored is None:
            await interaction.response.send_message(
                "I no longer have that answer; ask again with `/ask`.", ephemeral=True
            )
            return
        await interaction.response.defer(ephemeral=True, thinking=True)
        bigger = await bot.batcher.answer(stored.question, k=self.start + MORE_PAGE)
        hits = list(bigger.resources[self.start : self.start + MORE_PAGE])
        embed = render.more_resources_embed(stored.question, hits, self.start)
        view = discord.ui.View(timeout=None)
        if len(hits) == MORE_PAGE:
            view.add_item(MoreButton(self.answer_id, self.start + len(hits)))
        await interaction.edit_original_response(embed=embed, view=view)


def answer_view(stored: StoredAnswer, mentors: bool = False) -> discord.ui.View:
    """👍 / 👎 under every answer, "More resources" under one with something to show, and
    "Ask a mentor" when a mentor role is configured."""
    view = discord.ui.View(timeout=None)
    view.add_item(VoteButton(stored.id, 1))
    view.add_item(VoteButton(stored.id, -1))
    if stored.answered:
        view.add_item(MoreButton(stored.id, len(stored.resource_ids)))
    if mentors:
        view.add_item(MentorButton(stored.id))
    return view


class MentorButton(Reports, discord.ui.DynamicItem[Button], template=MENTOR):
    """Hands the question to people: a post in the thread (started if needed) that pings the
    mentor role and nothing else."""

    def __init__(self, answer_id: int) -> None:
        super().__init__(
            discord.ui.Button(
                label="Ask a mentor",
                style=discord.ButtonStyle.success,
                custom_id=f"studybot:mentor:{answer_id}",
            )
        )
        self.answer_id = answer_id

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Item[Any], match: Match[str]
    ) -> MentorButton:
        return cls(int(match["answer"]))

    async def run(self, interaction: discord.Interaction) -> None:
        from bot.discord.mentors import ask_mentors

        bot = studybot(interaction)
        stored = await bot.storage.answer(self.answer_id)
        role_id = bot.settings.mentor_role_id
        if stored is None or role_id is None:
            await interaction.response.send_message(
                "Mentors can't be asked from here any more; ask in the channel.", ephemeral=True
            )
            return
        await interaction.response.defer(ephemeral=True, thinking=True)
        thread = await ask_mentors(interaction, stored.question, role_id)
        await interaction.edit_original_response(
            content=f"I asked the mentors in {thread.mention}; they'll answer there."
        )


async def search_pages(bot: StudyBot, search: StoredSearch) -> list[discord.Embed]:
    """The pages of a stored ``/resource`` search, run again on the current index."""
    f = search.filters
    hits: list[ResourceHit] = await asyncio.to_thread(
        bot.engine.search,
        search.query,
        MAX_RESULTS,
        f.get("topic"),
        f.get("kind"),
        f.get("level"),
        f.get("free"),
    )
    shown = ", ".join(
        f"{name}: { ({True: 'yes', False: 'no'}[value] if isinstance(value, bool) else value) }"
        for name, value in f.items()
        if value is not None
    )
    count = max(1, -(-len(hits) // PER_PAGE))
    return [
        render.hits_page_embed(search.query, hits, number, PER_PAGE, shown)
        for number in range(1, count + 1)
    ]


class PageButton(Reports, discord.ui.DynamicItem[Button], template=PAGE):
    """Prev / Next: turns to ``page`` (0-based) of a stored search; only its author may."""

    def __init__(self, search_id: int, page: int, way: str, disabled: bool = False) -> None:
        super().__init__(
            discord.ui.Button(
                label="Prev" if way == "prev" else "Next",
                style=discord.ButtonStyle.secondary,
                custom_id=f"studybot:page:{search_id}:{page}:{way}",
                disabled=disabled,
            )
        )
        self.search_id = search_id
        self.page = page

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Item[Any], match: Match[str]
    ) -> PageButton:
        return cls(int(match["search"]), int(match["page"]), match["way"])

    async def run(self, interaction: discord.Interaction) -> None:
        bot = studybot(interaction)
        search = await bot.storage.search(self.search_id)
        if search is None or interaction.user.id != search.author_id:
            await interaction.response.send_message(
                "Only the person who searched can turn these pages — try `/resource` yourself.",
                ephemeral=True,
            )
            return
        pages = await search_pages(bot, search)
        page = max(0, min(self.page, len(pages) - 1))
        if isinstance(self.view, PagedView):
            self.view.stop()  # its replacement times out instead
        view = PagedView(bot, search.id, page, len(pages))
        await interaction.response.edit_message(embed=pages[page], view=view)
        view.message = interaction.message


class PagedView(discord.ui.View):
    """Prev / Next under a page of results; greyed out once it times out."""

    def __init__(self, bot: StudyBot, search_id: int, page: int, pages: int) -> None:
        super().__init__(timeout=bot.settings.view_timeout)
        self.bot = bot
        self.message: discord.Message | None = None
        self.add_item(PageButton(search_id, page - 1, "prev", disabled=page == 0))
        self.add_item(PageButton(search_id, page + 1, "next", disabled=page >= pages - 1))

    async def on_timeout(self) -> None:
        """Grey the buttons out through the bot token: the interaction's is dead by now."""
        if self.message is None:
            return
        for child in self.walk_children():
            item = child.item if isinstance(child, discord.ui.DynamicItem) else child
            if isinstance(item, discord.ui.Button):
                item.disabled = True
        channel = self.bot.get_partial_messageable(self.message.channel.id)
        with contextlib.suppress(discord.HTTPException):
            await channel.get_partial_message(self.message.id).edit(view=self)
