"""studybot's front ends: the Discord bot (``create_bot``) and the ``studybot`` command line."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from bot.discord.client import create_bot

__all__ = ["create_bot"]


def __getattr__(name: str) -> Any:
    # discord.py is imported only by the commands that run the bot.
    if name == "create_bot":
        from bot.discord.client import create_bot

        return create_bot
    raise AttributeError(f"module 'bot' has no attribute {name!r}")
