"""Engine results -> rich renderables for the terminal. Pure: no engine calls here."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

from rich.console import Console, Group, RenderableType
from rich.markup import escape
from rich.panel import Panel
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table
from rich.text import Text

from bot.present import NOTHING_CHANGED, build_changes, build_summary
from bot.tokens import PALETTE, token_colours, visible

if TYPE_CHECKING:
    from catalog import Catalog, Resource
    from index import Answer, BuildReport, LearningPath, ResourceHit, TokenSplit


def resource_line(resource: Resource) -> Text:
    line = Text.assemble(
        (resource.title, f"bold link {resource.url}"),
        f"  {resource.kind} · {resource.level}",
        style="",
    )
    if not resource.free:
        line.append(" · paid", style="yellow")
    return line


def render_hits(hits: list[ResourceHit], title: str = "Recommended resources") -> RenderableType:
    table = Table(title=title, title_justify="left", show_lines=False, expand=False)
    table.add_column("#", justify="right", style="dim")
    table.add_column("Resource")
    table.add_column("Why", style="dim")
    for number, hit in enumerate(hits, 1):
        cell = Group(resource_line(hit.resource), Text(hit.resource.url, style="blue"))
        table.add_row(str(number), cell, f"{hit.reason} ({hit.matched_by})")
    return table


def render_answer(answer: Answer) -> RenderableType:
    notice = f"{answer.notice}\n" if answer.notice else ""
    if answer.coverage == "none":
        hint = ""
        if answer.nearest_topics:
            hint = "\nThe nearest topics it covers: " + ", ".join(answer.nearest_topics) + "."
        text = f"{notice}{answer.NOTHING}{hint}\nTry `studybot topics` or `studybot search`."
        return Panel(Text(text), title=escape(answer.query), border_style="yellow")
    if answer.coverage == "partial":
        partial = Text(f"{notice}{answer.PARTIAL}")
        panel = Panel(partial, title=escape(answer.query), border_style="yellow")
        return Group(panel, render_hits(list(answer.resources), "Closest resources"))
    parts: list[RenderableType] = [Text(notice.strip(), style="yellow")] if notice else []
    if not answer.passages:
        parts.append(Text(answer.NO_NOTE))
    for passage in answer.passages:
        parts.append(
            Panel(
                Text(passage.text),
                title=escape(passage.source),
                title_align="left",
                border_style="cyan",
            )
        )
    if answer.resources:
        parts.append(render_hits(list(answer.resources)))
    return Group(*parts)


def render_path(path: LearningPath, catalog: Catalog) -> RenderableType:
    level = f" from {path.level}" if path.level else ""
    table = Table(title=f"Learning path: {path.topic}{level}", title_justify="left")
    table.caption = path.description
    table.add_column("Step", justify="right", style="dim")
    table.add_column("Resource")
    table.add_column("After", style="dim")
    for number, step in enumerate(path.steps, 1):
        after = ", ".join(_title(catalog, p) for p in step.prerequisites)
        table.add_row(str(number), resource_line(step.resource), after)
    return table


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


def _token_block(split: TokenSplit) -> RenderableType:
    coloured = Text()
    for token, colour in zip(split.tokens, token_colours(split.tokens), strict=True):
        red, green, blue = PALETTE[colour].rgb
        coloured.append(visible(token.text), style=f"bold rgb({red},{green},{blue})")
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
