"""Buttons keep working: after a restart, after their view times out, and when they fail.

Also the one error path: a failing question in a micro-batch fails only its asker, and a
missing permission is named.
"""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from bot import create_bot
from bot.config import Settings
from bot.discord.batching import AnswerBatcher
from index import Engine
from tests.botkit import button, embed_text
from tests.fakes import EPHEMERAL, FakeDiscord, running_bot
from tests.fakes.discord_payloads import SEND_MESSAGES


def new_bot(settings: Settings, engine: Engine):  # type: ignore[no-untyped-def]
    return create_bot(settings, engine=engine, guild_ready_timeout=0.05)


async def test_buttons_on_old_messages_work_after_a_restart(
    fake: FakeDiscord, settings: Settings, real_engine: Engine
) -> None:
    async with running_bot(fake, new_bot(settings, real_engine)):
        answer = await (await fake.slash("ask", {"question": "what is RLHF"})).wait_response()
        pages = await (await fake.slash("resource", {"query": "transformer"})).wait_response()
    # A new process: same Discord, same database, no views in memory.
    async with running_bot(fake, new_bot(settings, real_engine)):
        vote = await (await fake.click(answer, button(answer, "👍"))).wait_response()
        assert vote["flags"] & EPHEMERAL and "Thanks" in vote["content"]
        more = await (await fake.click(answer, button(answer, "More resources"))).wait_response()
        assert more["flags"] & EPHEMERAL and "](" in embed_text(more)
        await (await fake.click(pages, button(pages, "Next"))).wait_response()
        assert "Page 2/" in embed_text(fake.messages[int(pages["id"])])
    synced = fake.requests_to("PUT", r"/commands$")
    assert len(synced) == 1, "unchanged commands are not synced again on restart"


async def test_a_feedback_form_opened_before_a_restart_is_received_after_it(
    fake: FakeDiscord, settings: Settings, real_engine: Engine
) -> None:
    async with running_bot(fake, new_bot(settings, real_engine)):
        answer = await (await fake.slash("ask", {"question": "what is RLHF"})).wait_response()
        opened = await fake.click(answer, button(answer, "👎"))
        await opened.wait_for(lambda i: i.modal is not None)
    async with running_bot(fake, new_bot(settings, real_engine)):  # a new process
        [field] = [c for row in opened.modal["components"] for c in _inputs(row)]
        thanks = await (
            await fake.submit_modal(opened, {field["custom_id"]: "a video on reward models"})
        ).wait_response()
        assert thanks["flags"] & EPHEMERAL and "noted" in thanks["content"]
        report = (await (await fake.slash("gaps", user=fake.admin)).wait_response())["content"]
        assert any("a video on reward models" in line for line in report.splitlines())


async def test_old_pages_still_turn_only_for_their_author(
    fake: FakeDiscord, settings: Settings, real_engine: Engine
) -> None:
    async with running_bot(fake, new_bot(settings, real_engine)):
        pages = await (await fake.slash("resource", {"query": "transformer"})).wait_response()
    async with running_bot(fake, new_bot(settings, real_engine)):
        stranger = await (
            await fake.click(pages, button(pages, "Next"), user=fake.admin)
        ).wait_response()
        assert stranger["flags"] & EPHEMERAL and "Only the person" in stranger["content"]


async def test_a_timed_out_page_view_is_greyed_out_with_the_bot_token(
    real_engine: Engine, tmp_path: Path
) -> None:
    from tests.botkit import settings_for

    async with FakeDiscord(interaction_token_ttl=0.2) as fake:
        settings = settings_for(
            real_engine,
            DISCORD_GUILD_ID=fake.guild_id,
            STUDYBOT_FEEDBACK_DB=str(tmp_path / "db.sqlite3"),
            STUDYBOT_VIEW_TIMEOUT_SECONDS=0.5,
        )
        async with running_bot(fake, new_bot(settings, real_engine)):
            shown = await (await fake.slash("resource", {"query": "transformer"})).wait_response()
            message = fake.messages[int(shown["id"])]

            def greyed() -> bool:
                buttons = [c for row in message["components"] for c in row["components"]]
                return bool(buttons) and all(c.get("disabled") for c in buttons)

            await fake.wait_until(greyed, timeout=5)


async def test_a_failing_button_tells_the_user_instead_of_thinking_forever(
    fake: FakeDiscord, bot, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    shown = await (await fake.slash("ask", {"question": "what is RLHF"})).wait_response()

    def broken(questions, k=5):  # type: ignore[no-untyped-def]
        raise RuntimeError("index exploded")

    monkeypatch.setattr(bot.engine, "answer_many", broken)
    more = await (await fake.click(shown, button(shown, "More resources"))).wait_response()
    assert more["flags"] & EPHEMERAL and more["content"].startswith("Something went wrong")


async def test_one_bad_question_in_a_batch_fails_only_its_asker(engine: Engine) -> None:
    real = engine.answer_many

    def picky(questions, k=5):  # type: ignore[no-untyped-def]
        if any("boom" in q for q in questions):
            raise ValueError("cannot answer boom")
        return real(questions, k)

    engine.answer_many = picky  # type: ignore[method-assign]
    batcher = AnswerBatcher(lambda: engine)
    try:
        futures = [batcher.submit(q) for q in ("what is attention", "boom", "what is BPE")]
        results = await asyncio.gather(*futures, return_exceptions=True)
    finally:
        await batcher.close()
    assert max(batcher.batches) == 3, "the three arrived together and were tried together"
    assert isinstance(results[1], ValueError)
    assert [r.query for r in (results[0], results[2])] == ["what is attention", "what is BPE"]  # type: ignore[union-attr]


async def test_a_channel_where_the_bot_cannot_post_names_the_missing_permission(
    fake: FakeDiscord, settings: Settings, real_engine: Engine
) -> None:
    fake.deny_bot(fake.channel_id, SEND_MESSAGES)
    async with running_bot(fake, new_bot(settings, real_engine)):
        target = await fake.post_message("can someone explain what ZeRO stage 3 does?")
        inter = await fake.context_menu("Recommend resources", target, user=fake.admin)
        shown = await inter.wait_response(timeout=10)
        assert inter.ephemeral
        assert "Send Messages" in shown["content"]


@pytest.fixture
async def mentor_bot(fake: FakeDiscord, settings: Settings, real_engine: Engine):  # type: ignore[no-untyped-def]
    settings.mentor_role_id = fake.role_id
    async with running_bot(fake, new_bot(settings, real_engine)) as client:
        yield client


async def test_ask_a_mentor_pings_that_role_in_a_thread_and_nobody_else(
    fake: FakeDiscord, mentor_bot
) -> None:  # type: ignore[no-untyped-def]
    question = "what does ZeRO stage 2 shard"
    shown = await (await fake.slash("ask", {"question": question})).wait_response()
    assert not shown["flags"] & EPHEMERAL
    inter = await fake.click(shown, button(shown, "Ask a mentor"))
    said = await inter.wait_response(timeout=10)
    assert inter.ephemeral and "asked the mentors" in said["content"]
    [post] = [m for m in fake.messages.values() if "would like a mentor" in m["content"]]
    assert post["channel_id"] == shown["id"], "in the thread started from the answer"
    assert fake.would_ping(post) == {f"role:{fake.role_id}"}


async def test_a_private_nothing_answer_can_ask_a_mentor_too(fake: FakeDiscord, mentor_bot) -> None:  # type: ignore[no-untyped-def]
    question = f"@everyone <@&{fake.admin_role_id}> best pizza in naples"
    shown = await (await fake.slash("ask", {"question": question})).wait_response()
    assert shown["flags"] & EPHEMERAL
    said = await (await fake.click(shown, button(shown, "Ask a mentor"))).wait_response(10)
    assert "asked the mentors" in said["content"]
    posts = [m for m in fake.messages.values() if "would like a mentor" in m.get("content", "")]
    assert len(posts) == 1 and fake.would_ping(posts[0]) == {f"role:{fake.role_id}"}


async def test_thumbs_down_asks_what_was_missing_and_gaps_lists_it(fake: FakeDiscord, bot) -> None:  # type: ignore[no-untyped-def]
    shown = await (await fake.slash("ask", {"question": "what is RLHF"})).wait_response()
    opened = await fake.click(shown, button(shown, "👎"))
    await opened.wait_for(lambda i: i.modal is not None)
    [field] = [c for row in opened.modal["components"] for c in _inputs(row)]
    thanks = await (
        await fake.submit_modal(opened, {field["custom_id"]: "a video on reward models"})
    ).wait_response()
    assert thanks["flags"] & EPHEMERAL and "noted" in thanks["content"]
    await (await fake.slash("ask", {"question": "best pizza in naples"})).wait_response()
    refused = await (await fake.slash("gaps", user=fake.user)).wait_response()
    assert "Only maintainers" in refused["content"]
    report = (await (await fake.slash("gaps", user=fake.admin)).wait_response())["content"]
    lines = report.splitlines()
    assert any("best pizza in naples" in line and "nothing" in line for line in lines)
    assert any("what is RLHF" in line and "a video on reward models" in line for line in lines)


def _inputs(component: dict) -> list[dict]:  # type: ignore[type-arg]
    """Text inputs in a modal row or label (both layouts are valid)."""
    inner = [component.get("component")] if component.get("component") else []
    inner += component.get("components") or []
    return [c for c in inner if c and c.get("type") == 4]


async def test_answer_cards_show_the_answer_with_links_and_working_buttons(
    fake: FakeDiscord, settings: Settings, real_engine: Engine
) -> None:
    settings.answer_cards = True
    async with running_bot(fake, new_bot(settings, real_engine)):
        shown = await (await fake.slash("ask", {"question": "what is RLHF"})).wait_response()
    assert shown["flags"] & (1 << 15), "a Components V2 message"
    assert not shown["embeds"] and not shown["content"]
    [container] = [c for c in shown["components"] if c["type"] == 17]
    texts = [c["content"] for c in container["components"] if c["type"] == 10]
    sections = [c for c in container["components"] if c["type"] == 9]
    assert "what is RLHF" in texts[0]
    assert (
        sum(len(t) for t in texts) + sum(len(s["components"][0]["content"]) for s in sections)
        <= 4000
    )
    assert sections and all(s["accessory"]["url"].startswith("http") for s in sections)
    async with running_bot(fake, new_bot(settings, real_engine)):  # after a restart
        vote = await (await fake.click(shown, _custom_id(shown, "👍"))).wait_response()
        assert "Thanks" in vote["content"]


def _custom_id(message: dict, emoji: str) -> str:  # type: ignore[type-arg]
    from tests.fakes.discord_payloads import find_component

    for row in message["components"]:
        for item in row.get("components", []):
            if (item.get("emoji") or {}).get("name") == emoji:
                found = find_component(message["components"], item["custom_id"])
                assert found is not None
                return str(item["custom_id"])
    raise AssertionError(f"no {emoji} button")
