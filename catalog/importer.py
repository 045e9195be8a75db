"""Turn a Markdown list of links (the seed, an awesome-list) into draft entries for review.

Every field studybot can infer is filled and marked as a guess; every field it cannot know is
marked ``REVIEW``. Links already in the catalog are listed, never drafted again: an import
never overwrites an entry.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import ftfy

from catalog.models import Catalog, check_id

LINK = re.compile(r"\[([^\]]*)\]\(([^)]*)\)")
# Tracking parameters dropped from every URL (analytics, share buttons, newsletters).
TRACKING = re.compile(r"^(utm_.*|si|ab_channel|feature|fbclid|gclid|ref|ref_src|igshid|mc_[ce]id)$")
# Bold mathematical letters (U+1D5D4...) whose UTF-8 was read as Windows-1254: bytes with no
# character there were lost. "g-breve, em dash, feminine ordinal" is what is left of bold W
# (F0 9D 97 AA, 0x9D lost), and a bare "g-breve, small tilde" of bold t (F0 9D 98 81).
LOST_9D = re.compile("\u011f([\u2014\u02dc])([^\u011f]?)", re.DOTALL)
BOLD_T = "\U0001d601"
SHORTENERS = ("lnkd.in", "bit.ly", "t.co", "tinyurl.com", "goo.gl", "ow.ly", "buff.ly")
KIND_BY_HOST = (
    (("youtube.com", "youtu.be", "vimeo.com"), "video"),
    (("github.com", "gitlab.com"), "repository"),
    (("arxiv.org", "aclanthology.org", "openreview.net"), "paper"),
    (("coursera.org", "udemy.com", "edx.org", "deeplearning.ai", "ocw.mit.edu"), "course"),
    (("substack.com", "medium.com", "github.io", "newsletter."), "article"),
    (("readthedocs.io", "docs."), "documentation"),
    (("vercel.app", "huggingface.co/spaces", "atlas.nomic.ai"), "tool"),
)
Encode = Callable[[Sequence[str]], Any]


@dataclass(frozen=True)
class Draft:
    id: str
    title: str
    url: str
    kind: str
    topics: tuple[str, ...]
    description: str
    notes: tuple[str, ...] = ()
    duplicate_of: str | None = None


def repair(text: str) -> str:
    """Mojibake repaired (the bold letters ftfy cannot restore, then ftfy), compatibility
    forms folded (bold letters become plain ones)."""

    def bold(match: re.Match[str]) -> str:
        row, last = match.group(1), match.group(2)
        try:
            return (b"\xf0\x9d" + (row + last).encode("cp1254")).decode("utf-8")
        except (UnicodeEncodeError, UnicodeDecodeError):
            return BOLD_T + last if row == "\u02dc" else match.group(0)

    text = ftfy.fix_text(LOST_9D.sub(bold, text))
    return unicodedata.normalize("NFKC", text)


def plain(text: str) -> str:
    """Markdown links to their text, emphasis and emoji removed, spaces collapsed."""
    text = LINK.sub(lambda m: m.group(1), text)
    text = re.sub(r"[*_`]+", "", text)
    text = "".join(c for c in text if unicodedata.category(c) not in ("So", "Cs", "Co"))
    text = re.sub(r"^\s*(?:[-*+]|\d+[.)])\s+", "", text)
    return " ".join(text.split()).strip(" :")


def normalise_url(url: str) -> tuple[str, list[str]]:
    """The URL to store and reviewer notes: youtu.be expanded, tracking dropped, scheme added."""
    notes: list[str] = []
    parts = url.split()
    others = [part for part in parts[1:] if "://" in part]
    if others:
        notes.append("the link held several addresses; also: " + " ".join(others))
    url = parts[0] if parts else url
    if "://" not in url:
        url = "https://" + url
        notes.append("the link had no scheme: https assumed")
    split = urlsplit(url)
    host = split.hostname or ""
    if host == "youtu.be" and split.path.strip("/"):
        return f"https://www.youtube.com/watch?v={split.path.strip('/')}", notes
    # Kept as written (no re-encoding), minus the tracking parameters.
    query = "&".join(
        part for part in split.query.split("&") if part and not TRACKING.match(part.split("=")[0])
    )
    path = split.path or "/"
    if host.endswith(SHORTENERS) or host in SHORTENERS:
        notes.append("a shortened link: replace it with the page it leads to")
    rebuilt = urlunsplit((split.scheme.lower(), split.netloc.lower(), path, query, ""))
    return rebuilt, notes


def url_key(url: str) -> str:
    """What makes two URLs the same page: host without www, path without trailing slash."""
    split = urlsplit(url if "://" in url else "https://" + url)
    host = (split.hostname or "").removeprefix("www.")
    query = sorted((k, v) for k, v in parse_qsl(split.query) if not TRACKING.match(k))
    return f"{host}{split.path.rstrip('/')}?{urlencode(query)}"


def guess_kind(url: str) -> str:
    target = url.lower()
    if "/lectures" in target or "lecture" in target:
        return "lecture-notes"
    for hosts, kind in KIND_BY_HOST:
        if any(host in target for host in hosts):
            return kind
    return "article"


def draft_entries(
    markdown: str, catalog: Catalog, encode: Encode | None = None, per_draft: int = 2
) -> tuple[list[Draft], list[str]]:
    """Drafts in document order, and what was skipped (in-page anchors) with why."""
    known = {url_key(resource.url): resource.id for resource in catalog.resources}
    taken = {resource.id for resource in catalog.resources}
    drafts: list[Draft] = []
    skipped: list[str] = []
    for line in repair(markdown).splitlines():
        for match in LINK.finditer(line):
            text, target = plain(match.group(1)), match.group(2).strip()
            if not target or target.startswith("#"):
                skipped.append(f"{text or target}: a link inside the page")
                continue
            url, notes = normalise_url(target)
            key = url_key(url)
            duplicate = known.get(key)
            description = _sentence(plain(line), text)
            identifier = duplicate or _new_id(text or url, taken)
            known.setdefault(key, identifier)
            drafts.append(
                Draft(identifier, text or url, url, guess_kind(url), (), description,
                      tuple(notes), duplicate)
            )  # fmt: skip
    if encode is not None and catalog.topics:
        drafts = _suggest_topics(drafts, catalog, encode, per_draft)
    return drafts, skipped


def _sentence(line: str, anchor: str) -> str:
    """The sentence of ``line`` that holds the link text (the whole line if none does)."""
    sentences = re.split(r"(?<=[.!?])\s+", line)
    return next((s for s in sentences if anchor and anchor in s), line)


def _new_id(text: str, taken: set[str]) -> str:
    base = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:48].strip("-") or "entry"
    candidate, n = base, 2
    while candidate in taken:
        candidate, n = f"{base}-{n}", n + 1
    check_id(candidate)
    taken.add(candidate)
    return candidate


def _suggest_topics(
    drafts: list[Draft], catalog: Catalog, encode: Encode, per_draft: int
) -> list[Draft]:
    """Topics whose descriptions are closest in meaning (cosine on normalised vectors)."""
    import numpy as np

    names = sorted(catalog.topics)
    topic_vectors = np.asarray(encode([f"{n}: {catalog.topics[n]}" for n in names]))
    texts = [f"{d.title}. {d.description}" for d in drafts]
    draft_vectors = np.asarray(encode(texts)) if texts else np.zeros((0, 1))
    suggested = []
    for draft, vector in zip(drafts, draft_vectors, strict=True):
        scores = topic_vectors @ vector
        best = [names[i] for i in np.argsort(-scores)[:per_draft]]
        suggested.append(
            Draft(draft.id, draft.title, draft.url, draft.kind, tuple(best), draft.description,
                  draft.notes, draft.duplicate_of)
        )  # fmt: skip
    return suggested


def q(value: str) -> str:
    """A YAML scalar: a JSON string is a valid double-quoted YAML string."""
    return json.dumps(value, ensure_ascii=False)


def render_drafts(drafts: Sequence[Draft], source: str) -> str:
    """YAML for review; each guess is commented, unknowns say REVIEW, duplicates are comments."""
    lines = [
        f"# Draft entries imported from {source} by `studybot catalog import`.",
        "# Check every guess, fill every REVIEW, then move the entries into resources/.",
    ]
    for draft in drafts:
        if draft.duplicate_of:
            lines += ["", f"# already in the catalog as {draft.duplicate_of}: {draft.url}"]
            continue
        topics = ", ".join(draft.topics)
        lines += [
            "",
            f"- id: {draft.id}",
            f"  title: {q(draft.title)}  # the link text: make it the resource's real title",
            f"  url: {q(draft.url)}",
            f"  kind: {draft.kind}  # guessed from the address",
            "  level: beginner  # REVIEW: beginner, intermediate or advanced",
            f"  topics: [{topics}]  # suggested by meaning: keep the right ones",
            f"  author: {q('REVIEW')}  # who made it",
            "  free: true  # REVIEW",
            f"  description: {q(draft.description or 'REVIEW')}",
            f"  why: {q('REVIEW')}  # why a learner should open it",
            "  status: unverified",
        ]
        lines += [f"  # REVIEW: {note}" for note in draft.notes]
    return "\n".join(lines) + "\n"
