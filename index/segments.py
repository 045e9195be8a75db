"""Caches kept as one base file and a few small appended ones, so a rebuild writes only its news.

Rewriting the whole embedding cache (36 MB at 20,000 entries) and word cache after a one-entry
edit cost a quarter of a second. Now a save after an edit writes ``<name>.<n>.npz`` holding just
the rows added; the base ``<name>.npz`` is rewritten (and the appended files removed) only when
they grow past a share of it. Every file is written whole or not at all (``save_npz``), and a
row's value never depends on which file holds it, so a crash between writing a new base and
removing the appended files leaves rows that agree. A damaged appended file is skipped: a cache
only costs recomputation when it loses rows.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection, Iterable
from pathlib import Path
from typing import Any
from zipfile import BadZipFile

import numpy as np

from index.npz import save_npz

# The base is rewritten when the appended files reach this many, or this share of its rows.
MAX_APPENDED = 8
APPENDED_SHARE = 0.1

Arrays = dict[str, np.ndarray[Any, Any]]


def appended(base: Path) -> list[Path]:
    """The files appended to ``base`` (``name.npz``), oldest first."""
    pattern = re.compile(re.escape(base.stem) + r"\.(\d+)\.npz")
    found = []
    for path in base.parent.glob(f"{base.stem}.*.npz"):
        match = pattern.fullmatch(path.name)
        if match:
            found.append((int(match.group(1)), path))
    return [path for _, path in sorted(found)]


def load(base: Path, names: tuple[str, ...]) -> tuple[Arrays | None, list[Arrays]]:
    """The arrays ``names`` of the base (None when it cannot be read) and of each appended file
    that can, oldest first."""
    loaded = [_read(path, names) for path in [base, *appended(base)]]
    return loaded[0], [arrays for arrays in loaded[1:] if arrays is not None]


def should_rewrite(base: Path, base_rows: int, appended_rows: int) -> bool:
    """Whether a save rewrites the base rather than appending: when there is no base, too many
    appended files, or more appended rows (``appended_rows``, the new ones included) than a
    share of the base's."""
    if not base.exists() or len(appended(base)) >= MAX_APPENDED:
        return True
    return appended_rows > APPENDED_SHARE * max(base_rows, 1)


def save(
    base: Path,
    rows: Iterable[str],
    added: Collection[str],
    keep: set[str],
    limit: int,
    arrays: Callable[[list[str]], Arrays],
    counts: tuple[int, int],
) -> tuple[int, int]:
    """Persist the keys ``added``: appended, or with a rewrite of the base that holds the keys
    in ``keep`` first, then the other ``rows`` up to ``limit``. ``arrays`` makes a file's
    arrays from its keys; ``counts`` (rows in the base, rows appended) is returned updated."""
    base_rows, appended_rows = counts[0], counts[1] + len(added)
    if should_rewrite(base, base_rows, appended_rows):
        ordered = [key for key in rows if key in keep]
        ordered += [key for key in rows if key not in keep]
        ordered = ordered[:limit]
        rewrite(base, **arrays(ordered))
        return len(ordered), 0
    append(base, **arrays(list(added)))
    return base_rows, appended_rows


def append(base: Path, **arrays: Any) -> None:
    """Write ``arrays`` as the next appended file."""
    files = appended(base)
    number = int(files[-1].name.split(".")[-2]) + 1 if files else 1
    save_npz(base.with_name(f"{base.stem}.{number}.npz"), **arrays)


def rewrite(base: Path, **arrays: Any) -> None:
    """Replace the base with ``arrays`` (every row) and drop the appended files."""
    save_npz(base, **arrays)
    for path in appended(base):
        path.unlink(missing_ok=True)


def _read(path: Path, names: tuple[str, ...]) -> Arrays | None:
    try:
        with np.load(path, allow_pickle=False) as stored:
            return {name: stored[name] for name in names}
    except (OSError, ValueError, KeyError, EOFError, BadZipFile):
        return None
