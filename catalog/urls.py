"""URL and id checks that name the offending character, so a maintainer can find it.

A catalog URL is shown to learners as a link: it must go where it says. So no credentials
(``https://evil.example@arxiv.org/`` goes to evil.example), no whitespace or control
characters, no Markdown around it, and a host in plain ASCII (a Cyrillic "a" in "arxiv.org"
looks identical and goes elsewhere; real internationalised hosts can be written in punycode).
"""

from __future__ import annotations

import unicodedata
from urllib.parse import urlsplit

# The Latin letter each common look-alike is mistaken for (Cyrillic, Greek, fullwidth...).
LOOKALIKES = dict(
    zip(
        "\u0430\u0435\u043e\u0440\u0441\u0443\u0445\u0456\u0458\u0455\u0501\u051b\u051d\u04bb\u04cf\u0261\u03b1\u03bf\u03bd\u03c1\u03c4\u03c5\u03b9\u03ba\u0131\u2113\u2010\u2011\u2013\u2014\u2212",
        "aeopcyxijsdqwhlgaovptuikil-----",
        strict=True,
    )
)

# Not allowed unencoded anywhere in a URL (RFC 3986); [ ] only around an IPv6 host.
FORBIDDEN = set('<>"`{}|\\^')


def describe(char: str) -> str:
    """``'\u0430' (U+0430 CYRILLIC SMALL LETTER A, looks like 'a')``, the character named."""
    name = unicodedata.name(char, "unnamed character")
    looks = LOOKALIKES.get(char) or _ascii_twin(char)
    hint = f", looks like {looks!r}" if looks and looks != char else ""
    return f"{char!r} (U+{ord(char):04X} {name}{hint})"


def _ascii_twin(char: str) -> str | None:
    folded = unicodedata.normalize("NFKD", char).encode("ascii", "ignore").decode()
    return folded or None


def url_problem(url: str) -> str | None:
    """Why ``url`` cannot be shown as a link, or None when it can."""
    # Printable ASCII without spaces is the usual case: skip the per-character look.
    if not (url.isascii() and url.isprintable() and " " not in url):
        for char in url:
            if char.isspace() or unicodedata.category(char).startswith("C"):
                return f"URL contains whitespace or a control character {describe(char)}"
    if "](" in url or url.startswith(("[", "<")) or (url.endswith((">", ")")) and "(" not in url):
        return "URL looks like Markdown: write the bare address"
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return "expected http(s)://host/..."
    if "@" in parts.netloc:
        credentials = parts.netloc.rsplit("@", 1)[0]
        return (
            f"URL carries credentials ({credentials!r}@): it leads to {parts.hostname!r}; "
            "remove them"
        )
    host = parts.hostname or ""
    for char in host:
        if not char.isascii():
            return f"host {host!r} has a non-ASCII character {describe(char)}: use punycode"
    if "." not in host:
        return f"host {host!r} is not a public host name"
    forbidden = FORBIDDEN if parts.netloc.startswith("[") else FORBIDDEN | {"[", "]"}
    bad = forbidden.intersection(url)
    if bad:
        char = next(c for c in url if c in bad)
        return f"character {char!r} is not allowed in a URL: percent-encode it"
    return None


def id_problem(value: str) -> str | None:
    """A look-alike or other stray character in an id, named."""
    for char in value:
        if not char.isascii():
            return f"id {value!r} has a non-ASCII character {describe(char)}"
    return None
