"""Resources asked for by name: a title, an alias ("the chinchilla paper", "CS324"), typos allowed.

A name matches when every word of it is in the question, except function words and the kind
("paper", "video"): "chinchilla paper" and "the chinchilla one" both name "the chinchilla
paper". A word of six letters or more may be misspelt ("chinchila"). A title counts as a name
only when it has two informative words.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from catalog import Resource
from index.query import KIND_WORDS, RELATED_KINDS, informativeness
from index.terms import STOPWORDS, stem
from index.word_frequency import zipf

_TOKEN = re.compile(r"[a-z0-9]+")
FUZZY_MIN_LENGTH = 6
# A one-word alias names a resource only if few documents use the word ("cs324", not "gpt").
RARE_DOCS = 3
MIN_PHRASE = 12
MIN_ONE_WORD = 3
# A two-word name needs one word that few documents use.
SPECIFIC_DOCS = 20
FUZZY_CUTOFF = 85


def _tokens(text: str) -> list[str]:
    return [t for t in _TOKEN.findall(text.lower()) if t not in STOPWORDS]


@dataclass(frozen=True)
class Name:
    resource_id: str
    tokens: tuple[str, ...]
    required: tuple[str, ...]
    is_alias: bool
    # A common one-word name ("chinchilla") counts only beside its kind ("chinchilla paper").
    kind: str | None = None


@dataclass(frozen=True)
class NameMatch:
    resource_id: str
    strength: float


class NameIndex:
    """Titles and aliases of every resource, matched against questions.

    ``frequency`` gives how many catalog documents use a stem: a one-word name ("GPT") that
    the whole catalog uses names a topic, not a resource, so it does not count as a name.
    """

    def __init__(self, resources: Iterable[Resource], frequency: Callable[[str], int]) -> None:
        self.names: list[Name] = []
        # Titles of common words ("Attention Is All You Need") match only as the whole phrase.
        self._phrases: list[tuple[str, str]] = []
        for resource in resources:
            for text, is_alias in [(resource.title, False)] + [(a, True) for a in resource.aliases]:
                tokens = tuple(dict.fromkeys(_tokens(text)))
                required = tuple(t for t in tokens if t not in KIND_WORDS)
                if not required:
                    continue
                if len(required) == 1 and len(required[0]) < MIN_ONE_WORD:
                    continue  # "pi" names a paper only for someone who already knows it
                documents = [frequency(stem(t)) for t in required]
                if is_alias and len(required) == 2 and min(documents) > SPECIFIC_DOCS:
                    continue  # "neural network" is a topic, not a name
                common = len(required) == 1 and documents[0] > RARE_DOCS
                # A title needs two informative words: one ("Transformers") names a topic.
                informative = [t for t in required if informativeness(t) >= 0.5]
                if not is_alias and len(informative) < 2:
                    self._phrases.append((" ".join(_TOKEN.findall(text.lower())), resource.id))
                    continue
                kind = resource.kind if common else None
                self.names.append(Name(resource.id, tokens, required, is_alias, kind))
        self._by_token: dict[str, list[Name]] = {}
        for name in self.names:
            for token in name.required:
                self._by_token.setdefault(token, []).append(name)
        self._long = [t for t in self._by_token if len(t) >= FUZZY_MIN_LENGTH]

    def match(self, question: str) -> list[NameMatch]:
        """Resources the question names, strongest first."""
        words = set(_TOKEN.findall(question.lower()))
        kinds = {KIND_WORDS[w] for w in words if w in KIND_WORDS}
        found = self._present(words - STOPWORDS)
        best: dict[str, float] = {}
        spoken = " " + " ".join(_TOKEN.findall(question.lower())) + " "
        for phrase, resource_id in self._phrases:
            if len(phrase) >= MIN_PHRASE and f" {phrase} " in spoken:
                best[resource_id] = float(len(phrase.split()))
        for name in {n for token in found for n in self._by_token.get(token, ())}:
            if not all(t in found for t in name.required):
                continue
            if name.kind and not any(name.kind in RELATED_KINDS[k] for k in kinds):
                continue
            # Longer names that match say more; aliases are what learners call a resource.
            strength = len(name.required) + (0.5 if name.is_alias else 0.0)
            best[name.resource_id] = max(best.get(name.resource_id, 0.0), strength)
        return [NameMatch(rid, s) for rid, s in sorted(best.items(), key=lambda item: -item[1])]

    def _present(self, tokens: set[str]) -> set[str]:
        """Name words the question contains, allowing a typo in words of five letters or more."""
        from rapidfuzz import fuzz, process

        found = tokens & self._by_token.keys()
        for token in tokens - found:
            # Only a typo is fuzzy: "project" is a word, not a misspelt "projector".
            if len(token) < FUZZY_MIN_LENGTH - 1 or not token.isalpha() or zipf(token) >= 2.5:
                continue
            for match, _, _ in process.extract(
                token, self._long, scorer=fuzz.ratio, score_cutoff=FUZZY_CUTOFF, limit=3
            ):
                if match[0] == token[0]:
                    found.add(match)
        return found
