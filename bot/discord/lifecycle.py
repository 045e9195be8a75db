"""Running the Discord bot until it is told to stop, and stopping cleanly (``docker stop``).

On SIGTERM or SIGINT: new questions are turned away with a short note, the questions already
being answered get up to the grace period to finish, then the gateway and the feedback database
are closed and the process exits 0. A second signal does not cut the grace short: an operator
who wants it gone now has SIGKILL.
"""

from __future__ import annotations

import asyncio
import logging
import signal
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import discord

    from bot.discord.client import StudyBotMixin

log = logging.getLogger("studybot")

# The tasks discord.py runs a slash command or a message listener in (app_commands/tree.py,
# client.py ``_schedule_event``): what is "in flight" besides the answer queue.
IN_FLIGHT_TASKS = ("CommandTree-invoker", "discord.py: on_message")
RESTARTING = "studybot is restarting and takes no new questions: ask again in a minute."


async def run_until_stopped(bot: StudyBotMixin, token: str, grace: float) -> None:
    """Run ``bot`` until the gateway ends or a stop signal arrives; then stop cleanly."""
    loop = asyncio.get_running_loop()
    stop = asyncio.Event()
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, stop.set)
    client: discord.Client = bot  # type: ignore[assignment]
    try:
        async with client:
            gateway = asyncio.create_task(client.start(token), name="studybot-gateway")
            stopped = asyncio.create_task(stop.wait(), name="studybot-stop-signal")
            done, _ = await asyncio.wait({gateway, stopped}, return_when=asyncio.FIRST_COMPLETED)
            if gateway in done:
                stopped.cancel()
                gateway.result()  # a failed login is raised, not swallowed
                return
            await shut_down(bot, grace)
            await gateway
    finally:
        for signum in (signal.SIGTERM, signal.SIGINT):
            loop.remove_signal_handler(signum)
    log.info("stopped cleanly")


async def shut_down(bot: StudyBotMixin, grace: float) -> None:
    """Stop taking questions, let those in flight finish (at most ``grace`` s), then close."""
    bot.accepting = False
    log.info("stop requested: no new questions; finishing those in flight (up to %.0f s)", grace)
    unfinished = await finish_in_flight(bot, grace)
    if unfinished:
        log.warning(
            "%d questions were still in flight after %.0f s; stopping anyway", unfinished, grace
        )
    await bot.close()


async def finish_in_flight(bot: StudyBotMixin, grace: float) -> int:
    """Wait for running commands and queued answers; return how many did not finish."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + grace
    current = asyncio.current_task()
    while True:
        busy: set[asyncio.Future[Any]] = {
            task
            for task in asyncio.all_tasks()
            if task is not current and not task.done() and task.get_name() in IN_FLIGHT_TASKS
        }
        busy |= bot.batcher.pending
        remaining = deadline - loop.time()
        if not busy or remaining <= 0:
            return len(busy)
        await asyncio.wait(busy, timeout=remaining)


async def refuse_when_stopping(bot: StudyBotMixin, interaction: discord.Interaction) -> bool:
    """The command tree's global check: while stopping, say so instead of starting work."""
    if bot.accepting:
        return True
    await interaction.response.send_message(RESTARTING, ephemeral=True)
    return False
