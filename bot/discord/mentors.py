"""Hand-off to people: the "Ask a mentor" button posts the question where mentors see it.

The post goes in the answer's thread (started from the answer when it has none; a new thread
in the channel when the answer was private) and pings exactly the mentor role: its allowed
mentions name that one role, so neither @everyone in the question nor the asker is pinged.
"""

from __future__ import annotations

import discord

from bot.discord.render import clip


async def ask_mentors(
    interaction: discord.Interaction, question: str, role_id: int
) -> discord.Thread:
    """Post the question for the mentors; returns the thread it went to."""
    thread = await _thread_for(interaction, question)
    quoted = clip(discord.utils.escape_mentions(question), 1500)
    await thread.send(
        f"<@&{role_id}> {interaction.user.mention} would like a mentor's help with:\n> {quoted}",
        allowed_mentions=discord.AllowedMentions(
            everyone=False, users=False, roles=[discord.Object(id=role_id)], replied_user=False
        ),
    )
    return thread


async def _thread_for(interaction: discord.Interaction, question: str) -> discord.Thread:
    channel = interaction.channel
    if isinstance(channel, discord.Thread):
        return channel
    name = clip(f"Mentor help: {question}", 90)
    message = interaction.message
    if message is not None and not message.flags.ephemeral:
        if message.thread is not None:
            return message.thread
        return await message.create_thread(name=name)
    if isinstance(channel, discord.TextChannel):
        return await channel.create_thread(name=name, type=discord.ChannelType.public_thread)
    raise RuntimeError(f"cannot start a thread in channel {getattr(channel, 'id', '?')}")
