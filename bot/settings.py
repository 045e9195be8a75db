"""Bot configuration from the environment (or `.env`), read once with pydantic-settings."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Literal

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

IdList = Annotated[frozenset[int], NoDecode]


class Settings(BaseSettings):
    """Every knob of the bot; ids are Discord snowflakes, lists are comma-separated."""

    model_config = SettingsConfigDict(
        env_file=".env", extra="ignore", populate_by_name=True, env_ignore_empty=True
    )

    discord_token: SecretStr | None = Field(default=None, alias="DISCORD_TOKEN")
    discord_guild_id: int | None = Field(default=None, alias="DISCORD_GUILD_ID")
    shard_count: int | None = Field(default=None, alias="DISCORD_SHARD_COUNT")
    ask_channel_ids: IdList = Field(default=frozenset(), alias="STUDYBOT_ASK_CHANNEL_IDS")
    admin_role_ids: IdList = Field(default=frozenset(), alias="STUDYBOT_ADMIN_ROLE_IDS")
    admin_user_ids: IdList = Field(default=frozenset(), alias="STUDYBOT_ADMIN_USER_IDS")
    reply_in_thread: bool = Field(default=False, alias="STUDYBOT_REPLY_IN_THREAD")
    ask_cooldown_rate: int = Field(default=4, ge=1, alias="STUDYBOT_ASK_COOLDOWN_RATE")
    ask_cooldown_seconds: float = Field(default=30.0, ge=0, alias="STUDYBOT_ASK_COOLDOWN_SECONDS")
    queue_notice_after: int = Field(default=32, ge=1, alias="STUDYBOT_QUEUE_NOTICE_AFTER")
    catalog_dir: Path | None = Field(default=None, alias="STUDYBOT_CATALOG_DIR")
    index_dir: Path | None = Field(default=None, alias="STUDYBOT_INDEX_DIR")
    model: str | None = Field(default=None, alias="STUDYBOT_MODEL")
    feedback_db: Path | None = Field(default=None, alias="STUDYBOT_FEEDBACK_DB")
    links_exclude: Annotated[tuple[str, ...], NoDecode] = Field(
        default=(), alias="STUDYBOT_LINKS_EXCLUDE"
    )
    links_cache_hours: float = Field(default=168.0, ge=0, alias="STUDYBOT_LINKS_CACHE_HOURS")
    log_format: Literal["text", "json"] = Field(default="text", alias="STUDYBOT_LOG_FORMAT")
    http_host: str = Field(default="127.0.0.1", alias="STUDYBOT_HTTP_HOST")
    http_port: int | None = Field(default=None, ge=0, le=65535, alias="STUDYBOT_HTTP_PORT")
    heartbeat_file: Path | None = Field(default=None, alias="STUDYBOT_HEARTBEAT_FILE")
    shutdown_grace_seconds: float = Field(
        default=8.0, ge=0, alias="STUDYBOT_SHUTDOWN_GRACE_SECONDS"
    )

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
