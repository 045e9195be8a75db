"""The fake Discord on its own thread and event loop, as the real Discord is.

For code that runs its own loop (``studybot run`` calls ``asyncio.run``) and for the benchmark,
where the bot's loop must carry only the bot's work.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Coroutine
from typing import Any, TypeVar

from .discord_server import FakeDiscord

T = TypeVar("T")


class FakeOnItsOwnLoop:
    def __init__(self, **options: Any) -> None:
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self.thread.start()
        self.fake = FakeDiscord(**{"interaction_deadline": None, **options})

    async def call(self, coro: Coroutine[Any, Any, T]) -> T:
        """Run ``coro`` on the fake's loop, from another loop."""
        return await asyncio.wrap_future(asyncio.run_coroutine_threadsafe(coro, self.loop))

    def run(self, coro: Coroutine[Any, Any, T], timeout: float = 10) -> T:
        """Run ``coro`` on the fake's loop, from plain (non-async) code."""
        return asyncio.run_coroutine_threadsafe(coro, self.loop).result(timeout)

    def stop(self) -> None:
        asyncio.run_coroutine_threadsafe(self.fake.close(), self.loop).result(10)
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(10)
