"""The one configuration object (pydantic-settings: environment, then `.env`), read once.

``Settings`` is made by the entry point (``studybot`` or ``create_bot``) and passed down; no
other module reads ``os.environ``. ``Locations`` turns it into the folders and the model a
command opens; the ``index`` and ``catalog`` packages get them as arguments.
``prepare_process`` is the one place that writes the environment, for third-party libraries
that read nothing else.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Literal

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from index import DEFAULT_MODEL, default_catalog_dir

if TYPE_CHECKING:
    from catalog import Catalog
    from index import Embedder, Engine, Progress

IdList = Annotated[frozenset[int], NoDecode]


class Settings(BaseSettings):
    """Every knob of studybot; ids are Discord snowflakes, lists are comma-separated."""

    model_config = SettingsConfigDict(
        env_file=".env", extra="ignore", populate_by_name=True, env_ignore_empty=True
    )

    discord_token: SecretStr | None = Field(default=None, alias="DISCORD_TOKEN")
    discord_guild_id: int | None = Field(default=None, alias="DISCORD_GUILD_ID")
    shard_count: int | None = Field(default=None, alias="DISCORD_SHARD_COUNT")
    ask_channel_ids: IdList = Field(default=frozenset(), alias="STUDYBOT_ASK_CHANNEL_IDS")
    admin_role_ids: IdList = Field(default=frozenset(), alias="STUDYBOT_ADMIN_ROLE_IDS")
    admin_user_ids: IdList = Field(default=frozenset(), alias="STUDYBOT_ADMIN_USER_IDS")
    mentor_role_id: int | None = Field(default=None, alias="STUDYBOT_MENTOR_ROLE_ID")
    reply_in_thread: bool = Field(default=False, alias="STUDYBOT_REPLY_IN_THREAD")
    answer_cards: bool = Field(default=False, alias="STUDYBOT_ANSWER_CARDS")
    ask_cooldown_rate: int = Field(default=4, ge=1, alias="STUDYBOT_ASK_COOLDOWN_RATE")
    ask_cooldown_seconds: float = Field(default=30.0, ge=0, alias="STUDYBOT_ASK_COOLDOWN_SECONDS")
    view_timeout: float = Field(default=15 * 60, gt=0, alias="STUDYBOT_VIEW_TIMEOUT_SECONDS")
    queue_notice_after: int = Field(default=32, ge=1, alias="STUDYBOT_QUEUE_NOTICE_AFTER")
    data_dir: Path | None = Field(default=None, alias="STUDYBOT_DATA_DIR")
    xdg_data_home: Path | None = Field(default=None, alias="XDG_DATA_HOME")
    model_cache: Path | None = Field(default=None, alias="STUDYBOT_MODEL_CACHE")
    tiktoken_cache: Path | None = Field(default=None, alias="TIKTOKEN_CACHE_DIR")
    catalog_dir: Path | None = Field(default=None, alias="STUDYBOT_CATALOG_DIR")
    index_dir: Path | None = Field(default=None, alias="STUDYBOT_INDEX_DIR")
    model: str | None = Field(default=None, alias="STUDYBOT_MODEL")
    feedback_db: Path | None = Field(default=None, alias="STUDYBOT_FEEDBACK_DB")
    # Operations (issue 11): logs, the optional health/metrics endpoint, shutdown, links.
    watch_catalog: bool = Field(default=True, alias="STUDYBOT_WATCH_CATALOG")
    reload_debounce_seconds: float = Field(
        default=1.6, ge=0, alias="STUDYBOT_RELOAD_DEBOUNCE_SECONDS"
    )
    admin_channel_id: int | None = Field(default=None, alias="STUDYBOT_ADMIN_CHANNEL_ID")
    log_format: Literal["text", "json"] = Field(default="text", alias="STUDYBOT_LOG_FORMAT")
    http_host: str = Field(default="127.0.0.1", alias="STUDYBOT_HTTP_HOST")
    http_port: int | None = Field(default=None, ge=0, le=65535, alias="STUDYBOT_HTTP_PORT")
    heartbeat_file: Path | None = Field(default=None, alias="STUDYBOT_HEARTBEAT_FILE")
    shutdown_grace_seconds: float = Field(
        default=8.0, ge=0, alias="STUDYBOT_SHUTDOWN_GRACE_SECONDS"
    )
    links_exclude: Annotated[tuple[str, ...], NoDecode] = Field(
        default=(), alias="STUDYBOT_LINKS_EXCLUDE"
    )
    links_cache_hours: float = Field(default=168.0, ge=0, alias="STUDYBOT_LINKS_CACHE_HOURS")

    @field_validator("links_exclude", mode="before")
    @classmethod
    def _split_patterns(cls, value: object) -> object:
        """Whitespace-separated regular expressions (a pattern may contain commas)."""
        return tuple(value.split()) if isinstance(value, str) else value

    @field_validator("ask_channel_ids", "admin_role_ids", "admin_user_ids", mode="before")
    @classmethod
    def _split_ids(cls, value: object) -> object:
        if isinstance(value, str):
            parts = [part.strip() for part in value.replace(";", ",").split(",")]
            return frozenset(int(part) for part in parts if part)
        if isinstance(value, int):
            return frozenset({value})
        return value

    @property
    def data_folder(self) -> Path:
        """Where indexes, the bot's database and caches live (the XDG data folder's studybot)."""
        if self.data_dir:
            return self.data_dir.expanduser()
        return (self.xdg_data_home or Path.home() / ".local" / "share") / "studybot"

    @property
    def models_folder(self) -> Path:
        """Exported ONNX models and the word tables: kept apart so they can live in an image."""
        return self.model_cache.expanduser() if self.model_cache else self.data_folder / "models"

    @property
    def tiktoken_folder(self) -> Path:
        """Where ``/tokenize`` looks for tiktoken encodings besides the bundled cl100k_base."""
        if self.tiktoken_cache:
            return self.tiktoken_cache.expanduser()
        return self.data_folder / "tiktoken"

    @property
    def database(self) -> Path:
        """The bot's SQLite file (stored answers and searches, votes)."""
        return self.feedback_db or self.data_folder / "studybot.sqlite3"

    @property
    def heartbeat(self) -> Path:
        """The file the running bot rewrites for ``studybot health --bot``."""
        return self.heartbeat_file or self.data_folder / "heartbeat.json"


@dataclass
class Locations:
    """The catalog folder, index folder and model one command works with, and its caches."""

    catalog_dir: Path
    index_dir: Path
    model: str
    models_dir: Path
    tiktoken_dir: Path
    announce: Callable[[str], None] | None = None

    @classmethod
    def from_settings(
        cls, settings: Settings, catalog_dir: str | None = None, index_dir: str | None = None
    ) -> Locations:
        """Command-line options first, then the settings, then the defaults."""
        catalog = catalog_dir or settings.catalog_dir
        index = index_dir or settings.index_dir
        return cls(
            Path(catalog).expanduser() if catalog else default_catalog_dir(),
            Path(index).expanduser() if index else settings.data_folder / "index",
            settings.model or DEFAULT_MODEL,
            settings.models_folder,
            settings.tiktoken_folder,
        )

    def catalog(self) -> Catalog:
        """The catalog on disk, parsed and validated: for builds and maintainer commands."""
        from catalog import load_catalog
        from index import parsed_catalog_dir

        return load_catalog(self.catalog_dir, parsed_catalog_dir(self.index_dir))

    def served_catalog(self) -> Catalog:
        """The catalog the served index was built from; the live one when there is no index."""
        from index import IndexProblem, current_version, load_snapshot

        try:
            return load_snapshot(current_version(self.index_dir))
        except IndexProblem:
            return self.catalog()

    def embedder(self, building: bool = False) -> Embedder:
        """The fast ONNX encoder when it can run, else sentence-transformers (with a notice).

        ``building``: also export the ONNX model if missing (seconds, imports torch).
        Queries never export: they fall back and say so.
        """
        from index import default_embedder

        return default_embedder(
            self.model, models_dir=self.models_dir, export=building, announce=self.announce
        )

    def engine(self, progress: Progress | None = None) -> Engine:
        """The served index, built first when missing or damaged."""
        from index import Engine, IndexProblem, current_version

        try:
            current_version(self.index_dir)
            building = False
        except IndexProblem:  # a build is due anyway: export the fast encoder with it
            building = True
        embedder = self.embedder(building)
        preload = getattr(embedder, "preload", None)
        if callable(preload):
            preload()  # loads the model while the catalog and BM25 are read
        # The folder, not a parsed catalog: serving reads the snapshot stored with the index.
        return Engine.open(self.catalog_dir, embedder, self.index_dir, progress=progress)


# Read only from the environment, by libraries studybot cannot pass them to as arguments.
LIBRARY_ENVIRONMENT = {
    # onnxruntime's 1DS telemetry uploads over HTTPS; only this variable, read when the
    # runtime initialises, stops it (onnxruntime's Privacy.md, "Disabling Telemetry").
    "ORT_DISABLE_TELEMETRY": "1",
    # Hugging Face tokenizers warn on stderr in every child process forked after a batch.
    "TOKENIZERS_PARALLELISM": "false",
    # Progress bars from transformers and huggingface_hub while a model loads or exports.
    "TQDM_DISABLE": "1",
}


def prepare_process(settings: Settings) -> None:
    """Once, at a front end's start and before onnxruntime or transformers are imported.

    Sets the variables above unless the user did, and where the word tables are cached.
    The hub is kept away by ``local_files_only``, not by ``HF_HUB_OFFLINE``: see
    ``index.embedder``.

    numpy's BLAS (and faiss's) runs on one thread: an answer multiplies one question vector
    by a few thousand, and waking BLAS threads between onnxruntime's runs cost 2-4 ms an
    answer against 0.1 ms for the product itself. OpenBLAS reads the variable when numpy
    loads it; a process that loaded numpy already is limited now. Commands that never touch
    numpy (``topics``, ``catalog check``) do not load it for this.
    """
    from index import keep_word_tables_in

    for name, value in LIBRARY_ENVIRONMENT.items():
        os.environ.setdefault(name, value)
    os.environ["OPENBLAS_NUM_THREADS"] = "1"
    if "numpy" in sys.modules:
        from threadpoolctl import threadpool_limits

        threadpool_limits(1, user_api="blas")
    keep_word_tables_in(settings.models_folder)
