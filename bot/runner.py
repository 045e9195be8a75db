"""Start the Discord bot with logging that never shows the token."""

from __future__ import annotations

import asyncio
import logging

import discord

from bot.context import Locations
from bot.lifecycle import serve


def run_discord(locations: Locations) -> None:
    from bot.client import create_bot
    from bot.settings import Settings

    settings = Settings()
    if settings.discord_token is None:
        raise SystemExit("DISCORD_TOKEN is not set")
    if settings.catalog_dir is None:
        settings.catalog_dir = locations.catalog_dir
    if settings.index_dir is None:
        settings.index_dir = locations.index_dir
    bot = create_bot(settings)
    # discord.py's own handler and format; the token is a SecretStr and is never logged.
    discord.utils.setup_logging(level=logging.INFO, root=True)
    token = settings.discord_token.get_secret_value()
    asyncio.run(serve(bot, token, settings.shutdown_grace_seconds))
