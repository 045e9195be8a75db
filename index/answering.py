"""Candidates -> an Answer: answered, partial or nothing; quoted passages; ranked resources.

Whether to answer is the fitted policy's call (``index.policy``) over a few features of the
question and its candidates; which note section to quote is ``index.quotes``'s (none for a
lookup: "the lora paper" asks for the paper, not for notes on LoRA). Resources the
question names come first; the rest are ranked by the fitted relevance model, whose features
include stated intents (a video, beginner material, free), and a kind of resource asked for
(``index.kinds``) comes first among entries on the topic; an entry whose target could not be
verified is recommended only when asked for by name.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from catalog import Catalog, Resource
from index.kinds import RELATED_KINDS
from index.names import FULL_NAME, LOOKUP_STRENGTH, NameMatch, is_lookup
from index.policy import AnswerPolicy
from index.query import Query
from index.quotes import cites_of, select_passages
from index.results import Answer, Coverage, Passage, ResourceHit
from index.retrieval import Candidate
from index.small_talk import is_small_talk
from index.terms import stems_of

TOP = 5
KIND_BONUS = 0.6
LEVEL_BONUS = 0.3
FREE_BONUS = 0.2
PARTIAL_RESOURCES = 3
CITED_BONUS = 0.3
# A message this long is a story around a question; a name weaker than this is no name.
LONG_MESSAGE = 25
NAME_FLOOR = 1.0
SMALL_TALK = (
    "I answer questions about learning LLMs: ask about a topic, or for a course, paper or video."
)


def citing_closeness(candidates: Sequence[Candidate]) -> dict[str, float]:
    """For each resource a retrieved note section cites, how close the closest such section's
    heading is to the question: a section on the asked thing recommends what it cites."""
    found: dict[str, float] = {}
    for candidate in candidates:
        if candidate.document.is_resource or candidate.asked is None:
            continue
        for ref in cites_of(candidate.document.text):
            found[ref] = max(found.get(ref, 0.0), candidate.asked)
    return found


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
    return resource is not None and (kind is None or resource.kind in _kinds(kind))


def relevant(candidate: Candidate, policy: AnswerPolicy) -> bool:
    """Close in meaning, or sharing words with the question and not far off in meaning:
    its own vector, or its closest learner question as close as the floor asks of meaning
    alone (the model does not know every term: "HNSW" means nothing to MiniLM, but "hnsw vs
    ivf vs flat index" is FAISS's question)."""
    if candidate.dense >= policy.resource_floor:
        return True
    if candidate.lexical_rank is None:
        return False
    asked = candidate.asked if candidate.asked is not None else candidate.dense
    return candidate.dense >= policy.lexical_floor or asked >= policy.resource_floor


def intent_bonus(query: Query, resource: Resource) -> float:
    """How much the entry fits what the question asks for besides its topic."""
    bonus = 0.0
    if resource.kind in _kinds(query.wants):
        bonus += KIND_BONUS
    if query.wants_level and resource.level == query.wants_level:
        bonus += LEVEL_BONUS
    if query.free:
        bonus += FREE_BONUS if resource.free else -FREE_BONUS
    return bonus


def resource_features(
    query: Query, candidate: Candidate, position: int, resource: Resource, cited: float = 0.0
) -> dict[str, float]:
    """What the fitted relevance model ranks a candidate resource by: how each retriever
    ranked it, how close it and its closest learner question are, how close a note section
    citing it is (``cited``), how much of the question its text and title carry, and what it
    is (learners' questions favour explanations)."""
    stems = stems_of(candidate.document.indexed)
    # An intent speaks for entries on the asked topic, not for every video or course.
    on_topic = min(1.0, 2 * query.on_topic(stems))
    return {
        "fused": candidate.fused,
        "position": math.log1p(position),
        "dense": candidate.dense,
        "dense_rank": 1 / (1 + candidate.dense_rank) if candidate.dense_rank is not None else 0.0,
        "lexical_rank": (
            1 / (1 + candidate.lexical_rank) if candidate.lexical_rank is not None else 0.0
        ),
        "asked": candidate.asked if candidate.asked is not None else candidate.dense,
        "cited": cited,
        "coverage": query.coverage_of(stems),
        "title": query.coverage_of(stems_of(resource.title)),
        "beginner": float(resource.level == "beginner"),
        "advanced": float(resource.level == "advanced"),
        "paper": float(resource.kind == "paper"),
        "course_or_video": float(resource.kind in ("course", "video")),
        "repo_or_tool": float(resource.kind in ("repository", "tool")),
        "free": float(bool(resource.free)),
        # What the question asks for besides its topic, weighed by the fit, not by hand.
        "kind_asked": on_topic * (resource.kind in _kinds(query.wants)),
        "level_asked": on_topic * (bool(query.wants_level) and resource.level == query.wants_level),
        "free_asked": on_topic * ((1.0 if resource.free else -1.0) if query.free else 0.0),
    }


def _kinds(kind: str | None) -> tuple[str, ...]:
    return RELATED_KINDS.get(kind, (kind,)) if kind else ()


def rankable(
    query: Query, candidates: Sequence[Candidate], catalog: Catalog, policy: AnswerPolicy
) -> list[tuple[Candidate, Resource, dict[str, float]]]:
    """The candidates that may be recommended, each with what the relevance model ranks it
    by (``resource_features``): what answers rank and what ``tests.eval.fit`` fits on."""
    citing = citing_closeness(candidates)
    found = []
    for position, candidate in enumerate(candidates):
        document = candidate.document
        resource = catalog.resource(document.ref) if document.is_resource else None
        if resource is not None and resource.verified and relevant(candidate, policy):
            cited = citing.get(resource.id, 0.0)
            features = resource_features(query, candidate, position, resource, cited)
            found.append((candidate, resource, features))
    return found


def rank_resources(
    query: Query,
    candidates: Sequence[Candidate],
    names: Sequence[NameMatch],
    passages: Sequence[Passage],
    catalog: Catalog,
    k: int,
    policy: AnswerPolicy,
) -> list[ResourceHit]:
    """Named entries first; then matches by relevance and intent; then what the quotes cite."""
    ranked: dict[str, ResourceHit] = {}
    for match in names:
        resource = catalog.resource(match.resource_id)
        if resource is not None:
            ranked[resource.id] = ResourceHit(resource, 1.0, "name", "you asked for it by name")
    scored: list[tuple[float, Candidate, Resource]] = []
    cited = {ref for passage in passages[:1] for ref in passage.cites}
    for candidate, resource, features in rankable(query, candidates, catalog, policy):
        if resource.id in ranked:
            continue
        if policy.relevance is not None:
            score = policy.relevance.probability(features)
            # A kind or level asked for ("a course on fine-tuning", "a gentle intro") comes
            # first among entries on the topic: the fit weighs it, but the learner said so.
            score += KIND_BONUS * features["kind_asked"] + LEVEL_BONUS * features["level_asked"]
        else:
            # An intent lifts entries on the asked topic, not every video or course.
            on_topic = query.on_topic(stems_of(candidate.document.indexed))
            score = candidate.fused * (1.0 + intent_bonus(query, resource) * min(1.0, 2 * on_topic))
        if resource.id in cited:
            score *= 1.0 + CITED_BONUS  # the quoted section recommends it for this very topic
        scored.append((round(score, 5), candidate, resource))
    scored.sort(key=lambda entry: -entry[0])
    for score, candidate, resource in scored[: max(0, k - len(ranked))]:
        hit = resource_hit(query, candidate, resource)  # the reason, for those shown only
        ranked[resource.id] = ResourceHit(resource, score, hit.matched_by, hit.reason)
    result = list(ranked.values())[:k]
    shown = {hit.resource.id for hit in result}
    for passage in passages:
        for ref in passage.cites:
            resource = catalog.resource(ref)
            if len(result) >= k + 2:
                return result
            if resource is not None and resource.verified and ref not in shown:
                shown.add(ref)
                text = f"cited in the note “{passage.source}”"
                result.append(ResourceHit(resource, 0.0, "note", text))
    return result


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


def matched_words(query: Query, indexed: str) -> list[str]:
    """The question's informative words (as written) that the document contains."""
    present = stems_of(indexed)
    return [w.text for w in query.informative if w.term and w.term in present]


def resource_hit(query: Query, candidate: Candidate, resource: Resource) -> ResourceHit:
    """The resource with its score and a one-line reason: which words, or meaning alone."""
    matched = matched_words(query, candidate.document.indexed)
    if candidate.lexical_rank is not None and matched:
        how = "words and meaning" if candidate.matched_by == "both" else "words"
        reason = f"matched {how}: {', '.join(matched[:4])}"
    else:
        reason = "close in meaning to your question"
    return ResourceHit(resource, round(candidate.fused, 5), candidate.matched_by, reason)
