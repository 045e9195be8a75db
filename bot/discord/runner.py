"""Start the Discord bot: logging that never shows the token, and one line when it cannot start.

Failures people hit on the first run (a wrong token, no network, the Message Content intent off
in the developer portal) end in one short line and a non-zero exit, never a traceback. SIGTERM
and SIGINT stop it cleanly (``lifecycle.py``): questions in flight finish, exit 0.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from bot.config import Locations, Settings
    from index import Engine


class StartFailed(Exception):
    """The bot could not connect; the message says what failed and what to check."""


def run_discord(settings: Settings, locations: Locations) -> None:
    """Run until stopped; a start failure becomes ``SystemExit`` with one line."""
    from bot.logs import setup_logging

    secret = settings.discord_token.get_secret_value() if settings.discord_token else ""
    setup_logging(settings.log_format, secret=secret, level=logging.INFO)
    try:
        asyncio.run(serve(settings, locations))
    except StartFailed as failure:
        raise SystemExit(f"error: {failure}") from None
    except KeyboardInterrupt:
        pass


def run_sync(settings: Settings, locations: Locations, clear_global: bool = False) -> str:
    """``studybot sync``: log in, sync the application commands, log out."""
    try:
        return asyncio.run(sync_once(settings, locations, clear_global))
    except StartFailed as failure:
        raise SystemExit(f"error: {failure}") from None


async def sync_once(settings: Settings, locations: Locations, clear_global: bool = False) -> str:
    """Sync now, whatever the stored hash says; no gateway connection, no engine."""
    from bot.discord.client import create_bot

    if settings.discord_token is None:
        raise StartFailed("DISCORD_TOKEN is not set (environment or .env)")
    bot = create_bot(settings, locations=locations)
    bot.sync_only = {"force": True, "clear_global": clear_global}
    async with _failures_explained(), bot:
        await bot.login(settings.discord_token.get_secret_value())
    return bot.last_sync


async def serve(settings: Settings, locations: Locations, engine: Engine | None = None) -> None:
    """Log in and stay connected; raises ``StartFailed`` with a one-line reason."""
    from bot.discord.client import create_bot
    from bot.discord.lifecycle import run_until_stopped

    if settings.discord_token is None:
        raise StartFailed("DISCORD_TOKEN is not set (environment or .env)")
    bot = create_bot(settings, engine=engine, locations=locations)
    token = settings.discord_token.get_secret_value()
    async with _failures_explained():
        await run_until_stopped(bot, token, settings.shutdown_grace_seconds)


@contextlib.asynccontextmanager
async def _failures_explained() -> AsyncIterator[None]:
    """Connection failures -> ``StartFailed`` with what failed and what to check."""
    import aiohttp
    import discord

    try:
        yield
    except discord.LoginFailure:
        raise StartFailed(
            "Discord refused the token: check DISCORD_TOKEN (Developer Portal > Bot > Token)"
        ) from None
    except discord.PrivilegedIntentsRequired:
        raise StartFailed(
            "the Message Content intent is off for this bot: turn it on in the Developer Portal "
            "(Bot > Privileged Gateway Intents) or leave STUDYBOT_ASK_CHANNEL_IDS empty"
        ) from None
    except (aiohttp.ClientError, OSError, discord.GatewayNotFound, TimeoutError) as error:
        raise StartFailed(
            f"could not reach Discord ({type(error).__name__}): check the network connection"
        ) from None
    except discord.HTTPException as error:
        raise StartFailed(f"Discord answered {error.status}: try again in a minute") from None
