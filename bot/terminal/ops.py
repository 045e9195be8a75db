"""Operator commands: ``studybot catalog links``, ``studybot catalog import``, ``studybot health``.

Registered on the main group by ``register``; each command imports its library lazily.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click

from bot.terminal.common import err, friendly_errors, location_options, locations, print_json

if TYPE_CHECKING:
    from bot.config import Locations
    from catalog.links import LinkResult
    from index import Embedder


def register_ops(main: click.Group, catalog_group: click.Group) -> None:
    catalog_group.add_command(catalog_links)
    catalog_group.add_command(catalog_import)
    main.add_command(health)


@click.command("links")
@click.option("--json", "as_json", is_flag=True, help="One JSON object with every link.")
@click.option("--exclude", multiple=True, help="Regular expression of URLs to skip (repeatable).")
@click.option("--no-cache", is_flag=True, help="Check every link again, ignoring earlier results.")
@click.option("--timeout", type=float, default=20.0, show_default=True, help="Seconds per request.")
@click.option("--slow", "slow_after", type=float, default=5.0, show_default=True)
@location_options
@friendly_errors
def catalog_links(
    as_json: bool,
    exclude: tuple[str, ...],
    no_cache: bool,
    timeout: float,
    slow_after: float,
    catalog_dir: str | None,
    index_dir: str | None,
) -> None:
    """Check every resource URL; report dead, moved and slow links (exit 1 on dead ones)."""
    from bot.terminal.common import settings
    from catalog.links import LinkOptions, check_links
    from catalog.loader import url_locations

    loc = locations(catalog_dir, index_dir)
    catalog = loc.catalog()
    where = url_locations(loc.catalog_dir)
    options = LinkOptions(
        timeout=timeout,
        slow_after=slow_after,
        cache_ttl=0.0 if no_cache else settings().links_cache_hours * 3600,
        exclude=(*settings().links_exclude, *exclude),
    )
    urls = [resource.url for resource in catalog.resources]
    results = check_links(urls, options, settings().data_folder / "linkcheck.json")
    rows = []
    for resource in catalog.resources:
        result = results[resource.url]
        path, line = where.get(resource.id, (str(loc.catalog_dir), 1))
        rows.append((resource.id, path, line, result))
    dead = [row for row in rows if row[3].verdict == "dead"]
    if as_json:
        print_json(
            {
                "links": [
                    {
                        "id": rid,
                        "path": path,
                        "line": line,
                        "url": r.url,
                        "verdict": r.verdict,
                        "status": r.status,
                        "final_url": r.final_url,
                        "seconds": r.seconds,
                        "message": r.message,
                        "cached": r.cached,
                    }
                    for rid, path, line, r in rows
                ],
                "summary": _summary(rows),
            }
        )
    else:
        # Plain lines, never wrapped: editors jump to path:line.
        for rid, path, line, r in rows:
            detail = {
                "dead": f"({r.message})",
                "moved": f"-> {r.final_url} (adopt the new URL)",
                "slow": f"({r.seconds:.1f} s)",
                "unknown": f"({r.message})",
            }.get(r.verdict)
            if detail:
                click.echo(f"{path}:{line}: {r.verdict}: {rid}: {r.url} {detail}")
        counts = _summary(rows)
        click.echo(", ".join(f"{n} {verdict}" for verdict, n in counts.items()), err=True)
    if dead:
        raise SystemExit(1)


def _summary(rows: list[tuple[str, str, int, LinkResult]]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for *_, result in rows:
        counts[result.verdict] = counts.get(result.verdict, 0) + 1
    return dict(sorted(counts.items()))


@click.command("import")
@click.argument("source", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--out", "out_path", type=click.Path(dir_okay=False, path_type=Path))
@location_options
@friendly_errors
def catalog_import(
    source: Path, out_path: Path | None, catalog_dir: str | None, index_dir: str | None
) -> None:
    """Turn a Markdown list of links into draft resource entries for review (YAML)."""
    from catalog.importer import draft_entries, render_drafts

    loc = locations(catalog_dir, index_dir)
    catalog = loc.served_catalog()
    embedder = _quiet_embedder(loc)
    encode = embedder.encode if embedder is not None else None
    drafts, skipped = draft_entries(source.read_text(encoding="utf-8"), catalog, encode)
    text = render_drafts(drafts, source=source.name)
    for line in skipped:
        err.print(f"skipped: {line}", markup=False)
    if out_path is None:
        click.echo(text, nl=False)
    elif out_path.exists():
        raise click.ClickException(f"{out_path} exists: studybot never overwrites; pick a new name")
    else:
        out_path.write_text(text, encoding="utf-8")
        err.print(f"{len(drafts)} draft entries written to {out_path}", markup=False)


def _quiet_embedder(loc: Locations) -> Embedder | None:
    """The query encoder for topic suggestions; None (no suggestions) when it cannot run."""
    try:
        embedder: Embedder = loc.embedder()
        return embedder
    except Exception:  # an optional nicety: drafts are still written without it
        return None


@click.command("health")
@click.option("--bot", "bot_check", is_flag=True, help="Also require a recent bot heartbeat.")
@click.option("--max-age", type=float, default=120.0, show_default=True, help="Seconds.")
@location_options
def health(bot_check: bool, max_age: float, catalog_dir: str | None, index_dir: str | None) -> None:
    """Exit 0 when the index loads (and, with --bot, the bot reported ready recently)."""
    from bot.ops import check_health
    from bot.terminal.common import settings

    loc = locations(catalog_dir, index_dir)
    problems = check_health(loc.index_dir, bot_check, max_age, settings().heartbeat)
    for problem in problems:
        click.echo(f"unhealthy: {problem}", err=True)
    if problems:
        raise SystemExit(1)
    click.echo("healthy")
