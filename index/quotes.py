"""Which note section to quote, if any: one about the question, or none.

A section is scored by meaning, its heading's closeness and how much of the question its
heading and text carry, so a section headed with the asked thing wins over one that mentions
it. The best-scored one is quoted only when its heading is the closest to the question and
close in meaning, clearly the closest, or names the question's words (``index.policy``:
fitted for precision). A lookup ("the lora paper") gets no quote: ``index.answering``.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache
from typing import NamedTuple

from catalog import Catalog
from catalog.models import REFERENCE
from index.policy import AnswerPolicy
from index.query import Query
from index.results import Passage
from index.retrieval import Candidate
from index.terms import stems_of


@lru_cache(maxsize=4096)
def cites_of(text: str) -> tuple[str, ...]:
    """The resource ids a note section cites, in order, each once."""
    return tuple(dict.fromkeys(REFERENCE.findall(text)))


class ScoredSection(NamedTuple):
    """A note section that may be quoted, with what the quote gate reads."""

    score: float  # meaning + heading closeness and word match: the best-scored is quoted first
    heading: float  # the share of the question's words its heading carries
    asked: float  # its heading's cosine to the question
    margin: float  # ... less the closest other retrieved heading's
    introduction: bool  # headed by the note's whole topic, not the asked thing
    candidate: Candidate

    @property
    def key(self) -> str:
        return f"{self.candidate.document.ref}#{self.candidate.document.heading}"


def scored_sections(
    query: Query, candidates: Sequence[Candidate], policy: AnswerPolicy
) -> list[ScoredSection]:
    """The note sections that may be quoted, best-scored first: a section headed with the
    asked thing wins over one that mentions it."""
    notes = [c for c in candidates if not c.document.is_resource]
    closest = [*sorted((c.asked or 0.0 for c in notes), reverse=True)[:2], 0.0, 0.0]
    found = []
    for candidate in notes:
        document = candidate.document
        heading = query.coverage_of(stems_of(document.heading))
        introduction = document.position == 0
        if introduction:
            heading /= 2
        text = query.coverage_of(stems_of(document.indexed))
        asked = candidate.asked or 0.0
        score = (
            candidate.dense
            + policy.heading_weight * heading
            + policy.text_weight * text
            + policy.heading_cosine_weight * asked
        )
        if score >= policy.passage_score and candidate.dense >= policy.lexical_floor:
            rival = closest[1] if asked >= closest[0] else closest[0]
            found.append(
                ScoredSection(score, heading, asked, asked - rival, introduction, candidate)
            )
    found.sort(key=lambda section: -section.score)
    return found


def is_about(section: ScoredSection, policy: AnswerPolicy) -> bool:
    """Quoted only when about the question: its heading the closest and close in meaning,
    clearly the closest, or naming its words (an introduction's heading is the whole topic).
    A closer heading elsewhere is the better quote, or a sign the question is ambiguous."""
    return (
        (section.asked >= policy.quote_heading_cosine and section.margin >= 0)
        or section.margin >= policy.quote_heading_margin
        or (not section.introduction and section.heading >= policy.quote_heading_words)
    )


def select_passages(
    query: Query,
    candidates: Sequence[Candidate],
    catalog: Catalog,
    policy: AnswerPolicy,
) -> list[Passage]:
    """Note sections about the question, the one whose heading names it first; else none."""
    sections = scored_sections(query, candidates, policy)
    chosen: list[Passage] = []
    for section in sections:
        if not is_about(section, policy):
            break  # the best section is not about the question: no quote rather than a near one
        document = section.candidate.document
        note = catalog.note(document.ref)
        if note is None or any(
            p.note_id == note.id and p.heading == document.heading for p in chosen
        ):
            continue
        best = sections[0]
        if chosen and (
            section.score < best.score - policy.passage_margin
            or section.heading < max(0.5, best.heading)
        ):
            break  # a second quote only when its heading names the asked thing as well
        chosen.append(
            Passage(
                note_id=note.id,
                note_title=note.title,
                heading=document.heading,
                text=catalog.resolve_references(document.text),
                position=document.position,
                score=round(section.candidate.dense, 4),
                cites=cites_of(document.text),
            )
        )
        if len(chosen) >= policy.max_passages:
            break
    return chosen
