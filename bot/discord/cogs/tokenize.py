"""/tokenize: how text becomes tokens, BPE (tiktoken) beside the model's WordPiece."""

from __future__ import annotations

import asyncio
import io
from typing import TYPE_CHECKING

import discord
from discord import app_commands
from discord.ext import commands

from bot.discord import render_tools
from bot.discord.cooldowns import cooldown_message
from bot.discord.token_image import token_png, tokens_ansi
from index import (
    DEFAULT_ENCODING,
    MAX_TOKENIZE_CHARS,
    WORDPIECE,
    TokenSplit,
    available_encodings,
    split_tokens,
    wordpiece_split,
)

if TYPE_CHECKING:
    from pathlib import Path

    from bot.discord.client import StudyBot


def tokenize_all(
    text: str, encoding: str, tiktoken_cache: Path
) -> tuple[TokenSplit, TokenSplit | None, bytes]:
    split = split_tokens(text, encoding, tiktoken_cache)
    other = wordpiece_split(text) if split.encoding != WORDPIECE else None
    return split, other, token_png(split)


class Tokenize(commands.Cog):
    def __init__(self, bot: StudyBot) -> None:
        self.bot = bot

    async def encoding_autocomplete(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        names = available_encodings(self.bot.locations.tiktoken_dir)
        return [app_commands.Choice(name=n, value=n) for n in names if current.lower() in n][:25]

    @app_commands.allowed_installs(guilds=True, users=True)
    @app_commands.allowed_contexts(guilds=True, dms=True, private_channels=True)
    @app_commands.command(name="tokenize", description="See how text is split into tokens")
    @app_commands.describe(text="Any text", encoding=f"Tokenizer (default {DEFAULT_ENCODING})")
    @app_commands.autocomplete(encoding=encoding_autocomplete)
    async def tokenize(
        self,
        interaction: discord.Interaction,
        text: str,
        encoding: str = DEFAULT_ENCODING,
    ) -> None:
        if not text.strip():
            await interaction.response.send_message(
                "Nothing to tokenize: send some text.", ephemeral=True
            )
            return
        if len(text) > MAX_TOKENIZE_CHARS:
            await interaction.response.send_message(
                f"That's {len(text):,} characters; /tokenize takes up to {MAX_TOKENIZE_CHARS:,}.",
                ephemeral=True,
            )
            return
        retry = self.bot.cooldown.retry_after(interaction.user.id)
        if retry:
            await interaction.response.send_message(cooldown_message(retry), ephemeral=True)
            return
        await interaction.response.defer(thinking=True)
        split, other, png = await asyncio.to_thread(
            tokenize_all, text, encoding, self.bot.locations.tiktoken_dir
        )
        await interaction.edit_original_response(
            content=tokens_ansi(split),
            embed=render_tools.tokenize_embed(split, other),
            attachments=[discord.File(io.BytesIO(png), filename="tokens.png")],
        )


async def setup(bot: StudyBot) -> None:
    await bot.add_cog(Tokenize(bot))
