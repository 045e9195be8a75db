"""Chat shorthand read as the words it stands for: "vector db recs" is "vector database
recommendations".

Learners type in Discord as they chat. The embedding model and the catalog's vocabulary know
"database" and "video", not "db" and "vid", so a question made of shorthand reads as unknown
words and gets nothing. Words the catalog itself uses often stay as they are: where the
catalog says "RL", "rl" stays; a word found only in a name ("flash-attn") is still shorthand.
"""

from __future__ import annotations

import re
from collections.abc import Callable

SHORTHAND = {
    "pls": "please",
    "plz": "please",
    "thx": "thanks",
    "ty": "thanks",
    "u": "you",
    "ur": "your",
    "ppl": "people",
    "rn": "right now",
    "idk": "i don't know",
    "imo": "in my opinion",
    "tbh": "to be honest",
    "smth": "something",
    "sth": "something",
    "bc": "because",
    "cuz": "because",
    "coz": "because",
    "abt": "about",
    "diff": "difference",
    "recs": "resources",
    "recos": "resources",
    "vid": "video",
    "vids": "videos",
    "yt": "youtube",
    "tut": "tutorial",
    "tuts": "tutorials",
    "db": "database",
    "dbs": "databases",
    "lib": "library",
    "libs": "libraries",
    "impl": "implementation",
    "attn": "attention",
    "ctx": "context",
    "param": "parameter",
    "params": "parameters",
    "perf": "performance",
    "intro": "introduction",
    "explan": "explanation",
    "nn": "neural network",
    "nns": "neural networks",
    "ml": "machine learning",
    "rl": "reinforcement learning",
    "ft": "fine-tuning",
    "prod": "production",
    "w/": "with",
    "w/o": "without",
}
CATALOG_WORD = 5
# Whole words only: not the "u" of "U-Net" nor the "db" of "db-1".
_WORD = re.compile(r"(?<![\w/-])(?:w/o|w/|[a-z]+)(?![\w/-])", re.IGNORECASE)


def expand_shorthand(text: str, documents: Callable[[str], int]) -> str:
    """``text`` with each shorthand word written out, unless the catalog uses it in at least
    CATALOG_WORD of its ``documents``."""

    def written_out(match: re.Match[str]) -> str:
        word = match.group(0)
        long = SHORTHAND.get(word.lower())
        return long if long and documents(word.lower()) < CATALOG_WORD else word

    return _WORD.sub(written_out, text)
