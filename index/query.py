"""A question as the engine reads it: its words, how informative each is, and what it asks for.

A word's weight says how much it can tell about the topic: how rare it is in everyday English
(wordfreq's Zipf scale: "the" is 7.7, "voltage" 4.0, "rlhf" 0) times how specific it is in the
catalog ("LLMs" is in a third of it). Everyday words ("worth", "database", "already") weigh
little, so no single ordinary word can veto an answer, and a word the catalog never uses is
not taken for a foreign field just because it is missing here.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property

from index.kinds import KIND_WORDS, requested_kind, requested_level
from index.terms import stem, words
from index.word_frequency import zipf

# Zipf frequencies at or under RARE are as informative as a word gets; at or over COMMON
# they carry only MIN_WEIGHT. In between the weight falls linearly.
RARE = 3.0
COMMON = 6.0
MIN_WEIGHT = 0.05
# Words under this Zipf frequency are typos, names or jargon rather than everyday English.
REAL_WORD = 1.5
# A short word this rare whose swapped letters spell a word this common is that word misspelt.
TYPO_OF_EVERYDAY = 2.5
EVERYDAY = 5.0
# A word in this many catalog documents or fewer is as specific as a word gets.
RARE_DOCUMENTS = 3
# Words weighing this much are worth naming in "matched words: ..." ("pipeline", not "llms").
INFORMATIVE = 0.3

# Words that state a level or price, like the kind words: an intent, not the topic.
INTENT_WORDS = frozenset(
    [
        "beginner",
        "beginners",
        "newbie",
        "intro",
        "introduction",
        "introductory",
        "basic",
        "basics",
        "simple",
        "simply",
        "easy",
        "gentle",
        "advanced",
        "free",
        "cheap",
    ]
)
# "Where do I start?" carries no topic words: it asks for the study paths and first steps.
# Typed fast, "start" is often "strat" and "begin" "begn".
_BEGIN = r"(?:st(?:ar|ra)t|beg[ia]?n)"
START = re.compile(
    rf"\b(where (?:do|should|can|would|could) (?:i|we|one) (?:even )?{_BEGIN}|"
    rf"where to (?:even )?{_BEGIN}|"
    r"(?:what|which) order (?:should|do|to|can) (?:i )?(?:learn|study|read|watch)|"
    r"in what order|get(?:ting)? started|"
    r"new here|read first|(?:total|complete|absolute) (?:beginner|newbie|noob)|roadmap|"
    r"how (?:do|can|should) i get into|study plan|learning path|first steps?|"
    rf"{_BEGIN} (?:learning|with)|prerequisites?|prereqs?)\b"
)
# ... and "my maths is rusty" asks where to start with the maths.
RUSTY_MATHS = re.compile(
    r"\b((?:math|maths|mathematics|calculus|linear algebra|stats|statistics) (?:is|are) "
    r"(?:\w+ ){0,2}rusty|refresh(?:er)? (?:on |my )?(?:math|maths|calculus|linear algebra))\b"
)
_CASED = re.compile(r"[A-Za-z][A-Za-z0-9]*")
START_CONTEXT = "where to start learning about large language models as a beginner"
MATHS_CONTEXT = "my maths is rusty: refresh linear algebra, calculus and probability for ML"
FREE = re.compile(r"\b(free|no cost|without paying|open access)\b")


def everyday_spelling(word: str) -> str:
    """The everyday word a short typo stands for ("waht" -> "what"), else the word itself.

    Two swapped letters in a short, very common word: weighed as the word it is, not as a
    rare word the catalog does not know.
    """
    if not 3 <= len(word) <= 5 or zipf(word) >= TYPO_OF_EVERYDAY:
        return word
    for n in range(len(word) - 1):
        swapped = word[:n] + word[n + 1] + word[n] + word[n + 2 :]
        if zipf(swapped) >= EVERYDAY:
            return swapped
    return word


def informativeness(word: str) -> float:
    """1.0 for rare words, down to MIN_WEIGHT for the most common ones."""
    frequency = zipf(word)
    if frequency <= RARE:
        return 1.0
    share = (frequency - RARE) / (COMMON - RARE)
    return max(MIN_WEIGHT, 1.0 - share * (1.0 - MIN_WEIGHT))


@dataclass(frozen=True)
class Word:
    """One word of the question; ``term`` is the catalog's stem for it, corrected, or None."""

    text: str
    term: str | None
    weight: float
    spelling: str = ""  # the catalog's word when this one is a typo of it


@dataclass(frozen=True)
class Query:
    """The question's words with their weights, and the intents it states."""

    text: str
    words: tuple[Word, ...]
    kind: str | None
    free: bool
    topical: tuple[str, ...]
    start: bool = False
    # The kind the question asks for ("a video on", "the paper that"), not one it mentions
    # ("reading papers"): what ranking prefers. ``kind`` is any kind named, for lookups.
    wants: str | None = None
    wants_level: str | None = None

    @property
    def weight(self) -> float:
        return sum(word.weight for word in self.words)

    @property
    def known_share(self) -> float:
        """Weighted share of the question's words that the catalog uses."""
        if not self.words:
            return 0.0
        return sum(w.weight for w in self.words if w.term) / max(self.weight, 1e-9)

    @property
    def spelled(self) -> str:
        """The question with its typos replaced by the catalog's words, for the embedding model:
        it reads "paralellism" as unrelated pieces, "parallelism" as the topic."""
        fixes = {w.text: w.spelling for w in self.words if w.spelling}
        if not fixes:
            return self.text
        pattern = re.compile(r"\b(" + "|".join(map(re.escape, fixes)) + r")\b", re.IGNORECASE)
        return pattern.sub(lambda m: fixes.get(m.group(0).lower(), m.group(0)), self.text)

    @property
    def missing(self) -> float:
        """The weight of the most informative word the catalog does not use (0 if none)."""
        return max((w.weight for w in self.words if not w.term), default=0.0)

    @property
    def topical_share(self) -> float:
        """Weighted share of the question's words that name topics the catalog discusses."""
        if not self.words:
            return 0.0
        topical = set(self.topical)
        return sum(w.weight for w in self.words if w.term in topical) / max(self.weight, 1e-9)

    @property
    def unknown_share(self) -> float:
        """Weighted share of real English words the catalog never uses ("voltage", "kafka").

        Typos and made-up words (unknown to English too) do not count: they say nothing of
        the field the question comes from.
        """
        if not self.words:
            return 0.0
        unknown = sum(w.weight for w in self.words if not w.term and zipf(w.text) >= REAL_WORD)
        return unknown / max(self.weight, 1e-9)

    @property
    def terms(self) -> tuple[str, ...]:
        """Catalog terms to search with, without the words that only state an intent."""
        topical = [w.term for w in self.words if w.term and w.text not in KIND_WORDS]
        chosen = topical or [w.term for w in self.words if w.term]
        return tuple(dict.fromkeys(term for term in chosen if term))

    @property
    def informative(self) -> tuple[Word, ...]:
        """Words worth naming in a reason: not everyday English, not a stated intent."""
        return tuple(
            w
            for w in self.words
            if w.weight >= INFORMATIVE and w.text not in KIND_WORDS and w.text not in INTENT_WORDS
        )

    def on_topic(self, stems: frozenset[str]) -> float:
        """How much of the question's topic a document shares: its topical words if it has
        any, else its informative words, else 1 (a question with no topic, "any good video?")."""
        topical = self._topical
        if topical:
            return len(topical & stems) / len(topical)
        return self.coverage_of(stems) if self._has_informative else 1.0

    @cached_property
    def _topical(self) -> frozenset[str]:
        return frozenset(self.topical)

    @cached_property
    def _has_informative(self) -> bool:
        return bool(self.informative)

    def coverage_of(self, stems: frozenset[str]) -> float:
        """Weighted share of the question's words (stated intents aside) that ``stems`` has."""
        total, counted = self._counted
        if not total:
            return 0.0
        return sum(weight for term, weight in counted if term and term in stems) / total

    @cached_property
    def _counted(self) -> tuple[float, tuple[tuple[str | None, float], ...]]:
        """The total weight and the (term, weight) of the words ``coverage_of`` counts, read
        once per question: an answer asks it of a hundred documents."""
        counted = tuple((w.term, w.weight) for w in self.words if w.text not in KIND_WORDS)
        return sum(weight for _, weight in counted), counted


def specificity(documents: int, total: int) -> float:
    """1.0 for a word few catalog documents use, down to MIN_WEIGHT for one most of them use.

    "LLMs" is rare in everyday English but in a third of this catalog: it names the field,
    not a topic, so it must not outweigh "hallucinate" in the same question.
    """
    if documents <= RARE_DOCUMENTS or total <= RARE_DOCUMENTS:
        return 1.0
    share = math.log(total / documents) / math.log(total / RARE_DOCUMENTS)
    return max(MIN_WEIGHT, min(1.0, share))


def analyse(
    text: str,
    correct: Callable[[str], str | None],
    frequency: Callable[[str], int],
    is_topical: Callable[[str], bool],
    total: int = 0,
    spelling: Callable[[str], str] = lambda term: term,
) -> Query:
    """Read ``text`` against the catalog's vocabulary (``correct`` maps a stem to the catalog's).

    ``total`` is the number of catalog documents, for weighing words the catalog uses a lot.
    """
    lowered = text.lower()
    start = _start_context(lowered) is not None
    # "ZeRO", "LoRA", "KV": capitals inside a word mark a name or an acronym, not the everyday
    # word it may spell ("zero"), so it weighs as a rare word.
    jargon = {t.lower() for t in _CASED.findall(text) if any(c.isupper() for c in t[1:])}
    found: dict[str, Word] = {}
    for written in words(text):
        word = written if frequency(stem(written)) else everyday_spelling(written)
        if word in found:
            continue
        own = stem(word)
        if own.isdigit() and not frequency(own):
            continue
        term = correct(own)
        # A corrected typo is as informative as the word it stands for.
        spelled = word if term in (None, own) else term
        documents = frequency(term) if term else 0
        rarity = 1.0 if word in jargon else informativeness(spelled)
        weight = rarity * specificity(documents, total)
        fixed = spelling(term) if term and term != own else ""
        found[word] = Word(word, term, weight, fixed)
    kinds = [KIND_WORDS[w] for w in found if w in KIND_WORDS]
    # Intents read the catalog's spelling too, so "begginer" still asks for beginner material.
    spelled = lowered + " " + " ".join(w.term for w in found.values() if w.term)
    topical = tuple(w.term for w in found.values() if w.term and is_topical(w.term))
    return Query(
        text=text,
        words=tuple(found.values()),
        kind=kinds[0] if kinds else None,
        free=bool(FREE.search(lowered)),
        topical=topical,
        start=start,
        wants=requested_kind(lowered),
        wants_level=requested_level(spelled),
    )


def with_context(text: str) -> str:
    """The text to retrieve with: a bare "where do I start" gains what it means here (and
    "my maths is rusty", where to start with the maths)."""
    context = _start_context(text.lower())
    return f"{text} ({context})" if context else text


def _start_context(lowered: str) -> str | None:
    """What a where-to-start question means here, if ``lowered`` is one."""
    if RUSTY_MATHS.search(lowered):
        return MATHS_CONTEXT
    return START_CONTEXT if START.search(lowered) else None
