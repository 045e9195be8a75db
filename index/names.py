"""Resources asked for by name: a title, an alias ("the chinchilla paper", "CS324"), typos allowed.

A name matches when every word of it is in the question, except function words and the kind
("paper", "video"): "chinchilla paper" and "the chinchilla one" both name "the chinchilla
paper". A word of six letters or more may be misspelt ("chinchila"). A title counts as a name
only when it has two informative words. An author with a word of the title or the kind
("karpathy's tokenizer video") names that author's resource; a stated kind settles ties
("flash attention paper": the paper, not the repository).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from functools import cached_property, lru_cache
from itertools import pairwise
from typing import Any

from catalog import Resource
from catalog.derived import Derived
from index.kinds import KIND_WORDS, RELATED_KINDS
from index.query import informativeness
from index.terms import STOPWORDS, stem
from index.word_frequency import zipf

_TOKEN = re.compile(r"[a-z0-9]+")
# "karpathy's" is "karpathy"; "gpt2" is "gpt 2", as in "GPT-2".
_POSSESSIVE = re.compile(r"['\u2019]s\b")
_VERSION = re.compile(r"(?<=[a-z])(?=[0-9])")
FUZZY_MIN_LENGTH = 6
# A one-word alias names a resource only if few documents use the word ("cs324", not "gpt").
RARE_DOCS = 3
MIN_PHRASE = 12
MIN_ONE_WORD = 3
# A two-word name needs one word that few documents use.
SPECIFIC_DOCS = 20
FUZZY_CUTOFF = 85
# An author's name is a rare word in English: "karpathy", not "brown".
MIN_AUTHOR = 4
AUTHOR_ZIPF = 3.0
# Everyday words both ("neural network"): a two-word alias of them names a topic.
ORDINARY_ZIPF = 2.0
KIND_STRENGTH = 1.0
# A one-word title this rare in English is a coined name, not a topic.
COINED_ZIPF = 1.0
COINED_DOCS = 8
# ... or a coined name with at most one other word.
BARE_NAME_WORDS = 2
# A word this rare in English beside an author and a kind is the topic asked about ("teaming").
TOPIC_ZIPF = 4.0
# A lookup names its resource this strongly: two name words, or one and its kind ...
LOOKUP_STRENGTH = 2.5
# ... or, without a kind, a name said in full: four of its words, or a title phrase.
FULL_NAME = 4.0
# Words that ask about a thing, or choose between things, rather than ask for one.
ASKING = re.compile(
    r"\b(what|how|why|when|which|explain\w*|differen\w*|vs|versus|compar\w*|works?|means?|or|"
    r"should)\b"
)


def _words(text: str) -> list[str]:
    return _TOKEN.findall(_VERSION.sub(" ", _POSSESSIVE.sub("", text.lower())))


def _tokens(text: str) -> list[str]:
    return [t for t in _words(text) if t not in STOPWORDS]


def _author_words(author: str) -> set[str]:
    """The words that name an author ("karpathy", "alammar", "openai"), not "brown" or "lab"."""
    return {t for t in _tokens(author) if len(t) >= MIN_AUTHOR and zipf(t) < AUTHOR_ZIPF}


# Per name: resource id, the words it needs, whether it is an alias, the kind a common one-word
# name ("chinchilla") must appear beside ("chinchilla paper"), and the resource's own kind.
Name = tuple[str, Sequence[str], bool, str | None, str]
# Per author word: resource id, its kind, and the words of its title and aliases.
Authored = tuple[str, str, Sequence[str]]


@dataclass(frozen=True)
class NameMatch:
    resource_id: str
    strength: float


def is_lookup(question: str, kind: str | None, names: Sequence[NameMatch]) -> bool:
    """The question names a resource (with the kind it states, or in full) and asks nothing
    about it ("the lora paper", "anthropic toy models of superposition"): its answer is the
    resource, not a note."""
    if not names or ASKING.search(question.lower()):
        return False
    if names[0].strength >= (LOOKUP_STRENGTH if kind is not None else FULL_NAME):
        return True
    # A coined name and little else is asked for by name too: "truthfulqa", "the makemore
    # series" (but "induction heads?" asks about the idea).
    content = set(_words(question)) - STOPWORDS - KIND_WORDS.keys()
    return len(content) <= BARE_NAME_WORDS and any(map(_coined, content))


def _strongest_first(best: dict[str, float]) -> list[NameMatch]:
    return [NameMatch(rid, s) for rid, s in sorted(best.items(), key=lambda item: -item[1])]


def _coined(word: str) -> bool:
    """A word no dictionary has ("minbpe", "truthfulqa"): a name, not a topic."""
    return word.isalpha() and zipf(word) < COINED_ZIPF


class NameIndex:
    """Titles, aliases and authors of every resource, matched against questions.

    ``build`` reads them from the resources; a build saves the tables with the index version
    (``to_json``), so loading does not weigh every title's words again (0.3 s at 5,000
    entries). Names are plain rows matched in catalog order, not objects in a set: creating
    20,000 objects cost a tenth of a second per load, and a set's order followed the hash seed.
    """

    def __init__(
        self,
        names: list[Name],
        phrases: list[tuple[str, str]],
        authors: dict[str, list[Authored]],
        by_token: dict[str, list[int]] | None = None,
    ) -> None:
        self._names = names
        # Titles of common words ("Attention Is All You Need") match only as the whole phrase.
        self._phrases = phrases
        self._authors = authors
        if by_token is None:
            by_token = {}
            for row, name in enumerate(names):
                for token in name[1]:
                    by_token.setdefault(token, []).append(row)
        self._by_token = by_token
        self._long = [t for t in self._by_token if len(t) >= FUZZY_MIN_LENGTH]

    @classmethod
    def build(
        cls,
        resources: Iterable[Resource],
        frequency: Callable[[str], int],
        plans: Callable[[Resource], Plans] | None = None,
    ) -> NameIndex:
        """``frequency`` gives how many catalog documents use a stem: a one-word name ("GPT")
        that the whole catalog uses names a topic, not a resource, so it does not count.
        ``plans`` gives a resource's plans (``resource_plans``; a build reads them from
        ``index.name_plans``)."""
        plans = plans or _plans
        names: list[Name] = []
        phrases: list[tuple[str, str]] = []
        authors: dict[str, list[Authored]] = {}
        for resource in resources:
            planned, titled, author_words = plans(resource)
            for plan in planned:
                _add(names, phrases, resource, plan, frequency)
            for word in author_words:
                authors.setdefault(word, []).append((resource.id, resource.kind, titled))
        return cls(names, phrases, authors)

    def to_json(self) -> dict[str, Any]:
        return {
            "names": self._names,
            "phrases": self._phrases,
            "authors": self._authors,
            "by_token": self._by_token,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> NameIndex:
        """What ``to_json`` wrote (JSON's own lists, used as they are); ValueError if not."""
        try:
            names, by_token = data["names"], data["by_token"]
            phrases, authors = data["phrases"], data["authors"]
            if not all(isinstance(part, list) for part in (names, phrases)):
                raise TypeError("names and phrases are lists")
            if not all(isinstance(part, dict) for part in (by_token, authors)):
                raise TypeError("by_token and authors are mappings")
            if any(not 0 <= row < len(names) for rows in by_token.values() for row in rows):
                raise ValueError("by_token points past the names")
        except (KeyError, TypeError) as error:
            raise ValueError(f"not a name index: {error!r}") from None
        return cls(names, phrases, authors, by_token)

    def match(self, question: str) -> list[NameMatch]:
        """Resources the question names, strongest first."""
        spoken_words = _words(question)
        # "flash attention" also says "flashattention", and counts as its two words.
        compounds = {a + b for a, b in pairwise(spoken_words)}
        words = set(spoken_words)
        kinds = {KIND_WORDS[w] for w in words if w in KIND_WORDS}
        found = self._present(words - STOPWORDS) | (compounds & self._by_token.keys())
        best: dict[str, float] = {}
        spoken = " " + " ".join(spoken_words) + " "
        # A phrase said starts at one of the question's words: only those phrases are read.
        said = sorted(
            entry for word in words for entry in self._phrases_by_first_word.get(word, ())
        )
        for _, phrase, resource_id in said:
            if f" {phrase} " in spoken:
                best[resource_id] = float(len(phrase.split()))
        for row in sorted({row for token in found for row in self._by_token.get(token, ())}):
            resource_id, required, is_alias, kind, resource_kind = self._names[row]
            if not all(t in found for t in required):
                continue
            if kind and not any(kind in RELATED_KINDS[k] for k in kinds):
                continue
            # Longer names that match say more; aliases are what learners call a resource.
            strength = float(sum(2 if t in compounds else 1 for t in required))
            strength += 0.5 if is_alias else 0.0
            if kinds:
                fits = any(resource_kind in RELATED_KINDS[k] for k in kinds)
                strength += KIND_STRENGTH if fits else -KIND_STRENGTH
            best[resource_id] = max(best.get(resource_id, 0.0), strength)
        for resource_id, strength in self._by_author(words - STOPWORDS, kinds).items():
            best[resource_id] = max(best.get(resource_id, 0.0), strength)
        return _strongest_first(best)

    def match_any(self, readings: Iterable[str]) -> list[NameMatch]:
        """Resources named in any reading of a question (as written, and with its typos
        spelled as the catalog spells them: "flash atention" says "flashattention"), each at
        its strongest, strongest first."""
        best: dict[str, float] = {}
        for text in dict.fromkeys(readings):
            for name in self.match(text):
                best[name.resource_id] = max(best.get(name.resource_id, 0.0), name.strength)
        return _strongest_first(best)

    @cached_property
    def _phrases_by_first_word(self) -> dict[str, list[tuple[int, str, str]]]:
        """The phrases long enough to name a resource, by first word, in catalog order."""
        found: dict[str, list[tuple[int, str, str]]] = {}
        for row, (phrase, resource_id) in enumerate(self._phrases):
            if len(phrase) >= MIN_PHRASE:
                found.setdefault(phrase.split(" ", 1)[0], []).append((row, phrase, resource_id))
        return found

    def _by_author(self, words: set[str], kinds: set[str]) -> dict[str, float]:
        """An author and a word of the title, or the kind: "karpathy's tokenizer video". The
        kind alone names nothing when the question asks about a topic the title does not
        carry: "the red teaming paper from anthropic" is not every Anthropic paper."""
        found: dict[str, float] = {}
        for author in sorted(words & self._authors.keys()):
            asked = words - {author} - KIND_WORDS.keys()
            for resource_id, kind, titled in self._authors[author]:
                shared = len(asked.intersection(titled))
                fits = any(kind in RELATED_KINDS[k] for k in kinds)
                if not shared and any(zipf(word) < TOPIC_ZIPF for word in asked.difference(titled)):
                    continue
                if shared or fits:
                    found[resource_id] = 1.0 + shared + (KIND_STRENGTH if fits else 0.0)
        return found

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


# What one title or alias may name, before word frequencies are known: a phrase said in full,
# or a name (its phrase, the words it needs, whether it is an alias, whether they are all
# everyday words, how many are informative).
Plan = tuple[str, str, tuple[str, ...], bool, bool, int]


def _plan(spoken: list[str], is_alias: bool) -> Plan | None:
    """The plan of a title or alias whose words (``_words``) are ``spoken``."""
    tokens = tuple(dict.fromkeys(t for t in spoken if t not in STOPWORDS))
    required = tuple(t for t in tokens if t not in KIND_WORDS)
    if not required:
        return None
    if len(required) == 1 and len(required[0]) < MIN_ONE_WORD:
        return None  # "pi" names a paper only for someone who already knows it
    phrase = " ".join(spoken)
    if is_alias and len(required) == 1 and len(spoken) - len(tokens) >= 2:
        # "but what is a gpt" is a title said in full, not the word "gpt".
        return ("phrase", phrase, required, is_alias, False, 0)
    ordinary = all(zipf(t) >= ORDINARY_ZIPF and not t.isdigit() for t in required)
    informative = sum(_informative(t) >= 0.5 for t in required)
    return ("name", phrase, required, is_alias, ordinary, informative)


# A resource's plans, the words of its title and aliases, and the words naming its author.
Plans = tuple[tuple[Plan, ...], tuple[str, ...], tuple[str, ...]]


def resource_plans(resource: Resource) -> Plans:
    """Plans of its title and aliases, the words of both, and the words naming its author:
    what its title, aliases and author alone decide."""
    texts = [(resource.title, False)] + [(a, True) for a in resource.aliases]
    spoken = [(_words(text), is_alias) for text, is_alias in texts]  # each text read once
    plans = tuple(plan for words, is_alias in spoken if (plan := _plan(words, is_alias)))
    titled = tuple(sorted({t for words, _ in spoken for t in words if t not in STOPWORDS}))
    # Tuples of strings, not lists: the garbage collector stops walking them after one pass.
    return plans, titled, tuple(sorted(_author_words(resource.author)))


# An entry reloaded unchanged is the same object: its words are read once per process.
_plans = Derived(resource_plans)


def _add(
    names: list[Name],
    phrases: list[tuple[str, str]],
    resource: Resource,
    plan: Plan,
    frequency: Callable[[str], int],
) -> None:
    """The name a plan gives ``resource`` now that word frequencies are known, if any."""
    what, phrase, required, is_alias, ordinary, informative = plan
    if what == "phrase":
        phrases.append((phrase, resource.id))
        return
    # Frequencies are looked up only where a rule reads them: most names have none.
    everyday = is_alias and len(required) == 2 and ordinary
    topic = everyday and min(frequency(stem(t)) for t in required) > SPECIFIC_DOCS
    # "neural network" is a topic, not a name ("llama 2" is a name); "the chain-of-thought
    # paper" names the paper only beside its kind.
    if topic and not any(word in KIND_WORDS for word in phrase.split()):
        return
    # A title needs two informative words: one ("Transformers") names a topic, unless it is
    # a coined word no dictionary has ("minbpe", "tiktoken").
    coined = len(required) == 1 and _coined(required[0])
    if not is_alias and informative < 2 and not coined:
        phrases.append((phrase, resource.id))
        return
    # Documents mentioning a rare coined name ("minbpe") mention that resource: no kind is
    # needed, unless the coined word is the field's own ("chatgpt").
    rare = COINED_DOCS if coined else RARE_DOCS
    common = len(required) == 1 and frequency(stem(required[0])) > rare
    kind = resource.kind if common or topic else None
    names.append((resource.id, required, is_alias, kind, resource.kind))


# Titles share their words: a build weighs each once.
_informative = lru_cache(maxsize=65536)(informativeness)
