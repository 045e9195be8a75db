"""One per-user cooldown shared by /ask, mentions and the context menu."""

from __future__ import annotations

from discord.ext import commands


class AskCooldown:
    def __init__(self, rate: int, per: float) -> None:
        self.enabled = per > 0
        self._mapping: commands.CooldownMapping[int] = commands.CooldownMapping.from_cooldown(
            rate, per or 1.0, lambda user_id: user_id
        )

    def retry_after(self, user_id: int) -> float:
        """Seconds the user must wait, or 0 when this question may go ahead (and counts)."""
        if not self.enabled:
            return 0.0
        bucket = self._mapping.get_bucket(user_id)
        if bucket is None:
            return 0.0
        return bucket.update_rate_limit() or 0.0


def cooldown_message(retry_after: float) -> str:
    return f"You're asking quickly — give it {retry_after:.0f} s and ask again."
