"""`make bench`, bot part: a burst of 50 questions through the bot's own handlers.

The real bot runs against the local fake Discord (tests/fakes). Printed: throughput of the
burst against the same questions one by one (micro-batching), time to first response (the
deferral Discord needs within 3 s), and the event loop's worst lag while the burst runs.
"""

from __future__ import annotations

import asyncio
import statistics
import tempfile
import time
from pathlib import Path
from typing import TypeVar

from rich.console import Console
from rich.table import Table

from bot import create_bot
from bot.config import Locations, Settings
from tests.eval.dataset import load_questions
from tests.fakes import FakeDiscord, FakeInteraction
from tests.fakes.threaded import FakeOnItsOwnLoop

T = TypeVar("T")

BURST = 50


def answered(interaction: FakeInteraction) -> bool:
    original = interaction.original or {}
    return bool(original.get("embeds")) or bool(interaction.followups)


def first_response_ms(fake: FakeDiscord, interaction: FakeInteraction, sent: float) -> float:
    [callback] = [r for r in fake.requests if f"/interactions/{interaction.id}/" in r.path]
    return (callback.at - sent) * 1000


async def ask_all(remote: FakeOnItsOwnLoop, questions: list[str]) -> list[FakeInteraction]:
    """Send the questions at once and wait until every asker sees an answer."""
    fake = remote.fake

    async def burst() -> list[FakeInteraction]:
        sent = await asyncio.gather(*(fake.slash("ask", {"question": q}) for q in questions))
        await fake.wait_until(lambda: all(answered(i) for i in sent), timeout=120)
        return list(sent)

    return await remote.call(burst())


async def watch_lag(stop: asyncio.Event, lags: list[float]) -> None:
    """Sleep 10 ms again and again; how late each wake-up comes is the loop's lag."""
    while not stop.is_set():
        before = time.perf_counter()
        await asyncio.sleep(0.01)
        lags.append(time.perf_counter() - before - 0.01)


async def measure(index_dir: Path) -> list[tuple[str, str, str]]:
    on_topic, _ = load_questions()
    questions = [item["q"] for item in on_topic][:BURST]
    remote = FakeOnItsOwnLoop()
    await remote.call(remote.fake.start())
    settings = Settings(  # type: ignore[call-arg]
        _env_file=None,
        STUDYBOT_INDEX_DIR=str(index_dir),
        STUDYBOT_ASK_COOLDOWN_SECONDS=0,
        STUDYBOT_QUEUE_NOTICE_AFTER=1000,
        STUDYBOT_FEEDBACK_DB=str(index_dir.parent / "feedback.sqlite3"),
        DISCORD_GUILD_ID=remote.fake.guild_id,
    )
    bot = create_bot(settings, guild_ready_timeout=0.05)
    try:
        with remote.fake.patch_discord():
            runner = asyncio.create_task(bot.start(remote.fake.token))
            await asyncio.wait_for(bot.wait_until_ready(), 60)
            for question in questions[:3]:  # warm up
                await ask_all(remote, [question])
            started = time.perf_counter()
            for question in questions:
                await ask_all(remote, [question])
            serial = time.perf_counter() - started

            stop, lags = asyncio.Event(), []
            watcher = asyncio.create_task(watch_lag(stop, lags))
            started, sent_at = time.perf_counter(), time.monotonic()
            interactions = await ask_all(remote, questions)
            burst = time.perf_counter() - started
            stop.set()
            await watcher
            firsts = [first_response_ms(remote.fake, i, sent_at) for i in interactions]
            batches = list(bot.batcher.batches)
            await bot.close()
            await runner
    finally:
        remote.stop()
    p95 = sorted(firsts)[int(0.95 * len(firsts)) - 1]
    return [
        ("one by one", f"{BURST / serial:.1f} questions/s", f"{serial:.2f} s for {BURST}"),
        (
            "burst of 50",
            f"{BURST / burst:.1f} questions/s",
            f"{serial / burst:.1f}x one by one (goal >= 3x); batches {batches[-4:]}",
        ),
        (
            "time to first response",
            f"p50 {statistics.median(firsts):.0f} / p95 {p95:.0f} ms",
            "the deferral (goal p95 < 300 ms)",
        ),
        ("max event-loop lag", f"{max(lags) * 1000:.0f} ms", "during the burst (goal < 100 ms)"),
    ]


def main() -> None:
    with tempfile.TemporaryDirectory(prefix="studybot-bench-bot-") as work:
        index_dir = Path(work) / "index"
        locations = Locations.from_settings(Settings(), None, str(index_dir))
        locations.engine()
        rows = asyncio.run(measure(index_dir))
    table = Table(title="studybot bench: Discord burst", title_justify="left")
    for column in ("measure", "value", "note"):
        table.add_column(column)
    for row in rows:
        table.add_row(*row)
    Console().print(table)


if __name__ == "__main__":
    main()
