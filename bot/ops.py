"""Health for operators: ``studybot health``, the bot's heartbeat file, and the optional HTTP
endpoint (/healthz, Prometheus /metrics) on loopback.

The heartbeat is a small JSON file the running bot rewrites while it is connected; the health
command (a Docker healthcheck runs it in the same container) reads its age. No socket is
needed for that, so the HTTP endpoint stays off unless an operator asks for it.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import os
import time
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import discord
    from aiohttp import web

    from bot.discord.client import StudyBotMixin

log = logging.getLogger("studybot")
HEARTBEAT_EVERY = 30.0


def write_heartbeat(path: Path, ready: bool, version: str) -> None:
    """Atomically record that the bot is alive (and whether it is connected and ready)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        tmp.write_text(
            json.dumps({"time": time.time(), "ready": ready, "pid": os.getpid(), "index": version}),
            encoding="utf-8",
        )
        os.replace(tmp, path)
    except OSError:
        tmp.unlink(missing_ok=True)
        raise


def check_health(index_dir: Path, bot: bool, max_age: float, heartbeat: Path) -> list[str]:
    """What is wrong, as short sentences; empty when healthy."""
    from index import IndexProblem, current_version, load_snapshot, load_tables, load_version

    problems = []
    try:
        version = current_version(index_dir)
        manifest, documents, _ = load_version(version)
        load_tables(version, manifest, len(documents))
        load_snapshot(version)
    except IndexProblem as error:
        problems.append(f"the index does not load: {error}")
    if bot:
        path = heartbeat
        try:
            beat = json.loads(path.read_text(encoding="utf-8"))
            age = time.time() - float(beat["time"])
            ready = bool(beat.get("ready"))
        except (OSError, ValueError, KeyError, TypeError):
            problems.append(f"the bot has not reported in ({path} missing or unreadable)")
        else:
            if age > max_age:
                problems.append(f"the bot last reported {age:.0f} s ago (limit {max_age:.0f} s)")
            elif not ready:
                problems.append("the bot is running but not connected to Discord")
    return problems


async def heartbeat_loop(bot: StudyBotMixin, path: Path) -> None:
    """Say "starting" at once, then "ready" as soon as the gateway is, then every
    HEARTBEAT_EVERY seconds until cancelled."""
    client: discord.Client = bot  # type: ignore[assignment]
    await _beat(path, client.is_ready(), bot.engine.version)
    await client.wait_until_ready()
    while True:
        await _beat(path, client.is_ready(), bot.engine.version)
        await asyncio.sleep(HEARTBEAT_EVERY)


async def _beat(path: Path, ready: bool, version: str) -> None:
    try:
        await asyncio.to_thread(write_heartbeat, path, ready, version)
    except OSError as error:
        log.warning("cannot write the heartbeat %s: %s", path, error.strerror)


async def start_http(bot: StudyBotMixin, host: str, port: int) -> web.AppRunner:
    """/healthz (200 when the index is loaded and the gateway ready, else 503) and /metrics."""
    from aiohttp import web
    from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

    from bot import metrics

    latency = getattr(bot, "latency", None)
    if latency is not None:
        metrics.GATEWAY_LATENCY.set_function(lambda: _finite(getattr(bot, "latency", 0.0)))

    async def healthz(request: web.Request) -> web.Response:
        ready = bool(getattr(bot, "is_ready", lambda: False)())
        loaded = getattr(bot, "engine", None) is not None
        body = {"status": "ok" if ready and loaded else "starting", "ready": ready,
                "index": bot.engine.version if loaded else None}  # fmt: skip
        return web.json_response(body, status=200 if ready and loaded else 503)

    async def metrics_page(request: web.Request) -> web.Response:
        data = generate_latest(metrics.REGISTRY)
        response = web.Response(body=data)
        response.headers["Content-Type"] = CONTENT_TYPE_LATEST
        return response

    app = web.Application()
    app.router.add_get("/healthz", healthz)
    app.router.add_get("/metrics", metrics_page)
    runner = web.AppRunner(app, access_log=None, handle_signals=False)
    await runner.setup()
    site = web.TCPSite(runner, host, port)
    await site.start()
    log.info("health and metrics on http://%s:%d/healthz and /metrics", host, port)
    return runner


def _finite(value: float) -> float:
    return value if value == value and value != float("inf") else 0.0


async def stop(task: asyncio.Task[None] | None, runner: web.AppRunner | None) -> None:
    if task is not None:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
    if runner is not None:
        await runner.cleanup()
