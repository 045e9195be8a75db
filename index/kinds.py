"""Which kind of resource a question names, and which kind and level it asks for.

"Any good videos on attention?" asks for a video; "I can't follow transformer papers" names
papers without asking for one, and ranking papers first there buries the explanations the
learner needs. A kind word is a request when a determiner or a recommending word comes
before it ("a", "any", "the best"), when a request follows it ("paper that introduced",
"course on"), or when the question begins with it ("videos about RAG"). A level is asked for
in words that say so ("a gentle intro", "in depth"), not by "where do I start" or "from
scratch", which ask for a path or for code.
"""

from __future__ import annotations

import re

# What a question asks for besides its topic: a kind of resource, a level, free material.
KIND_WORDS = {
    "video": "video",
    "videos": "video",
    "youtube": "video",
    "watch": "video",
    "lecture": "video",
    "lectures": "video",
    "talk": "video",
    "paper": "paper",
    "papers": "paper",
    "arxiv": "paper",
    "course": "course",
    "courses": "course",
    "class": "course",
    "mooc": "course",
    "book": "book",
    "books": "book",
    "textbook": "book",
    "tool": "tool",
    "tools": "tool",
    "library": "tool",
    "website": "tool",
    "site": "tool",
    "app": "tool",
    "playground": "tool",
    "repo": "repository",
    "repos": "repository",
    "repository": "repository",
    "github": "repository",
    "code": "repository",
    "tutorial": "tutorial",
    "tutorials": "tutorial",
    "walkthrough": "tutorial",
    "blog": "article",
    "post": "article",
    "article": "article",
    "articles": "article",
    "docs": "documentation",
    "documentation": "documentation",
    "notes": "lecture-notes",
}

RELATED_KINDS = {
    "video": ("video",),
    "paper": ("paper",),
    "course": ("course", "lecture-notes", "collection"),
    "book": ("book",),
    "tool": ("tool",),
    "repository": ("repository", "tool"),
    "tutorial": ("tutorial", "documentation"),
    "article": ("article",),
    "documentation": ("documentation", "tutorial"),
    "lecture-notes": ("lecture-notes", "course"),
}

# Words that name a kind only as a request, never alone ("my code", "a class of models").
_LOOSE = frozenset({"code", "class", "watch", "site", "app", "notes", "post"})
_KINDS = "|".join(sorted((w for w in KIND_WORDS if w not in _LOOSE), key=len, reverse=True))
_BEFORE = (
    r"a|an|any|some|good|best|great|nice|decent|solid|recommended|favou?rite|short|single|one|"
    r"free|beginner|introductory|intro|which|your|top|classic|seminal|original|foundational|"
    r"key|essential|few|couple of|must[- ]read|recommend|suggest"
)
_AFTER = (
    r"on|about|for|that|which|explaining|explains|introducing|introduced|covering|covers|"
    r"to (?:learn|read|watch|understand|start)|where|recommendations?|suggestions?|"
    r"series|playlist|channel"
)
REQUEST = re.compile(
    rf"(?:^|\b(?:{_BEFORE})(?:\s+[\w-]+){{0,2}}?\s+)(?P<a>{_KINDS})\b"
    rf"|\b(?P<b>{_KINDS})\s+(?:{_AFTER})\b"
    r"|\b(?P<c>youtube)\b"
)


def requested_kind(lowered: str) -> str | None:
    """The kind of resource ``lowered`` (a question in lower case) asks for, if any."""
    found = REQUEST.search(lowered.strip())
    if found is None:
        return None
    word = found.group("a") or found.group("b") or found.group("c")
    return KIND_WORDS[word]


LEVEL_REQUEST = {
    "beginner": re.compile(
        r"\b(beginners?|newbie|noob|new to|intro|introduction to|introductory|basics?|rusty|"
        r"eli5|gentle|simple|easy|for dummies|non[- ]technical|plain english|layman'?s?)\b"
    ),
    "advanced": re.compile(
        r"\b(advanced|in[- ]depth|deep[- ]dive|research[- ]level|state of the art|expert)\b"
    ),
}


def requested_level(lowered: str) -> str | None:
    """The level of material ``lowered`` asks for in so many words, if any."""
    return next((level for level, said in LEVEL_REQUEST.items() if said.search(lowered)), None)


def related_kinds(kind: str | None) -> tuple[str, ...]:
    """The kinds of entry that answer a request for ``kind`` ("a course": lecture notes too)."""
    return RELATED_KINDS.get(kind, (kind,)) if kind else ()
