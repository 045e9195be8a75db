"""Errors -> short messages for users, in one table; the traceback goes to the log only.

Handled, in order: cooldowns and missing permissions (expected), catalog and index problems
(maintainer-facing), unknown topics and encodings (user input), anything else (a bug).
"""

from __future__ import annotations

import logging

import discord
from discord import app_commands

log = logging.getLogger("studybot")


def user_message(error: BaseException) -> str:
    from catalog import CatalogError
    from index import BuildInProgress, IndexProblem, UnknownEncoding, UnknownTopic

    if isinstance(error, app_commands.CommandInvokeError):
        error = error.original
    if isinstance(error, app_commands.CommandOnCooldown):
        return f"Slow down a little — try again in {error.retry_after:.0f} s."
    if isinstance(error, app_commands.CheckFailure):
        return "You can't use this command here."
    if isinstance(error, CatalogError):
        return f"The catalog has problems: {error}"
    if isinstance(error, BuildInProgress):
        return "An index rebuild is already running; try again when it finishes."
    if isinstance(error, IndexProblem):
        return f"The search index is unavailable: {error}"
    if isinstance(error, (UnknownTopic, UnknownEncoding)):
        return str(error)
    return "Something went wrong on my side. The maintainers can find the details in the log."


async def send_error(interaction: discord.Interaction, message: str) -> None:
    """Tell the user ephemerally, whether or not the interaction was already answered."""
    try:
        if interaction.response.is_done():
            await interaction.followup.send(message, ephemeral=True)
        else:
            await interaction.response.send_message(message, ephemeral=True)
    except discord.HTTPException:
        log.warning("could not tell the user about an error", exc_info=True)


async def report_app_command_error(
    interaction: discord.Interaction, error: app_commands.AppCommandError
) -> None:
    original = getattr(error, "original", error)
    if not isinstance(error, (app_commands.CheckFailure, app_commands.CommandOnCooldown)):
        command = interaction.command.qualified_name if interaction.command else "?"
        log.error("command /%s failed", command, exc_info=original)
    await send_error(interaction, user_message(error))


async def report_listener_error(message: discord.Message, error: BaseException) -> None:
    """A question asked by message failed: one log line with the traceback, one reply."""
    log.error("answering message %s failed", message.id, exc_info=error)
    try:
        await message.reply(user_message(error), mention_author=False)
    except discord.HTTPException:
        log.warning("could not tell the asker about an error in channel %s", message.channel.id)
