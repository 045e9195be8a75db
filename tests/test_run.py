"""``studybot run``: the token comes from the settings (``.env`` included), and a bot that cannot
connect says so in one line and exits non-zero, never printing the token or a traceback."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from bot.terminal.cli import main
from tests.fakes.threaded import FakeOnItsOwnLoop

TOKEN = "token-from-dotenv.abc.xyz"


def error_lines(output: str) -> list[str]:
    """Lines that report a problem (the INFO log of the login attempt is fine)."""
    return [line for line in output.splitlines() if "error" in line.lower()]


@pytest.fixture
def remote() -> Iterator[FakeOnItsOwnLoop]:
    remote = FakeOnItsOwnLoop()
    remote.run(remote.fake.start())
    yield remote
    remote.stop()


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A folder with a `.env` holding the token, as the README says; the shell has none."""
    monkeypatch.delenv("DISCORD_TOKEN", raising=False)
    (tmp_path / ".env").write_text(f"DISCORD_TOKEN={TOKEN}\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_run_logs_in_with_the_token_from_dotenv_and_a_refused_token_is_one_line(
    remote: FakeOnItsOwnLoop, project: Path
) -> None:
    with remote.fake.patch_discord():
        result = CliRunner().invoke(main, ["run"], input="")
    logins = remote.fake.requests_to("GET", r"^/users/@me$")
    assert [r.headers["Authorization"] for r in logins] == [f"Bot {TOKEN}"]
    assert result.exit_code != 0
    [line] = error_lines(result.output)
    assert "token" in line.lower() and "DISCORD_TOKEN" in line
    assert TOKEN not in result.output and "Traceback" not in result.output


def test_run_without_a_reachable_discord_is_one_line(project: Path) -> None:
    from discord.http import Route

    with socket.socket() as sock:  # a port nobody listens on: connection refused
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    old, Route.BASE = Route.BASE, f"http://127.0.0.1:{port}/api/v10"
    try:
        result = CliRunner().invoke(main, ["run"], input="")
    finally:
        Route.BASE = old
    assert result.exit_code != 0
    [line] = error_lines(result.output)
    assert "could not reach Discord" in line
    assert TOKEN not in result.output and "Traceback" not in result.output


def test_studybot_sync_syncs_now_and_the_bot_does_not_sync_again_unchanged(
    remote: FakeOnItsOwnLoop, project: Path
) -> None:
    fake = remote.fake
    (project / ".env").write_text(
        f"DISCORD_TOKEN={fake.token}\nDISCORD_GUILD_ID={fake.guild_id}\n", encoding="utf-8"
    )
    with fake.patch_discord():
        result = CliRunner().invoke(main, ["sync"], input="")
        again = CliRunner().invoke(main, ["sync", "--clear-global"], input="")
    assert result.exit_code == 0, result.output
    assert f"to guild {fake.guild_id}" in result.output
    puts = fake.requests_to("PUT", rf"^/applications/\d+/guilds/{fake.guild_id}/commands$")
    assert len(puts) == 2, "`studybot sync` syncs even when nothing changed"
    assert "cleared the global commands" in again.output
    assert fake.requests_to("PUT", r"^/applications/\d+/commands$")[-1].payload == []
    assert TOKEN not in result.output


def test_the_message_content_intent_off_in_the_portal_is_one_line(
    project: Path, real_engine, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    remote = FakeOnItsOwnLoop(privileged_intents=False)
    remote.run(remote.fake.start())
    fake = remote.fake
    (project / ".env").write_text(
        f"DISCORD_TOKEN={fake.token}\nDISCORD_GUILD_ID={fake.guild_id}\n"
        f"STUDYBOT_ASK_CHANNEL_IDS={fake.other_channel_id}\n"
        f"STUDYBOT_INDEX_DIR={real_engine.index_dir}\n",
        encoding="utf-8",
    )
    try:
        with fake.patch_discord():
            result = CliRunner().invoke(main, ["run"], input="")
    finally:
        remote.stop()
    assert result.exit_code != 0
    [line] = error_lines(result.output)
    assert "Message Content intent" in line and "Developer Portal" in line
