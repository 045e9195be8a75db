"""Which resources an answer recommends, best first, and the one-line reason for each.

Resources the question names come first; the rest are ranked by the fitted relevance model
(``AnswerPolicy.relevance``), whose features include stated intents (a video, beginner
material, free); a kind of resource asked for comes first among entries on the topic; an
entry whose target could not be verified is recommended only when asked for by name.

An answer shows five of the ~30 candidates it may recommend. The features read from the
question's words cost most of the ranking, so candidates are scored in the order of the best
score they could reach, and the rest are never read once they cannot reach the fifth place:
the same ranking as scoring all of them.
"""

from __future__ import annotations

import bisect
import math
from collections.abc import Sequence

from catalog import Catalog, Resource
from index.kinds import related_kinds
from index.names import NameMatch
from index.policy import AnswerPolicy, Logistic
from index.query import Query
from index.quotes import cites_of
from index.results import Passage, ResourceHit
from index.retrieval import Candidate
from index.terms import stems_of

KIND_BONUS = 0.6
LEVEL_BONUS = 0.3
FREE_BONUS = 0.2
CITED_BONUS = 0.3
# Scores are compared rounded to this many places.
PLACES = 5
# The features read from the question's words, and the values they can take.
WORD_FEATURES = {
    "coverage": (0.0, 1.0),
    "title": (0.0, 1.0),
    "kind_asked": (0.0, 1.0),
    "level_asked": (0.0, 1.0),
    "free_asked": (-1.0, 1.0),
}


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
    if resource.kind in related_kinds(query.wants):
        bonus += KIND_BONUS
    if query.wants_level and resource.level == query.wants_level:
        bonus += LEVEL_BONUS
    if query.free:
        bonus += FREE_BONUS if resource.free else -FREE_BONUS
    return bonus


def retrieval_features(
    candidate: Candidate, position: int, resource: Resource, cited: float = 0.0
) -> dict[str, float]:
    """The relevance features that need no word of the question: how each retriever ranked
    the candidate, how close it, its closest learner question and a note section citing it
    (``cited``) are, and what it is (learners' questions favour explanations)."""
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
        "beginner": float(resource.level == "beginner"),
        "advanced": float(resource.level == "advanced"),
        "paper": float(resource.kind == "paper"),
        "course_or_video": float(resource.kind in ("course", "video")),
        "repo_or_tool": float(resource.kind in ("repository", "tool")),
        "free": float(bool(resource.free)),
    }


def word_features(query: Query, candidate: Candidate, resource: Resource) -> dict[str, float]:
    """The relevance features read from the question's words (``WORD_FEATURES``): how much
    of the question the candidate's text and title carry, and what the question asks for
    besides its topic."""
    stems = stems_of(candidate.document.indexed)
    # An intent speaks for entries on the asked topic, not for every video or course.
    on_topic = min(1.0, 2 * query.on_topic(stems))
    return {
        "coverage": query.coverage_of(stems),
        "title": query.coverage_of(stems_of(resource.title)),
        "kind_asked": on_topic * (resource.kind in related_kinds(query.wants)),
        "level_asked": on_topic * (bool(query.wants_level) and resource.level == query.wants_level),
        "free_asked": on_topic * ((1.0 if resource.free else -1.0) if query.free else 0.0),
    }


def resource_features(
    query: Query, candidate: Candidate, position: int, resource: Resource, cited: float = 0.0
) -> dict[str, float]:
    """What the fitted relevance model ranks a candidate resource by."""
    found = retrieval_features(candidate, position, resource, cited)
    found.update(word_features(query, candidate, resource))
    return found


def _recommendable(
    candidates: Sequence[Candidate], catalog: Catalog, policy: AnswerPolicy
) -> list[tuple[int, Candidate, Resource, float]]:
    """(position, candidate, resource, cited) of the candidates that may be recommended."""
    citing = citing_closeness(candidates)
    found = []
    for position, candidate in enumerate(candidates):
        document = candidate.document
        resource = catalog.resource(document.ref) if document.is_resource else None
        if resource is not None and resource.verified and relevant(candidate, policy):
            found.append((position, candidate, resource, citing.get(resource.id, 0.0)))
    return found


def rankable(
    query: Query, candidates: Sequence[Candidate], catalog: Catalog, policy: AnswerPolicy
) -> list[tuple[Candidate, Resource, dict[str, float]]]:
    """The candidates that may be recommended, each with what the relevance model ranks it
    by (``resource_features``): what ``tests.eval.fit`` fits on."""
    return [
        (candidate, resource, resource_features(query, candidate, position, resource, cited))
        for position, candidate, resource, cited in _recommendable(candidates, catalog, policy)
    ]


def _score(relevance: Logistic, features: dict[str, float], cited: bool) -> float:
    """A candidate's ranking score: the relevance model's probability, plus the kind or level
    asked for ("a course on fine-tuning", "a gentle intro": the fit weighs them, but the
    learner said so), raised when the quoted section recommends it for this very topic."""
    score = relevance.probability(features)
    score += KIND_BONUS * features["kind_asked"] + LEVEL_BONUS * features["level_asked"]
    return score * (1.0 + CITED_BONUS) if cited else score


def _best_score(
    relevance: Logistic, query: Query, resource: Resource, known: dict[str, float], cited: bool
) -> float:
    """The highest ``_score`` a candidate can reach, whatever its word features are."""
    reach = relevance.highest(known, WORD_FEATURES)
    if resource.kind in related_kinds(query.wants):
        reach += KIND_BONUS
    if query.wants_level and resource.level == query.wants_level:
        reach += LEVEL_BONUS
    return reach * (1.0 + CITED_BONUS) if cited else reach


def _scored(
    query: Query,
    candidates: Sequence[Candidate],
    catalog: Catalog,
    policy: AnswerPolicy,
    cited: set[str],
    skip: set[str],
    wanted: int,
) -> list[tuple[float, Candidate, Resource]]:
    """The ``wanted`` best candidates not in ``skip``, best first (ties in retrieval order)."""
    if not wanted:
        return []
    found = [
        entry for entry in _recommendable(candidates, catalog, policy) if entry[2].id not in skip
    ]
    if policy.relevance is None:
        ranked = [
            (-_fused_score(query, c, resource, resource.id in cited), position, c, resource)
            for position, c, resource, _ in found
        ]
    else:
        ranked = _by_relevance(query, found, policy.relevance, cited, wanted)
    ranked.sort(key=lambda entry: entry[:2])
    return [(-score, candidate, resource) for score, _, candidate, resource in ranked[:wanted]]


def _fused_score(query: Query, candidate: Candidate, resource: Resource, cited: bool) -> float:
    """Without a fitted relevance model: the fused rank, lifted by the intents it fits."""
    # An intent lifts entries on the asked topic, not every video or course.
    on_topic = query.on_topic(stems_of(candidate.document.indexed))
    score = candidate.fused * (1.0 + intent_bonus(query, resource) * min(1.0, 2 * on_topic))
    return round(score * (1.0 + CITED_BONUS) if cited else score, PLACES)


def _by_relevance(
    query: Query,
    found: Sequence[tuple[int, Candidate, Resource, float]],
    relevance: Logistic,
    cited: set[str],
    wanted: int,
) -> list[tuple[float, int, Candidate, Resource]]:
    """(-score, position, candidate, resource), sorted, of at least the ``wanted`` best:
    candidates are read in the order of the best score they could reach, until none left
    can reach the last place."""
    reachable = []
    for position, candidate, resource, near in found:
        known = retrieval_features(candidate, position, resource, near)
        reach = _best_score(relevance, query, resource, known, resource.id in cited)
        reachable.append((reach, position, candidate, resource, known))
    reachable.sort(key=lambda entry: (-entry[0], entry[1]))
    ranked: list[tuple[float, int, Candidate, Resource]] = []
    for reach, position, candidate, resource, known in reachable:
        if len(ranked) >= wanted and reach + 10**-PLACES < -ranked[wanted - 1][0]:
            break  # neither this one nor any after it can take a place
        known.update(word_features(query, candidate, resource))
        score = round(_score(relevance, known, resource.id in cited), PLACES)
        bisect.insort(ranked, (-score, position, candidate, resource), key=lambda e: e[:2])
    return ranked


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
    cited = {ref for passage in passages[:1] for ref in passage.cites}
    wanted = max(0, k - len(ranked))
    for score, candidate, resource in _scored(
        query, candidates, catalog, policy, cited, set(ranked), wanted
    ):
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
