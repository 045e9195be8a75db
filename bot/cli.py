"""The ``studybot`` command line: a thin shell over the same Engine the Discord bot uses.

Exit codes: 0 ok, 1 invalid catalog, 2 bad input or no index, 3 build failed.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterator
from functools import wraps
from typing import TYPE_CHECKING, Any, TypeVar

import click
from rich.console import Console

from bot.context import Locations
from catalog.vocabulary import KINDS, LEVELS

if TYPE_CHECKING:
    from index import Engine

out = Console(highlight=False, soft_wrap=False)
err = Console(stderr=True, highlight=False)
F = TypeVar("F", bound=Callable[..., Any])


def print_json(value: Any) -> None:
    click.echo(json.dumps(value, ensure_ascii=False))


def friendly_errors(command: F) -> F:
    """Bad input ends in one line on stderr and a non-zero exit, never a traceback."""

    @wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        from catalog import CatalogError
        from index.errors import BuildFailed, IndexProblem
        from index.paths import UnknownTopic
        from index.token_split import UnknownEncoding

        try:
            return command(*args, **kwargs)
        except CatalogError as error:
            for problem in error.problems:
                click.echo(str(problem), err=True)
            raise SystemExit(1) from None
        except BuildFailed as error:
            click.echo(f"error: {error}", err=True)
            raise SystemExit(3) from None
        except (IndexProblem, UnknownTopic, UnknownEncoding, ValueError) as error:
            click.echo(f"error: {error}", err=True)
            raise SystemExit(2) from None

    return wrapper  # type: ignore[return-value]


def location_options(command: F) -> F:
    command = click.option(
        "--catalog",
        "catalog_dir",
        envvar="STUDYBOT_CATALOG_DIR",
        help="Catalog folder (default: the bundled catalog).",
    )(command)
    command = click.option(
        "--index",
        "index_dir",
        envvar="STUDYBOT_INDEX_DIR",
        help="Index folder (default: ~/.local/share/studybot/index).",
    )(command)
    return command


def open_engine(loc: Locations) -> Engine:
    from bot.terminal import build_progress

    loc.announce = announce
    with build_progress(err) as progress:
        engine = loc.engine(progress)
    for notice in engine.notices:
        err.print(f"note: {notice}", markup=False)
    return engine


def announce(message: str) -> None:
    err.print(message, markup=False, style="dim")


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="studybot")
def main() -> None:
    """studybot: recommended resources and notes for learning about LLMs."""


@main.command()
@click.argument("question")
@click.option("--json", "as_json", is_flag=True, help="Print JSON (one object per line).")
@click.option("-k", "k", default=5, show_default=True, type=click.IntRange(1, 50))
@location_options
@friendly_errors
def ask(
    question: str, as_json: bool, k: int, catalog_dir: str | None, index_dir: str | None
) -> None:
    """Answer QUESTION from the catalog; '-' reads one question per line from stdin."""
    from bot.terminal import render_answer

    engine = open_engine(Locations.from_options(catalog_dir, index_dir))
    questions: Iterator[list[str]] = _stdin_batches() if question == "-" else iter([[question]])
    for batch in questions:
        for answer in engine.answer_many(batch, k=k):
            if as_json:
                print_json(answer.to_json())
            else:
                out.print(render_answer(answer))


def _stdin_batches(size: int = 32) -> Iterator[list[str]]:
    batch: list[str] = []
    for line in sys.stdin:
        if line.strip():
            batch.append(line.strip())
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


@main.command()
@click.argument("query", default="")
@click.option("--topic", help="Only resources on this topic.")
@click.option("--kind", type=click.Choice(KINDS))
@click.option("--level", type=click.Choice(LEVELS))
@click.option("--free", is_flag=True, default=None, help="Only free resources.")
@click.option("-k", "k", default=10, show_default=True, type=click.IntRange(1, 100))
@click.option("--json", "as_json", is_flag=True)
@location_options
@friendly_errors
def search(
    query: str,
    topic: str | None,
    kind: str | None,
    level: str | None,
    free: bool | None,
    k: int,
    as_json: bool,
    catalog_dir: str | None,
    index_dir: str | None,
) -> None:
    """Find resources for QUERY, optionally filtered."""
    from bot.terminal import render_hits

    engine = open_engine(Locations.from_options(catalog_dir, index_dir))
    hits = engine.search(query, k=k, topic=topic, kind=kind, level=level, free=free)
    if as_json:
        print_json({"results": [hit.to_json() for hit in hits]})
    elif hits:
        out.print(render_hits(hits, title=f"Resources for “{query}”" if query else "Resources"))
    else:
        out.print("No resources match. Try fewer filters or `studybot topics`.")


@main.command()
@click.argument("topic")
@click.option("--level", type=click.Choice(LEVELS))
@click.option("--json", "as_json", is_flag=True)
@location_options
@friendly_errors
def path(
    topic: str, level: str | None, as_json: bool, catalog_dir: str | None, index_dir: str | None
) -> None:
    """A learning path for TOPIC: prerequisites first, beginner before advanced."""
    from bot.terminal import render_path
    from index.paths import learning_path

    catalog = Locations.from_options(catalog_dir, index_dir).served_catalog()
    result = learning_path(catalog, topic, level)
    if as_json:
        print_json(
            {
                "topic": result.topic,
                "level": result.level,
                "steps": [
                    {
                        "id": step.resource.id,
                        "title": step.resource.title,
                        "url": step.resource.url,
                        "kind": step.resource.kind,
                        "level": step.resource.level,
                        "prerequisites": list(step.prerequisites),
                    }
                    for step in result.steps
                ],
            }
        )
    else:
        out.print(render_path(result, catalog))


@main.command()
@click.option("--json", "as_json", is_flag=True)
@location_options
@friendly_errors
def topics(as_json: bool, catalog_dir: str | None, index_dir: str | None) -> None:
    """The catalog's topics and how many resources each has."""
    from bot.terminal import render_topics

    catalog = Locations.from_options(catalog_dir, index_dir).served_catalog()
    if as_json:
        print_json(
            {
                "topics": [
                    {"id": t, "description": d, "resources": len(catalog.by_topic(t))}
                    for t, d in sorted(catalog.topics.items())
                ]
            }
        )
    else:
        out.print(render_topics(catalog))


@main.command()
@click.argument("text")
@click.option("--encoding", default="cl100k_base", show_default=True)
@click.option("--json", "as_json", is_flag=True)
@friendly_errors
def tokenize(text: str, encoding: str, as_json: bool) -> None:
    """Show how TEXT splits into tokens (BPE), beside the embedding model's WordPiece."""
    from bot.terminal import render_tokens
    from index.token_split import WORDPIECE, split_tokens, wordpiece_split

    if text == "-":
        text = sys.stdin.read()
    split = split_tokens(text, encoding)
    if as_json:
        print_json(split.to_json())
        return
    if not split.tokens:
        out.print("Nothing to tokenize: the text is empty.")
        return
    other = wordpiece_split(text) if split.encoding != WORDPIECE else None
    out.print(render_tokens(split, other))


@main.command()
@location_options
@friendly_errors
def chat(catalog_dir: str | None, index_dir: str | None) -> None:
    """Ask questions in the terminal; /help lists the commands."""
    from bot.chat import run_chat

    run_chat(Locations.from_options(catalog_dir, index_dir), out, err)


@main.command()
@location_options
@friendly_errors
def run(catalog_dir: str | None, index_dir: str | None) -> None:
    """Start the Discord bot when DISCORD_TOKEN is set, else the terminal chat."""
    import os

    if os.environ.get("DISCORD_TOKEN"):
        from bot.runner import run_discord

        run_discord(Locations.from_options(catalog_dir, index_dir))
    else:
        err.print("DISCORD_TOKEN is not set: starting the terminal chat.")
        from bot.chat import run_chat

        run_chat(Locations.from_options(catalog_dir, index_dir), out, err)


from bot import cli_ops  # noqa: E402
from bot.cli_admin import catalog_group, index_group  # noqa: E402

main.add_command(catalog_group)
main.add_command(index_group)
cli_ops.register(main, catalog_group)
