"""👍 / 👎 feedback on answers, in SQLite. User ids are stored only as salted hashes."""

from __future__ import annotations

import hashlib
import sqlite3
import threading
import time
from pathlib import Path

SCHEMA = """
CREATE TABLE IF NOT EXISTS feedback (
    message_id INTEGER NOT NULL,
    user_hash TEXT NOT NULL,
    vote INTEGER NOT NULL,
    question TEXT NOT NULL,
    resource_ids TEXT NOT NULL,
    created REAL NOT NULL,
    PRIMARY KEY (message_id, user_hash)
)
"""


class FeedbackStore:
    def __init__(self, path: Path, salt: str = "studybot") -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self._db = sqlite3.connect(path, check_same_thread=False)
        self._db.execute(SCHEMA)
        self._db.commit()
        self._lock = threading.Lock()
        self._salt = salt

    def user_hash(self, user_id: int) -> str:
        return hashlib.sha256(f"{self._salt}:{user_id}".encode()).hexdigest()[:32]

    def toggle(
        self, message_id: int, user_id: int, vote: int, question: str, resource_ids: list[str]
    ) -> int:
        """Record ``vote`` (+1/-1); the same vote again undoes it. Returns the vote now held."""
        who = self.user_hash(user_id)
        with self._lock, self._db:
            row = self._db.execute(
                "SELECT vote FROM feedback WHERE message_id = ? AND user_hash = ?",
                (message_id, who),
            ).fetchone()
            if row is not None and row[0] == vote:
                self._db.execute(
                    "DELETE FROM feedback WHERE message_id = ? AND user_hash = ?", (message_id, who)
                )
                return 0
            self._db.execute(
                "INSERT OR REPLACE INTO feedback VALUES (?, ?, ?, ?, ?, ?)",
                (message_id, who, vote, question, ",".join(resource_ids), time.time()),
            )
            return vote

    def totals(self, message_id: int) -> tuple[int, int]:
        with self._lock:
            rows = self._db.execute(
                "SELECT vote, COUNT(*) FROM feedback WHERE message_id = ? GROUP BY vote",
                (message_id,),
            ).fetchall()
        counts = dict(rows)
        return counts.get(1, 0), counts.get(-1, 0)

    def close(self) -> None:
        self._db.close()
