"""``python -m tests.fakes.bot_process API_BASE GATEWAY_URL``: the real ``studybot run`` entry
point in its own process, with discord.py pointed at a FakeDiscord on 127.0.0.1.

Only the two addresses change (as ``FakeDiscord.patch_discord`` does in-process); settings come
from the environment, exactly as in production.
"""

from __future__ import annotations

import sys

import yarl
from discord.gateway import DiscordWebSocket
from discord.http import Route


def main() -> None:
    api_base, gateway = sys.argv[1], sys.argv[2]
    if not api_base.startswith("http://127.0.0.1:") or not gateway.startswith("ws://127.0.0.1:"):
        raise SystemExit("the fake Discord must be on 127.0.0.1")
    Route.BASE = api_base
    DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(gateway)
    sys.argv = ["studybot", "run"]
    from bot.__main__ import run

    run()


if __name__ == "__main__":
    main()
