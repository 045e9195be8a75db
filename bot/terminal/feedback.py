"""``studybot feedback report``: the catalog's to-do list from the bot's database.

The same report as ``/gaps`` in Discord: questions answered "nothing" or "partial", and the
ones voted down, most asked first, with the last date asked and what voters said was missing.
"""

from __future__ import annotations

import asyncio
from dataclasses import asdict

import click

from bot.terminal.common import friendly_errors, out, print_json, settings


@click.group("feedback")
def feedback_group() -> None:
    """What learners asked that the catalog answers badly."""


@feedback_group.command("report")
@click.option("-n", "limit", default=30, show_default=True, type=click.IntRange(1, 1000))
@click.option("--json", "as_json", is_flag=True)
@friendly_errors
def feedback_report(limit: int, as_json: bool) -> None:
    """Questions answered "nothing" or "partial", or voted down; most frequent first."""
    from bot.present import gap_lines
    from bot.storage import SqliteStorage

    path = settings().database
    if not path.exists():
        raise ValueError(f"no bot database at {path} yet (STUDYBOT_FEEDBACK_DB)")

    async def read() -> list:  # type: ignore[type-arg]
        storage = SqliteStorage(path)
        try:
            return await storage.gaps(limit)
        finally:
            await storage.close()

    gaps = asyncio.run(read())
    if as_json:
        for gap in gaps:
            print_json(asdict(gap))
    elif not gaps:
        out.print("No gaps yet: every question so far was answered, and none voted down.")
    else:
        for line in gap_lines(gaps):
            out.print(line)
