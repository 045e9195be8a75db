"""``studybot chat``: the Discord commands, in a terminal, over the same Engine."""

from __future__ import annotations

import shlex
import sys
from typing import TYPE_CHECKING

from rich.console import Console

from bot.config import Locations

if TYPE_CHECKING:
    from index import Engine

HELP = """Type a question, or one of:
  /search QUERY        find resources
  /path TOPIC [LEVEL]  a learning path
  /topics              the catalog's topics
  /tokenize TEXT       how text splits into tokens
  /reindex             rebuild the index after catalog edits
  /quit                leave (or Ctrl-D)"""


def run_chat(loc: Locations, out: Console, err: Console) -> None:
    from bot.terminal.common import open_engine

    engine = open_engine(loc)
    interactive = sys.stdin.isatty()
    if interactive:
        out.print(f"studybot: {len(engine.catalog.resources)} resources. /help for commands.")
    while True:
        try:
            line = input("> ") if interactive else sys.stdin.readline()
        except (EOFError, KeyboardInterrupt):
            break
        if not interactive and not line:
            break
        line = line.strip()
        if not line:
            continue
        if line in ("/quit", "/exit"):
            break
        try:
            engine = handle(line, engine, loc, out)
        except Exception as error:  # one bad line must not end the session
            err.print(f"error: {error}", markup=False)


def handle(line: str, engine: Engine, loc: Locations, out: Console) -> Engine:
    """Run one chat line; returns the engine to use next (a new one after /reindex)."""
    from bot.terminal import render as terminal

    if not line.startswith("/"):
        out.print(terminal.render_answer(engine.answer(line)))
        return engine
    command, _, rest = line[1:].partition(" ")
    rest = rest.strip()
    if command == "help":
        out.print(HELP, markup=False)
    elif command == "search":
        hits = engine.search(rest)
        out.print(terminal.render_hits(hits) if hits else "No resources match.")
    elif command == "path":
        words = shlex.split(rest)
        if not words:
            out.print("Usage: /path TOPIC [LEVEL]")
        else:
            level = words[1] if len(words) > 1 else None
            out.print(terminal.render_path(engine.path(words[0], level), engine.catalog))
    elif command == "topics":
        out.print(terminal.render_topics(engine.catalog))
    elif command == "tokenize":
        from index import split_tokens, wordpiece_split

        split = split_tokens(rest)
        if not split.tokens:
            out.print("Nothing to tokenize.")
        else:
            out.print(terminal.render_tokens(split, wordpiece_split(rest)))
    elif command == "reindex":
        from index import Engine as EngineClass

        new_engine, report = EngineClass.build(loc.catalog(), engine.embedder, loc.index_dir)
        out.print(terminal.render_build(report), markup=False)
        return new_engine
    else:
        out.print(f"Unknown command /{command}. /help lists the commands.", markup=False)
    return engine
