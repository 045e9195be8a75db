"""What each title, alias and author may name (``index.names``), kept on disk between processes.

A new ``studybot index build`` process weighed the words of every title again: 1.1 s at 20,000
entries for a one-entry edit. A plan depends only on an entry's title, aliases and author (and
on the code that weighs words), so plans are kept by those three in ``cache/names.marshal``:
a header line naming the format and a fingerprint of that code, then records, each a CRC-32
and a length before a ``marshal`` blob of (key, plans) pairs. A build appends one record with
the entries it derived; the file is rewritten with only the entries in use once it holds twice
as many. A record that is damaged ends the reading (the entries after it are derived again,
and the next save rewrites the file); a file from other code is ignored: a cache only ever
costs time. Plans are tuples of strings, numbers and booleans, which ``marshal`` reads back as
they were: 20,000 entries in a fiftieth of a second, where JSON took a quarter of one.

Plans are pure functions of their key, so one process keeps what it read or derived for every
later build of the same folder (the bot rebuilds after each edit).
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import marshal
import struct
import zlib
from functools import cache
from pathlib import Path
from typing import Any

from catalog import Resource
from catalog.atomic import write_atomic
from index.names import Plans, resource_plans

FORMAT = 2
FILE = "names.marshal"
_OLD_FILE = "names.jsonl"  # format 1, JSON lines: removed at the first rewrite
# The modules whose code decides a plan: a change to any of them derives every plan again.
_CODE = ("names.py", "query.py", "terms.py", "word_frequency.py")
# The file is rewritten when it holds more than this many times the entries in use.
SLACK = 2
# Before each record: the CRC-32 of its payload and the payload's length.
_PREFIX = struct.Struct("<II")

Key = tuple[str, tuple[str, ...], str]


class NamePlans:
    """Plans by (title, aliases, author) for the index folder whose cache file is ``path``."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._known: dict[Key, Plans] = {}
        self._new: dict[Key, Plans] = {}
        self._used: set[Key] = set()
        self._lines = 0
        self._ends_clean = True
        self._read()

    def __call__(self, resource: Resource) -> Plans:
        key = (resource.title, tuple(resource.aliases), resource.author)
        found = self._known.get(key)
        if found is None:
            found = self._known[key] = self._new[key] = resource_plans(resource)
        self._used.add(key)
        return found

    def save(self) -> None:
        """Append the plans derived since the last save, or rewrite the file with the plans
        used since then when it would hold more than SLACK times as many (or its end is
        damaged). A folder that cannot be written costs the next process the derivation."""
        used, self._used = self._used, set()
        new, self._new = self._new, {}
        with contextlib.suppress(OSError):
            fits = self._lines + len(new) <= SLACK * len(used)
            if self._lines and self._ends_clean and fits:
                if new:
                    with self.path.open("ab") as handle:
                        handle.write(record([(key, self._known[key]) for key in new]))
                    self._lines += len(new)
                return
            self._known = {key: self._known[key] for key in used}
            self.path.parent.mkdir(parents=True, exist_ok=True)
            write_atomic(self.path, _header() + record(list(self._known.items())))
            (self.path.parent / _OLD_FILE).unlink(missing_ok=True)
            self._lines = len(self._known)
            self._ends_clean = True

    def _read(self) -> None:
        try:
            data = self.path.read_bytes()
        except OSError:
            return
        header, _, body = data.partition(b"\n")
        if header != _header().rstrip(b"\n"):
            return  # another format or other code: every plan is derived again
        entries, self._ends_clean = records(body)
        for key, plans in entries:
            self._known[key] = plans
        self._lines = len(entries)


def record(entries: list[tuple[Key, Plans]]) -> bytes:
    """One record: the CRC-32 and length of the marshalled entries, then the entries."""
    payload = marshal.dumps(entries)
    return _PREFIX.pack(zlib.crc32(payload), len(payload)) + payload


def records(body: bytes) -> tuple[list[tuple[Key, Plans]], bool]:
    """The entries of every whole record, up to the first damaged one; and whether the body
    was read to its end (a damaged record means the file is rewritten at the next save)."""
    entries: list[tuple[Key, Plans]] = []
    at = 0
    while at + _PREFIX.size <= len(body):
        crc, size = _PREFIX.unpack_from(body, at)
        payload = body[at + _PREFIX.size : at + _PREFIX.size + size]
        if len(payload) != size or zlib.crc32(payload) != crc:
            return entries, False
        try:
            entries += _checked(marshal.loads(payload))
        except (TypeError, ValueError, EOFError):
            return entries, False
        at += _PREFIX.size + size
    return entries, at == len(body)


def _checked(loaded: Any) -> list[tuple[Key, Plans]]:
    """What ``record`` wrote (its checksum and the code's fingerprint vouch for the types);
    TypeError or ValueError when its shape is wrong."""
    if not isinstance(loaded, list):
        raise TypeError("a record holds a list of entries")
    for key, plans in loaded:
        if not isinstance(key, tuple) or not isinstance(plans, tuple):
            raise TypeError("an entry is a (key, plans) pair of tuples")
    return loaded


@cache
def _header() -> bytes:
    digest = hashlib.sha256(str(FORMAT).encode())
    here = Path(__file__).parent
    for name in _CODE:
        digest.update(name.encode() + b"\0" + (here / name).read_bytes())
    return json.dumps({"format": FORMAT, "code": digest.hexdigest()}).encode() + b"\n"


_OPEN: dict[Path, NamePlans] = {}
OPEN_FOLDERS = 4


def name_plans(index_dir: Path) -> NamePlans:
    """The plans kept for ``index_dir``: read from disk once per process, then kept (for the
    last few folders built)."""
    path = index_dir / "cache" / FILE
    found = _OPEN.pop(path, None) or NamePlans(path)
    _OPEN[path] = found
    while len(_OPEN) > OPEN_FOLDERS:
        del _OPEN[next(iter(_OPEN))]  # the least recently built first
    return found
