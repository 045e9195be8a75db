"""One error path for slash commands, message listeners and buttons: one log line with the
traceback for the maintainers, one short message for the user.

Handled, in order: cooldowns and failed checks (expected, not logged as errors), Discord
refusing for lack of a permission (the message names it), catalog and index problems
(maintainer-facing), unknown topics and encodings (user input), anything else (a bug).

After a public "thinking..." placeholder the error must stay private: Discord turns the first
follow-up after a defer into an edit of the placeholder and ignores its ephemeral flag
(https://discord.com/developers/docs/interactions/receiving-and-responding#create-followup-message),
so the placeholder is deleted first and the error follows as an ephemeral message.
"""

from __future__ import annotations

import logging

import discord
from discord import app_commands

log = logging.getLogger("studybot")

# What the bot needs where it answers, in the order worth mentioning.
NEEDED = (
    ("view_channel", "View Channel"),
    ("send_messages", "Send Messages"),
    ("send_messages_in_threads", "Send Messages in Threads"),
    ("embed_links", "Embed Links"),
    ("attach_files", "Attach Files"),
    ("read_message_history", "Read Message History"),
    ("create_public_threads", "Create Public Threads"),
)
MISSING_PERMISSIONS = (
    50013  # https://discord.com/developers/docs/topics/opcodes-and-status-codes#json
)


def missing_permissions(permissions: discord.Permissions | None, in_thread: bool) -> list[str]:
    """Names of the permissions the bot needs and lacks in a channel."""
    if permissions is None:
        return []
    skip = "send_messages" if in_thread else "send_messages_in_threads"
    return [name for attr, name in NEEDED if attr != skip and not getattr(permissions, attr)]


def user_message(error: BaseException, missing: list[str] | None = None) -> str:
    from catalog import CatalogError
    from index import BuildInProgress, IndexProblem, UnknownEncoding, UnknownTopic

    if isinstance(error, app_commands.CommandInvokeError):
        error = error.original
    if isinstance(error, app_commands.CommandOnCooldown):
        return f"Slow down a little — try again in {error.retry_after:.0f} s."
    if isinstance(error, app_commands.CheckFailure):
        return "You can't use this command here."
    if isinstance(error, discord.Forbidden) and error.code == MISSING_PERMISSIONS:
        named = f" (missing: {', '.join(missing)})" if missing else ""
        return f"I don't have permission to post in this channel{named}. Ask a server admin."
    if isinstance(error, CatalogError):
        return f"The catalog has problems: {error}"
    if isinstance(error, BuildInProgress):
        return "An index rebuild is already running; try again when it finishes."
    if isinstance(error, IndexProblem):
        return f"The search index is unavailable: {error}"
    if isinstance(error, (UnknownTopic, UnknownEncoding)):
        return str(error)
    return "Something went wrong on my side. The maintainers can find the details in the log."


def _expected(error: BaseException) -> bool:
    from index import UnknownEncoding, UnknownTopic

    original = getattr(error, "original", error)
    return isinstance(
        original,
        (app_commands.CheckFailure, app_commands.CommandOnCooldown, UnknownTopic, UnknownEncoding),
    )


async def send_error(interaction: discord.Interaction, message: str) -> None:
    """Tell the user privately, whatever state the interaction is in."""
    response = interaction.response
    try:
        if not response.is_done():
            await response.send_message(message, ephemeral=True)
            return
        if response.type == discord.InteractionResponseType.deferred_channel_message:
            placeholder = await interaction.original_response()
            if placeholder.flags.ephemeral:
                await interaction.edit_original_response(
                    content=message, embeds=[], attachments=[], view=None
                )
                return
            await interaction.delete_original_response()
        await interaction.followup.send(message, ephemeral=True)
    except discord.HTTPException:
        log.warning("could not tell the user about an error", exc_info=True)


async def report_interaction_error(
    interaction: discord.Interaction, error: BaseException, where: str
) -> None:
    """Commands (``tree.on_error``) and buttons (``views.Reports``) end here."""
    original = getattr(error, "original", error)
    if not _expected(error):
        log.error("%s failed", where, exc_info=original)
    channel = interaction.channel
    missing = missing_permissions(interaction.app_permissions, isinstance(channel, discord.Thread))
    await send_error(interaction, user_message(error, missing))


async def report_app_command_error(
    interaction: discord.Interaction, error: app_commands.AppCommandError
) -> None:
    command = interaction.command.qualified_name if interaction.command else "?"
    await report_interaction_error(interaction, error, f"command /{command}")


async def report_listener_error(message: discord.Message, error: BaseException) -> None:
    """A question asked by message failed: one log line, and a reply if the bot can post."""
    channel = message.channel
    missing: list[str] = []
    if message.guild is not None and not isinstance(channel, discord.PartialMessageable):
        missing = missing_permissions(
            channel.permissions_for(message.guild.me), isinstance(channel, discord.Thread)
        )
    if isinstance(error, discord.Forbidden) and error.code == MISSING_PERMISSIONS:
        log.warning(
            "cannot answer in channel %s: missing %s", channel.id, ", ".join(missing) or "?"
        )
        return  # the bot cannot post there, so it cannot say so there either
    log.error("answering message %s failed", message.id, exc_info=error)
    try:
        await message.reply(user_message(error, missing), mention_author=False)
    except discord.HTTPException:
        log.warning("could not tell the asker about an error in channel %s", channel.id)
