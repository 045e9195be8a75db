"""``studybot chat``: the Discord commands, in a terminal, over the same Engine.

Line editing and history come from ``readline`` (history kept in the data folder); Ctrl-C
drops the line being typed, Ctrl-D or /quit leaves.
"""

from __future__ import annotations

import contextlib
import shlex
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from rich.console import Console

from bot.present import topic_or_hint
from bot.terminal import render as terminal
from bot.terminal.common import check_level, open_engine

if TYPE_CHECKING:
    from bot.config import Locations
    from index import Engine

HELP = """Type a question, or one of:
  /search QUERY        find resources
  /path TOPIC [LEVEL]  a learning path
  /topics              the catalog's topics
  /tokenize TEXT       how text splits into tokens
  /reindex             rebuild the index after catalog edits
  /quit                leave (or Ctrl-D)"""


def run_chat(loc: Locations, out: Console, err: Console, history: Path | None = None) -> None:
    engine = open_engine(loc)
    interactive = sys.stdin.isatty()
    if interactive:
        _start_history(history)
        out.print(f"studybot: {len(engine.catalog.resources)} resources. /help for commands.")
    while True:
        try:
            line = input("> ") if interactive else sys.stdin.readline()
        except KeyboardInterrupt:  # like a shell: drop the line, keep the session
            out.print()
            continue
        except EOFError:
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
        except KeyboardInterrupt:
            out.print("(stopped)")
        except Exception as error:  # one bad line must not end the session
            err.print(f"error: {error}")
    if interactive:
        _save_history(history)


def _start_history(history: Path | None) -> None:
    try:
        import readline
    except ImportError:  # not on every platform; input() still works without it
        return
    if history is not None:
        with contextlib.suppress(OSError):
            readline.read_history_file(history)
    readline.set_history_length(1000)


def _save_history(history: Path | None) -> None:
    try:
        import readline
    except ImportError:
        return
    if history is not None:
        with contextlib.suppress(OSError):
            history.parent.mkdir(parents=True, exist_ok=True)
            readline.write_history_file(history)


def handle(line: str, engine: Engine, loc: Locations, out: Console) -> Engine:
    """Run one chat line; returns the engine to use next (a new one after /reindex)."""
    if not line.startswith("/"):
        terminal.show(out, terminal.render_answer(engine.answer(line), engine.catalog))
        return engine
    command, _, rest = line[1:].partition(" ")
    rest = rest.strip()
    if command == "help":
        out.print(HELP)
    elif command == "search":
        hits = engine.search(rest)
        terminal.show(out, terminal.render_hits(hits) if hits else "No resources match.")
    elif command == "path":
        words = shlex.split(rest)
        if not words or len(words) > 2:
            out.print("Usage: /path TOPIC [LEVEL]")
        else:
            topic = topic_or_hint(engine.catalog, words[0])
            level = check_level(words[1] if len(words) > 1 else None)
            terminal.show(out, terminal.render_path(engine.path(topic, level), engine.catalog))
    elif command == "topics":
        out.print(terminal.render_topics(engine.catalog))
    elif command == "tokenize":
        from index import split_tokens, wordpiece_split

        split = split_tokens(rest, tiktoken_cache=loc.tiktoken_dir)
        if not split.tokens:
            out.print("Nothing to tokenize.")
        else:
            out.print(terminal.render_tokens(split, wordpiece_split(rest)))
    elif command == "reindex":
        from index import Engine as EngineClass

        new_engine, report = EngineClass.build(loc.catalog(), engine.embedder, loc.index_dir)
        out.print(terminal.render_build(report))
        return new_engine
    else:
        out.print(f"Unknown command /{command}. /help lists the commands.")
    return engine
