"""How a token split looks: colours, visible whitespace, an ANSI code block and a PNG.

One colour scheme for both pictures, so a token has the same colour in the ``/tokenize``
message (``tokens_ansi``) and in its attached image (``token_png``). Pillow is imported only
when a PNG is drawn, so the text renderers work without it. Discord's phone apps do not colour
ANSI blocks; the whitespace markers still show boundaries there, and the PNG shows them all.

Font: a DejaVu Sans already installed on the machine if there is one (it has accents, arrows
and the replacement character); otherwise Pillow's built-in font, which covers ASCII only.
Markers the font cannot draw fall back to ASCII (``\\n``, ``\\t``, ``?``); other characters it
lacks (emoji, CJK) show as empty boxes, but the token boundaries stay right.
"""

from __future__ import annotations

import functools
import io
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from bot.tokens import ASCII_MARKERS, PALETTE, token_colours, unfence, visible

if TYPE_CHECKING:
    from PIL.Image import Image
    from PIL.ImageFont import FreeTypeFont

    from index import Token, TokenSplit


ANSI_BUDGET = 1800  # of a 2000-character message: the rest is for a short header
_RESET = "\x1b[0m"

BACKGROUND = (0x31, 0x33, 0x38)  # Discord's dark theme
TEXT = (0xF2, 0xF3, 0xF5)
DIM = (0x94, 0x9B, 0xA4)
MAX_LINES = 60
FONT_SIZE = 18
_MARGIN = 12
_PAD_X = 4
_PAD_Y = 4
_GAP = 3
_LINE_GAP = 6


def tokens_ansi(split: TokenSplit, budget: int = ANSI_BUDGET) -> str:
    """An ```ansi code block with each token in its colour, at most ``budget`` characters.

    Longer splits show their first tokens and say "(first N of M tokens shown)".
    """
    if not split.tokens:
        return "```ansi\n(no tokens)\n```"
    note = f"\n(first {split.count} of {split.count} tokens shown)"
    room = budget - len("```ansi\n") - len(f"{_RESET}\n```") - len(note)
    body: list[str] = []
    for token, colour in zip(split.tokens, token_colours(split.tokens), strict=True):
        piece = f"\x1b[0;{PALETTE[colour].ansi}m{unfence(visible(token.text))}"
        room -= len(piece)
        if room < 0:
            break
        body.append(piece)
    block = f"```ansi\n{''.join(body)}{_RESET}\n```"
    if len(body) < split.count:
        block += f"\n(first {len(body)} of {split.count} tokens shown)"
    return block


@dataclass(frozen=True)
class _Box:
    line: int
    x: int
    width: int
    label: str
    colour: int


def token_png(split: TokenSplit, *, width: int = 800) -> bytes:
    """The split as a PNG ``width`` pixels wide; at most ``MAX_LINES`` lines, then "… N more"."""
    from PIL import Image, ImageDraw

    glyphs = _glyphs(FONT_SIZE)
    box_height = glyphs.ascent + glyphs.descent + 2 * _PAD_Y
    row = box_height + _LINE_GAP
    boxes, hidden = _layout(split.tokens, glyphs, width)
    lines = (max(box.line for box in boxes) + 1 if boxes else 1) + (1 if hidden else 0)
    image = Image.new("RGB", (width, 2 * _MARGIN + lines * row - _LINE_GAP), BACKGROUND)
    draw = ImageDraw.Draw(image)
    pixels = image.load()
    assert pixels is not None
    for box in boxes:
        top = _MARGIN + box.line * row
        rgb = PALETTE[box.colour].rgb
        left, bottom, right = box.x, top + box_height, box.x + box.width
        draw.rectangle((left, top, right, bottom), fill=_mix(rgb, BACKGROUND, 0.45), outline=rgb)
        for corner in ((left, top), (right, top), (left, bottom), (right, bottom)):
            pixels[corner] = BACKGROUND  # rounded enough, and 10x faster than Pillow's
        glyphs.draw(image, box.x + _PAD_X, top + _PAD_Y + glyphs.ascent, box.label, TEXT)
    baseline = _MARGIN + (lines - 1) * row + _PAD_Y + glyphs.ascent
    if not split.tokens:
        glyphs.draw(image, _MARGIN, baseline, "(no tokens)", DIM)
    if hidden:
        more = f"… {hidden} more token{'s' if hidden != 1 else ''} not shown"
        glyphs.draw(image, _MARGIN, baseline, more, DIM)
    # Few distinct colours: a palette PNG is a third of the size and quicker to encode.
    small = image.quantize(colors=128, method=Image.Quantize.FASTOCTREE)
    out = io.BytesIO()
    small.save(out, format="PNG", compress_level=1)
    return out.getvalue()


def _layout(tokens: Sequence[Token], glyphs: _Glyphs, width: int) -> tuple[list[_Box], int]:
    """Boxes left to right, wrapping lines; also how many tokens did not fit in ``MAX_LINES``."""
    right = width - _MARGIN
    room = right - _MARGIN - 2 * _PAD_X
    boxes: list[_Box] = []
    line, x = 0, _MARGIN
    for index, (token, colour) in enumerate(zip(tokens, token_colours(tokens), strict=True)):
        for label, breaks in _pieces(token.text, glyphs):
            for chunk in _chunks(label, glyphs, room):
                box_width = glyphs.width(chunk) + 2 * _PAD_X
                if x + box_width > right and x > _MARGIN:
                    line, x = line + 1, _MARGIN
                if line >= MAX_LINES:
                    return boxes, len(tokens) - index
                boxes.append(_Box(line, x, box_width, chunk, colour))
                x += box_width + _GAP
            if breaks:
                line, x = line + 1, _MARGIN
    return boxes, 0


def _pieces(text: str, glyphs: _Glyphs) -> Iterator[tuple[str, bool]]:
    """A token's visible label cut at its newlines: (label, whether a line break follows)."""
    shown = "".join(c if glyphs.has(c) else ASCII_MARKERS.get(c, c) for c in visible(text))
    parts = shown.split("\n")
    for number, part in enumerate(parts):
        last = number == len(parts) - 1
        if part or not last:
            yield part, not last


def _chunks(label: str, glyphs: _Glyphs, room: int) -> Iterator[str]:
    """A label wider than a whole line, cut into pieces that fit (long runs of spaces, URLs)."""
    if glyphs.width(label) <= room:
        yield label
        return
    current, used = "", 0
    for char in label:
        advance = glyphs.width(char)
        if current and used + advance > room:
            yield current
            current, used = "", 0
        current, used = current + char, used + advance
    if current:
        yield current


class _Glyphs:
    """Per-character masks of one font, drawn by pasting.

    Pillow renders a string in about 0.1-0.2 ms; 500 tokens would blow the time budget. A
    token demo has few distinct characters, so each is rendered once and pasted after that
    (kerning is lost, which nobody notices inside a token box).
    """

    def __init__(self, font: FreeTypeFont) -> None:
        self.font = font
        self.ascent, self.descent = font.getmetrics()
        self._cache: dict[str, tuple[Image | None, int, int, int]] = {}
        self._has: dict[str, bool] = {}
        self._missing = self._render("\U0010fffd")[0]

    def _render(self, char: str) -> tuple[Image | None, int, int, int]:
        cached = self._cache.get(char)
        if cached is None:
            from PIL import Image as PILImage
            from PIL import ImageDraw

            left, top, right, bottom = (int(v) for v in self.font.getbbox(char, anchor="ls"))
            mask = None
            if right > left and bottom > top:
                mask = PILImage.new("L", (right - left, bottom - top))
                ImageDraw.Draw(mask).text(
                    (-left, -top), char, font=self.font, fill=255, anchor="ls"
                )
            cached = (mask, left, top, round(self.font.getlength(char)))
            self._cache[char] = cached
        return cached

    def has(self, char: str) -> bool:
        """Whether the font draws ``char`` itself rather than its "missing glyph" box."""
        known = char.isascii() or self._has.get(char)
        if known is None:
            mask, missing = self._render(char)[0], self._missing
            known = mask is None or missing is None or mask.tobytes() != missing.tobytes()
            self._has[char] = known
        return known

    def width(self, text: str) -> int:
        return sum(self._render(char)[3] for char in text)

    def draw(
        self, image: Image, x: int, baseline: int, text: str, colour: tuple[int, int, int]
    ) -> None:
        for char in text:
            mask, left, top, advance = self._render(char)
            if mask is not None:
                image.paste(colour, (x + left, baseline + top), mask)
            x += advance


@functools.cache
def _glyphs(size: int) -> _Glyphs:
    from PIL import ImageFont

    try:
        return _Glyphs(ImageFont.truetype("DejaVuSans.ttf", size))
    except OSError:
        font = ImageFont.load_default(size=size)
    if not isinstance(font, ImageFont.FreeTypeFont):
        raise RuntimeError("token pictures need Pillow built with FreeType")
    return _Glyphs(font)


def _mix(a: tuple[int, int, int], b: tuple[int, int, int], share: float) -> tuple[int, int, int]:
    red, green, blue = (round(x * share + y * (1 - share)) for x, y in zip(a, b, strict=True))
    return red, green, blue
