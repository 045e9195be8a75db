"""The fake guild as data: users, members, roles, channels and the payloads built from them.

Base of the FakeDiscord class chain (world -> gateway -> messages -> REST -> user actions ->
server), so the protocol layers can read the guild without knowing how tests populate it.
"""

from __future__ import annotations

from .discord_payloads import (
    ADMINISTRATOR,
    ALL_PERMISSIONS,
    EVERYONE_PERMISSIONS,
    JSON,
    MANAGE_GUILD,
    category_payload,
    forum_channel_payload,
    member_payload,
    pinged_ids,
    role_payload,
    snowflake,
    tag_payload,
    text_channel_payload,
    user_payload,
)
from .discord_records import Waitable

UserRef = JSON | int | None


class FakeWorld(Waitable):
    """One guild with #general and #study, roles Student/Admin, members alice, bob, the bot."""

    def __init__(self) -> None:
        super().__init__()
        self.application_id = self.bot_user_id = snowflake()
        self.guild_id = snowflake()
        self.category_id, self.channel_id, self.other_channel_id = (snowflake() for _ in range(3))
        self.role_id, self.admin_role_id, self.bot_role_id = (snowflake() for _ in range(3))
        self.roles: dict[int, JSON] = {
            self.guild_id: role_payload(self.guild_id, "@everyone", EVERYONE_PERMISSIONS, 0),
            self.role_id: role_payload(self.role_id, "Student", 0, 1),
            self.admin_role_id: role_payload(
                self.admin_role_id, "Admin", ADMINISTRATOR | MANAGE_GUILD, 2
            ),
            self.bot_role_id: role_payload(self.bot_role_id, "studybot", EVERYONE_PERMISSIONS, 3),
        }
        self.users: dict[int, JSON] = {}
        self.member_roles: dict[int, list[int]] = {}
        self.bot_user = self.add_member(
            "studybot", [self.bot_role_id], bot=True, user_id=self.bot_user_id
        )
        self.user = self.add_member("alice", [self.role_id])
        self.admin = self.add_member("bob", [self.admin_role_id])
        self.owner_id = int(self.admin["id"])
        self.channels: dict[int, JSON] = {
            self.category_id: category_payload(self.category_id, self.guild_id, "Text Channels"),
            self.channel_id: text_channel_payload(
                self.channel_id, self.guild_id, "general", 0, self.category_id
            ),
            self.other_channel_id: text_channel_payload(
                self.other_channel_id, self.guild_id, "study", 1, self.category_id
            ),
        }
        # A forum with an "answered" tag, and one without tags.
        self.forum_id, self.answered_tag_id, self.bare_forum_id = (snowflake() for _ in range(3))
        self.channels[self.forum_id] = forum_channel_payload(
            self.forum_id,
            self.guild_id,
            "questions",
            2,
            [tag_payload(snowflake(), "help"), tag_payload(self.answered_tag_id, "Answered")],
        )
        self.channels[self.bare_forum_id] = forum_channel_payload(
            self.bare_forum_id, self.guild_id, "more-questions", 3, []
        )

    def add_member(
        self, username: str, roles: list[int] | None = None, *, bot: bool = False, user_id: int = 0
    ) -> JSON:
        """Add a guild member (before the bot connects, or it won't be in GUILD_CREATE)."""
        uid = user_id or snowflake()
        self.users[uid] = user_payload(uid, username, bot=bot)
        self.member_roles[uid] = list(roles or [])
        return self.users[uid]

    def deny_bot(self, channel_id: int, permissions: int) -> None:
        """Take permissions from the bot in one channel, with a member overwrite as Discord
        stores it (https://discord.com/developers/docs/resources/channel#overwrite-object); REST
        calls that need them then fail with 403 / 50013 Missing Permissions."""
        channel = self.channels[channel_id]
        channel["permission_overwrites"] = [
            *channel.get("permission_overwrites", []),
            {"id": str(self.bot_user_id), "type": 1, "allow": "0", "deny": str(permissions)},
        ]

    def bot_denied(self, channel_id: int, permission: int) -> bool:
        """Whether an overwrite on the channel (or its parent, for threads) denies the bot."""
        channel = self.channels.get(channel_id, {})
        ids = [channel_id]
        if channel.get("type") in (10, 11, 12) and channel.get("parent_id"):
            ids.append(int(channel["parent_id"]))
        for cid in ids:
            for overwrite in self.channels.get(cid, {}).get("permission_overwrites", []):
                if overwrite["id"] == str(self.bot_user_id) and int(overwrite["deny"]) & permission:
                    return True
        return False

    def _uid(self, user: UserRef) -> int:
        if user is None:
            return int(self.user["id"])
        return int(user["id"]) if isinstance(user, dict) else int(user)

    def member_permissions(self, user: UserRef) -> int:
        """Guild-level permissions, expanded to all bits for administrators (as Discord does)."""
        uid = self._uid(user)
        perms = 0
        for rid in [self.guild_id, *self.member_roles[uid]]:
            perms |= int(self.roles[rid]["permissions"])
        return ALL_PERMISSIONS if perms & ADMINISTRATOR or uid == self.owner_id else perms

    def member_partial(self, user: UserRef) -> JSON:
        """Member object without `user` (as embedded in messages)."""
        uid = self._uid(user)
        data = member_payload(self.users[uid], self.member_roles[uid])
        del data["user"]
        return data

    def member_list(self) -> list[JSON]:
        """All members with their user objects (GUILD_CREATE / member chunks)."""
        return [member_payload(self.users[u], r) for u, r in self.member_roles.items()]

    def guild_create_payload(self) -> JSON:
        """The GUILD_CREATE payload for the fake guild."""
        return {
            "id": str(self.guild_id),
            "name": "Study Group",
            "icon": None,
            "splash": None,
            "discovery_splash": None,
            "owner_id": str(self.owner_id),
            "afk_channel_id": None,
            "afk_timeout": 300,
            "verification_level": 0,
            "default_message_notifications": 1,
            "explicit_content_filter": 0,
            "roles": list(self.roles.values()),
            "emojis": [],
            "stickers": [],
            "features": [],
            "mfa_level": 0,
            "system_channel_id": str(self.channel_id),
            "system_channel_flags": 0,
            "rules_channel_id": None,
            "premium_tier": 0,
            "premium_subscription_count": 0,
            "preferred_locale": "en-US",
            "nsfw_level": 0,
            "premium_progress_bar_enabled": False,
            "joined_at": "2024-01-01T00:00:00+00:00",
            "large": False,
            "unavailable": False,
            "member_count": len(self.member_roles),
            "members": self.member_list(),
            "channels": [c for c in self.channels.values() if c["type"] in (0, 2, 4, 5, 15)],
            "threads": [c for c in self.channels.values() if c["type"] in (10, 11, 12)],
            "presences": [],
            "voice_states": [],
            "stage_instances": [],
            "guild_scheduled_events": [],
            "soundboard_sounds": [],
        }

    def mention(self, user: UserRef) -> str:
        """`<@id>` markup for a user."""
        return f"<@{self._uid(user)}>"

    def would_ping(self, message: JSON) -> set[str]:
        """Who Discord would notify for a stored message (user ids, "role:<id>", "@everyone")."""
        replied: int | None = None
        ref = message.get("referenced_message")
        if ref is not None:
            replied = int(ref["author"]["id"])
        return pinged_ids(message, replied_author_id=replied)
