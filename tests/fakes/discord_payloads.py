"""Payload builders for the fake Discord server.

Kept separate from the server so the shapes discord.py insists on (fields whose absence makes the
real client raise) live in one place and can be reused by tests that craft payloads by hand.
"""

from __future__ import annotations

import itertools
import re
import time
from datetime import UTC, datetime
from typing import Any

JSON = dict[str, Any]

DISCORD_EPOCH_MS = 1_420_070_400_000
EPHEMERAL = 1 << 6
ADMINISTRATOR = 1 << 3
MANAGE_GUILD = 1 << 5
ALL_PERMISSIONS = (1 << 53) - 1
SEND_MESSAGES = 1 << 11
READ_HISTORY = 1 << 16
SEND_MESSAGES_IN_THREADS = 1 << 38
MESSAGE_CONTENT_INTENT = 1 << 15
#: What @everyone may do in the fake guild: view, send, embed, attach, history, reactions, threads.
EVERYONE_PERMISSIONS = (
    (1 << 10) | (1 << 11) | (1 << 14) | (1 << 15) | (1 << 16) | (1 << 6) | (1 << 35) | (1 << 38)
)

_counter = itertools.count(1)
_MENTION_RE = re.compile(r"<@!?(\d+)>")
_ROLE_MENTION_RE = re.compile(r"<@&(\d+)>")


def snowflake() -> int:
    """Return a fresh, time-ordered snowflake so ids look and sort like Discord's."""
    ms = int(time.time() * 1000) - DISCORD_EPOCH_MS
    return (ms << 22) | (next(_counter) & 0x3FFFFF)


def iso_now() -> str:
    """Timestamp in the ISO format Discord uses (discord.py parses it)."""
    return datetime.now(UTC).isoformat()


def user_payload(user_id: int, username: str, *, bot: bool = False) -> JSON:
    """A full user object (discord.py needs username, discriminator and avatar keys)."""
    return {
        "id": str(user_id),
        "username": username,
        "global_name": username.title(),
        "discriminator": "0",
        "avatar": None,
        "bot": bot,
        "public_flags": 0,
        "flags": 0,
    }


def member_payload(user: JSON, roles: list[int], *, permissions: int | None = None) -> JSON:
    """A guild member; `flags` is mandatory for discord.py, `permissions` only in interactions."""
    data: JSON = {
        "user": user,
        "roles": [str(r) for r in roles],
        "nick": None,
        "avatar": None,
        "joined_at": "2024-01-01T00:00:00+00:00",
        "premium_since": None,
        "deaf": False,
        "mute": False,
        "pending": False,
        "flags": 0,
        "communication_disabled_until": None,
    }
    if permissions is not None:
        data["permissions"] = str(permissions)
    return data


def role_payload(role_id: int, name: str, permissions: int, position: int) -> JSON:
    """A role object."""
    return {
        "id": str(role_id),
        "name": name,
        "permissions": str(permissions),
        "position": position,
        "color": 0,
        "colors": {"primary_color": 0, "secondary_color": None, "tertiary_color": None},
        "hoist": False,
        "managed": False,
        "mentionable": True,
        "flags": 0,
    }


def text_channel_payload(
    channel_id: int, guild_id: int, name: str, position: int, parent_id: int | None = None
) -> JSON:
    """A guild text channel (type 0)."""
    return {
        "id": str(channel_id),
        "type": 0,
        "guild_id": str(guild_id),
        "name": name,
        "position": position,
        "parent_id": str(parent_id) if parent_id else None,
        "topic": None,
        "nsfw": False,
        "last_message_id": None,
        "rate_limit_per_user": 0,
        "permission_overwrites": [],
        "flags": 0,
    }


def forum_channel_payload(
    channel_id: int, guild_id: int, name: str, position: int, tags: list[JSON]
) -> JSON:
    """A forum channel (type 15): only threads ("posts") live in it; ``available_tags`` lists
    the tags a post may carry (https://discord.com/developers/docs/topics/threads#forums)."""
    return {
        **text_channel_payload(channel_id, guild_id, name, position),
        "type": 15,
        "available_tags": tags,
        "default_reaction_emoji": None,
        "default_sort_order": None,
        "default_forum_layout": 0,
        "default_thread_rate_limit_per_user": 0,
    }


def tag_payload(tag_id: int, name: str) -> JSON:
    """A forum tag (https://discord.com/developers/docs/resources/channel#forum-tag-object)."""
    return {
        "id": str(tag_id),
        "name": name,
        "moderated": False,
        "emoji_id": None,
        "emoji_name": None,
    }


def category_payload(channel_id: int, guild_id: int, name: str) -> JSON:
    """A category channel (type 4)."""
    return {
        "id": str(channel_id),
        "type": 4,
        "guild_id": str(guild_id),
        "name": name,
        "position": 0,
        "parent_id": None,
        "nsfw": False,
        "permission_overwrites": [],
        "flags": 0,
    }


def thread_payload(
    thread_id: int, guild_id: int, parent_id: int, owner_id: int, name: str, archive_minutes: int
) -> JSON:
    """A public thread (type 11) as returned by the create-thread routes."""
    return {
        "applied_tags": [],
        "id": str(thread_id),
        "type": 11,
        "guild_id": str(guild_id),
        "parent_id": str(parent_id),
        "owner_id": str(owner_id),
        "name": name,
        "last_message_id": None,
        "rate_limit_per_user": 0,
        "message_count": 0,
        "member_count": 1,
        "flags": 0,
        "total_message_sent": 0,
        "thread_metadata": {
            "archived": False,
            "auto_archive_duration": archive_minutes,
            "archive_timestamp": iso_now(),
            "locked": False,
            "create_timestamp": iso_now(),
        },
    }


def message_payload(
    *,
    channel_id: int,
    guild_id: int | None,
    author: JSON,
    content: str = "",
    member: JSON | None = None,
    mentions: list[JSON] | None = None,
    message_id: int | None = None,
) -> JSON:
    """A message object with every key discord.py reads unconditionally."""
    data: JSON = {
        "id": str(message_id or snowflake()),
        "type": 0,
        "channel_id": str(channel_id),
        "author": author,
        "content": content,
        "timestamp": iso_now(),
        "edited_timestamp": None,
        "tts": False,
        "mention_everyone": "@everyone" in content or "@here" in content,
        "mentions": mentions or [],
        "mention_roles": _ROLE_MENTION_RE.findall(content),
        "attachments": [],
        "embeds": [],
        "components": [],
        "pinned": False,
        "flags": 0,
    }
    if guild_id is not None:
        data["guild_id"] = str(guild_id)
    if member is not None:
        data["member"] = member
    return data


def mentioned_user_ids(content: str) -> list[int]:
    """User ids written as <@id> / <@!id> in `content`, in order, without duplicates."""
    return list(dict.fromkeys(int(x) for x in _MENTION_RE.findall(content)))


def pinged_ids(message: JSON, *, replied_author_id: int | None = None) -> set[str]:
    """Who Discord would notify for `message`, honouring its recorded allowed_mentions.

    Returns user ids plus the markers "@everyone" and "role:<id>", so tests can assert that a bot
    echoing user text (with `AllowedMentions.none()`) pings nobody.
    """
    content = message.get("content") or ""
    allowed = message.get("allowed_mentions")
    parse = {"users", "roles", "everyone"} if allowed is None else set(allowed.get("parse", []))
    explicit_users = {str(u) for u in (allowed or {}).get("users", [])}
    explicit_roles = {str(r) for r in (allowed or {}).get("roles", [])}
    out: set[str] = set()
    for uid in mentioned_user_ids(content):
        if "users" in parse or str(uid) in explicit_users:
            out.add(str(uid))
    for rid in _ROLE_MENTION_RE.findall(content):
        if "roles" in parse or rid in explicit_roles:
            out.add(f"role:{rid}")
    if ("@everyone" in content or "@here" in content) and "everyone" in parse:
        out.add("@everyone")
    replied = allowed is None or bool(allowed.get("replied_user"))
    if replied_author_id is not None and replied:
        out.add(str(replied_author_id))
    return out


def find_component(components: list[JSON], custom_id: str) -> JSON | None:
    """Depth-first search for a component by custom_id (rows, sections, containers, labels)."""
    for comp in components:
        if comp.get("custom_id") == custom_id:
            return comp
        children = list(comp.get("components") or [])
        for key in ("component", "accessory"):
            if isinstance(comp.get(key), dict):
                children.append(comp[key])
        found = find_component(children, custom_id)
        if found is not None:
            return found
    return None


def modal_submit_components(components: list[JSON], values: dict[str, Any]) -> list[JSON]:
    """Mirror a modal's layout with the user's input filled in, as Discord submits it."""
    out: list[JSON] = []
    for comp in components:
        ctype = comp.get("type")
        if ctype == 1:
            out.append(
                {"type": 1, "components": modal_submit_components(comp["components"], values)}
            )
        elif ctype == 18:
            inner = modal_submit_components([comp["component"]], values)
            out.append({"type": 18, "component": inner[0]})
        elif comp.get("custom_id") is not None:
            value = values.get(comp["custom_id"], comp.get("value", ""))
            item: JSON = {"type": ctype, "custom_id": comp["custom_id"]}
            if ctype == 4:
                item["value"] = value
            else:
                item["values"] = value if isinstance(value, list) else [value]
            out.append(item)
    return out
