"""Sync application commands on purpose: when their payload changed, or with ``studybot sync``.

Syncing on every start is rate limited by Discord and pointless under ``restart:
unless-stopped``; the hash of what was last synced is kept beside the data, per scope.
Switching from global to guild commands leaves the old global ones behind (each shows twice
in that guild): ``studybot sync --clear-global`` removes them.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
from typing import TYPE_CHECKING, Any

import discord

if TYPE_CHECKING:
    from discord import app_commands

    from bot.config import Settings

log = logging.getLogger("studybot")
STAMP = "commands.json"


def _digest(tree: app_commands.CommandTree[Any], guild: discord.Object | None) -> str:
    payload = [command.to_dict(tree) for command in tree.get_commands(guild=guild)]
    return hashlib.sha256(json.dumps(payload, sort_keys=True).encode()).hexdigest()


async def sync_commands(
    tree: app_commands.CommandTree[Any],
    settings: Settings,
    *,
    force: bool = False,
    clear_global: bool = False,
) -> str:
    """Sync when needed; returns one line saying what happened."""
    guild = discord.Object(id=settings.discord_guild_id) if settings.discord_guild_id else None
    if guild is not None:
        tree.copy_global_to(guild=guild)
    scope = f"guild:{guild.id}" if guild is not None else "global"
    stamp = settings.data_folder / STAMP
    try:
        known: dict[str, str] = json.loads(stamp.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        known = {}
    digest = _digest(tree, guild)
    said = []
    if force or known.get(scope) != digest:
        synced = await tree.sync(guild=guild)
        known[scope] = digest
        where = f"guild {guild.id}" if guild is not None else "all servers (global)"
        said.append(f"synced {len(synced)} application commands to {where}")
    else:
        said.append("application commands unchanged since the last sync")
    if clear_global and guild is not None:
        tree.clear_commands(guild=None)
        await tree.sync()
        known.pop("global", None)
        said.append("cleared the global commands")
    stamp.parent.mkdir(parents=True, exist_ok=True)
    temporary = stamp.with_suffix(".tmp")
    temporary.write_text(json.dumps(known, indent=1), encoding="utf-8")
    os.replace(temporary, stamp)
    line = "; ".join(said)
    log.info("%s", line)
    return line
