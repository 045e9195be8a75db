"""The ``studybot`` command line: a thin shell over the same Engine the Discord bot uses.

Exit codes: 0 ok, 1 invalid catalog, 2 bad input or no index, 3 build failed.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator

import click

from bot.config import Settings, prepare_process
from bot.present import topic_or_hint
from bot.terminal.common import (
    err,
    friendly_errors,
    location_options,
    locations,
    open_engine,
    out,
    print_json,
    settings,
)
from catalog.vocabulary import KINDS, LEVELS


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="studybot")
@click.pass_context
def main(context: click.Context) -> None:
    """studybot: recommended resources and notes for learning about LLMs."""
    context.obj = load_settings()
    prepare_process(context.obj)


def load_settings() -> Settings:
    """The settings, read once; a malformed value is one line, not a validation dump."""
    from pydantic import ValidationError

    try:
        return Settings()
    except ValidationError as error:
        problems = "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in error.errors())
        raise click.ClickException(f"bad setting: {problems}") from None


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
    from bot.terminal.render import render_answer, show

    engine = open_engine(locations(catalog_dir, index_dir))
    questions: Iterator[list[str]] = _stdin_batches() if question == "-" else iter([[question]])
    for batch in questions:
        asked = [q for q in batch if q]
        answers = iter(engine.answer_many(asked, k=k) if asked else [])
        for line in batch:
            if not line:  # one output line per input line, even for a blank one
                if as_json:
                    print_json({"question": "", "error": "empty question"})
                continue
            answer = next(answers)
            if as_json:
                print_json(answer.to_json())
            else:
                show(out, render_answer(answer, engine.catalog))


def _stdin_batches(size: int = 32) -> Iterator[list[str]]:
    batch: list[str] = []
    for line in sys.stdin:
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
    from bot.terminal.render import render_hits, show

    engine = open_engine(locations(catalog_dir, index_dir))
    hits = engine.search(query, k=k, topic=topic, kind=kind, level=level, free=free)
    if as_json:
        print_json({"results": [hit.to_json() for hit in hits]})
    elif hits:
        show(out, render_hits(hits, title=f"Resources for “{query}”" if query else "Resources"))
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
    from bot.terminal.render import render_path, show
    from index import learning_path

    catalog = locations(catalog_dir, index_dir).served_catalog()
    result = learning_path(catalog, topic_or_hint(catalog, topic), level)
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
        show(out, render_path(result, catalog))


@main.command()
@click.option("--json", "as_json", is_flag=True)
@location_options
@friendly_errors
def topics(as_json: bool, catalog_dir: str | None, index_dir: str | None) -> None:
    """The catalog's topics and how many resources each has."""
    from bot.terminal.render import render_topics

    catalog = locations(catalog_dir, index_dir).served_catalog()
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
    from bot.terminal.render import render_tokens
    from index import WORDPIECE, split_tokens, wordpiece_split

    if text == "-":
        text = sys.stdin.read()
    split = split_tokens(text, encoding, settings().tiktoken_folder)
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
    from bot.terminal.chat import run_chat

    run_chat(locations(catalog_dir, index_dir), out, err, settings().data_folder / "chat_history")


@main.command()
@location_options
@friendly_errors
def run(catalog_dir: str | None, index_dir: str | None) -> None:
    """Start the Discord bot when DISCORD_TOKEN is set (environment or .env), else the chat."""
    if settings().discord_token is not None:
        from bot.discord.runner import run_discord

        run_discord(settings(), locations(catalog_dir, index_dir))
    else:
        err.print("DISCORD_TOKEN is not set: starting the terminal chat.")
        from bot.terminal.chat import run_chat

        run_chat(
            locations(catalog_dir, index_dir), out, err, settings().data_folder / "chat_history"
        )


@main.command()
@click.option(
    "--clear-global",
    is_flag=True,
    help="Also remove global commands (after switching to DISCORD_GUILD_ID).",
)
@location_options
@friendly_errors
def sync(clear_global: bool, catalog_dir: str | None, index_dir: str | None) -> None:
    """Sync the slash commands with Discord now; the bot syncs by itself only when they change."""
    from bot.discord.runner import run_sync

    click.echo(run_sync(settings(), locations(catalog_dir, index_dir), clear_global))


def _register() -> None:
    """One line per command group from another module: easy to add, easy to merge."""
    from bot.terminal.admin import catalog_group, index_group
    from bot.terminal.feedback import feedback_group
    from bot.terminal.ops import register_ops

    main.add_command(catalog_group)
    main.add_command(index_group)
    main.add_command(feedback_group)
    register_ops(main, catalog_group)


_register()
