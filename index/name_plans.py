"""What each title, alias and author may name (``index.names``), kept on disk between processes.

A new ``studybot index build`` process weighed the words of every title again: 1.1 s at 20,000
entries for a one-entry edit. A plan depends only on an entry's title, aliases and author (and
on the code that weighs words), so plans are kept by those three in ``cache/names.jsonl``:
a header naming the format and a fingerprint of that code, then one entry per line, each with
its CRC-32. A build appends the entries it derived; the file is rewritten with only the
entries in use once it holds twice as many. A line that is damaged, or a file from other
code, is derived again: a cache only ever costs time.

Plans are pure functions of their key, so one process keeps what it read or derived for every
later build of the same folder (the bot rebuilds after each edit).
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import zlib
from functools import cache
from pathlib import Path
from typing import Any

from catalog import Resource
from catalog.atomic import write_atomic
from index.names import Plans, resource_plans

FORMAT = 1
FILE = "names.jsonl"
# The modules whose code decides a plan: a change to any of them derives every plan again.
_CODE = ("names.py", "query.py", "terms.py", "word_frequency.py")
# The file is rewritten when it holds more than this many times the entries in use.
SLACK = 2

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
        used since then when it would hold more than SLACK times as many. A folder that cannot
        be written costs the next process the derivation, nothing more."""
        used, self._used = self._used, set()
        new, self._new = self._new, {}
        with contextlib.suppress(OSError):
            if self._lines and self._lines + len(new) <= SLACK * len(used):
                if new:
                    with self.path.open("ab") as handle:
                        handle.write(b"" if self._ends_clean else b"\n")
                        handle.write(b"".join(_line(key, self._known[key]) for key in new))
                    self._lines += len(new)
                    self._ends_clean = True
                return
            self._known = {key: self._known[key] for key in used}
            body = b"".join(_line(key, plans) for key, plans in self._known.items())
            self.path.parent.mkdir(parents=True, exist_ok=True)
            write_atomic(self.path, _header() + body)
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
        lines = body.split(b"\n")
        self._ends_clean = not lines[-1]
        payloads = []
        for line in lines:
            crc, _, payload = line.partition(b"\t")
            if payload and crc == b"%08x" % zlib.crc32(payload):
                payloads.append(payload)
        self._lines = len(payloads)
        try:
            entries = json.loads(b"[" + b",".join(payloads) + b"]")
        except ValueError:
            return
        for entry in entries:
            with contextlib.suppress(TypeError, ValueError):
                key, plans = _from_json(entry)
                self._known[key] = plans


def _line(key: Key, plans: Plans) -> bytes:
    payload = json.dumps([*key, *plans], ensure_ascii=False, separators=(",", ":")).encode()
    return b"%08x\t%s\n" % (zlib.crc32(payload), payload)


def _from_json(entry: Any) -> tuple[Key, Plans]:
    """What ``_line`` wrote (its checksum and the code's fingerprint vouch for the types);
    TypeError or ValueError when its shape is wrong."""
    title, aliases, author, plans, titled, authors = entry
    made = tuple([(w, p, tuple(r), a, o, n) for w, p, r, a, o, n in plans])
    return (title, tuple(aliases), author), (made, tuple(titled), tuple(authors))


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
