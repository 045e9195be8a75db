"""Threads and forum posts, as a Discord user makes them (sixth layer of FakeDiscord).

A thread started from a message shares that message's id, and Discord posts a THREAD_CREATED
system message (type 18) in the parent channel; a forum post is a thread whose starter
message has the thread's id (https://discord.com/developers/docs/topics/threads).
"""

from __future__ import annotations

from .discord_actions import FakeUserActions
from .discord_payloads import JSON, snowflake, thread_payload
from .discord_world import UserRef


class FakeThreads(FakeUserActions):
    async def start_thread(self, message: JSON, name: str, *, user: UserRef = None) -> JSON:
        """``user`` opens a thread on ``message`` (THREAD_CREATE, then the system message)."""
        uid = self._uid(user)
        parent = int(message["channel_id"])
        thread = thread_payload(int(message["id"]), self.guild_id, parent, uid, name, 1440)
        self.channels[int(thread["id"])] = thread
        stored = self.messages.get(int(message["id"]))
        if stored is not None:
            stored["thread"] = thread
        await self.dispatch("THREAD_CREATE", {**thread, "newly_created": True})
        await self.post_message(name, author=uid, channel_id=parent, type=18)
        return thread

    async def open_forum_post(
        self,
        title: str,
        content: str,
        *,
        forum_id: int | None = None,
        user: UserRef = None,
    ) -> tuple[JSON, JSON]:
        """``user`` opens a post in a forum: the thread, then its starter message (same id)."""
        uid = self._uid(user)
        forum = forum_id or self.forum_id
        thread_id = snowflake()
        thread = thread_payload(thread_id, self.guild_id, forum, uid, title, 4320)
        self.channels[thread_id] = thread
        await self.dispatch("THREAD_CREATE", {**thread, "newly_created": True})
        starter = await self.post_message(
            content, author=uid, channel_id=thread_id, message_id=thread_id
        )
        return thread, starter
