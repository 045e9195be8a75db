"""Engine results -> Discord embeds and message text. Pure: no client, no engine calls.

The Discord twin of ``bot/terminal.py``, with the same wording. Every embed goes through
``fit_embed``, because Discord rejects the whole reply when one limit is exceeded: a catalog
entry with a long title must never cost a learner their answer.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import discord
from discord.utils import escape_markdown

if TYPE_CHECKING:
    from catalog import Catalog, Resource
    from index import Answer, LearningPath, Passage, ResourceHit


@dataclass(frozen=True)
class Limits:
    """Discord's limits, in characters."""

    content: int = 2000
    title: int = 256
    description: int = 4096
    field_name: int = 256
    field_value: int = 1024
    fields: int = 25
    footer: int = 2048
    author: int = 256
    total: int = 6000  # title + description + field names and values + footer + author


LIMITS = Limits()
TOKENS_FILENAME = "tokens.png"
BLANK = "\u200b"  # Discord needs a non-empty field name
CONFIDENT = discord.Colour.blurple()
UNSURE = discord.Colour.orange()
FOOTER = "From the studybot catalog · 👍/👎 tell us if this helped"
_ANSWER_QUOTES = 2800  # of the 6000 per embed: the rest is for the resources
_LINK_TITLE = 200
_LINK_URL = 512


def clip(text: str, limit: int) -> str:
    """``text`` cut to ``limit`` characters at a line or word boundary, ending in "…"."""
    if len(text) <= limit:
        return text
    if limit <= 1:
        return "…"[:limit]
    cut = text[: limit - 1]
    newline = cut.rfind("\n")
    space = max(newline, cut.rfind(" "))
    if newline >= limit * 0.8:
        cut = cut[:newline]
    elif space >= limit // 2:
        cut = cut[:space]
    return cut.rstrip() + "…"


def escaped(text: str, limit: int) -> str:
    """``text`` with Markdown escaped, at most ``limit`` characters, cut before escaping so a
    cut never ends on a lone backslash."""
    room = limit
    while True:
        shown = escape_markdown(clip(text, room))
        if len(shown) <= limit or room <= 1:
            return shown[:limit] if len(shown) > limit else shown
        room -= len(shown) - limit


def fit_embed(embed: discord.Embed) -> discord.Embed:
    """Clip every part to its limit, then drop trailing fields until the total fits.

    Changes ``embed`` in place and returns it, so renderers can end with ``return fit_embed(e)``.
    """
    if embed.title:
        embed.title = clip(embed.title, LIMITS.title)
    if embed.description:
        embed.description = clip(embed.description, LIMITS.description)
    fields = embed.fields[: LIMITS.fields]
    embed.clear_fields()
    for f in fields:
        name = clip(f.name or BLANK, LIMITS.field_name)
        embed.add_field(
            name=name, value=clip(f.value or BLANK, LIMITS.field_value), inline=f.inline
        )
    if embed.footer.text:
        embed.set_footer(
            text=clip(embed.footer.text, LIMITS.footer), icon_url=embed.footer.icon_url
        )
    if embed.author.name:
        author = embed.author
        embed.set_author(
            name=clip(author.name or "", LIMITS.author), url=author.url, icon_url=author.icon_url
        )
    while len(embed) > LIMITS.total and embed.fields:
        embed.remove_field(-1)
    excess = len(embed) - LIMITS.total
    if excess > 0 and embed.description:
        embed.description = clip(embed.description, max(1, len(embed.description) - excess))
    excess = len(embed) - LIMITS.total
    if excess > 0 and embed.footer.text:
        embed.set_footer(text=clip(embed.footer.text, max(1, len(embed.footer.text) - excess)))
    return embed


def link(title: str, url: str) -> str:
    """A Markdown link that survives brackets in titles and parentheses in URLs."""
    text = escape_markdown(clip(title, _LINK_TITLE)).replace("]", "\\]")
    if len(url) > _LINK_URL:
        return text
    return f"[{text}]({url.replace('(', '%28').replace(')', '%29').replace(' ', '%20')})"


def resource_line(resource: Resource) -> str:
    """``[Title](url) · kind · level``, as the terminal's resource line."""
    paid = "" if resource.free else " · paid"
    return f"{link(resource.title, resource.url)} · {resource.kind} · {resource.level}{paid}"


def hit_line(number: int, hit: ResourceHit) -> str:
    reason = escape_markdown(hit.reason)
    return f"**{number}.** {resource_line(hit.resource)} · {reason} ({hit.matched_by})"


def join_within(lines: Sequence[str], limit: int, what: str = "more", sep: str = "\n") -> str:
    """As many whole lines as fit in ``limit``, then "… and N more" for the rest."""
    kept: list[str] = []
    used = -len(sep)
    for index, line in enumerate(lines):
        rest = len(lines) - index - 1
        reserve = len(f"{sep}… and {rest} {what}") if rest else 0
        if used + len(sep) + len(line) + reserve > limit:
            tail = f"… and {len(lines) - index} {what}"
            return sep.join([*kept, tail]) if kept else clip(tail, limit)
        kept.append(line)
        used += len(sep) + len(line)
    return sep.join(kept)


def pack_fields(lines: Sequence[str]) -> list[str]:
    """Lines grouped into field values of at most 1024 characters, never splitting a line."""
    values: list[str] = []
    for line in (clip(line, LIMITS.field_value) for line in lines):
        if values and len(values[-1]) + 1 + len(line) <= LIMITS.field_value:
            values[-1] += "\n" + line
        else:
            values.append(line)
    return values


def quote(passage: Passage, catalog: Catalog, budget: int) -> str:
    """The passage as a block quote, cited resources linked, then where it comes from."""
    source = f"— *{escape_markdown(passage.source)}*"
    cited = [r for r in map(catalog.resource, passage.cites) if r is not None]
    uses = {r.id: passage.text.count(f"“{r.title}”") for r in cited}
    overhead = sum(uses[r.id] * (len(link(r.title, r.url)) - len(r.title)) for r in cited)
    room = budget - len(source) - overhead - 5
    text = clip(passage.text.strip(), max(1, room - 2 * (passage.text.count("\n") + 1)))
    if text.count("```") % 2:  # cut inside a code sample: close it, or it eats the source line
        text += "\n```"
    for r in cited:
        text = text.replace(f"“{r.title}”", f"“{link(r.title, r.url)}”")
    quoted = "\n".join(f"> {line}" if line.strip() else ">" for line in text.splitlines())
    return f"{quoted}\n{source}"


def answer_embed(
    answer: Answer,
    catalog: Catalog,
    *,
    more: bool = False,
    asked: str | None = None,
    read_with: str | None = None,
) -> discord.Embed:
    """A confident answer quotes the notes and lists resources; otherwise an honest "nothing".

    ``more``: a "More resources" button comes with the embed, so the footer points to it.
    ``asked``: the question as the learner wrote it, when the engine was given more
    (``read_with``: the earlier question of the thread it was read with, shown on top).
    """
    embed = _answer_body(answer, catalog, more=more, asked=asked or answer.query)
    if read_with:
        embed.set_author(name=clip(f"Read with the earlier question: “{read_with}”", LIMITS.author))
    return fit_embed(embed)


def _answer_body(answer: Answer, catalog: Catalog, *, more: bool, asked: str) -> discord.Embed:
    if answer.coverage == "none":
        return _nothing_embed(answer, asked)
    partial = answer.coverage == "partial"
    embed = discord.Embed(
        title=escaped(asked, LIMITS.title), colour=UNSURE if partial else CONFIDENT
    )
    if partial:
        embed.description = answer.PARTIAL
    elif answer.passages:
        share = _ANSWER_QUOTES // len(answer.passages)
        embed.description = "\n\n".join(quote(p, catalog, share) for p in answer.passages)
    else:
        embed.description = answer.text  # no note covers it, or a resource asked for by name
    if answer.notice:
        embed.description = f"*{escape_markdown(answer.notice)}*\n\n{embed.description}"
    footer = FOOTER + (" · “More resources” for more" if more else "")
    embed.set_footer(text=footer)
    lines = [hit_line(n, hit) for n, hit in enumerate(answer.resources, 1)]
    heading = "Closest resources" if partial else "Recommended resources"
    for index, value in enumerate(pack_fields(lines)):
        embed.add_field(name=heading if index == 0 else BLANK, value=value)
    return fit_embed(embed)  # the quotes leave room for a field or two; extra ones go


def _nothing_embed(answer: Answer, asked: str) -> discord.Embed:
    lines = [f"> {escape_markdown(clip(asked, 500))}", "", answer.NOTHING]
    if answer.notice:
        lines.append(escape_markdown(answer.notice))
    if answer.nearest_topics:
        topics = ", ".join(f"`{topic}`" for topic in answer.nearest_topics)
        lines.append(f"Nearest topics: {topics}.")
    lines.append("Try `/resource` with a keyword or `/topics`.")
    embed = discord.Embed(
        title="Nothing in the catalog on that", description="\n".join(lines), colour=UNSURE
    )
    return fit_embed(embed)


def more_resources_embed(question: str, hits: Sequence[ResourceHit], start: int) -> discord.Embed:
    """The "More resources" button's reply; numbering goes on from the answer's list."""
    embed = discord.Embed(title="More resources", colour=CONFIDENT)
    asked = f"For: *{escape_markdown(clip(question, 300))}*\n\n"
    if not hits:
        embed.description = asked + "No more resources for this question."
        return fit_embed(embed)
    lines = [hit_line(start + n, hit) for n, hit in enumerate(hits, 1)]
    embed.description = asked + join_within(lines, LIMITS.description - len(asked), "more")
    return fit_embed(embed)


def hits_page_embed(
    query: str, hits: Sequence[ResourceHit], page: int, per_page: int, filters: str = ""
) -> discord.Embed:
    """Page ``page`` (1-based, clamped) of ``/resource`` results: ``hits`` is the full list."""
    title = f"Resources for “{escaped(query, LIMITS.title - 16)}”" if query else "Resources"
    embed = discord.Embed(title=title, colour=CONFIDENT)
    header = f"*Filters: {escape_markdown(filters)}*\n\n" if filters else ""
    if not hits:
        what = f"“{escape_markdown(query)}”" if query else "these filters"
        embed.description = (
            f"{header}No resources match {what}.\nTry another keyword, fewer filters, or `/topics`."
        )
        return fit_embed(embed)
    per_page = max(1, per_page)
    pages = -(-len(hits) // per_page)
    page = min(max(1, page), pages)
    first = (page - 1) * per_page
    entries = []
    for number, hit in enumerate(hits[first : first + per_page], first + 1):
        about = escape_markdown(clip(hit.resource.description, 160))
        entries.append(f"{hit_line(number, hit)}\n{about}")
    room = LIMITS.description - len(header)
    embed.description = header + join_within(entries, room, "more on this page")
    embed.set_footer(text=f"Page {page}/{pages} · {len(hits)} resources")
    return fit_embed(embed)


def path_embed(path: LearningPath, catalog: Catalog) -> discord.Embed:
    """Steps in order, each with the steps it builds on, like the terminal's "After" column."""
    level = f" from {path.level}" if path.level else ""
    embed = discord.Embed(title=f"Learning path: {path.topic}{level}", colour=CONFIDENT)
    intro = escape_markdown(clip(path.description, 500))
    if not path.steps:
        at = f" at {path.level} level or above" if path.level else ""
        embed.description = f"{intro}\n\nNo resources on this topic{at} yet."
        return fit_embed(embed)
    lines = []
    for number, step in enumerate(path.steps, 1):
        line = f"**{number}.** {resource_line(step.resource)}"
        if step.prerequisites:
            titles = ", ".join(_title(catalog, p) for p in step.prerequisites)
            line += f" · after: {escape_markdown(clip(titles, 300))}"
        lines.append(line)
    room = LIMITS.description - len(intro) - 2
    embed.description = f"{intro}\n\n" + join_within(lines, room, "more steps")
    embed.set_footer(text=f"{len(path.steps)} steps · prerequisites come first")
    return fit_embed(embed)


def _title(catalog: Catalog, resource_id: str) -> str:
    resource = catalog.resource(resource_id)
    return resource.title if resource else resource_id


def topics_embed(catalog: Catalog) -> discord.Embed:
    """Every topic with its resource count; descriptions shrink so even 100 topics fit."""
    embed = discord.Embed(title="Topics", colour=CONFIDENT)
    topics = sorted(catalog.topics.items())
    if not topics:
        embed.description = "The catalog has no topics yet."
        return fit_embed(embed)
    per_line = max(30, (LIMITS.description - 60) // len(topics) - 1)
    lines = []
    for topic, description in topics:
        head = f"**{escape_markdown(topic)}** ({len(catalog.by_topic(topic))})"
        room = per_line - len(head) - 3
        about = escape_markdown(description)
        lines.append(f"{head} — {clip(about, room)}" if room >= 12 and about else head)
    embed.description = join_within(lines, LIMITS.description, "more topics")
    embed.set_footer(text=f"{len(topics)} topics · /path <topic> for a learning path")
    return fit_embed(embed)
