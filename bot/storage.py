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
class StoredSearch:
    """A ``/resource`` search, re-run when its pages are turned; only its author turns them."""

    id: int
    author_id: int
    query: str
    filters: dict[str, Any]


class Storage(Protocol):
    async def save_answer(
        self,
        question: str,
        resource_ids: Sequence[str],
        answered: bool,  # something to show: answered or partial
    ) -> StoredAnswer: ...

    async def answer(self, answer_id: int) -> StoredAnswer | None: ...

    async def save_search(
        self, author_id: int, query: str, filters: dict[str, Any]
    ) -> StoredSearch: ...

    async def search(self, search_id: int) -> StoredSearch | None: ...

    async def vote(self, answer_id: int, user_id: int, vote: int) -> int: ...

    async def totals(self, answer_id: int) -> tuple[int, int]: ...

    async def close(self) -> None: ...


SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS answers (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    question TEXT NOT NULL,
    resource_ids TEXT NOT NULL,
    answered INTEGER NOT NULL,
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
        self,
        question: str,
        resource_ids: Sequence[str],
        answered: bool,  # something to show: answered or partial
    ) -> StoredAnswer:
        ids = tuple(resource_ids)
        row_id = await self._insert(
            "INSERT INTO answers (question, resource_ids, answered, created) VALUES (?, ?, ?, ?)",
            (question, json.dumps(ids), int(answered), time.time()),
        )
        return StoredAnswer(row_id, question, ids, answered)

    async def answer(self, answer_id: int) -> StoredAnswer | None:
        rows = await self._select(
            "SELECT question, resource_ids, answered FROM answers WHERE id = ?", (answer_id,)
        )
        if not rows:
            return None
        question, ids, answered = rows[0]
        return StoredAnswer(answer_id, question, tuple(json.loads(ids)), bool(answered))

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

    async def vote(self, answer_id: int, user_id: int, vote: int) -> int:
        """Record ``vote`` (+1/-1); the same vote again undoes it. Returns the vote now held."""
        who = self._voter(user_id)

        def toggle() -> int:
            with self._lock, self._db:
                row = self._db.execute(
                    "SELECT vote FROM votes WHERE answer_id = ? AND user_hash = ?",
                    (answer_id, who),
                ).fetchone()
                if row is not None and row[0] == vote:
                    self._db.execute(
                        "DELETE FROM votes WHERE answer_id = ? AND user_hash = ?", (answer_id, who)
                    )
                    return 0
                self._db.execute(
                    "INSERT OR REPLACE INTO votes VALUES (?, ?, ?, ?)",
                    (answer_id, who, vote, time.time()),
                )
                return vote

        return await asyncio.to_thread(toggle)

    async def totals(self, answer_id: int) -> tuple[int, int]:
        rows = await self._select(
            "SELECT vote, COUNT(*) FROM votes WHERE answer_id = ? GROUP BY vote", (answer_id,)
        )
        counts = dict(rows)
        return counts.get(1, 0), counts.get(-1, 0)

    async def close(self) -> None:
        with self._lock:
            self._db.close()
