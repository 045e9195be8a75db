"""Acting as a Discord user against the fake: slash commands, autocomplete, button clicks,
context menus, modal submits and plain messages, each dispatched over the gateway as Discord would.

Commands are looked up among those the bot synced, so option types come from the bot's own
definitions and a test cannot invoke something a real user could not.
"""

from __future__ import annotations

import copy
import itertools
import secrets
import time
from collections.abc import Callable
from typing import Any

from .discord_payloads import (
    JSON,
    MESSAGE_CONTENT_INTENT,
    find_component,
    mentioned_user_ids,
    message_payload,
    modal_submit_components,
    snowflake,
)
from .discord_records import FakeInteraction, RecordedPart
from .discord_rest import FakeRest
from .discord_world import UserRef

_SELECTS = (3, 5, 6, 7, 8)


class FakeUserActions(FakeRest):
    """Test-facing verbs (fifth layer of FakeDiscord)."""

    async def _interact(
        self,
        itype: int,
        data: JSON,
        user: UserRef,
        channel_id: int | None,
        message: JSON | None = None,
    ) -> FakeInteraction:
        uid = self._uid(user)
        if uid not in self.member_roles:
            raise LookupError(f"user {uid} is not a member of the fake guild")
        cid = channel_id or self.channel_id
        perms = str(self.member_permissions(uid))
        payload: JSON = {
            "id": str(snowflake()),
            "application_id": str(self.application_id),
            "type": itype,
            "data": data,
            "guild_id": str(self.guild_id),
            "guild": {"id": str(self.guild_id), "locale": "en-US", "features": []},
            "channel_id": str(cid),
            "channel": {**self.channels[cid], "permissions": perms},
            "member": {**self.member_partial(uid), "user": self.users[uid], "permissions": perms},
            "token": secrets.token_urlsafe(32),
            "version": 1,
            "app_permissions": str(self.member_permissions(self.bot_user_id)),
            "locale": "en-US",
            "guild_locale": "en-US",
            "entitlements": [],
            "authorizing_integration_owners": {"0": str(self.guild_id)},
            "context": 0,
            "attachment_size_limit": 25 * 1024 * 1024,
        }
        if message is not None:
            payload["message"] = copy.deepcopy(message)
        inter = FakeInteraction(payload, self.messages, time.monotonic())
        self.interactions[inter.token] = inter
        await self.dispatch("INTERACTION_CREATE", payload)
        return inter

    def _option_value(self, otype: int, value: Any, resolved: JSON) -> Any:
        if otype in (6, 9) and self._is_user(value):
            uid = self._uid(value)
            resolved.setdefault("users", {})[str(uid)] = self.users[uid]
            if uid in self.member_roles:
                member = {
                    **self.member_partial(uid),
                    "permissions": str(self.member_permissions(uid)),
                }
                resolved.setdefault("members", {})[str(uid)] = member
            return str(uid)
        if otype in (8, 9):
            rid = int(value["id"]) if isinstance(value, dict) else int(value)
            resolved.setdefault("roles", {})[str(rid)] = self.roles[rid]
            return str(rid)
        if otype == 7:
            cid = int(value["id"]) if isinstance(value, dict) else int(value)
            perms = str(self.member_permissions(None))
            resolved.setdefault("channels", {})[str(cid)] = {
                **self.channels[cid],
                "permissions": perms,
            }
            return str(cid)
        if otype == 11:
            filename, content = value
            part = RecordedPart("files[0]", filename, "application/octet-stream", content)
            attachment = self._attachments(self.channel_id, {}, [part])[0]
            resolved.setdefault("attachments", {})[attachment["id"]] = attachment
            return attachment["id"]
        convert: dict[int, Callable[[Any], Any]] = {3: str, 4: int, 5: bool, 10: float}
        return convert.get(otype, lambda v: v)(value)

    def _is_user(self, value: Any) -> bool:
        try:
            return self._uid(value) in self.users
        except (TypeError, ValueError, KeyError):
            return False

    def _options(
        self, defs: list[JSON], values: dict[str, Any], focused: str | None, resolved: JSON
    ) -> list[JSON]:
        by_name = {d["name"]: d for d in defs}
        out: list[JSON] = []
        for name, value in values.items():
            spec = by_name.get(name)
            if spec is None:
                raise ValueError(f"unknown option {name!r}; the command has {sorted(by_name)}")
            if name == focused:
                out.append(
                    {"name": name, "type": spec["type"], "value": str(value), "focused": True}
                )
                continue
            choices = [c["value"] for c in spec.get("choices") or []]
            if choices and value not in choices:
                raise ValueError(f"{value!r} is not a choice of {name!r}: {choices}")
            opt_value = self._option_value(spec["type"], value, resolved)
            out.append({"name": name, "type": spec["type"], "value": opt_value})
        if focused is not None and focused not in values:
            raise ValueError(f"focused option {focused!r} needs a (partial) value in options")
        missing = [d["name"] for d in defs if d.get("required") and d["name"] not in values]
        if missing and focused is None:
            raise ValueError(f"required options missing: {missing} (Discord would not send this)")
        return out

    def _command_data(self, name: str, options: dict[str, Any] | None, focused: str | None) -> JSON:
        top, *subs = name.split()
        cmd = self.command(top)
        defs = cmd.get("options") or []
        chain: list[JSON] = []
        for sub in subs:
            spec = next((o for o in defs if o["name"] == sub and o["type"] in (1, 2)), None)
            if spec is None:
                raise LookupError(f"{sub!r} is not a subcommand (group) of {top!r}")
            chain.append({"name": sub, "type": spec["type"], "options": []})
            defs = spec.get("options") or []
        resolved: JSON = {}
        leaf = self._options(defs, options or {}, focused, resolved)
        for outer, inner in itertools.pairwise(chain):
            outer["options"] = [inner]
        if chain:
            chain[-1]["options"] = leaf
        data: JSON = {"id": cmd["id"], "name": top, "type": 1, "options": chain[:1] or leaf}
        if resolved:
            data["resolved"] = resolved
        if cmd.get("guild_id"):
            data["guild_id"] = cmd["guild_id"]
        return data

    async def slash(
        self,
        name: str,
        options: dict[str, Any] | None = None,
        *,
        user: UserRef = None,
        channel_id: int | None = None,
    ) -> FakeInteraction:
        """Run a synced slash command ("group sub" for subcommands) as `user` (default alice).

        Option values are plain Python values; users/roles/channels may be given as payloads or
        ids and are put into `resolved`; attachments as (filename, bytes).
        """
        return await self._interact(2, self._command_data(name, options, None), user, channel_id)

    async def autocomplete(
        self,
        name: str,
        options: dict[str, Any],
        focused: str,
        *,
        user: UserRef = None,
        channel_id: int | None = None,
        timeout: float = 5.0,
    ) -> list[JSON]:
        """Type into option `focused` and return the choices the bot answered (callback 8)."""
        data = self._command_data(name, options, focused)
        inter = await self._interact(4, data, user, channel_id)
        await inter.wait_for(lambda i: i.choices is not None, timeout)
        return inter.choices or []

    async def click(
        self,
        message: JSON | int,
        custom_id: str,
        *,
        user: UserRef = None,
        values: list[str] | None = None,
    ) -> FakeInteraction:
        """Press a button (or pick `values` in a select) on a stored message."""
        mid = int(message["id"]) if isinstance(message, dict) else int(message)
        msg = self.messages.get(mid)
        if msg is None:
            raise LookupError(f"message {mid} does not exist (deleted?)")
        comp = find_component(msg.get("components") or [], custom_id)
        if comp is None:
            raise LookupError(f"no component {custom_id!r} on message {mid}")
        if comp.get("disabled"):
            raise ValueError(f"component {custom_id!r} is disabled; a user cannot click it")
        data: JSON = {"custom_id": custom_id, "component_type": comp["type"]}
        if comp["type"] in _SELECTS:
            data["values"] = list(values or [])
        return await self._interact(3, data, user, int(msg["channel_id"]), message=msg)

    async def context_menu(
        self, name: str, target_message: JSON | int, *, user: UserRef = None
    ) -> FakeInteraction:
        """Run a message context-menu command (type 3) on a stored message."""
        mid = int(target_message["id"]) if isinstance(target_message, dict) else int(target_message)
        msg = self.messages[mid]
        cmd = self.command(name, type=3)
        data: JSON = {
            "id": cmd["id"],
            "name": name,
            "type": 3,
            "target_id": str(mid),
            "resolved": {"messages": {str(mid): copy.deepcopy(msg)}},
        }
        if cmd.get("guild_id"):
            data["guild_id"] = cmd["guild_id"]
        return await self._interact(2, data, user, int(msg["channel_id"]))

    async def user_context_menu(
        self, name: str, target_user: UserRef, *, user: UserRef = None
    ) -> FakeInteraction:
        """Run a user context-menu command (type 2) on a member."""
        cmd = self.command(name, type=2)
        resolved: JSON = {}
        target = self._option_value(6, target_user, resolved)
        data: JSON = {"id": cmd["id"], "name": name, "type": 2, "target_id": target}
        data["resolved"] = resolved
        if cmd.get("guild_id"):
            data["guild_id"] = cmd["guild_id"]
        return await self._interact(2, data, user, None)

    async def submit_modal(
        self, opened_by: FakeInteraction, values: dict[str, Any], *, user: UserRef = None
    ) -> FakeInteraction:
        """Fill in and submit the modal the bot opened in response to `opened_by`."""
        modal = opened_by.modal
        if modal is None:
            raise LookupError(f"{opened_by!r} did not open a modal")
        data = {
            "custom_id": modal["custom_id"],
            "components": modal_submit_components(modal.get("components") or [], values),
        }
        parent_user = opened_by.payload["member"]["user"]
        message = self.messages.get(opened_by.message_id or 0)
        return await self._interact(
            5, data, user or parent_user, opened_by.channel_id, message=message
        )

    async def post_message(
        self,
        content: str,
        *,
        author: UserRef = None,
        mentions: list[UserRef] | None = None,
        channel_id: int | None = None,
        reply_to: JSON | None = None,
        attachments: list[tuple[str, bytes]] | None = None,
        type: int = 0,
        message_id: int | None = None,
    ) -> JSON:
        """A user posts a message (MESSAGE_CREATE); mentions default to <@id>s in content.

        ``type`` is the message type: 0 default, 19 reply (set by ``reply_to``), or a system
        type such as 7 (member joined) or 18 (thread created)
        (https://discord.com/developers/docs/resources/message#message-object-message-types).
        """
        uid = self._uid(author)
        cid = channel_id or self.channel_id
        ids = [self._uid(m) for m in mentions] if mentions is not None else None
        if ids is None:
            ids = [u for u in mentioned_user_ids(content) if u in self.users]
        mentioned = [
            {**self.users[i], "member": self.member_partial(i)}
            if i in self.member_roles
            else self.users[i]
            for i in ids
        ]
        msg = message_payload(
            channel_id=cid,
            guild_id=self.guild_id if self.channels[cid].get("guild_id") else None,
            author=self.users[uid],
            content=content,
            member=self.member_partial(uid) if uid in self.member_roles else None,
            mentions=mentioned,
            message_id=message_id,
        )
        msg["type"] = type
        if attachments:
            parts = [
                RecordedPart(f"files[{i}]", name, "application/octet-stream", data)
                for i, (name, data) in enumerate(attachments)
            ]
            msg["attachments"] = self._attachments(cid, {}, parts)
        if reply_to is not None:
            msg["type"] = 19
            msg["message_reference"] = {
                "type": 0,
                "message_id": reply_to["id"],
                "channel_id": reply_to["channel_id"],
                "guild_id": str(self.guild_id),
            }
            msg["referenced_message"] = copy.deepcopy(
                self.messages.get(int(reply_to["id"]), reply_to)
            )
        self.messages[int(msg["id"])] = msg
        await self.dispatch("MESSAGE_CREATE", self.as_the_bot_sees(msg))
        return msg

    def as_the_bot_sees(self, msg: JSON) -> JSON:
        """A copy of ``msg`` with content, embeds, attachments, components and poll emptied when
        the bot identified without the message-content intent, except in DMs, the bot's own
        messages and messages that mention it
        (https://discord.com/developers/docs/events/gateway#message-content-intent)."""
        seen = copy.deepcopy(msg)
        session = self._session
        intents = session.intents if session is not None else None
        if intents is None or intents & MESSAGE_CONTENT_INTENT:
            return seen
        mentioned = any(int(u["id"]) == self.bot_user_id for u in seen.get("mentions") or [])
        own = int(seen["author"]["id"]) == self.bot_user_id
        if mentioned or own or not seen.get("guild_id"):
            return seen
        seen.update(content="", embeds=[], attachments=[], components=[])
        seen.pop("poll", None)
        return seen
