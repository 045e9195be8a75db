"""The documents of an index version, each parsed from its JSON line when first read.

An answer reads the few dozen documents it ranks; parsing all 20,000 at load cost a fifth of
a second of every cold ``studybot ask``. The lines come from a file whose checksum the store
verified, so a line that still fails to parse means the file changed under a running process.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from dataclasses import fields
from typing import overload

from index.errors import IndexCorrupt
from index.results import Document


class StoredDocuments(Sequence[Document]):
    def __init__(self, data: bytes, source: str) -> None:
        self._lines = [line for line in data.split(b"\n") if line.strip()]
        self._parsed: list[Document | None] = [None] * len(self._lines)
        self._source = source

    def __len__(self) -> int:
        return len(self._lines)

    @overload
    def __getitem__(self, index: int) -> Document: ...
    @overload
    def __getitem__(self, index: slice) -> Sequence[Document]: ...
    def __getitem__(self, index: int | slice) -> Document | Sequence[Document]:
        if isinstance(index, slice):
            return [self[row] for row in range(len(self))[index]]
        found = self._parsed[index]
        if found is None:
            try:
                line = self._lines[index].decode("utf-8")
                found = self._parsed[index] = _document(_decode(line))
            except (ValueError, TypeError) as error:
                raise IndexCorrupt(f"damaged document in {self._source}: {error}") from None
        return found

    def __iter__(self) -> Iterator[Document]:
        return (self[row] for row in range(len(self)))


def _document(values: dict[str, object]) -> Document:
    """The document whose fields ``values`` holds. A line with every field in field order (what
    the writer stores) becomes its state directly: the frozen dataclass's ``__init__`` sets
    each field through ``object.__setattr__``, half the cost of reading a candidate."""
    if tuple(values) != _FIELDS:
        return Document(**values)  # type: ignore[arg-type]
    document = object.__new__(Document)
    document.__dict__.update(values)
    return document


_FIELDS = tuple(field.name for field in fields(Document))
# One decoder on text: json.loads on bytes first guesses their encoding, a fifth of the parse.
_decode = json.JSONDecoder().decode
