"""REST half of the fake Discord (/api/v10): records every request and answers what discord.py
calls for login, command sync, interaction callbacks, webhooks (follow-ups) and channel messages.

Responses carry exactly `Content-Type: application/json`: discord.py compares the header
verbatim, and aiohttp's `json_response` appends a charset that makes login fail.
"""

from __future__ import annotations

import contextlib
import copy
import json
import re
import time
from collections.abc import Awaitable, Callable
from typing import Any

from aiohttp import BodyPartReader, web

from .discord_messages import FakeMessages, Reply, _error
from .discord_payloads import (
    EPHEMERAL,
    JSON,
    READ_HISTORY,
    SEND_MESSAGES,
    SEND_MESSAGES_IN_THREADS,
    snowflake,
    thread_payload,
)
from .discord_records import LOADING, FakeInteraction, RateLimitRule, RecordedPart, RecordedRequest

Handler = Callable[..., Awaitable[Reply]]


def json_response(status: int, body: Any) -> web.Response:
    """A response discord.py will parse as JSON (exact Content-Type) or an empty 204."""
    if body is None:
        return web.Response(status=204)
    return web.Response(
        status=status, body=json.dumps(body).encode(), headers={"Content-Type": "application/json"}
    )


class FakeRest(FakeMessages):
    """REST routing, recording and 429 injection (fourth layer of FakeDiscord)."""

    interaction_deadline: float | None
    interaction_token_ttl: float
    shard_count: int

    def __init__(self) -> None:
        super().__init__()
        self.interactions: dict[str, FakeInteraction] = {}
        self.requests: list[RecordedRequest] = []
        self.unhandled: list[RecordedRequest] = []  # answered by the generic `{}` fallback
        self.global_commands: list[JSON] = []
        self.guild_commands: dict[int, list[JSON]] = {}
        self.reactions: list[tuple[int, str]] = []
        self.dm_channels: dict[int, int] = {}  # user id -> DM channel id
        self._rate_limits: list[RateLimitRule] = []
        p = r"(?P<{}>[^/]+)"
        hook = p.format("app") + "/" + p.format("token")
        msg = "/channels/" + p.format("cid") + "/messages"
        table: list[tuple[str, str, Handler]] = [
            ("GET", "/users/@me", self._get_me),
            ("GET", "/oauth2/applications/@me", self._get_app),
            ("GET", "/applications/@me", self._get_app),
            ("GET", "/gateway", self._get_gateway),
            ("GET", "/gateway/bot", self._get_gateway),
            ("PUT", r"/applications/\d+/commands", self._put_commands),
            ("GET", r"/applications/\d+/commands", self._get_commands),
            ("POST", r"/applications/\d+/commands", self._post_command),
            ("PUT", r"/applications/\d+/guilds/(?P<gid>\d+)/commands", self._put_commands),
            ("GET", r"/applications/\d+/guilds/(?P<gid>\d+)/commands", self._get_commands),
            ("POST", r"/applications/\d+/guilds/(?P<gid>\d+)/commands", self._post_command),
            ("POST", "/interactions/" + hook + "/callback", self._callback),
            ("POST", "/webhooks/" + hook, self._followup),
            ("GET", "/webhooks/" + hook + r"/messages/(?P<mid>@original|\d+)", self._hook_get),
            ("PATCH", "/webhooks/" + hook + r"/messages/(?P<mid>@original|\d+)", self._hook_edit),
            ("DELETE", "/webhooks/" + hook + r"/messages/(?P<mid>@original|\d+)", self._hook_del),
            ("POST", msg, self._create_message),
            ("GET", msg, self._list_messages),
            ("GET", msg + r"/(?P<mid>\d+)", self._get_message),
            ("PATCH", msg + r"/(?P<mid>\d+)", self._edit_message),
            ("DELETE", msg + r"/(?P<mid>\d+)", self._delete_message),
            ("POST", msg + r"/(?P<mid>\d+)/threads", self._create_thread),
            ("POST", "/channels/" + p.format("cid") + "/threads", self._create_thread),
            ("PUT", msg + r"/(?P<mid>\d+)/reactions/(?P<emoji>[^/]+)/@me", self._react),
            ("POST", "/channels/" + p.format("cid") + "/typing", self._no_content),
            ("GET", "/channels/" + p.format("cid"), self._get_channel),
            ("PATCH", "/channels/" + p.format("cid"), self._edit_channel),
            ("POST", "/users/@me/channels", self._create_dm),
            ("GET", r"/guilds/(?P<gid>\d+)", self._get_guild),
            ("GET", r"/guilds/(?P<gid>\d+)/channels", self._get_guild_channels),
            ("GET", r"/guilds/(?P<gid>\d+)/members/(?P<uid>\d+)", self._get_member),
        ]
        self._routes = [(m, re.compile(rx), h) for m, rx, h in table]

    # -- public -----------------------------------------------------------------------------

    def command(self, name: str, *, type: int = 1) -> JSON:
        """A synced command (guild commands shadow global ones, like the Discord client)."""
        synced = [*self.guild_commands.get(self.guild_id, []), *self.global_commands]
        for cmd in synced:
            if cmd["name"] == name and cmd["type"] == type:
                return cmd
        names = sorted(f"{c['name']}(type {c['type']})" for c in synced)
        raise LookupError(f"command {name!r} (type {type}) was never synced; synced: {names}")

    def rate_limit_next(
        self,
        method: str,
        path_regex: str,
        *,
        retry_after: float = 0.05,
        count: int = 1,
        is_global: bool = False,
    ) -> RateLimitRule:
        """Answer the next `count` matching requests with a retryable 429 (Via + retry_after)."""
        rule = RateLimitRule(method.upper(), re.compile(path_regex), retry_after, count, is_global)
        self._rate_limits.append(rule)
        return rule

    def requests_to(self, method: str, path_regex: str) -> list[RecordedRequest]:
        """Recorded requests with this method whose path matches `path_regex` (re.search)."""
        rx = re.compile(path_regex)
        return [r for r in self.requests if r.method == method.upper() and rx.search(r.path)]

    # -- plumbing ---------------------------------------------------------------------------

    async def _rest_handler(self, request: web.Request) -> web.StreamResponse:
        path = "/" + request.match_info["tail"]
        rec = await self._record(request, path)
        rule = next((r for r in self._rate_limits if r.matches(rec.method, path)), None)
        if rule is not None:
            rule.remaining -= 1
            rule.hits.append(rec)
            rec.status = 429
            body = {
                "message": "You are being rate limited.",
                "retry_after": rule.retry_after,
                "global": rule.is_global,
            }
            headers = {
                "Content-Type": "application/json",
                "Via": "1.1 google",
                "Retry-After": str(max(1, round(rule.retry_after))),
                "X-RateLimit-Scope": "global" if rule.is_global else "user",
            }
            self._notify()
            return web.Response(status=429, body=json.dumps(body).encode(), headers=headers)
        status, body = await self._route(rec)
        rec.status = 204 if body is None else status
        rec.response = copy.deepcopy(body)  # a snapshot: stored messages keep changing
        self._notify()
        return json_response(status, body)

    async def _route(self, rec: RecordedRequest) -> Reply:
        webhook = rec.path.startswith(("/interactions/", "/webhooks/"))
        if not webhook and rec.headers.get("Authorization") != f"Bot {self.token}":
            return _error(401, 0, "401: Unauthorized")
        for method, rx, handler in self._routes:
            if method == rec.method and (m := rx.fullmatch(rec.path)):
                return await handler(rec, **m.groupdict())
        self.unhandled.append(rec)
        return 200, {}

    async def _record(self, request: web.Request, path: str) -> RecordedRequest:
        rec = RecordedRequest(
            method=request.method,
            path=path,
            query=dict(request.query),
            headers=request.headers.copy(),
            at=time.monotonic(),
        )
        if request.content_type.startswith("multipart/"):
            reader = await request.multipart()
            while (part := await reader.next()) is not None:
                if isinstance(part, BodyPartReader):
                    data = await part.read()
                    ctype = part.headers.get("Content-Type")
                    rec.parts.append(RecordedPart(part.name, part.filename, ctype, data))
        elif request.can_read_body:
            rec.body = await request.read()
            with contextlib.suppress(ValueError):
                rec.json = json.loads(rec.body) if rec.body else None
        self.requests.append(rec)
        return rec

    # -- login / gateway / commands ---------------------------------------------------------

    async def _get_me(self, rec: RecordedRequest) -> Reply:
        return 200, {**self.bot_user, "verified": True, "mfa_enabled": False}

    async def _get_app(self, rec: RecordedRequest) -> Reply:
        owner = self.users[self.owner_id]
        return 200, {
            "id": str(self.application_id),
            "name": self.bot_user["username"],
            "description": "fake application",
            "icon": None,
            "bot_public": True,
            "bot_require_code_grant": False,
            "owner": owner,
            "verify_key": "0" * 64,
            "flags": 0,
            "team": None,
            "bot": self.bot_user,
        }

    async def _get_gateway(self, rec: RecordedRequest) -> Reply:
        limit = {"total": 1000, "remaining": 999, "reset_after": 0, "max_concurrency": 1}
        body: JSON = {"url": self.gateway_url}
        if rec.path.endswith("/bot"):
            body.update(shards=self.shard_count, session_start_limit=limit)
        return 200, body

    def _store_command(self, cmd: JSON, gid: str | None) -> JSON:
        stored = {
            "description": "",
            "options": [],
            "default_member_permissions": None,
            "nsfw": False,
            "contexts": None,
            "integration_types": [0],
            **cmd,
            "id": str(snowflake()),
            "application_id": str(self.application_id),
            "type": cmd.get("type", 1),
            "version": str(snowflake()),
        }
        if gid is not None:
            stored["guild_id"] = gid
        return stored

    async def _put_commands(self, rec: RecordedRequest, gid: str | None = None) -> Reply:
        commands = [self._store_command(c, gid) for c in rec.payload or []]
        if gid is None:
            self.global_commands = commands
        else:
            self.guild_commands[int(gid)] = commands
        return 200, commands

    async def _get_commands(self, rec: RecordedRequest, gid: str | None = None) -> Reply:
        return 200, self.global_commands if gid is None else self.guild_commands.get(int(gid), [])

    async def _post_command(self, rec: RecordedRequest, gid: str | None = None) -> Reply:
        cmd = self._store_command(rec.payload, gid)
        bucket = (
            self.global_commands if gid is None else self.guild_commands.setdefault(int(gid), [])
        )
        bucket[:] = [c for c in bucket if (c["name"], c["type"]) != (cmd["name"], cmd["type"])]
        bucket.append(cmd)
        return 201, cmd

    # -- interactions -----------------------------------------------------------------------

    def _interaction(self, app: str, token: str) -> FakeInteraction | None:
        """The interaction a webhook token belongs to, while the token is valid: 15 minutes on
        Discord (https://discord.com/developers/docs/interactions/receiving-and-responding#followup-messages),
        ``interaction_token_ttl`` here."""
        inter = self.interactions.get(token)
        if inter is None or app != str(self.application_id):
            return None
        if time.monotonic() - inter.created > self.interaction_token_ttl:
            inter.errors.append({"message": "Invalid Webhook Token", "code": 50027})
            return None
        return inter

    async def _callback(self, rec: RecordedRequest, app: str, token: str) -> Reply:
        inter = self.interactions.get(token)
        if inter is None or str(inter.id) != app:
            return _error(404, 10062, "Unknown interaction")
        age = time.monotonic() - inter.created
        if inter.callbacks:
            err = _error(400, 40060, "Interaction has already been acknowledged.")
        elif self.interaction_deadline is not None and age > self.interaction_deadline:
            err = _error(404, 10062, f"Unknown interaction (answered after {age:.2f}s)")
        else:
            err = None
        if err is not None:
            inter.errors.append({"path": rec.path, **err[1]})
            inter._notify()
            return err
        payload = rec.payload or {}
        ctype, data = payload["type"], payload.get("data") or {}
        inter.callbacks.append(payload)
        info: JSON = {"id": str(inter.id), "type": inter.type}
        resource: JSON = {"type": ctype}
        if ctype in (4, 5):
            flags = LOADING if ctype == 5 else 0
            msg = self._new_message(
                inter.channel_id, data, rec.files, interaction=inter, extra_flags=flags
            )
            inter.original_id = int(msg["id"])
            info.update(
                response_message_id=msg["id"],
                response_message_loading=ctype == 5,
                response_message_ephemeral=bool(msg["flags"] & EPHEMERAL),
            )
            resource["message"] = msg
            await self._echo("MESSAGE_CREATE", msg)
        elif ctype in (6, 7) and inter.message_id is not None:
            inter.original_id = inter.message_id
            info["response_message_id"] = str(inter.message_id)
            target = self.messages.get(inter.message_id)
            if ctype == 7 and target is not None:
                inter.edits += 1
                await self._edit(target, data, rec.files)
                resource["message"] = target
        inter._notify()
        return 200, {"interaction": info, "resource": resource}

    async def _followup(self, rec: RecordedRequest, app: str, token: str) -> Reply:
        inter = self._interaction(app, token)
        if inter is None:
            return self._no_webhook(token)
        original = inter.original
        if original is not None and original["flags"] & LOADING:
            # Discord turns the first follow-up after a defer into the deferred message itself.
            inter.edits += 1
            _, msg = await self._edit(original, rec.payload, rec.files)
        else:
            msg = self._new_message(
                inter.channel_id, rec.payload or {}, rec.files, interaction=inter
            )
            await self._echo("MESSAGE_CREATE", msg)
        inter.followup_ids.append(int(msg["id"]))
        inter._notify()
        return (200, msg) if rec.query.get("wait") in ("true", "True", "1") else (204, None)

    def _hook_target(
        self, app: str, token: str, mid: str
    ) -> tuple[FakeInteraction | None, JSON | None]:
        inter = self._interaction(app, token)
        if inter is None:
            return None, None
        if mid == "@original":
            if inter.original_id is None and inter.message_id is not None:
                inter.original_id = inter.message_id
            return inter, inter.original
        return inter, self.messages.get(int(mid))

    def _no_webhook(self, token: str) -> Reply:
        if token in self.interactions:  # known but expired
            return _error(401, 50027, "Invalid Webhook Token")
        return _error(404, 10015, "Unknown Webhook")

    async def _hook_get(self, rec: RecordedRequest, app: str, token: str, mid: str) -> Reply:
        inter, msg = self._hook_target(app, token, mid)
        if inter is None:
            return self._no_webhook(token)
        return (200, msg) if msg is not None else _error(404, 10008, "Unknown Message")

    async def _hook_edit(self, rec: RecordedRequest, app: str, token: str, mid: str) -> Reply:
        inter, msg = self._hook_target(app, token, mid)
        if inter is None:
            return self._no_webhook(token)
        if msg is None:
            return _error(404, 10008, "Unknown Message")
        inter.edits += 1
        reply = await self._edit(msg, rec.payload, rec.files)
        inter._notify()
        return reply

    async def _hook_del(self, rec: RecordedRequest, app: str, token: str, mid: str) -> Reply:
        inter, msg = self._hook_target(app, token, mid)
        if inter is None:
            return self._no_webhook(token)
        if msg is None:
            return _error(404, 10008, "Unknown Message")
        reply = await self._delete(int(msg["id"]))
        inter._notify()
        return reply

    # -- channels ---------------------------------------------------------------------------

    async def _create_message(self, rec: RecordedRequest, cid: str) -> Reply:
        channel = self.channels.get(int(cid))
        if channel is None:
            return _error(404, 10003, "Unknown Channel")
        if channel["type"] in (15, 16):  # only threads live in forum and media channels
            return _error(400, 50008, "Cannot send messages in a non-text channel")
        needed = SEND_MESSAGES_IN_THREADS if channel["type"] in (10, 11, 12) else SEND_MESSAGES
        if self.bot_denied(int(cid), needed) or (
            (rec.payload or {}).get("message_reference") and self.bot_denied(int(cid), READ_HISTORY)
        ):
            # https://discord.com/developers/docs/topics/opcodes-and-status-codes#json (50013)
            return _error(403, 50013, "Missing Permissions")
        msg = self._new_message(int(cid), rec.payload or {}, rec.files)
        await self._echo("MESSAGE_CREATE", msg)
        return 200, msg

    async def _list_messages(self, rec: RecordedRequest, cid: str) -> Reply:
        limit = int(rec.query.get("limit", 50))
        return 200, list(reversed(self.messages_in(int(cid), include_ephemeral=False)))[:limit]

    async def _get_message(self, rec: RecordedRequest, cid: str, mid: str) -> Reply:
        msg = self.messages.get(int(mid))
        return (200, msg) if msg is not None else _error(404, 10008, "Unknown Message")

    async def _edit_message(self, rec: RecordedRequest, cid: str, mid: str) -> Reply:
        msg = self.messages.get(int(mid))
        return (
            await self._edit(msg, rec.payload, rec.files)
            if msg
            else _error(404, 10008, "Unknown Message")
        )

    async def _delete_message(self, rec: RecordedRequest, cid: str, mid: str) -> Reply:
        return await self._delete(int(mid))

    async def _create_thread(self, rec: RecordedRequest, cid: str, mid: str | None = None) -> Reply:
        parent = self.channels.get(int(cid))
        if parent is None:
            return _error(404, 10003, "Unknown Channel")
        body = rec.payload or {}
        thread_id = int(mid) if mid else snowflake()
        thread = thread_payload(
            thread_id,
            int(parent["guild_id"]),
            int(cid),
            self.bot_user_id,
            body.get("name", "thread"),
            body.get("auto_archive_duration", 1440),
        )
        self.channels[thread_id] = thread
        if mid and int(mid) in self.messages:
            self.messages[int(mid)]["thread"] = thread
        if self._session is not None:
            await self.dispatch("THREAD_CREATE", {**thread, "newly_created": True})
        return 201, thread

    async def _edit_channel(self, rec: RecordedRequest, cid: str) -> Reply:
        """Modify a thread: name, archived, locked, and for forum posts ``applied_tags``, which
        must be tags of the parent forum
        (https://discord.com/developers/docs/resources/channel#modify-channel-jsonparams-thread)."""
        channel = self.channels.get(int(cid))
        if channel is None:
            return _error(404, 10003, "Unknown Channel")
        body = rec.payload or {}
        if "applied_tags" in body:
            parent = self.channels.get(int(channel.get("parent_id") or 0), {})
            known = {t["id"] for t in parent.get("available_tags", [])}
            if parent.get("type") not in (15, 16) or not set(body["applied_tags"]) <= known:
                return _error(400, 50035, "Invalid Form Body (applied_tags)")
            channel["applied_tags"] = [str(t) for t in body["applied_tags"]]
        for key in ("name", "rate_limit_per_user"):
            if key in body:
                channel[key] = body[key]
        for key in ("archived", "locked", "auto_archive_duration"):
            if key in body and "thread_metadata" in channel:
                channel["thread_metadata"][key] = body[key]
        if self._session is not None and channel["type"] in (10, 11, 12):
            await self.dispatch("THREAD_UPDATE", copy.deepcopy(channel))
        return 200, channel

    async def _react(self, rec: RecordedRequest, cid: str, mid: str, emoji: str) -> Reply:
        self.reactions.append((int(mid), emoji))
        return 204, None

    async def _no_content(self, rec: RecordedRequest, **_: str) -> Reply:
        return 204, None

    async def _get_channel(self, rec: RecordedRequest, cid: str) -> Reply:
        channel = self.channels.get(int(cid))
        return (200, channel) if channel else _error(404, 10003, "Unknown Channel")

    async def _create_dm(self, rec: RecordedRequest) -> Reply:
        user = self.users.get(int((rec.payload or {}).get("recipient_id", 0)))
        if user is None:
            return _error(404, 10013, "Unknown User")
        dm_id = self.dm_channels.setdefault(int(user["id"]), snowflake())
        dm = {"id": str(dm_id), "type": 1, "recipients": [user], "last_message_id": None}
        self.channels[dm_id] = dm
        return 200, dm

    async def _get_guild(self, rec: RecordedRequest, gid: str) -> Reply:
        if int(gid) != self.guild_id:
            return _error(404, 10004, "Unknown Guild")
        data = self.guild_create_payload()
        for key in ("channels", "members", "threads", "presences", "voice_states"):
            data.pop(key, None)
        return 200, data

    async def _get_guild_channels(self, rec: RecordedRequest, gid: str) -> Reply:
        return 200, [c for c in self.channels.values() if c.get("guild_id") == gid]

    async def _get_member(self, rec: RecordedRequest, gid: str, uid: str) -> Reply:
        member = next((m for m in self.member_list() if m["user"]["id"] == uid), None)
        return (200, member) if member else _error(404, 10007, "Unknown Member")
