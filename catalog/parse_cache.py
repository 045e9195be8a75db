"""Resource files parsed by an earlier process, kept on disk by the SHA-256 of their bytes.

A fresh ``studybot index build`` read every YAML file again: 8 s at 20,000 entries, for a
one-entry edit. Each resource file parsed without a problem is saved as ``<sha256>.jsonl`` in
a folder the caller chooses (the index's ``cache/parsed``): its entries as the snapshot writes
them (``catalog.snapshot``), beside the lines of each key for ``path:line`` reports.

Never trusted blindly: the first line records this format, a fingerprint of the code that
parses and validates entries (an edited validator invalidates everything) and the SHA-256 of
the rest of the file; anything that does not match, or does not parse, is parsed from the YAML
again. Entries come back without running the validators: they passed when the file was saved.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
from functools import cache
from pathlib import Path

from catalog.atomic import write_atomic
from catalog.models import Resource
from catalog.snapshot import resource_from_json, resource_line
from catalog.yamlfile import LineDict

FORMAT = 2
SUFFIX = ".jsonl"
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
        except (ValueError, KeyError, TypeError, IndexError, AttributeError):
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
            for path in self.folder.glob(f"*{SUFFIX}"):
                if path.name.removesuffix(SUFFIX) not in keep:
                    path.unlink(missing_ok=True)


def _dump(entries: Entries) -> bytes:
    """A header, the lines of every entry as one JSON array, then one resource per line."""
    lines = [json.dumps([[item.line, item.key_lines] for _, item in entries], ensure_ascii=False)]
    lines += [resource_line(resource) for resource, _ in entries]
    body = ("\n".join(lines) + "\n").encode("utf-8")
    header = {"format": FORMAT, "code": code_fingerprint(), "sha256": _sha256(body)}
    return json.dumps(header).encode("utf-8") + b"\n" + body


def _entries(data: bytes) -> Entries:
    """ValueError (or another lookup error) unless ``data`` is a whole, current cache file."""
    header, _, body = data.partition(b"\n")
    meta = json.loads(header)
    if meta.get("format") != FORMAT or meta.get("code") != code_fingerprint():
        raise ValueError("written by other code")
    if meta.get("sha256") != _sha256(body):
        raise ValueError("damaged")
    where, *texts = body.decode("utf-8").split("\n")[:-1]
    places = json.loads(where)
    if len(places) != len(texts):
        raise ValueError("entries and their lines disagree")
    entries: Entries = []
    for (line, key_lines), text in zip(places, texts, strict=True):
        resource = resource_from_json(json.loads(text))
        resource_line.remember(resource, text)
        entries.append((resource, LineDict.lines(int(line), dict(key_lines))))
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
