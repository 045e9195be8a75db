"""Live reload: a catalog edit reaches /ask without a restart; a broken edit is reported."""

from __future__ import annotations

from pathlib import Path

import pytest

from index import Engine
from tests.botkit import bot_over_a_copy, embed_text
from tests.fakes import FakeDiscord

NEW_ENTRY = """
- id: zebra-attention-primer
  title: The Zebra-Striped Attention Primer
  url: https://example.org/zebra-attention-primer
  kind: article
  level: beginner
  topics: [attention]
  author: Test Author
  free: true
  description: "A primer on zebra-striped attention, a made-up mechanism for this test."
  why: "Only this test knows about zebra-striped attention."
"""


@pytest.fixture
async def watching_bot(fake: FakeDiscord, real_engine: Engine, tmp_path: Path):  # type: ignore[no-untyped-def]
    async with bot_over_a_copy(
        fake,
        real_engine,
        tmp_path,
        STUDYBOT_WATCH_CATALOG=True,
        STUDYBOT_RELOAD_DEBOUNCE_SECONDS=0.2,
        STUDYBOT_ADMIN_CHANNEL_ID=fake.other_channel_id,
    ) as client:
        yield client


async def test_an_edited_catalog_answers_without_a_restart(fake: FakeDiscord, watching_bot) -> None:  # type: ignore[no-untyped-def]
    served = watching_bot.engine
    tools = watching_bot.locations.catalog_dir / "resources" / "tools.yaml"
    tools.write_text(tools.read_text(encoding="utf-8") + NEW_ENTRY, encoding="utf-8")
    await fake.wait_until(lambda: watching_bot.engine is not served, timeout=60)
    shown = await (await fake.slash("ask", {"question": "zebra-striped attention"})).wait_response()
    assert "The Zebra-Striped Attention Primer" in embed_text(shown)


async def test_a_broken_edit_is_reported_to_the_admin_channel_and_the_old_index_serves(
    fake: FakeDiscord, watching_bot
) -> None:  # type: ignore[no-untyped-def]
    served = watching_bot.engine
    broken = watching_bot.locations.catalog_dir / "resources" / "broken.yaml"
    broken.write_text("- id: [unclosed\n", encoding="utf-8")
    report = await fake.wait_for_message(
        lambda m: "broken.yaml:" in (m.get("content") or ""), timeout=60
    )
    assert int(report["channel_id"]) == fake.other_channel_id
    assert "still serving" in report["content"]
    assert report["allowed_mentions"] == {"parse": []}
    assert watching_bot.engine is served
    answered = await (await fake.slash("ask", {"question": "what is RLHF"})).wait_response()
    assert "](" in embed_text(answered)
