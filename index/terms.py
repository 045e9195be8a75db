"""One word splitter for BM25 and for the "matched: ..." hints, so both agree on what a term is."""

from __future__ import annotations

import re
from functools import lru_cache

_WORD = re.compile(r"[a-z0-9]+(?:[+#][a-z0-9+#]*)?")

# Function words and the filler of questions ("how does X work?", "can you explain Y"):
# they match everything, so they would only add noise to lexical scores.
STOPWORDS = frozenset(
    """a about above after again all also am an and any are as at be because been before being
    between both but by can could did do does doing done down during each else etc even ever
    every few for from further get gets getting give go goes going good got had has have having
    he her here hers him his how i if in into is it its itself just know let like ll made make
    makes many may me mean means more most much must my need needs no nor not now of off on once
    one only or other our out over own please really right s same say see she should show so some
    still such t tell than thank thanks that the their them then there these they thing things
    this those through to too try under until up us use used using ve very want was way we well
    were what when where which while who whom why will with work works would yes you your
    explain explained explaining understand understanding learn learning find help anyone
    someone something best recommend recommended resource resources question questions
    vs versus whats dont doesnt isnt arent cant im ive pls plz actually basically simply exactly
    myself stuff kind sort feel feels bit lot lots ok okay hey hi hello guys
    wat wut u ur ya thx ty tho idk imo btw lol lmao gonna wanna gotta yall""".split()  # noqa: SIM905
)


@lru_cache(maxsize=65536)
def stem(word: str) -> str:
    """A light English stemmer: plural and -ing/-ed endings only, to stay predictable."""
    if len(word) <= 3 or not word.isalpha():
        return word
    for suffix, replacement in (
        ("ies", "y"),
        ("sses", "ss"),
        ("ization", "ize"),
        ("izers", "ize"),
        ("izer", "ize"),
        ("isation", "ize"),
        ("ising", "ize"),
        ("izing", "ize"),
        ("ations", "ate"),
        ("ation", "ate"),
        ("ings", ""),
        ("ing", ""),
        ("ed", ""),
        ("es", "e"),
        ("s", ""),
    ):
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            if suffix == "s" and word.endswith(("ss", "us", "is")):
                return word
            return word[: -len(suffix)] + replacement
    return word


def words(text: str) -> list[str]:
    """Lowercased words of ``text`` without stopwords, as written (for display)."""
    return [word for word in _WORD.findall(text.lower()) if word not in STOPWORDS]


def terms(text: str) -> list[str]:
    """Stemmed index terms of ``text``: what BM25 counts."""
    return [stem(word) for word in words(text)]


def stems_of(text: str) -> frozenset[str]:
    """A text's stems: those an index read from its BM25 table for a candidate document
    (``index.document_stems``), else split and stemmed here (and remembered)."""
    found = _KNOWN.get(text)
    return found if found is not None else _stems_of(text)


@lru_cache(maxsize=16384)
def _stems_of(text: str) -> frozenset[str]:
    return frozenset(terms(text))


# Stems of document texts and titles, given by the index (equal to ``_stems_of``): room for
# every document and title of a few versions of a 50,000-entry catalog.
_KNOWN: dict[str, frozenset[str]] = {}
KNOWN_TEXTS = 262_144


def remember_stems(text: str, stems: frozenset[str]) -> None:
    """Record ``text``'s stems (known from the index, or read ahead): each answer reads ~70
    candidates' texts and ~35 titles."""
    if len(_KNOWN) >= KNOWN_TEXTS:
        _KNOWN.clear()  # another index's documents, or many versions: start over
    _KNOWN[text] = stems
