"""Answers as Components V2 cards (``STUDYBOT_ANSWER_CARDS=true``), instead of an embed.

One container: the question, the quoted notes, a section per resource with a link button, a
footer, then the buttons (the same persistent ones as under an embed). Discord's limits for
such a message are 4,000 characters of text and 40 components
(https://discord.com/developers/docs/components/reference); the quotes give way first.
The embed stays the default: cards are an option until they are known to read better on
both desktop and mobile.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import discord

from bot.discord import render

if TYPE_CHECKING:
    from catalog import Catalog
    from index import Answer

TEXT_LIMIT = 4000
MAX_RESOURCES = 5  # a section is 3 components: 5 keep the card far below 40


def answer_card(
    answer: Answer,
    catalog: Catalog,
    buttons: discord.ui.View,
    *,
    asked: str,
    read_with: str | None = None,
) -> discord.ui.LayoutView:
    """The card for ``answer``, with ``buttons``' items in an action row at the bottom."""
    embed = render.answer_embed(answer, catalog, asked=asked, read_with=read_with)
    card = discord.ui.LayoutView(timeout=None)
    container: discord.ui.Container[Any] = discord.ui.Container(accent_colour=embed.colour)
    head = f"### {embed.title or ''}"
    if embed.author.name:
        head += f"\n-# {discord.utils.escape_markdown(embed.author.name)}"
    footer = f"-# {embed.footer.text}" if embed.footer.text else ""
    hits = list(answer.resources)[:MAX_RESOURCES] if not answer.is_empty else []
    lines = [render.hit_line(number, hit) for number, hit in enumerate(hits, 1)]
    used = len(head) + len(footer) + sum(len(line) for line in lines)
    body = render.clip(embed.description or "", max(1, TEXT_LIMIT - used - 10))
    container.add_item(discord.ui.TextDisplay(head))
    container.add_item(discord.ui.TextDisplay(body))
    if hits:
        container.add_item(discord.ui.Separator())
    for line, hit in zip(lines, hits, strict=True):
        url = hit.resource.url
        if len(url) <= 512:
            link: discord.ui.Button[Any] = discord.ui.Button(label="Open", url=url)
            container.add_item(discord.ui.Section(line, accessory=link))
        else:
            container.add_item(discord.ui.TextDisplay(line))
    if footer:
        container.add_item(discord.ui.TextDisplay(footer))
    card.add_item(container)
    row: discord.ui.ActionRow[Any] = discord.ui.ActionRow()
    for item in list(buttons.children):
        buttons.remove_item(item)
        row.add_item(item)
    card.add_item(row)
    return card
