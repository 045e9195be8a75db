"""Candidates -> an Answer: quoted passages, ranked resources with reasons, or an honest 'nothing'.

Confidence rests on two signals. The dense cosine of the best document: all-MiniLM-L6-v2
gives questions the catalog covers mostly 0.4-0.8 and unrelated ones 0.0-0.4. And the words:
a question from another field nearly always has words the catalog never uses ("strtok",
"voltage", "marathon"), while a short on-topic question ("what is RLHF") scores low in
meaning but uses only catalog words, one of them a topic the catalog discusses. Borderline
similarity therefore needs every word known and one topical word to count as an answer.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from catalog import Catalog, Resource
from catalog.models import REFERENCE
from index.lexical import QueryTerms
from index.results import Answer, Passage, ResourceHit
from index.retrieval import Candidate
from index.terms import stem, terms, words

CONFIDENT = 0.45
BORDERLINE = 0.30
MAX_PASSAGES = 2
PASSAGE_MARGIN = 0.12
RESOURCE_FLOOR = 0.30
LEXICAL_FLOOR = 0.18


@dataclass(frozen=True)
class AnswerPolicy:
    confident: float = CONFIDENT
    borderline: float = BORDERLINE
    max_passages: int = MAX_PASSAGES


def matched_words(query: str, indexed: str) -> list[str]:
    """Query words (as the user wrote them) whose stems occur in the document."""
    present = _document_stems(indexed)
    seen: dict[str, None] = {}
    for word in words(query):
        if stem(word) in present:
            seen.setdefault(word)
    return list(seen)


@lru_cache(maxsize=8192)
def _document_stems(indexed: str) -> frozenset[str]:
    """A document's stems, remembered: each answer explains ~20 candidates, and splitting
    their texts again every time was half of an answer's time after the embedding."""
    return frozenset(stem(word) for word in words(indexed))


def is_confident(
    candidates: Sequence[Candidate], query_terms: QueryTerms, policy: AnswerPolicy
) -> bool:
    if not candidates:
        return False
    best = max(candidate.dense for candidate in candidates)
    if best >= policy.confident:
        return True
    return best >= policy.borderline and query_terms.coverage == 1.0 and bool(query_terms.topical)


def compose_answer(
    query: str,
    candidates: Sequence[Candidate],
    query_terms: QueryTerms,
    catalog: Catalog,
    k: int,
    policy: AnswerPolicy = AnswerPolicy(),
) -> Answer:
    if not is_confident(candidates, query_terms, policy):
        return Answer(
            query, (), (), confident=False, nearest_topics=nearest_topics(candidates, catalog)
        )
    passages = select_passages(candidates, catalog, policy, query_terms)
    resources = rank_resources(query, candidates, passages, catalog, k)
    return Answer(query, tuple(passages), tuple(resources), confident=True)


def select_passages(
    candidates: Sequence[Candidate],
    catalog: Catalog,
    policy: AnswerPolicy,
    query_terms: QueryTerms | None = None,
) -> list[Passage]:
    """The best note passages, close in score to the best one; never two from one section.

    A section whose heading names a topical word of the question also qualifies: short
    questions ("what is RLHF") score low in meaning against a whole paragraph.
    """
    chosen: list[Passage] = []
    floor: float | None = None
    named = set(query_terms.topical) if query_terms else set()
    for candidate in candidates:
        document = candidate.document
        if document.is_resource:
            continue
        if floor is None:
            floor = max(policy.borderline, candidate.dense - PASSAGE_MARGIN)
        by_heading = (
            candidate.dense >= LEXICAL_FLOOR
            and candidate.lexical_rank is not None
            and bool(named & set(terms(document.heading)))
        )
        if candidate.dense < floor and not by_heading:
            continue
        note = catalog.note(document.ref)
        if note is None or any(
            p.note_id == note.id and p.heading == document.heading for p in chosen
        ):
            continue
        cites = tuple(dict.fromkeys(REFERENCE.findall(document.text)))
        chosen.append(
            Passage(
                note_id=note.id,
                note_title=note.title,
                heading=document.heading,
                text=catalog.resolve_references(document.text),
                position=document.position,
                score=round(candidate.dense, 4),
                cites=cites,
            )
        )
        if len(chosen) >= policy.max_passages:
            break
    return chosen


def relevant(candidate: Candidate) -> bool:
    """Close in meaning, or sharing words with the question and not far off in meaning."""
    if candidate.dense >= RESOURCE_FLOOR:
        return True
    return candidate.lexical_rank is not None and candidate.dense >= LEXICAL_FLOOR


def rank_resources(
    query: str,
    candidates: Sequence[Candidate],
    passages: Sequence[Passage],
    catalog: Catalog,
    k: int,
) -> list[ResourceHit]:
    """Resources matched directly, then those the quoted passages cite; each once."""
    hits: dict[str, ResourceHit] = {}
    for candidate in candidates:
        document = candidate.document
        resource = catalog.resource(document.ref) if document.is_resource else None
        if resource is None or resource.id in hits or not relevant(candidate):
            continue
        hits[resource.id] = resource_hit(query, candidate, resource)
    cited = [(ref, passage) for passage in passages for ref in passage.cites]
    ranked = sorted(hits.values(), key=lambda hit: -hit.score)[:k]
    ranked_ids = {hit.resource.id for hit in ranked}
    for ref, passage in cited:
        if len(ranked) >= k + 2:
            break
        resource = catalog.resource(ref)
        if resource is not None and ref not in ranked_ids:
            ranked_ids.add(ref)
            ranked.append(
                ResourceHit(resource, 0.0, "note", f"cited in the note “{passage.source}”")
            )
    return ranked


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


def resource_hit(query: str, candidate: Candidate, resource: Resource) -> ResourceHit:
    """The resource with its score and a one-line reason: which words, or meaning alone."""
    matched = matched_words(query, candidate.document.indexed)
    if candidate.lexical_rank is not None and matched:
        how = "words and meaning" if candidate.matched_by == "both" else "words"
        reason = f"matched {how}: {', '.join(matched[:4])}"
    else:
        reason = "close in meaning to your question"
    return ResourceHit(resource, round(candidate.fused, 5), candidate.matched_by, reason)
