"""Resource files parsed by an earlier process, kept on disk by the SHA-256 of their bytes.

A fresh ``studybot index build`` read every YAML file again: 8 s at 20,000 entries, for a
one-entry edit. Each resource file parsed without a problem is saved as ``<sha256>.marshal``
in a folder the caller chooses (the index's ``cache/parsed``): each entry's field values, its
line as the snapshot writes it (``catalog.snapshot``) and the lines of its keys for
``path:line`` reports, as one ``marshal`` blob: reading 20,000 entries back from JSON took
0.3 s of each new build process, from marshal a tenth of that.

Never trusted blindly: the first line records this format, a fingerprint of the code that
parses and validates entries (an edited validator invalidates everything) and the SHA-256 of
the rest of the file, checked before anything is unmarshalled; anything that does not match,
or does not have the expected shape, is parsed from the YAML again. Entries come back without
running the validators: they passed when the file was saved.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import marshal
from functools import cache
from pathlib import Path
from sys import intern

from catalog.atomic import write_atomic
from catalog.models import Resource
from catalog.snapshot import resource_from_values, resource_line
from catalog.yamlfile import LineDict

FORMAT = 3
SUFFIX = ".marshal"
_OLD_SUFFIX = ".jsonl"  # the JSON files of format 2: dropped at the next save
# The modules that decide what a resource file becomes: a change to any of them is a new parse.
_CODE = ("loader.py", "models.py", "urls.py", "vocabulary.py", "yamlfile.py", "snapshot.py")

Entries = list[tuple[Resource, LineDict]]


class ParseCache:
    """Parsed resource files in ``folder``; without a folder, a cache that holds nothing."""

    def __init__(self, folder: Path | None) -> None:
        self.folder = folder
        self._new: dict[str, Entries] = {}

    def get(self, digest: str) -> Entries | None:
        """The entries of the file whose bytes hash to ``digest``; None when not (validly) kept."""
        if self.folder is None or not digest:
            return None
        try:
            data = (self.folder / f"{digest}{SUFFIX}").read_bytes()
        except OSError:
            return None
        try:
            return _entries(data)
        except (ValueError, KeyError, TypeError, IndexError, AttributeError, EOFError):
            return None

    def put(self, digest: str, entries: Entries) -> None:
        if self.folder is not None and digest:
            self._new[digest] = entries

    def save(self, keep: set[str]) -> None:
        """Write the files parsed this time and drop those not in ``keep`` (the catalog's now).

        A cache: a folder that cannot be written costs the next process a parse, nothing more.
        """
        if self.folder is None:
            return
        with contextlib.suppress(OSError):
            if self._new:
                self.folder.mkdir(parents=True, exist_ok=True)
            for digest, entries in self._new.items():
                write_atomic(self.folder / f"{digest}{SUFFIX}", _dump(entries))
            self._new.clear()
            for suffix in (SUFFIX, _OLD_SUFFIX):
                for path in self.folder.glob(f"*{suffix}"):
                    if suffix != SUFFIX or path.name.removesuffix(SUFFIX) not in keep:
                        path.unlink(missing_ok=True)


def _dump(entries: Entries) -> bytes:
    """A JSON header line, then per entry: its key lines, its field values, its snapshot line."""
    # Keys interned: marshal writes a shared string once and refers to it after, instead of
    # writing (and reading back) each entry's ten key names as strings of their own.
    rows = [
        (item.line, {intern(k): n for k, n in item.key_lines.items()}, _values(r), resource_line(r))
        for r, item in entries
    ]
    body = marshal.dumps(rows)
    header = {"format": FORMAT, "code": code_fingerprint(), "sha256": _sha256(body)}
    return json.dumps(header).encode("utf-8") + b"\n" + body


def _values(resource: Resource) -> dict[str, object]:
    return {intern(name): value for name, value in vars(resource).items()}


def _entries(data: bytes) -> Entries:
    """ValueError (or another lookup error) unless ``data`` is a whole, current cache file;
    the checksum is compared before ``marshal`` reads a byte of the body."""
    header, _, body = data.partition(b"\n")
    meta = json.loads(header)
    if meta.get("format") != FORMAT or meta.get("code") != code_fingerprint():
        raise ValueError("written by other code")
    if meta.get("sha256") != _sha256(body):
        raise ValueError("damaged")
    entries: Entries = []
    for line, key_lines, values, text in marshal.loads(body):
        resource = resource_from_values(values)
        resource_line.remember(resource, text)
        entries.append((resource, LineDict.lines(line, key_lines)))
    return entries


@cache
def code_fingerprint() -> str:
    """SHA-256 over the modules that parse and validate: a cache from other code is stale."""
    digest = hashlib.sha256(str(FORMAT).encode())
    here = Path(__file__).parent
    for name in _CODE:
        digest.update(name.encode() + b"\0" + (here / name).read_bytes())
    return digest.hexdigest()


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()
