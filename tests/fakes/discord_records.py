"""What the fake Discord remembers: recorded REST requests, injected 429s and interactions.

These are plain data holders with async waiters so tests can assert on "what the user sees"
without sleeping: every mutation calls `_notify()`, and `wait_for` re-checks its predicate.
"""

from __future__ import annotations

import asyncio
import json
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from .discord_payloads import EPHEMERAL, JSON

LOADING = 1 << 7


class Waitable:
    """Mixin: an edge-triggered change signal plus a predicate waiter (no polling sleeps)."""

    def __init__(self) -> None:
        self._changed = asyncio.Event()

    def _notify(self) -> None:
        self._changed.set()
        self._changed = asyncio.Event()

    async def _wait_until(self, predicate: Callable[[], Any], timeout: float, what: str) -> Any:
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while True:
            result = predicate()
            if result:
                return result
            event = self._changed
            remaining = deadline - loop.time()
            if remaining <= 0:
                raise TimeoutError(f"timed out after {timeout}s waiting for {what}")
            try:
                await asyncio.wait_for(event.wait(), remaining)
            except TimeoutError:
                continue


@dataclass
class RecordedPart:
    """One multipart/form-data part (discord.py sends `payload_json` plus `files[n]`)."""

    name: str | None
    filename: str | None
    content_type: str | None
    data: bytes

    @property
    def json(self) -> Any:
        """The part decoded as JSON (for `payload_json`)."""
        return json.loads(self.data)


@dataclass
class RecordedRequest:
    """A REST call as the fake received it, so tests can assert on exact bodies and headers
    (`headers` is case-insensitive)."""

    method: str
    path: str
    query: dict[str, str]
    headers: Mapping[str, str]
    json: Any = None
    body: bytes = b""
    parts: list[RecordedPart] = field(default_factory=list)
    status: int = 0
    response: Any = None
    at: float = 0.0

    @property
    def payload(self) -> Any:
        """The JSON body, whether sent plainly or as the multipart `payload_json` part."""
        if self.json is not None:
            return self.json
        for part in self.parts:
            if part.name == "payload_json":
                return part.json
        return None

    @property
    def files(self) -> list[RecordedPart]:
        """Uploaded file parts."""
        return [p for p in self.parts if p.filename is not None]


@dataclass
class RateLimitRule:
    """A pending injected 429; `hits` are the requests that were answered with it."""

    method: str
    pattern: re.Pattern[str]
    retry_after: float
    remaining: int
    is_global: bool = False
    hits: list[RecordedRequest] = field(default_factory=list)

    def matches(self, method: str, path: str) -> bool:
        """Whether this rule still applies to a request."""
        return self.remaining > 0 and method == self.method and bool(self.pattern.search(path))

    @property
    def triggered(self) -> bool:
        """True once every injected 429 has been served."""
        return self.remaining == 0 and bool(self.hits)


class FakeInteraction(Waitable):
    """One interaction the fake dispatched and everything the bot answered to it.

    `original` is the live @original message (the reply, or for component clicks the message
    holding the component), so later edits are visible without re-fetching.
    """

    def __init__(self, payload: JSON, store: dict[int, JSON], created: float) -> None:
        super().__init__()
        self.payload = payload
        self.id = int(payload["id"])
        self.token: str = payload["token"]
        self.type: int = payload["type"]
        self.channel_id = int(payload["channel_id"])
        self.created = created
        self.message_id: int | None = (
            int(payload["message"]["id"]) if "message" in payload else None
        )
        self.callbacks: list[JSON] = []
        self.followup_ids: list[int] = []
        self.original_id: int | None = None
        self.errors: list[JSON] = []
        self.edits = 0
        self._store = store

    @property
    def response_type(self) -> int | None:
        """The callback type of the initial response (4 message, 5 defer, 7 update, 8 choices)."""
        return self.callbacks[0]["type"] if self.callbacks else None

    @property
    def original(self) -> JSON | None:
        """Current content of @original (None if not created or deleted)."""
        return None if self.original_id is None else self._store.get(self.original_id)

    @property
    def followups(self) -> list[JSON]:
        """Follow-up messages in send order (deleted ones dropped)."""
        return [self._store[i] for i in self.followup_ids if i in self._store]

    @property
    def ephemeral(self) -> bool:
        """Whether the response is only visible to the invoking user."""
        msg = self.original
        if msg is not None and self.response_type in (4, 5):
            return bool(msg["flags"] & EPHEMERAL)
        data = (self.callbacks[0].get("data") or {}) if self.callbacks else {}
        return bool((data.get("flags") or 0) & EPHEMERAL)

    @property
    def choices(self) -> list[JSON] | None:
        """Autocomplete choices (callback type 8)."""
        for cb in self.callbacks:
            if cb["type"] == 8:
                return list((cb.get("data") or {}).get("choices") or [])
        return None

    @property
    def modal(self) -> JSON | None:
        """Modal the bot opened (callback type 9)."""
        for cb in self.callbacks:
            if cb["type"] == 9:
                return cb.get("data")
        return None

    def settled(self) -> bool:
        """Whether the user sees a final answer (not a 'thinking...' placeholder)."""
        rtype = self.response_type
        if rtype is None:
            return False
        if rtype == 5:
            msg = self.original
            return msg is None or not msg["flags"] & LOADING
        if rtype == 6:
            return self.edits > 0 or bool(self.followup_ids)
        return True

    def visible(self) -> JSON:
        """The response as the user sees it now."""
        rtype = self.response_type
        if rtype == 8:
            return {"choices": self.choices}
        if rtype == 9:
            return self.modal or {}
        if self.original is not None:
            return self.original
        if self.followups:
            return self.followups[-1]
        return {}

    async def wait_response(self, timeout: float = 5.0) -> JSON:
        """Wait until the bot answered (defers resolved by an edit or follow-up); return it."""
        await self.wait_for(lambda i: i.settled(), timeout)
        return self.visible()

    async def wait_for(
        self, predicate: Callable[[FakeInteraction], Any], timeout: float = 5.0
    ) -> Any:
        """Wait until `predicate(self)` is truthy (e.g. a second follow-up) and return its value."""
        try:
            return await self._wait_until(lambda: predicate(self), timeout, repr(self))
        except TimeoutError as exc:
            raise TimeoutError(f"{exc}; callbacks={self.callbacks} errors={self.errors}") from None

    def __repr__(self) -> str:
        data = self.payload.get("data") or {}
        name = data.get("name") or data.get("custom_id")
        return f"<FakeInteraction {self.id} type={self.type} {name!r} cb={self.response_type}>"
