"""Is the question in another language? all-MiniLM-L6-v2 reads English only.

A question mostly in a non-Latin script is foreign at once. In Latin script, a word counts as
foreign when another language uses it far more than English does ("fonctionne", "qué");
technical terms shared by every language ("transformer", "LoRA") count for nobody. Other
languages' word lists are loaded only when a question has such words, so English questions
never pay for them.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable

LANGUAGES = {
    "fr": "French",
    "es": "Spanish",
    "de": "German",
    "pt": "Portuguese",
    "it": "Italian",
    "nl": "Dutch",
    "tr": "Turkish",
    "pl": "Polish",
    "id": "Indonesian",
}
SCRIPTS = {
    "CJK": "Chinese",
    "HIRAGANA": "Japanese",
    "KATAKANA": "Japanese",
    "HANGUL": "Korean",
    "CYRILLIC": "Russian",
    "DEVANAGARI": "Hindi",
    "ARABIC": "Arabic",
    "HEBREW": "Hebrew",
    "GREEK": "Greek",
    "THAI": "Thai",
}
MARGIN = 1.0
SUSPECT = 3.0
_WORD = re.compile(r"[^\W\d_]+")


def _script(char: str) -> str | None:
    name = unicodedata.name(char, "")
    return next((label for key, label in SCRIPTS.items() if name.startswith(key)), None)


def foreign_language(text: str, known: Callable[[str], bool] = lambda word: False) -> str | None:
    """The language's name when ``text`` is mostly not English, else None.

    ``known`` says whether the catalog uses a word: those are shared technical terms.
    """
    letters = [c for c in text if c.isalpha()]
    if not letters:
        return None
    scripts = [s for s in map(_script, letters) if s]
    if len(scripts) >= 0.3 * len(letters):
        return max(set(scripts), key=scripts.count)
    tokens = [w.lower() for w in _WORD.findall(text) if len(w) > 1]
    if len(tokens) < 3:
        return None
    from wordfreq import zipf_frequency

    # Only rare-in-English words the catalog does not use can be another language's.
    suspects = [t for t in tokens if zipf_frequency(t, "en") < SUSPECT and not known(t)]
    if len(suspects) < 2:
        return None
    votes: dict[str, int] = {}
    for token in suspects:
        english = zipf_frequency(token, "en")
        scores = {code: zipf_frequency(token, code) for code in LANGUAGES}
        code = max(scores, key=lambda c: scores[c])
        if scores[code] >= english + MARGIN and scores[code] >= 3.0:
            votes[code] = votes.get(code, 0) + 1
    if not votes:
        return None
    code = max(votes, key=lambda c: votes[c])
    return LANGUAGES[code] if votes[code] >= max(2, 0.5 * len(suspects)) else None
