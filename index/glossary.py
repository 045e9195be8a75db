"""A question in another language, read as the English words the catalog uses.

all-MiniLM-L6-v2 reads English only, and learners ask in their own language with English
terms mixed in ("qual é o melhor curso gratuito sobre LLMs?"). ``glossary.yaml`` holds the
words learners use for what they ask (course, free, beginner, video) and for the field's
ideas (attention, fine-tuning, hallucination) in 36 languages, written by a session that never
saw the evaluation questions. The English reading keeps those words and the question's own
words the catalog knows ("LLMs", "RAG"), in order, and drops the rest.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from functools import lru_cache
from pathlib import Path

import yaml

GLOSSARY = Path(__file__).parent / "glossary.yaml"
CODES = {
    "French": "fr",
    "Spanish": "es",
    "German": "de",
    "Portuguese": "pt",
    "Italian": "it",
    "Dutch": "nl",
    "Polish": "pl",
    "Turkish": "tr",
    "Indonesian": "id",
    "Vietnamese": "vi",
    "Russian": "ru",
    "Chinese": "zh",
    "Japanese": "ja",
    "Korean": "ko",
    "Hindi": "hi",
    "Arabic": "ar",
    "Bengali": "bn",
    "Thai": "th",
    "Persian": "fa",
    "Swahili": "sw",
    "Hebrew": "he",
    "Greek": "el",
    "Urdu": "ur",
    "Tamil": "ta",
    "Telugu": "te",
    "Marathi": "mr",
    "Malay": "ms",
    "Tagalog": "tl",
    "Czech": "cs",
    "Romanian": "ro",
    "Hungarian": "hu",
    "Swedish": "sv",
    "Danish": "da",
    "Norwegian": "no",
    "Finnish": "fi",
    "Ukrainian": "uk",
}
UNSPACED = ("CJK", "HIRAGANA", "KATAKANA", "HANGUL", "THAI")
MIN_PREFIX = 4
_WORD = re.compile(r"[^\W_]+")
# Technical terms in foreign text are ASCII: "LLMs", "RAGを" (but not the "Cu" of "Cuál").
_ASCII = re.compile(r"[A-Za-z][A-Za-z0-9]+")
# Arabic writes "and", "so", "with", "to", "like" and "the" onto the word that follows:
# "لتعلم" is "to" + "تعلم" (learn), "والتدريب" is "and the" + "التدريب" (the training).
_PROCLITIC = re.compile(r"[وف]?(?:لل|[بك]?ال|[بلك])?")


@lru_cache(maxsize=1)
def _tables() -> dict[str, dict[str, str]]:
    loaded = yaml.load(GLOSSARY.read_text(encoding="utf-8"), Loader=yaml.CSafeLoader)
    return {
        code: {str(k).lower(): str(v) for k, v in table.items()} for code, table in loaded.items()
    }


@lru_cache(maxsize=32)
def _merged(first: str) -> tuple[dict[str, str], int]:
    """Every language's words, the detected language's winning ties (detection can confuse
    Portuguese with Spanish, and kanji are shared by Chinese and Japanese)."""
    tables = _tables()
    merged: dict[str, str] = {}
    for code in sorted(tables, key=lambda c: c == first):
        merged.update(tables[code])
    return merged, max(map(len, merged), default=0)


def _bounded(text: str, start: int, end: int) -> bool:
    """Where a glossary word may match: anywhere in scripts written without spaces (and in
    Korean, whose particles attach to the noun), else from a word's start (or after an Arabic
    proclitic), and as a prefix only when it is long enough to be an inflection's stem
    ("gratuito" in "gratuitos")."""
    name = unicodedata.name(text[start], "")
    if name.startswith(UNSPACED):
        return True
    if start > 0 and text[start - 1].isalnum() and not _after_proclitic(text, start):
        return False
    return end - start >= MIN_PREFIX or end == len(text) or not text[end].isalnum()


def _after_proclitic(text: str, start: int) -> bool:
    """Whether ``start`` follows only an Arabic proclitic in its word: the table lists
    "تعلم" (learn), and a learner writes "لتعلم" (to learn) or "بالتدريب" (with the training)."""
    begin = start
    while begin > 0 and text[begin - 1].isalnum():
        begin -= 1
    return _PROCLITIC.fullmatch(text, begin, start) is not None


def to_english(text: str, language: str, known: Callable[[str], bool]) -> str:
    """The glossary's English for ``text``'s words, with the words the catalog knows."""
    table, longest = _merged(CODES.get(language, ""))
    lowered = text.lower()
    found: list[tuple[int, str]] = []
    taken = [False] * len(lowered)
    position = 0
    while position < len(lowered):
        for size in range(min(longest, len(lowered) - position), 0, -1):
            end = position + size
            english = table.get(lowered[position:end])
            if english and _bounded(lowered, position, end):
                found.append((position, english))
                taken[position:end] = [True] * size
                position = end
                break
        else:
            position += 1
    for start, term in _terms(text):
        if not any(taken[start : start + len(term)]) and known(term.lower()):
            found.append((start, term))
    return " ".join(word for _, word in sorted(found))


def _terms(text: str) -> list[tuple[int, str]]:
    """The ASCII words of ``text`` with their positions, not parts of accented words."""
    found = []
    for word in _WORD.finditer(text):
        for part in _ASCII.finditer(word.group(0)):
            before = word.group(0)[part.start() - 1] if part.start() else ""
            after = word.group(0)[part.end() : part.end() + 1]
            if not any(unicodedata.name(c, "").startswith("LATIN") for c in before + after):
                found.append((word.start() + part.start(), part.group(0)))
    return found
