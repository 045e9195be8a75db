"""Token colours and visible whitespace: shared, so a token has one colour everywhere.

The terminal (``studybot tokenize``), the ``/tokenize`` ANSI block and its PNG all colour a
token by ``token_colours``, from the one ``PALETTE``.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import TYPE_CHECKING, NamedTuple

if TYPE_CHECKING:
    from index import Token


class TokenColour(NamedTuple):
    ansi: int  # Discord's ANSI foreground code
    rgb: tuple[int, int, int]  # the colour Discord shows for that code


# Discord's six readable ANSI foreground colours (gray 30 and white 37 are left out: too close
# to ordinary text). The RGB values are what Discord paints for each code.
PALETTE: tuple[TokenColour, ...] = (
    TokenColour(31, (0xDC, 0x32, 0x2F)),  # red
    TokenColour(32, (0x85, 0x99, 0x00)),  # green
    TokenColour(33, (0xB5, 0x89, 0x00)),  # yellow
    TokenColour(34, (0x26, 0x8B, 0xD2)),  # blue
    TokenColour(35, (0xD3, 0x36, 0x82)),  # pink
    TokenColour(36, (0x2A, 0xA1, 0x98)),  # cyan
)

FRAGMENT = "\N{REPLACEMENT CHARACTER}"
_MARKERS = {" ": "·", "\t": "→", "\r": "␍", "\n": "↵"}
ASCII_MARKERS = {"·": ".", "→": "\\t", "␍": "\\r", "↵": "\\n", FRAGMENT: "?"}

_FENCE_BREAK = re.compile("`(?=`)")


def token_colours(tokens: Sequence[Token]) -> list[int]:
    """Palette index per token: ``id % len(PALETTE)``, so the same id gets the same colour.

    Exception: when that equals the previous token's colour, the next palette colour is
    taken, so two neighbours are always told apart. A repeated id can therefore differ in
    colour only where its usual colour collides with its left neighbour.
    """
    colours: list[int] = []
    previous = -1
    for token in tokens:
        colour = token.id % len(PALETTE)
        if colour == previous:
            colour = (colour + 1) % len(PALETTE)
        colours.append(colour)
        previous = colour
    return colours


def visible(text: str) -> str:
    """Token text with whitespace made visible; a byte fragment (``""``) becomes ``�``.

    Newlines become ``↵`` followed by a real newline, so lines still break where the text
    does. Other control characters become their Unicode "control picture" (ESC -> ``␛``), so
    a learner's text can never inject terminal escape codes.
    """
    if not text:
        return FRAGMENT
    out: list[str] = []
    for char in text:
        if char in _MARKERS:
            out.append(_MARKERS[char] + ("\n" if char == "\n" else ""))
        elif ord(char) < 0x20:
            out.append(chr(0x2400 + ord(char)))
        elif char == "\x7f":
            out.append("␡")
        else:
            out.append(char)
    return "".join(out)


def unfence(text: str) -> str:
    """``text`` that cannot close a code block: a zero-width space after each doubled backtick."""
    return _FENCE_BREAK.sub("`\u200b", text)
