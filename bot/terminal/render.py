"""Engine results -> rich renderables for the terminal. Pure: no engine calls here.

User and catalog text is never parsed as markup (the consoles have markup off, and text goes
in as ``Text``); URLs are printed whole on their own lines (``Url``, see ``show``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import TYPE_CHECKING

from rich.console import Console, Group, RenderableType
from rich.panel import Panel
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table
from rich.text import Text

from bot.present import (
    NOTHING_CHANGED,
    ResourceRow,
    build_changes,
    build_summary,
    nearest_topics,
    printable,
    resource_rows,
    source,
    with_references,
)
from bot.tokens import PALETTE, token_colours, visible

if TYPE_CHECKING:
    from catalog import Catalog, Resource
    from index import Answer, BuildReport, LearningPath, ResourceHit, TokenSplit


class Url(Text):
    """A URL on its own line: printed with soft wrap, so it is never cut or broken by rich."""


Parts = list[RenderableType]


def show(console: Console, parts: RenderableType | Parts) -> None:
    """Print renderables in order; ``Url`` lines whole, whatever the width (or a pipe)."""
    for part in parts if isinstance(parts, list) else [parts]:
        console.print(part, soft_wrap=isinstance(part, Url))


def resource_line(resource: Resource) -> Text:
    return _row_line(ResourceRow.of(resource))


def _row_line(row: ResourceRow, number: str = "") -> Text:
    line = Text(number)
    line.append(printable(row.title), style=f"bold link {row.url}")
    line.append(f"  {row.facts}", style="yellow" if row.facts.endswith("paid") else "")
    return line


def _url(url: str, indent: int) -> Url:
    return Url(" " * indent + url, style="blue")


def render_hits(hits: Sequence[ResourceHit], title: str = "Recommended resources") -> Parts:
    """Numbered resources, each with why it matched and its URL on a line of its own."""
    parts: Parts = [Text(printable(title), style="bold")]
    width = len(str(len(hits)))
    for number, row in enumerate(resource_rows(hits), 1):
        parts.append(_row_line(row, f"{number:>{width}}. "))
        if row.why:
            parts.append(Text(" " * (width + 2) + row.why, style="dim"))
        parts.append(_url(row.url, width + 2))
    return parts


def render_answer(answer: Answer, catalog: Catalog) -> Parts:
    notice = f"{answer.notice}\n" if answer.notice else ""
    title = Text(printable(answer.query))
    if answer.coverage == "none":
        lines = [f"{notice}{answer.NOTHING}"]
        if hint := nearest_topics(answer):
            lines.append(hint)
        lines.append("Try `studybot topics` or `studybot search`.")
        return [Panel(Text("\n".join(lines)), title=title, border_style="yellow")]
    if answer.coverage == "partial":
        panel = Panel(Text(f"{notice}{answer.PARTIAL}"), title=title, border_style="yellow")
        return [panel, *render_hits(list(answer.resources), "Closest resources")]
    parts: Parts = [Text(notice.strip(), style="yellow")] if notice else []
    if not answer.passages:
        parts.append(Text(answer.text))  # no note covers it, or a resource asked for by name
    cited: list[ResourceRow] = []
    for passage in answer.passages:
        text, rows = with_references(passage, catalog, first=len(cited) + 1)
        parts.append(
            Panel(
                Text(text),
                title=Text(source(passage)),
                title_align="left",
                border_style="cyan",
            )
        )
        for number, row in enumerate(rows, len(cited) + 1):
            parts += [_row_line(row, f"[{number}] "), _url(row.url, 4)]
        cited += rows
    if answer.resources:
        parts += render_hits(list(answer.resources))
    return parts


def render_path(path: LearningPath, catalog: Catalog) -> Parts:
    level = f" from {path.level}" if path.level else ""
    parts: Parts = [Text(f"Learning path: {path.topic}{level}", style="bold")]
    parts.append(Text(path.description, style="dim"))
    width = len(str(len(path.steps)))
    for number, step in enumerate(path.steps, 1):
        parts.append(_row_line(ResourceRow.of(step.resource), f"{number:>{width}}. "))
        if step.prerequisites:
            after = ", ".join(_title(catalog, p) for p in step.prerequisites)
            parts.append(Text(" " * (width + 2) + f"after: {after}", style="dim"))
        parts.append(_url(step.resource.url, width + 2))
    if not path.steps:
        parts.append(Text("No resources on this topic at this level yet."))
    return parts


def _title(catalog: Catalog, resource_id: str) -> str:
    resource = catalog.resource(resource_id)
    return resource.title if resource else resource_id


def render_topics(catalog: Catalog) -> RenderableType:
    table = Table(title="Topics", title_justify="left")
    table.add_column("Topic", style="bold")
    table.add_column("Resources", justify="right")
    table.add_column("What it covers")
    for topic, description in sorted(catalog.topics.items()):
        table.add_row(topic, str(len(catalog.by_topic(topic))), description)
    return table


def render_tokens(split: TokenSplit, other: TokenSplit | None = None) -> RenderableType:
    """Token boundaries as alternating colours; the same id always gets the same colour."""
    parts: list[RenderableType] = [_token_block(split)]
    if other is not None:
        parts.append(_token_block(other))
        diff = split.count - other.count
        parts.append(
            Text(
                f"{split.encoding}: {split.count} tokens, {other.encoding}: {other.count} "
                f"({'+' if diff >= 0 else ''}{diff})",
                style="dim",
            )
        )
    return Group(*parts)


def coloured_tokens(split: TokenSplit) -> Text:
    """Each token in its colour from the shared palette: the colour Discord shows it in."""
    coloured = Text()
    for token, colour in zip(split.tokens, token_colours(split.tokens), strict=True):
        red, green, blue = PALETTE[colour].rgb
        coloured.append(visible(token.text), style=f"bold rgb({red},{green},{blue})")
    return coloured


def _token_block(split: TokenSplit) -> RenderableType:
    coloured = coloured_tokens(split)
    ids = Text(str([token.id for token in split.tokens]), style="dim")
    title = f"{split.encoding}: {split.count} token{'s' if split.count != 1 else ''}"
    return Panel(Group(coloured, ids), title=title, title_align="left")


def render_build(report: BuildReport) -> str:
    """Plain text (no markup): the shared summary, then up to 8 changed ids per kind."""
    lines = [build_summary(report)]
    for label, ids in build_changes(report):
        shown = ", ".join(ids[:8]) + (f" and {len(ids) - 8} more" if len(ids) > 8 else "")
        lines.append(f"{label.lower()}: {shown}")
    return "\n".join(lines if len(lines) > 1 else [*lines, NOTHING_CHANGED])


@contextmanager
def build_progress(console: Console) -> Iterator[Callable[[int, int], None]]:
    """A progress bar on stderr while documents embed; silent when nothing needs embedding."""
    progress = Progress(
        TextColumn("Embedding"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=console,
        transient=True,
    )
    task = progress.add_task("embed", total=None)

    def update(done: int, total: int) -> None:
        if total and not progress.live.is_started:
            progress.start()
        progress.update(task, completed=done, total=total)

    try:
        yield update
    finally:
        if progress.live.is_started:
            progress.stop()
