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
