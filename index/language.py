"""Is the question in another language? all-MiniLM-L6-v2 reads English only.

A question mostly in a non-Latin script is foreign at once. In Latin script, a word counts as
foreign when another language uses it far more than English does ("fonctionne", "qué");
technical terms shared by every language ("transformer", "LoRA") count for nobody. The
other languages' words come from one small cached table (``index.word_frequency``).
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
    "vi": "Vietnamese",
    "sv": "Swedish",
    "da": "Danish",
    "ro": "Romanian",
    "cs": "Czech",
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
    "BENGALI": "Bengali",
    "TAMIL": "Tamil",
    "TELUGU": "Telugu",
    "GUJARATI": "Gujarati",
    "GURMUKHI": "Punjabi",
    "KANNADA": "Kannada",
    "MALAYALAM": "Malayalam",
    "SINHALA": "Sinhala",
    "ARMENIAN": "Armenian",
    "GEORGIAN": "Georgian",
    "ETHIOPIC": "Amharic",
    "KHMER": "Khmer",
    "LAO": "Lao",
    "MYANMAR": "Burmese",
}
# Letters one language of a shared script has and the others lack: Ukrainian among Cyrillic
# ones; Urdu, then Persian, among Arabic-script ones.
MARKED = (
    ("Russian", "Ukrainian", frozenset("іїєґІЇЄҐ")),
    ("Arabic", "Urdu", frozenset("ٹڈڑںے")),
    ("Arabic", "Persian", frozenset("پچژگ")),
)
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
    scripts = [s for s in map(_script, (c for c in letters if not c.isascii())) if s]
    if len(scripts) >= 0.2 * len(letters):
        # Kana marks Japanese even among kanji, which Chinese shares.
        if "Japanese" in scripts:
            return "Japanese"
        label = max(set(scripts), key=scripts.count)
        for script, language, marks in MARKED:
            if label == script and not marks.isdisjoint(text):
                return language
        return label
    tokens = [w.lower() for w in _WORD.findall(text) if len(w) > 1]
    if len(tokens) < 3:
        return None
    from index.word_frequency import foreign, zipf

    # Only rare-in-English words the catalog does not use can be another language's.
    suspects = [t for t in tokens if zipf(t) < SUSPECT and not known(t)]
    if len(suspects) < 2:
        return None
    votes: dict[str, int] = {}
    for token in suspects:
        found = foreign(token)
        if found is not None:
            votes[found[0]] = votes.get(found[0], 0) + 1
    if not votes:
        return None
    code = max(votes, key=lambda c: votes[c])
    return LANGUAGES[code] if votes[code] >= max(2, 0.5 * len(suspects)) else None
