"""Discord text for the maintainer and tool commands: ``/reindex``, ``/gaps``, ``/about``,
``/help`` and ``/tokenize``. Pure, like ``render.py``, whose limits and helpers it uses."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import discord
from discord.utils import escape_markdown

from bot.discord.render import CONFIDENT, LIMITS, TOKENS_FILENAME, clip, fit_embed, join_within
from bot.present import NOTHING_CHANGED, build_changes, build_summary, gap_lines
from bot.tokens import unfence, visible

if TYPE_CHECKING:
    from bot.storage import Gap
    from index import BuildReport, TokenSplit


def build_report_text(report: BuildReport) -> str:
    """The ``/reindex`` reply: the terminal's summary, with changed ids up to the message limit."""
    lines = [build_summary(report)]
    for label, ids in build_changes(report):
        lines.append(f"{label}: {join_within([f'`{i}`' for i in ids], 550, 'more', ', ')}")
    if len(lines) == 1:
        lines.append(NOTHING_CHANGED)
    return clip("\n".join(lines), LIMITS.content)


def gaps_text(gaps: Sequence[Gap]) -> str:
    """``/gaps``: the questions the catalog answers badly, as the terminal report words them."""
    if not gaps:
        return "No gaps yet: every question so far was answered, and none voted down."
    header = "Questions answered \u201cnothing\u201d or \u201cpartial\u201d, or voted down:"
    lines = [escape_markdown(clip(line, 300)) for line in gap_lines(gaps)]
    return f"{header}\n" + join_within(lines, LIMITS.content - len(header) - 1, "more")


def catalog_problems_text(problems: Sequence[object]) -> str:
    """Why ``/reindex`` refused: the ``path:line: message`` lines, then what still serves."""
    ending = "The previous index is still serving."
    if not problems:
        return f"The catalog could not be loaded.\n{ending}"
    header = f"The catalog has {len(problems)} problem{'s' if len(problems) != 1 else ''}:"
    lines = [unfence(clip(str(problem), 300)) for problem in problems]
    room = LIMITS.content - len(header) - len(ending) - len("\n```\n\n```\n")
    return f"{header}\n```\n{join_within(lines, room, 'more')}\n```\n{ending}"


def about_embed(
    resources: int,
    notes: int,
    topics: int,
    built_at: str,
    model: str,
    version: str,
    documents: int,
    notices: tuple[str, ...] = (),
) -> discord.Embed:
    """What this bot is and what it is serving right now (and why it may be out of date)."""
    embed = discord.Embed(
        title="About studybot",
        description=(
            "A study assistant for large language models. Answers quote the curated "
            "catalog's notes and recommend its resources; nothing is generated."
        ),
        colour=CONFIDENT,
    )
    embed.add_field(
        name="Catalog", value=f"{resources} resources · {notes} notes · {topics} topics"
    )
    embed.add_field(name="Index", value=f"{documents} documents · built {built_at or 'never'}")
    embed.add_field(name="Embedding model", value=f"`{model}`")
    if notices:
        embed.add_field(name="Notes", value="\n".join(notices), inline=False)
    embed.set_footer(text=f"studybot {version}")
    return fit_embed(embed)


_COMMANDS = (
    ("/ask", "answer a question from the catalog's notes, with resources to read next"),
    ("/resource", "search resources by keyword, with optional filters"),
    ("/path", "a learning path for a topic, prerequisites first"),
    ("/topics", "every topic and how many resources it has"),
    ("/tokenize", "see how an LLM tokenizer cuts your text, and how the search model does"),
    ("/reindex", "rebuild the index after a catalog change (maintainers)"),
    ("/help", "this message"),
    ("/about", "what the bot is serving: catalog, index, model"),
)


def help_embed() -> discord.Embed:
    """Every way in: slash commands, a mention, and the message menu."""
    lines = [f"`{name}` — {what}" for name, what in _COMMANDS]
    lines += [
        "",
        "**Mention me** with a question, and I answer like `/ask`.",
        "**Recommend resources**: right-click a message (long-press on mobile) → Apps.",
    ]
    embed = discord.Embed(title="studybot help", description="\n".join(lines), colour=CONFIDENT)
    embed.set_footer(text="Answers quote the catalog; nothing is generated.")
    return fit_embed(embed)


def tokenize_embed(split: TokenSplit, wordpiece: TokenSplit | None) -> discord.Embed:
    """Counts and ids next to the picture (``attachment://tokens.png``), WordPiece for contrast."""
    plural = "" if split.count == 1 else "s"
    embed = discord.Embed(title=f"{split.count} token{plural} ({split.encoding})", colour=CONFIDENT)
    ids = [str(token.id) for token in split.tokens]
    shown = join_within(ids, LIMITS.field_value - 10, "more", ", ")
    embed.add_field(name="Token ids", value=f"[{shown}]" if ids else "(none)", inline=False)
    if wordpiece is not None:
        pieces = " | ".join(visible(t.text) for t in wordpiece.tokens) or "(none)"
        embed.add_field(
            name=f"WordPiece, the search model's tokenizer: {wordpiece.count} tokens",
            value=f"```\n{unfence(clip(pieces, LIMITS.field_value - 20))}\n```",
            inline=False,
        )
        diff = split.count - wordpiece.count
        said = "Both need the same number of tokens."
        if diff:
            versus = "more" if diff > 0 else "fewer"
            plural = "" if abs(diff) == 1 else "s"
            said = f"{split.encoding} needs {abs(diff)} {versus} token{plural} than WordPiece."
        embed.add_field(
            name="BPE vs WordPiece",
            value=f"{split.encoding}: {split.count} tokens, {wordpiece.encoding}: "
            f"{wordpiece.count} ({'+' if diff >= 0 else ''}{diff}). {said}",
            inline=False,
        )
    embed.set_image(url=f"attachment://{TOKENS_FILENAME}")
    embed.set_footer(text="Same id, same colour · a dot is a space, ↵ a newline")
    return fit_embed(embed)
