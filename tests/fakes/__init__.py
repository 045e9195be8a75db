"""Test fakes. `FakeDiscord` serves Discord's gateway and REST API on 127.0.0.1 so the real,
unmodified discord.py client can be exercised end to end without network access."""

from .discord_payloads import ADMINISTRATOR, EPHEMERAL, MANAGE_GUILD
from .discord_records import FakeInteraction, RateLimitRule, RecordedPart, RecordedRequest
from .discord_server import FakeDiscord, running_bot

__all__ = [
    "ADMINISTRATOR",
    "EPHEMERAL",
    "MANAGE_GUILD",
    "FakeDiscord",
    "FakeInteraction",
    "RateLimitRule",
    "RecordedPart",
    "RecordedRequest",
    "running_bot",
]
