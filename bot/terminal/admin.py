"""Maintainer commands: ``studybot catalog check|list``, ``studybot index build|status|export``."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

import click

from bot.terminal.common import (
    announce,
    err,
    friendly_errors,
    location_options,
    locations,
    out,
    print_json,
)

if TYPE_CHECKING:
    from bot.config import Locations
    from index import BuildReport


@click.group("catalog")
def catalog_group() -> None:
    """Check and list the catalog."""


@catalog_group.command("check")
@location_options
def catalog_check(catalog_dir: str | None, index_dir: str | None) -> None:
    """Validate every file; each problem is printed as path:line: message."""
    from catalog import check_catalog

    loc = locations(catalog_dir, index_dir)
    catalog, problems = check_catalog(loc.catalog_dir)
    for problem in problems:
        click.echo(str(problem), err=True)
    if problems or catalog is None:
        click.echo(f"{len(problems)} problem{'s' if len(problems) != 1 else ''} found.", err=True)
        raise SystemExit(1)
    from catalog import coverage_warnings

    for warning in coverage_warnings(catalog, loc.catalog_dir):
        click.echo(str(warning), err=True)
    click.echo(
        f"{loc.catalog_dir}: ok ({len(catalog.resources)} resources, {len(catalog.notes)} notes, "
        f"{len(catalog.topics)} topics)"
    )


@catalog_group.command("stats")
@location_options
@friendly_errors
def catalog_stats(catalog_dir: str | None, index_dir: str | None) -> None:
    """Entries per topic by level and kind: where the catalog is thin."""
    from rich import box
    from rich.table import Table

    from catalog import KINDS, LEVELS, coverage_rows

    catalog = locations(catalog_dir, index_dir).catalog()
    rows = coverage_rows(catalog)
    short = {"lecture-notes": "notes", "repository": "repo", "documentation": "docs"}
    short |= {"collection": "list", "tutorial": "tut", "article": "art", "course": "crs"}
    levels = slice(2, 2 + len(LEVELS))
    kinds = slice(2 + len(LEVELS), None)
    for title, columns, cells in (
        ("by level", list(LEVELS), levels),
        ("by kind", [short.get(k, k)[:8] for k in KINDS], kinds),
    ):
        table = Table(
            title=f"Entries per topic, {title}", title_justify="left", box=box.SIMPLE_HEAD
        )
        table.add_column("topic", no_wrap=True, min_width=max(map(len, catalog.topics)))
        for column in ["all", *columns]:
            table.add_column(column, justify="right", min_width=len(column), no_wrap=True)
        for row in rows:
            table.add_row(row[0], row[1], *row[cells])
        out.print(table, width=max(out.width, 110), crop=False)


@catalog_group.command("list")
@click.option("--json", "as_json", is_flag=True)
@location_options
@friendly_errors
def catalog_list(as_json: bool, catalog_dir: str | None, index_dir: str | None) -> None:
    """Every resource and note."""
    from rich.table import Table

    from bot.terminal.render import resource_line

    catalog = locations(catalog_dir, index_dir).catalog()
    if as_json:
        print_json(
            {
                "resources": [r.model_dump(mode="json") for r in catalog.resources],
                "notes": [
                    {
                        "id": n.id,
                        "title": n.title,
                        "topics": list(n.topics),
                        "resources": list(n.cited),
                    }
                    for n in catalog.notes
                ],
            }
        )
        return
    table = Table(title=f"{len(catalog.resources)} resources", title_justify="left")
    table.add_column("id", style="dim")
    table.add_column("Resource")
    table.add_column("Topics", style="dim")
    for resource in catalog.resources:
        table.add_row(resource.id, resource_line(resource), ", ".join(resource.topics))
    out.print(table)
    out.print(f"{len(catalog.notes)} notes: " + ", ".join(n.id for n in catalog.notes))


@click.group("index")
def index_group() -> None:
    """Build, inspect and export the search index."""


@index_group.command("build")
@click.option("--full", is_flag=True, help="Embed every document again, ignoring the cache.")
@click.option("--json", "as_json", is_flag=True)
@location_options
@friendly_errors
def index_build(full: bool, as_json: bool, catalog_dir: str | None, index_dir: str | None) -> None:
    """Build the index; only changed documents are embedded."""
    from catalog.gc_pause import gc_paused

    # The modules this imports and the catalog it reads live until the process ends: cyclic
    # collections over them (0.06-0.08 s of a one-entry rebuild at 20,000 entries) find nothing.
    with gc_paused():
        report = _build(full, catalog_dir, index_dir)
    if as_json:
        print_json(report.to_json())
    else:
        from bot.terminal.render import render_build

        out.print(render_build(report), markup=False)
    for warning in report.warnings:
        err.print(f"warning: {warning}", markup=False)


def _build(full: bool, catalog_dir: str | None, index_dir: str | None) -> BuildReport:
    from bot.terminal.render import build_progress
    from index import build_index

    loc = locations(catalog_dir, index_dir)
    loc.announce = announce
    embedder = loc.embedder(building=True)
    preload = getattr(embedder, "preload", None)
    if callable(preload):
        preload()  # the model loads (0.3 s) while the catalog is read, on the other core
    catalog = loc.catalog()
    with build_progress(err) as progress:
        report, _ = build_index(catalog, embedder, loc.index_dir, full=full, progress=progress)
    return report


@index_group.command("status")
@click.option("--json", "as_json", is_flag=True)
@location_options
@friendly_errors
def index_status(as_json: bool, catalog_dir: str | None, index_dir: str | None) -> None:
    """What the served index was built from, whether its files are intact, and whether the
    catalog changed since; exits 2 when a file is damaged."""
    from index import catalog_changes, current_version, read_manifest, verify_files

    loc = locations(catalog_dir, index_dir)
    version = current_version(loc.index_dir)
    manifest = read_manifest(version)
    damaged = verify_files(version, manifest)
    recorded = manifest.get("catalog_sources") or {}
    changes = [] if damaged else catalog_changes(recorded, loc.catalog_dir)
    stale = bool(changes)
    encoder, notice = _encoder(loc)
    if as_json:
        print_json(
            {
                "index_dir": str(loc.index_dir),
                "version": version.name,
                "stale": stale,
                "changed_files": changes,
                "healthy": not damaged,
                "damaged": damaged,
                "encoder": encoder,
                "encoder_notice": notice,
                **manifest,
            }
        )
        if damaged:
            raise SystemExit(2)
        return
    counts = manifest.get("counts", {})
    lines = [
        f"index:    {loc.index_dir} (version {version.name})",
        f"built:    {manifest.get('built_at')} in {manifest.get('build_seconds')} s",
        f"model:    {manifest.get('model')} ({manifest.get('dim')} dimensions, "
        f"{manifest.get('index_type')} index)",
        f"contents: {counts.get('resources')} resources, {counts.get('passages')} passages "
        f"from {counts.get('notes')} notes",
        "catalog:  "
        + (
            f"changed since the build ({', '.join(changes[:5])}): run `studybot index build`"
            if stale
            else "up to date"
        ),
        f"encoder:  {encoder}",
        "files:    "
        + ("damaged: " + "; ".join(damaged) if damaged else "intact (checksums match)"),
    ]
    if notice:
        lines.append(f"          note: {notice}")
    out.print("\n".join(lines), markup=False)
    if damaged:
        err.print("error: the index is damaged: run `studybot index build --full`", markup=False)
        raise SystemExit(2)


def _encoder(loc: Locations) -> tuple[str, str | None]:
    """Which encoder questions use and, for the fallback, why; loads no model."""
    embedder = loc.embedder()
    describe = getattr(embedder, "describe", None)
    return (describe() if callable(describe) else embedder.name), getattr(embedder, "notice", None)


@index_group.command("export")
@location_options
@friendly_errors
def index_export(catalog_dir: str | None, index_dir: str | None) -> None:
    """Every indexed document as JSON lines: id, kind, resource or note id, heading, text."""
    from index import current_version, load_version

    loc = locations(catalog_dir, index_dir)
    _, documents, _ = load_version(current_version(loc.index_dir))
    for document in documents:
        click.echo(
            json.dumps(
                {
                    "id": document.id,
                    "kind": document.kind,
                    "resource" if document.is_resource else "note": document.ref,
                    "heading": document.heading,
                    "text": document.indexed,
                },
                ensure_ascii=False,
            )
        )
