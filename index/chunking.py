"""Notes -> passages: split at headings, then at paragraphs when a section is long.

Passages are what answers quote, so each must read well on its own and fit the embedding
model's window (all-MiniLM-L6-v2 truncates at 256 word pieces, roughly 180 words).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from catalog import Note

MAX_WORDS = 170
MIN_TAIL_WORDS = 60
_HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")


@dataclass(frozen=True)
class Section:
    heading: str
    text: str
    position: int


def sections(note: Note) -> list[Section]:
    """The note's sections in order; text before the first heading belongs to the title."""
    found: list[Section] = []
    heading, lines = "", list[str]()
    for line in note.body.splitlines():
        match = _HEADING.match(line)
        if match:
            _flush(found, heading, lines)
            heading, lines = match.group(2), []
        else:
            lines.append(line)
    _flush(found, heading, lines)
    return [Section(s.heading or note.title, s.text, n) for n, s in enumerate(found)]


def _flush(found: list[Section], heading: str, lines: list[str]) -> None:
    text = "\n".join(lines).strip()
    if text:
        found.append(Section(heading, text, len(found)))


def chunks(text: str, max_words: int = MAX_WORDS) -> Iterator[str]:
    """Group whole paragraphs up to ``max_words``; a longer paragraph is split at sentences."""
    groups: list[list[str]] = []
    size = 0
    for paragraph in _pieces(text, max_words):
        words = len(paragraph.split())
        if not groups or size + words > max_words:
            groups.append([])
            size = 0
        groups[-1].append(paragraph)
        size += words
    # A short tail reads badly alone and matches on the heading only: join it to its neighbour.
    if len(groups) > 1 and len(" ".join(groups[-1]).split()) < MIN_TAIL_WORDS:
        groups[-2].extend(groups.pop())
    for group in groups:
        yield "\n\n".join(group)


def _pieces(text: str, max_words: int) -> Iterator[str]:
    for paragraph in re.split(r"\n\s*\n", text):
        paragraph = paragraph.strip()
        if not paragraph:
            continue
        if len(paragraph.split()) <= max_words:
            yield paragraph
            continue
        sentences = re.split(r"(?<=[.!?])\s+", paragraph)
        part: list[str] = []
        for sentence in sentences:
            if part and len(" ".join([*part, sentence]).split()) > max_words:
                yield " ".join(part)
                part = []
            part.append(sentence)
        if part:
            yield " ".join(part)
