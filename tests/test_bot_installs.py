"""Usable anywhere: the read-only commands install for users as well as servers and work in DMs
and private channels; /reindex and /gaps stay in servers."""

from __future__ import annotations

from pathlib import Path

from bot import create_bot
from index import Engine
from tests.botkit import embed_text, settings_for
from tests.fakes import EPHEMERAL, FakeDiscord, running_bot

READ_ONLY = {"ask", "resource", "path", "topics", "tokenize", "help", "about"}


async def test_read_only_commands_install_for_users_and_work_in_dms(
    fake: FakeDiscord, real_engine: Engine, tmp_path: Path
) -> None:
    # Global commands: guild commands never show in DMs.
    settings = settings_for(real_engine, STUDYBOT_FEEDBACK_DB=str(tmp_path / "db.sqlite3"))
    async with running_bot(fake, create_bot(settings, engine=real_engine)):
        synced = {c["name"]: c for c in fake.global_commands}
        for name in [*READ_ONLY, "Recommend resources"]:
            assert sorted(synced[name]["integration_types"]) == [0, 1], name
            assert sorted(synced[name]["contexts"]) == [0, 1, 2], name
        for name in ("reindex", "gaps"):
            assert synced[name]["contexts"] == [0], name
        inter = await fake.slash("ask", {"question": "what is RLHF"}, dm=True)
        shown = await inter.wait_response()
        assert "](" in embed_text(shown) and not shown["flags"] & EPHEMERAL


async def test_the_menu_answers_through_the_interaction_when_installed_by_a_user(
    fake: FakeDiscord, bot
) -> None:  # type: ignore[no-untyped-def]
    target = await fake.post_message("can someone explain what ZeRO stage 3 does?")
    inter = await fake.context_menu("Recommend resources", target, user_install=True)
    shown = await inter.wait_response(timeout=10)
    assert "ZeRO" in embed_text(shown) and not inter.ephemeral
    posted = fake.requests_to("POST", rf"^/channels/{fake.channel_id}/messages$")
    assert not posted, "a user install cannot count on posting in the channel"
