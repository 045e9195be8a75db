"""The bot's state behind one small async interface: stored answers (what the persistent
buttons need after a restart), stored searches (for Prev / Next), votes and the gap log.

``Storage`` is the seam; ``SqliteStorage`` is today's implementation (one file, one process).
A PostgreSQL or Redis one for several bot processes implements the same methods. No SQL
lives outside this module. Voters are kept as keyed hashes: the key is a random secret made
once per install and kept in the database, which is readable by its owner only (mode 0600).
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import json
import os
import secrets
import sqlite3
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol


@dataclass(frozen=True)
class StoredAnswer:
    """What an answer's buttons need: the question and the resources it showed."""

    id: int
    question: str
    resource_ids: tuple[str, ...]
    answered: bool  # something to show: the catalog covers it, or touches on it


@dataclass(frozen=True)
class Gap:
    """A question the catalog could not answer well: the maintainers' to-do list."""

    question: str
    asked: int  # how many times
    last_asked: float  # unix time
    nothing: int  # answered "nothing"
    partial: int  # answered "partial"
    down_votes: int
    missing: tuple[str, ...]  # what voters said was missing


@dataclass(frozen=True)
class StoredSearch:
    """A ``/resource`` search, re-run when its pages are turned; only its author turns them."""

    id: int
    author_id: int
    query: str
    filters: dict[str, Any]


class Storage(Protocol):
    async def save_answer(
        self, question: str, resource_ids: Sequence[str], coverage: str
    ) -> StoredAnswer: ...

    async def answer(self, answer_id: int) -> StoredAnswer | None: ...

    async def save_search(
        self, author_id: int, query: str, filters: dict[str, Any]
    ) -> StoredSearch: ...

    async def search(self, search_id: int) -> StoredSearch | None: ...

    async def vote(
        self, answer_id: int, user_id: int, vote: int, missing: str | None = None
    ) -> int: ...

    async def current_vote(self, answer_id: int, user_id: int) -> int: ...

    async def gaps(self, limit: int = 20) -> list[Gap]: ...

    async def totals(self, answer_id: int) -> tuple[int, int]: ...

    async def close(self) -> None: ...


SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS answers (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    question TEXT NOT NULL,
    resource_ids TEXT NOT NULL,
    coverage TEXT NOT NULL,
    created REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS searches (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    author_id INTEGER NOT NULL,
    query TEXT NOT NULL,
    filters TEXT NOT NULL,
    created REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS votes (
    answer_id INTEGER NOT NULL REFERENCES answers(id),
    user_hash TEXT NOT NULL,
    vote INTEGER NOT NULL,
    missing TEXT,
    created REAL NOT NULL,
    PRIMARY KEY (answer_id, user_hash)
);
"""


class SqliteStorage:
    """SQLite in a thread: each call is short, and one lock keeps the connection serial."""

    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        fresh = not path.exists()
        self._db = sqlite3.connect(path, check_same_thread=False)
        if fresh:
            os.chmod(path, 0o600)
        self._db.executescript(SCHEMA)
        self._lock = threading.Lock()
        self._key = self._secret()

    def _secret(self) -> bytes:
        with self._db:
            self._db.execute(
                "INSERT OR IGNORE INTO meta VALUES ('voter_key', ?)", (secrets.token_hex(32),)
            )
            (value,) = self._db.execute("SELECT value FROM meta WHERE key = 'voter_key'").fetchone()
        return bytes.fromhex(value)

    def _voter(self, user_id: int) -> str:
        return hmac.new(self._key, str(user_id).encode(), hashlib.sha256).hexdigest()[:32]

    async def _select(self, sql: str, args: tuple[Any, ...] = ()) -> list[Any]:
        def run() -> list[Any]:
            with self._lock:
                return self._db.execute(sql, args).fetchall()

        return await asyncio.to_thread(run)

    async def _insert(self, sql: str, args: tuple[Any, ...]) -> int:
        def run() -> int:
            with self._lock, self._db:
                return int(self._db.execute(sql, args).lastrowid or 0)

        return await asyncio.to_thread(run)

    async def save_answer(
        self, question: str, resource_ids: Sequence[str], coverage: str
    ) -> StoredAnswer:
        ids = tuple(resource_ids)
        row_id = await self._insert(
            "INSERT INTO answers (question, resource_ids, coverage, created) VALUES (?, ?, ?, ?)",
            (question, json.dumps(ids), coverage, time.time()),
        )
        return StoredAnswer(row_id, question, ids, coverage != "none")

    async def answer(self, answer_id: int) -> StoredAnswer | None:
        rows = await self._select(
            "SELECT question, resource_ids, coverage FROM answers WHERE id = ?", (answer_id,)
        )
        if not rows:
            return None
        question, ids, coverage = rows[0]
        return StoredAnswer(answer_id, question, tuple(json.loads(ids)), coverage != "none")

    async def save_search(
        self, author_id: int, query: str, filters: dict[str, Any]
    ) -> StoredSearch:
        row_id = await self._insert(
            "INSERT INTO searches (author_id, query, filters, created) VALUES (?, ?, ?, ?)",
            (author_id, query, json.dumps(filters), time.time()),
        )
        return StoredSearch(row_id, author_id, query, dict(filters))

    async def search(self, search_id: int) -> StoredSearch | None:
        rows = await self._select(
            "SELECT author_id, query, filters FROM searches WHERE id = ?", (search_id,)
        )
        if not rows:
            return None
        author_id, query, filters = rows[0]
        return StoredSearch(search_id, int(author_id), query, json.loads(filters))

    async def vote(
        self, answer_id: int, user_id: int, vote: int, missing: str | None = None
    ) -> int:
        """Record ``vote`` (+1/-1, with what was missing); the same vote again undoes it.

        Returns the vote now held. A 👎 that says what was missing is never an undo.
        """
        who = self._voter(user_id)

        def toggle() -> int:
            with self._lock, self._db:
                row = self._db.execute(
                    "SELECT vote FROM votes WHERE answer_id = ? AND user_hash = ?",
                    (answer_id, who),
                ).fetchone()
                if row is not None and row[0] == vote and missing is None:
                    self._db.execute(
                        "DELETE FROM votes WHERE answer_id = ? AND user_hash = ?", (answer_id, who)
                    )
                    return 0
                self._db.execute(
                    "INSERT OR REPLACE INTO votes VALUES (?, ?, ?, ?, ?)",
                    (answer_id, who, vote, missing or None, time.time()),
                )
                return vote

        return await asyncio.to_thread(toggle)

    async def current_vote(self, answer_id: int, user_id: int) -> int:
        rows = await self._select(
            "SELECT vote FROM votes WHERE answer_id = ? AND user_hash = ?",
            (answer_id, self._voter(user_id)),
        )
        return int(rows[0][0]) if rows else 0

    async def gaps(self, limit: int = 20) -> list[Gap]:
        """Questions answered "nothing" or "partial", or voted down: most asked first."""
        rows = await self._select(
            """
            SELECT lower(trim(a.question)) AS key, MAX(a.question), COUNT(DISTINCT a.id),
                   MAX(a.created),
                   COUNT(DISTINCT CASE WHEN a.coverage = 'none' THEN a.id END),
                   COUNT(DISTINCT CASE WHEN a.coverage = 'partial' THEN a.id END),
                   COUNT(CASE WHEN v.vote = -1 THEN 1 END),
                   json_group_array(v.missing) FILTER (WHERE v.missing IS NOT NULL)
            FROM answers a LEFT JOIN votes v ON v.answer_id = a.id
            GROUP BY key
            HAVING COUNT(CASE WHEN a.coverage != 'answered' THEN 1 END) > 0
                OR COUNT(CASE WHEN v.vote = -1 THEN 1 END) > 0
            ORDER BY COUNT(DISTINCT a.id) DESC, MAX(a.created) DESC
            LIMIT ?
            """,
            (limit,),
        )
        return [
            Gap(question, asked, last, nothing, partial, down, tuple(json.loads(missing or "[]")))
            for _, question, asked, last, nothing, partial, down, missing in rows
        ]

    async def totals(self, answer_id: int) -> tuple[int, int]:
        rows = await self._select(
            "SELECT vote, COUNT(*) FROM votes WHERE answer_id = ? GROUP BY vote", (answer_id,)
        )
        counts = dict(rows)
        return counts.get(1, 0), counts.get(-1, 0)

    async def close(self) -> None:
        with self._lock:
            self._db.close()
