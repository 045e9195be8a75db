"""``python -m tests.fakes.link_server``: a small web site on 127.0.0.1 for the link checker.

Prints its port on the first line of stdout, then serves until killed:

    /ok, /new          200
    /old               301 -> /new (a permanent move the checker reports)
    /temporary         302 -> /ok (a temporary one it follows silently)
    /missing           404
    /busy              429 with Retry-After: 1 on the first request, then 200
    /broken            503 every time
    /slow              200 after 1 s
    /stats             JSON: requests per path and the most requests in flight at once
"""

from __future__ import annotations

import asyncio
import collections
import socket
import sys

from aiohttp import web

hits: collections.Counter[str] = collections.Counter()
in_flight = 0
max_in_flight = 0


@web.middleware
async def count(request: web.Request, handler):  # type: ignore[no-untyped-def]
    global in_flight, max_in_flight
    if request.path == "/stats":
        return await handler(request)
    hits[request.path] += 1
    in_flight += 1
    max_in_flight = max(max_in_flight, in_flight)
    try:
        return await handler(request)
    finally:
        in_flight -= 1


async def ok(request: web.Request) -> web.Response:
    await asyncio.sleep(0.05)  # long enough for concurrent requests to overlap
    return web.Response(text="fine")


async def old(request: web.Request) -> web.Response:
    raise web.HTTPMovedPermanently("/new")


async def temporary(request: web.Request) -> web.Response:
    raise web.HTTPFound("/ok")


async def missing(request: web.Request) -> web.Response:
    raise web.HTTPNotFound()


async def busy(request: web.Request) -> web.Response:
    if hits[request.path] == 1:
        raise web.HTTPTooManyRequests(headers={"Retry-After": "1"})
    return web.Response(text="now fine")


async def broken(request: web.Request) -> web.Response:
    raise web.HTTPServiceUnavailable()


async def slow(request: web.Request) -> web.Response:
    await asyncio.sleep(1.0)
    return web.Response(text="eventually")


async def stats(request: web.Request) -> web.Response:
    return web.json_response({"hits": dict(hits), "max_in_flight": max_in_flight})


async def main() -> None:
    app = web.Application(middlewares=[count])
    for path, handler in [
        ("/ok", ok),
        ("/new", ok),
        ("/old", old),
        ("/temporary", temporary),
        ("/missing", missing),
        ("/busy", busy),
        ("/broken", broken),
        ("/slow", slow),
        ("/stats", stats),
    ]:
        app.router.add_get(path, handler)
    app.router.add_get("/page/{n}", ok)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    await web.SockSite(runner, sock).start()
    print(sock.getsockname()[1], flush=True)
    await asyncio.Event().wait()


if __name__ == "__main__":
    try:
        asyncio.run(main())
    except KeyboardInterrupt:
        sys.exit(0)
