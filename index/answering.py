"""Candidates -> an Answer: answered, partial or nothing; quoted passages; ranked resources.

Whether to answer is the fitted policy's call (``index.policy``) over a few features of the
question and its candidates; which note section to quote is ``index.quotes``'s (none for a
lookup: "the lora paper" asks for the paper, not for notes on LoRA); which resources to
recommend is ``index.ranking``'s.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from catalog import Catalog
from index.kinds import related_kinds
from index.names import FULL_NAME, LOOKUP_STRENGTH, NameMatch, is_lookup
from index.policy import AnswerPolicy
from index.query import Query
from index.quotes import select_passages
from index.ranking import rank_resources
from index.results import Answer, Coverage, Passage, ResourceHit
from index.retrieval import Candidate
from index.small_talk import is_small_talk
from index.terms import stems_of

TOP = 5
PARTIAL_RESOURCES = 3
# A message this long is a story around a question; a name weaker than this is no name.
LONG_MESSAGE = 25
NAME_FLOOR = 1.0
SMALL_TALK = (
    "I answer questions about learning LLMs: ask about a topic, or for a course, paper or video."
)


def features(
    query: Query, candidates: Sequence[Candidate], names: Sequence[NameMatch], other: float = 0.0
) -> dict[str, float]:
    """What the policy weighs: meaning (of the documents, and of the closest learner question
    or heading), vocabulary, word match, agreement, names, length, and ``other``, the
    question's closeness to fields the catalog is not about."""
    found = {
        "dense": 0.0,
        "asked": 0.0,
        "known": query.known_share,
        "unknown": query.unknown_share,
        "missing": query.missing,
        "topical": query.topical_share,
        "match": 0.0,
        "headed": 0.0,
        "agree": 0.0,
        "named": float(bool(names)),
        "start": float(query.start),
        "weight": math.log1p(query.weight),
        "other": other,
    }
    if not candidates:
        return found
    top = candidates[:TOP]
    both = sum(
        1
        for c in top
        if c.dense_rank is not None
        and c.lexical_rank is not None
        and c.dense_rank < TOP
        and c.lexical_rank < TOP
    )
    found.update(
        dense=max(c.dense for c in candidates),
        # The closest learner question or note heading: the catalog says it answers this.
        asked=max((c.asked for c in candidates if c.asked is not None), default=0.0),
        match=max(query.coverage_of(stems_of(c.document.indexed)) for c in top),
        # A title or heading naming the asked thing: something dedicated to it, not a mention.
        headed=max(query.coverage_of(stems_of(c.document.heading)) for c in top),
        agree=both / TOP,
    )
    return found


def compose_answer(
    query: Query,
    candidates: Sequence[Candidate],
    names: Sequence[NameMatch],
    catalog: Catalog,
    k: int,
    policy: AnswerPolicy,
    other: float = 0.0,
    language: str | None = None,
    question: str | None = None,
) -> Answer:
    """The answer to ``question`` (read as ``query``: its English reading if it is in another
    ``language``); ``other`` is how close it is to another field (``index.other_fields``)."""
    evidence = features(query, candidates, names, other)
    coverage: Coverage = policy.decide(evidence) if candidates else "none"
    notice = ""
    if language:
        # The model reads English only: never a confident answer from a misread question,
        # but its technical terms ("LoRA", "RAG") and the glossary's words still find things.
        notice = f"The catalog is in English; your question looks like {language}."
        coverage = "partial" if (coverage != "none" and query.topical) or names else "none"
    text = query.text if question is None else question
    lookup = is_lookup(text, query.kind, names)
    if coverage == "none" and names and (lookup or names[0].strength >= LOOKUP_STRENGTH):
        coverage = "partial"  # a question naming an entry is about the catalog's field
    chatter = is_small_talk(text)
    if chatter:
        notice, coverage = SMALL_TALK, "none"
    passages: list[Passage] = []
    resources: list[ResourceHit] = []
    lookup = lookup and coverage != "none"
    if lookup and not language and _of_asked_kind(names[0], query.kind, catalog):
        coverage = "answered"  # the catalog holds the very resource asked for by name
    if coverage == "answered" and not lookup:
        passages = select_passages(query, candidates, catalog, policy)
    if coverage != "none":
        resources = rank_resources(
            query, candidates, asked_for(text, names, lookup), passages, catalog, k, policy
        )
        if coverage == "partial":
            resources = resources[:PARTIAL_RESOURCES]
        if not resources and not passages:
            coverage = "none"
    return Answer(
        text,
        tuple(passages),
        tuple(resources),
        coverage=coverage,
        nearest_topics=() if chatter else nearest_topics(candidates, catalog),
        notice=notice,
        lookup=lookup,
        features=evidence,
    )


def asked_for(text: str, names: Sequence[NameMatch], lookup: bool) -> list[NameMatch]:
    """The named entries that come first. In a long message a name is usually background
    ("did fast.ai a couple years back ... is there anything on inference end to end?") or a
    topic ("paged attention, continuous batching"): only one said in full still counts."""
    if lookup:
        return list(names)
    floor = FULL_NAME if len(text.split()) >= LONG_MESSAGE else NAME_FLOOR
    return [name for name in names if name.strength >= floor]


def _of_asked_kind(name: NameMatch, kind: str | None, catalog: Catalog) -> bool:
    """The named entry is of the kind the question names ("chip huyen's book" is not her
    article): only then is it the very resource asked for."""
    resource = catalog.resource(name.resource_id)
    return resource is not None and (kind is None or resource.kind in related_kinds(kind))


def nearest_topics(
    candidates: Sequence[Candidate], catalog: Catalog, n: int = 3
) -> tuple[str, ...]:
    """Topics of the closest documents, however far: where the catalog is nearest."""
    topics: dict[str, None] = {}
    for candidate in sorted(candidates, key=lambda c: -c.dense):
        document = candidate.document
        owner = (
            catalog.resource(document.ref) if document.is_resource else catalog.note(document.ref)
        )
        for topic in owner.topics if owner else ():
            topics.setdefault(topic)
        if len(topics) >= n:
            break
    return tuple(topics)[:n]
