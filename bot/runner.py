"""Start the Discord bot with logging that never shows the token."""

from __future__ import annotations

import asyncio
import logging

from bot.context import Locations
from bot.lifecycle import serve
from bot.logs import setup_logging


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
    token = settings.discord_token.get_secret_value()
    # One line per event (JSON on request); the token is blanked wherever it would appear.
    setup_logging(settings.log_format, secret=token, level=logging.INFO)
    asyncio.run(serve(bot, token, settings.shutdown_grace_seconds))
