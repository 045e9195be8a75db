"""A local fake of Discord's gateway and REST API for driving the real discord.py client in tests.

The fake owns one guild (channels, roles, a regular member, an admin member, the bot) and lets a
test act as a Discord user: run slash commands, click buttons, post messages, drop the socket,
inject 429s. Everything the bot sends is recorded and applied to a message store, so assertions
read what a user would see rather than which library calls were made.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import socket
from collections.abc import AsyncIterator, Callable, Iterator
from typing import TYPE_CHECKING, Any, TypeVar

from aiohttp import web

from .discord_payloads import JSON
from .discord_threads import FakeThreads
from .discord_world import UserRef

if TYPE_CHECKING:
    import discord

ClientT = TypeVar("ClientT", bound="discord.Client")


class FakeDiscord(FakeThreads):
    """Fake Discord on 127.0.0.1 with one guild; see module docstring.

    Well-known objects: `guild_id`, `channel_id` (#general), `other_channel_id` (#study),
    `role_id` (Student), `admin_role_id` (Admin: Administrator + Manage Guild), `bot_user`,
    `user` (regular member "alice"), `admin` (guild owner "bob"), `application_id`,
    `forum_id` (a forum with an "Answered" tag, `answered_tag_id`), `bare_forum_id` (no tags).
    """

    def __init__(
        self,
        *,
        token: str = "fake-bot-token",
        heartbeat_interval_ms: int = 1000,
        interaction_deadline: float | None = 3.0,
        interaction_token_ttl: float = 15 * 60,
        echo_bot_messages: bool = True,
        shard_count: int = 1,
    ) -> None:
        # Config first: the base-class constructors below may read it.
        self.token = token
        self.heartbeat_interval_ms = heartbeat_interval_ms
        self.interaction_deadline = interaction_deadline
        self.interaction_token_ttl = interaction_token_ttl
        self.echo_bot_messages = echo_bot_messages
        self.shard_count = shard_count
        self.port = 0
        self._runner: web.AppRunner | None = None

        super().__init__()

    # -- lifecycle --------------------------------------------------------------------------

    async def start(self) -> None:
        """Serve on a random free port on 127.0.0.1 (never any other interface)."""
        app = web.Application()
        app.router.add_get("/gateway", self._gateway_handler)
        app.router.add_get("/resume", self._gateway_handler)
        app.router.add_get("/attachments/{cid}/{aid}/{name}", self._attachment_handler)
        app.router.add_route("*", "/api/v10/{tail:.*}", self._rest_handler)
        self._runner = web.AppRunner(
            app, handle_signals=False, access_log=None, shutdown_timeout=0.5
        )
        await self._runner.setup()
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.bind(("127.0.0.1", 0))
        self.port = sock.getsockname()[1]
        await web.SockSite(self._runner, sock).start()

    async def close(self) -> None:
        """Close open sockets and the server."""
        for conn in self.connections:
            if not conn.ws.closed:
                with contextlib.suppress(Exception):
                    await asyncio.wait_for(conn.ws.close(code=1001), 1.0)
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def __aenter__(self) -> FakeDiscord:
        await self.start()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()

    @contextlib.contextmanager
    def patch_discord(self) -> Iterator[FakeDiscord]:
        """Point discord.py's REST base and default gateway at this fake; restore on exit."""
        import yarl
        from discord.gateway import DiscordWebSocket
        from discord.http import Route

        old = Route.BASE, DiscordWebSocket.DEFAULT_GATEWAY
        Route.BASE = self.api_base
        DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(self.gateway_url)
        try:
            yield self
        finally:
            Route.BASE, DiscordWebSocket.DEFAULT_GATEWAY = old

    # -- waiting ----------------------------------------------------------------------------

    async def wait_until(self, predicate: Callable[[], Any], timeout: float = 5.0) -> Any:
        """Wait until `predicate()` is truthy (re-checked on every REST call / gateway event)."""
        return await self._wait_until(predicate, timeout, "condition")

    async def wait_for_message(
        self,
        predicate: Callable[[JSON], bool] | None = None,
        *,
        channel_id: int | None = None,
        author: UserRef = None,
        timeout: float = 5.0,
    ) -> JSON:
        """First stored message (by default from the bot) matching `predicate`."""
        author_id = str(self._uid(author) if author is not None else self.bot_user_id)

        def find() -> JSON | None:
            for msg in self.messages.values():
                if msg["author"]["id"] != author_id:
                    continue
                if channel_id is not None and msg["channel_id"] != str(channel_id):
                    continue
                if predicate is None or predicate(msg):
                    return msg
            return None

        found: JSON = await self._wait_until(find, timeout, "a matching message")
        return found


async def _first(task: asyncio.Task[Any], waiter: Any, timeout: float, what: str) -> None:
    """Await `waiter` but fail fast with the bot's own exception if the bot task dies first."""
    fut = asyncio.ensure_future(waiter)
    done, _ = await asyncio.wait({task, fut}, timeout=timeout, return_when=asyncio.FIRST_COMPLETED)
    if fut in done:
        fut.result()
        return
    fut.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await fut
    if task in done:
        task.result()
        raise RuntimeError(f"bot stopped before {what}")
    raise TimeoutError(f"bot not {what} within {timeout}s")


@contextlib.asynccontextmanager
async def running_bot(
    fake: FakeDiscord,
    bot: ClientT,
    *,
    timeout: float = 10.0,
    fast_reconnect: bool = True,
) -> AsyncIterator[ClientT]:
    """Patch discord.py, start `bot` against `fake`, wait for on_ready; close cleanly on exit.

    `fast_reconnect` removes discord.py's 5 s sleep before a re-IDENTIFY so tests stay quick.
    """
    with fake.patch_discord():
        if fast_reconnect:

            async def _no_identify_delay(shard_id: int | None, *, initial: bool = False) -> None:
                return None

            bot.before_identify_hook = _no_identify_delay  # type: ignore[method-assign]
        task = asyncio.create_task(bot.start(fake.token), name="fake-discord-bot")
        try:
            await _first(task, fake.wait_ready(timeout), timeout, "identified")
            await _first(task, bot.wait_until_ready(), timeout, "ready")
            yield bot
        finally:
            await bot.close()
            with contextlib.suppress(asyncio.CancelledError):
                await asyncio.wait_for(task, timeout)
            await _cancel_library_tasks()


async def _cancel_library_tasks() -> None:
    """Cancel discord.py tasks that `Client.close()` leaves behind (view timeouts, a pending
    `_delay_ready`), so every test ends with no stray tasks on the loop."""
    await asyncio.sleep(0)
    current = asyncio.current_task()
    leftovers = []
    for t in asyncio.all_tasks():
        code = getattr(t.get_coro(), "cr_code", None)
        filename = getattr(code, "co_filename", "")
        if t is not current and not t.done() and f"{os.sep}discord{os.sep}" in filename:
            t.cancel()
            leftovers.append(t)
    if leftovers:
        await asyncio.gather(*leftovers, return_exceptions=True)
