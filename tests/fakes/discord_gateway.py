"""Gateway (websocket) half of the fake Discord: HELLO, IDENTIFY/READY, RESUME, heartbeats.

Sessions outlive sockets, as on Discord: events dispatched while the client is disconnected
are buffered and replayed on RESUME, so reconnect tests can fire commands at any moment.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
import secrets
import time
from dataclasses import dataclass, field

from aiohttp import WSMsgType, web

from .discord_payloads import JSON
from .discord_world import FakeWorld


@dataclass
class GatewaySession:
    """A gateway session: survives socket drops until the client identifies anew."""

    session_id: str
    shard: list[int] | None
    intents: int | None
    seq: int = 0
    buffer: list[JSON] = field(default_factory=list)
    conn: GatewayConnection | None = None
    # Guards seq, buffer and sends, so a RESUME replay and live dispatches never interleave.
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)


@dataclass
class GatewayConnection:
    """One websocket; `path` tells whether the client used the resume URL."""

    ws: web.WebSocketResponse
    path: str
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    session: GatewaySession | None = None


class FakeGateway(FakeWorld):
    """Gateway protocol state machine (second layer of FakeDiscord)."""

    token: str
    heartbeat_interval_ms: int
    port: int
    privileged_intents: bool

    def __init__(self) -> None:
        super().__init__()
        self.heartbeat_times: list[float] = []
        self.gateway_log: list[JSON] = []
        self.identify_payloads: list[JSON] = []
        self.resume_count = 0
        self.connections: list[GatewayConnection] = []
        self._sessions: dict[str, GatewaySession] = {}
        self._shard_sessions: dict[int, GatewaySession] = {}
        self._shard_total = 1
        self._ready = asyncio.Event()

    @property
    def http_base(self) -> str:
        """Root URL of the fake (http)."""
        return f"http://127.0.0.1:{self.port}"

    @property
    def api_base(self) -> str:
        """Value for `discord.http.Route.BASE`."""
        return f"{self.http_base}/api/v10"

    @property
    def gateway_url(self) -> str:
        """Where IDENTIFY connections go (`DiscordWebSocket.DEFAULT_GATEWAY`, /gateway/bot)."""
        return f"ws://127.0.0.1:{self.port}/gateway"

    @property
    def resume_gateway_url(self) -> str:
        """Distinct path so tests can tell that RESUME used READY's resume_gateway_url."""
        return f"ws://127.0.0.1:{self.port}/resume"

    @property
    def _session(self) -> GatewaySession | None:
        """The session of the shard that owns the fake guild (where events are dispatched)."""
        return self._shard_sessions.get((self.guild_id >> 22) % self._shard_total)

    # -- public -----------------------------------------------------------------------------

    @property
    def connected(self) -> bool:
        """Whether a client currently holds an identified or resumed socket."""
        s = self._session
        return s is not None and s.conn is not None and not s.conn.ws.closed

    async def wait_ready(self, timeout: float = 5.0) -> None:
        """Wait until a client identified (or resumed) and got its GUILD_CREATE."""
        await asyncio.wait_for(self._ready.wait(), timeout)

    async def dispatch(
        self, event: str, data: JSON, *, session: GatewaySession | None = None
    ) -> int:
        """Send a DISPATCH to the guild's session (buffered while disconnected); return seq."""
        session = session or self._session
        if session is None:
            raise RuntimeError("no client has identified with the fake gateway yet")
        async with session.lock:
            session.seq += 1
            frame = {"op": 0, "t": event, "s": session.seq, "d": data}
            session.buffer.append(frame)
            conn = session.conn
            if conn is not None and not conn.ws.closed:
                with contextlib.suppress(ConnectionError):
                    await conn.ws.send_str(json.dumps(frame))
            return session.seq

    async def drop_gateway(
        self,
        *,
        code: int = 4000,
        invalidate: bool = False,
        wait: bool = True,
        timeout: float = 5.0,
    ) -> None:
        """Close the client's socket (like a Discord edge restart) and by default wait until it
        is back. With `invalidate` the session is forgotten, so RESUME is refused (op 9) and the
        client must IDENTIFY again; events dispatched meanwhile are then lost, as on Discord."""
        session = self._session
        if session is None or session.conn is None:
            raise RuntimeError("no connected gateway client to drop")
        conn = session.conn
        session.conn = None
        if invalidate:
            self._sessions.pop(session.session_id, None)
        self._ready.clear()
        await conn.ws.close(code=code, message=b"fake drop")
        if wait:
            await self.wait_ready(timeout)

    async def request_reconnect(self, *, wait: bool = True, timeout: float = 5.0) -> None:
        """Send opcode 7 RECONNECT, which makes discord.py close and RESUME."""
        session = self._session
        if session is None or session.conn is None:
            raise RuntimeError("no connected gateway client")
        conn = session.conn
        self._ready.clear()
        async with conn.lock:
            await conn.ws.send_str(json.dumps({"op": 7, "d": None}))
        if wait:
            await self.wait_ready(timeout)

    def max_heartbeat_gap(self, since: float | None = None) -> float:
        """Largest interval between consecutive heartbeats (time.monotonic based)."""
        times = [t for t in self.heartbeat_times if since is None or t >= since]
        return max((b - a for a, b in itertools.pairwise(times)), default=0.0)

    # -- websocket handler ------------------------------------------------------------------

    async def _gateway_handler(self, request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse(max_msg_size=0, autoping=True)
        await ws.prepare(request)
        conn = GatewayConnection(ws=ws, path=request.path)
        self.connections.append(conn)
        hello = {"op": 10, "d": {"heartbeat_interval": self.heartbeat_interval_ms}, "s": None}
        await ws.send_str(json.dumps({**hello, "t": None}))
        try:
            async for msg in ws:
                if msg.type is WSMsgType.TEXT:
                    await self._on_frame(conn, json.loads(msg.data))
                elif msg.type is WSMsgType.ERROR:
                    break
        finally:
            if conn.session is not None and conn.session.conn is conn:
                conn.session.conn = None
                if conn.session is self._session:
                    self._ready.clear()
        return ws

    async def _send(self, conn: GatewayConnection, frame: JSON) -> None:
        async with conn.lock:
            if not conn.ws.closed:
                await conn.ws.send_str(json.dumps(frame))

    async def _on_frame(self, conn: GatewayConnection, frame: JSON) -> None:
        op = frame.get("op")
        self.gateway_log.append(frame)
        if op == 1:
            self.heartbeat_times.append(time.monotonic())
            await self._send(conn, {"op": 11, "d": None})
        elif op == 2:
            await self._identify(conn, frame["d"])
        elif op == 6:
            await self._resume(conn, frame["d"])
        elif op == 8:
            await self._request_members(conn, frame["d"])
        self._notify()

    async def _identify(self, conn: GatewayConnection, data: JSON) -> None:
        if data.get("token") != self.token:
            await conn.ws.close(code=4004, message=b"Authentication failed.")
            return
        privileged = (1 << 1) | (1 << 8) | (1 << 15)  # members, presences, message content
        if not self.privileged_intents and (data.get("intents") or 0) & privileged:
            # https://discord.com/developers/docs/topics/opcodes-and-status-codes#gateway-gateway-close-event-codes
            await conn.ws.close(code=4014, message=b"Disallowed intent(s).")
            return
        self.identify_payloads.append(data)
        shard = data.get("shard")
        shard_id, self._shard_total = (shard[0], shard[1]) if shard else (0, 1)
        session = GatewaySession(secrets.token_hex(16), shard, data.get("intents"))
        self._sessions[session.session_id] = session
        self._shard_sessions[shard_id] = session
        session.conn = conn
        conn.session = session
        owns_guild = session is self._session
        ready: JSON = {
            "v": 10,
            "user": {**self.bot_user, "verified": True, "mfa_enabled": False},
            "guilds": [{"id": str(self.guild_id), "unavailable": True}] if owns_guild else [],
            "session_id": session.session_id,
            "session_type": "normal",
            "resume_gateway_url": self.resume_gateway_url,
            "application": {"id": str(self.application_id), "flags": 0},
            "private_channels": [],
            "relationships": [],
            "user_settings": {},
            "presences": [],
            "geo_ordered_rtc_regions": [],
            "guild_join_requests": [],
        }
        if shard is not None:
            ready["shard"] = shard
        await self.dispatch("READY", ready, session=session)
        if owns_guild:
            await self.dispatch("GUILD_CREATE", self.guild_create_payload(), session=session)
            self._ready.set()
        self._notify()

    async def _resume(self, conn: GatewayConnection, data: JSON) -> None:
        session = self._sessions.get(data.get("session_id") or "")
        if session is None or data.get("token") != self.token:
            await self._send(conn, {"op": 9, "d": False})
            return
        if session.conn is not None and session.conn is not conn:
            await session.conn.ws.close(code=4000)
        self.resume_count += 1
        async with session.lock:
            session.conn = conn
            conn.session = session
            last = data.get("seq") or 0
            for frame in session.buffer:
                if frame["s"] > last:
                    await conn.ws.send_str(json.dumps(frame))
        await self.dispatch("RESUMED", {}, session=session)
        if session is self._session:
            self._ready.set()
        self._notify()

    async def _request_members(self, conn: GatewayConnection, data: JSON) -> None:
        if conn.session is None:
            return
        chunk = {
            "guild_id": str(self.guild_id),
            "members": self.member_list(),
            "chunk_index": 0,
            "chunk_count": 1,
            "not_found": [],
        }
        if data.get("presences"):
            chunk["presences"] = []
        if data.get("nonce"):
            chunk["nonce"] = data["nonce"]
        await self.dispatch("GUILD_MEMBERS_CHUNK", chunk, session=conn.session)
