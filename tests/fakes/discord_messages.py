"""Message store of the fake Discord: bot-authored messages are built from create/edit payloads
the way Discord applies them, so tests read the resulting message ("what the user sees").

Echoes MESSAGE_CREATE/UPDATE/DELETE for non-ephemeral bot messages over the gateway, as Discord
does, so a bot that fails to ignore its own messages misbehaves here too.
"""

from __future__ import annotations

import copy
import re
from typing import Any

from aiohttp import web

from .discord_gateway import FakeGateway
from .discord_payloads import (
    EPHEMERAL,
    JSON,
    iso_now,
    mentioned_user_ids,
    message_payload,
    snowflake,
)
from .discord_records import LOADING, FakeInteraction, RecordedPart

Reply = tuple[int, Any]
_EDITABLE = ("content", "embeds", "components", "allowed_mentions", "poll")
_CMD_TYPES = {1: 20, 2: 23, 3: 23}


def _error(status: int, code: int, message: str) -> Reply:
    return status, {"message": message, "code": code}


class FakeMessages(FakeGateway):
    """Message and attachment storage (third layer of FakeDiscord)."""

    echo_bot_messages: bool

    def __init__(self) -> None:
        super().__init__()
        self.messages: dict[int, JSON] = {}
        self.deleted_messages: dict[int, JSON] = {}
        self.attachment_data: dict[int, bytes] = {}

    def messages_in(
        self, channel_id: int | None = None, *, include_ephemeral: bool = True
    ) -> list[JSON]:
        """Live messages in a channel (default: the main one), oldest first."""
        cid = str(channel_id or self.channel_id)
        return [
            m
            for m in self.messages.values()
            if m["channel_id"] == cid and (include_ephemeral or not m["flags"] & EPHEMERAL)
        ]

    def attachment_bytes(self, attachment: JSON) -> bytes:
        """Content of an uploaded attachment (from a message's `attachments`)."""
        return self.attachment_data[int(attachment["id"])]

    async def _attachment_handler(self, request: web.Request) -> web.Response:
        data = self.attachment_data.get(int(request.match_info["aid"]))
        return web.Response(status=404) if data is None else web.Response(body=data)

    # -- messages ---------------------------------------------------------------------------

    def _attachments(self, channel_id: int, payload: JSON, files: list[RecordedPart]) -> list[JSON]:
        declared = {str(a.get("id")): a for a in payload.get("attachments") or []}
        out: list[JSON] = []
        for position, part in enumerate(files):
            m = re.fullmatch(r"files\[(\d+)\]", part.name or "")
            index = m.group(1) if m else str(position)
            meta = declared.get(index, {})
            aid = snowflake()
            filename = part.filename or meta.get("filename") or f"file{index}"
            self.attachment_data[aid] = part.data
            url = f"{self.http_base}/attachments/{channel_id}/{aid}/{filename}"
            out.append(
                {
                    "id": str(aid),
                    "filename": filename,
                    "description": meta.get("description"),
                    "content_type": part.content_type,
                    "size": len(part.data),
                    "url": url,
                    "proxy_url": url,
                    "spoiler": filename.startswith("SPOILER_"),
                }
            )
        return out

    def _new_message(
        self,
        channel_id: int,
        payload: JSON,
        files: list[RecordedPart],
        *,
        interaction: FakeInteraction | None = None,
        extra_flags: int = 0,
    ) -> JSON:
        """Build and store a bot-authored message from a create payload."""
        channel = self.channels.get(channel_id, {})
        guild_id = int(channel["guild_id"]) if channel.get("guild_id") else None
        msg = message_payload(
            channel_id=channel_id,
            guild_id=guild_id,
            author=self.bot_user,
            member=self.member_partial(self.bot_user_id) if guild_id else None,
        )
        msg["tts"] = bool(payload.get("tts"))
        msg["flags"] = (payload.get("flags") or 0) | extra_flags
        msg["attachments"] = self._attachments(channel_id, payload, files)
        self._apply(msg, payload, files, creating=True)
        ref = payload.get("message_reference")
        if ref and ref.get("message_id"):
            msg["type"] = 19
            msg["message_reference"] = {
                "type": ref.get("type", 0),
                "message_id": str(ref["message_id"]),
                "channel_id": str(ref.get("channel_id") or channel_id),
                "guild_id": str(guild_id) if guild_id else None,
            }
            target = self.messages.get(int(ref["message_id"]))
            if target is not None:
                msg["referenced_message"] = {
                    k: v for k, v in target.items() if k != "referenced_message"
                }
        if interaction is not None:
            msg["webhook_id"] = str(self.application_id)
            msg["application_id"] = str(self.application_id)
            itype = interaction.type
            if itype == 2:
                msg["type"] = _CMD_TYPES.get(interaction.payload["data"].get("type", 1), 20)
            user = interaction.payload.get("member", {}).get("user") or interaction.payload.get(
                "user"
            )
            msg["interaction_metadata"] = {
                "id": str(interaction.id),
                "type": itype,
                "user": user,
                "authorizing_integration_owners": {},
            }
        self.messages[int(msg["id"])] = msg
        return msg

    def _apply(
        self, msg: JSON, payload: JSON, files: list[RecordedPart], *, creating: bool = False
    ) -> None:
        """Apply an edit payload the way Discord does: only the keys present change."""
        for key in _EDITABLE:
            if key in payload:
                value = payload[key]
                msg[key] = ("" if key == "content" else []) if value is None else value
        if "flags" in payload and not creating and payload["flags"] is not None:
            # An existing message's ephemeral state cannot change: an edit (and the first
            # follow-up after a defer, which Discord turns into an edit) keeps it
            # (https://discord.com/developers/docs/interactions/receiving-and-responding#create-followup-message).
            kept = msg["flags"] & (EPHEMERAL | LOADING)
            msg["flags"] = kept | (payload["flags"] & ~EPHEMERAL)
        if not creating:
            if "attachments" in payload:
                keep = {str(a.get("id")) for a in payload["attachments"] or []}
                msg["attachments"] = [a for a in msg["attachments"] if a["id"] in keep]
            msg["attachments"] += self._attachments(int(msg["channel_id"]), payload, files)
            msg["edited_timestamp"] = iso_now()
        ids = mentioned_user_ids(msg.get("content") or "")
        msg["mentions"] = [self.users[i] for i in ids if i in self.users]

    async def _echo(self, event: str, msg: JSON) -> None:
        if self.echo_bot_messages and not msg["flags"] & EPHEMERAL and self._session is not None:
            data = copy.deepcopy(msg)
            data.pop("allowed_mentions", None)
            await self.dispatch(event, data)

    async def _echo_delete(self, msg: JSON) -> None:
        if self.echo_bot_messages and not msg["flags"] & EPHEMERAL and self._session is not None:
            data = {"id": msg["id"], "channel_id": msg["channel_id"]}
            if msg.get("guild_id"):
                data["guild_id"] = msg["guild_id"]
            await self.dispatch("MESSAGE_DELETE", data)

    async def _edit(self, msg: JSON, payload: JSON | None, files: list[RecordedPart]) -> Reply:
        self._apply(msg, payload or {}, files)
        msg["flags"] &= ~LOADING
        await self._echo("MESSAGE_UPDATE", msg)
        return 200, msg

    async def _delete(self, mid: int) -> Reply:
        msg = self.messages.pop(mid, None)
        if msg is None:
            return _error(404, 10008, "Unknown Message")
        self.deleted_messages[mid] = msg
        await self._echo_delete(msg)
        return 204, None
