"""What every ``studybot`` command shares: consoles, the settings, locations and error mapping.

Commands live in ``cli.py`` (questions and browsing) and ``admin.py`` (maintainers); both import
from here, never from each other. Exit codes: 0 ok, 1 invalid catalog, 2 bad input or no index,
3 build failed.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from functools import wraps
from typing import TYPE_CHECKING, Any, TypeVar

import click
from rich.console import Console

from bot.config import Locations, Settings

if TYPE_CHECKING:
    from index import Engine

out = Console(highlight=False, soft_wrap=False)
err = Console(stderr=True, highlight=False)
F = TypeVar("F", bound=Callable[..., Any])


def print_json(value: Any) -> None:
    click.echo(json.dumps(value, ensure_ascii=False))


def settings() -> Settings:
    """The settings the ``studybot`` group read once at start (fresh ones outside a command)."""
    context = click.get_current_context(silent=True)
    found = context.find_object(Settings) if context is not None else None
    return found if found is not None else Settings()


def locations(catalog_dir: str | None, index_dir: str | None) -> Locations:
    """Where this command reads: its options first, then the settings."""
    return Locations.from_settings(settings(), catalog_dir, index_dir)


def friendly_errors(command: F) -> F:
    """Bad input ends in one line on stderr and a non-zero exit, never a traceback."""

    @wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        from catalog import CatalogError
        from index import BuildFailed, IndexProblem, UnknownEncoding, UnknownTopic

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
    """``--catalog`` and ``--index``; their defaults come from the settings (``.env`` too)."""
    command = click.option(
        "--catalog", "catalog_dir", help="Catalog folder (default: the bundled catalog)."
    )(command)
    command = click.option(
        "--index",
        "index_dir",
        help="Index folder (default: ~/.local/share/studybot/index).",
    )(command)
    return command


def open_engine(loc: Locations) -> Engine:
    from bot.terminal.render import build_progress

    loc.announce = announce
    with build_progress(err) as progress:
        engine = loc.engine(progress)
    for notice in engine.notices:
        err.print(f"note: {notice}", markup=False)
    return engine


def announce(message: str) -> None:
    err.print(message, markup=False, style="dim")
