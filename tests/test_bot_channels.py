"""Where learners already talk: mentions, ask channels, threads and forum posts.

The bot answers real questions there and stays out of the way otherwise: no reply to chatter
or to system messages, nothing in the error log on normal use.
"""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from bot import create_bot
from index import Engine
from tests.botkit import bot_messages, embed_text, handlers_done, replies_to, settings_for
from tests.fakes import FakeDiscord, running_bot
from tests.fakes.discord_payloads import MESSAGE_CONTENT_INTENT


async def test_a_mention_is_answered_and_logs_no_error(
    fake: FakeDiscord, bot, caplog: pytest.LogCaptureFixture
) -> None:  # type: ignore[no-untyped-def]
    caplog.set_level(logging.INFO)
    posted = await fake.post_message(f"{fake.mention(fake.bot_user)} what is byte pair encoding?")
    reply = await fake.wait_for_message(replies_to(posted), timeout=20)
    assert "](" in embed_text(reply)
    await handlers_done()
    noisy = [r for r in caplog.records if r.levelno >= logging.WARNING]
    assert not noisy, [f"{r.name}: {r.getMessage()}" for r in noisy]


async def test_chatter_and_system_messages_in_an_ask_channel_get_no_reply(
    fake: FakeDiscord, bot
) -> None:  # type: ignore[no-untyped-def]
    study = fake.other_channel_id
    chatter = [await fake.post_message(text, channel_id=study) for text in ("thanks!", "lol")]
    question = await fake.post_message("what is the transformer architecture?", channel_id=study)
    await fake.start_thread(question, "what is the transformer architecture?")
    await fake.post_message("", channel_id=study, type=7)  # "alice joined the server"
    await fake.wait_for_message(replies_to(question), timeout=20)
    await handlers_done()
    replied_to = {
        (m.get("message_reference") or {}).get("message_id") for m in bot_messages(fake, study)
    }
    assert replied_to == {question["id"]}, "only the real question gets an answer"
    assert not any(m["id"] in replied_to for m in chatter)


async def test_a_question_the_catalog_lacks_stays_quiet_but_shows_in_gaps(
    fake: FakeDiscord, bot
) -> None:  # type: ignore[no-untyped-def]
    study = fake.other_channel_id
    quiet = await fake.post_message("best sourdough starter for rye bread?", channel_id=study)
    answered = await fake.post_message("what is byte pair encoding?", channel_id=study)
    await fake.wait_for_message(replies_to(answered), timeout=20)
    await handlers_done()
    assert not [m for m in bot_messages(fake, study) if replies_to(quiet)(m)]
    report = (await (await fake.slash("gaps", user=fake.admin)).wait_response())["content"]
    assert any("sourdough starter" in line and "nothing" in line for line in report.splitlines())


async def test_chatter_that_mentions_the_bot_still_gets_an_honest_nothing(
    fake: FakeDiscord, bot
) -> None:  # type: ignore[no-untyped-def]
    posted = await fake.post_message(
        f"{fake.mention(fake.bot_user)} best pizza in naples?", channel_id=fake.other_channel_id
    )
    reply = await fake.wait_for_message(replies_to(posted), timeout=20)
    assert "nothing" in embed_text(reply).lower()


async def test_a_short_follow_up_in_a_thread_is_read_with_the_first_question(
    fake: FakeDiscord, bot
) -> None:  # type: ignore[no-untyped-def]
    question = await fake.post_message(
        "what does ZeRO stage 2 shard?", channel_id=fake.other_channel_id
    )
    await fake.wait_for_message(replies_to(question), timeout=20)
    thread = await fake.start_thread(question, "ZeRO stages")
    follow_up = await fake.post_message("and stage 3?", channel_id=int(thread["id"]))
    reply = await fake.wait_for_message(replies_to(follow_up), timeout=20)
    assert reply["channel_id"] == thread["id"]
    assert "ZeRO" in embed_text(reply)
    assert "what does ZeRO stage 2 shard?" in reply["embeds"][0]["author"]["name"]
    assert reply["embeds"][0]["title"] == "and stage 3?"


async def test_thanks_in_a_thread_gets_no_reply(fake: FakeDiscord, bot) -> None:  # type: ignore[no-untyped-def]
    question = await fake.post_message("what is RLHF?", channel_id=fake.other_channel_id)
    await fake.wait_for_message(replies_to(question), timeout=20)
    thread = await fake.start_thread(question, "RLHF")
    await fake.post_message("thanks, that helps!", channel_id=int(thread["id"]))
    later = await fake.post_message("and what about DPO?", channel_id=int(thread["id"]))
    await fake.wait_for_message(replies_to(later), timeout=20)
    await handlers_done()
    assert len(bot_messages(fake, int(thread["id"]))) == 1


async def test_a_forum_post_is_answered_inside_it_and_tagged_answered(
    fake: FakeDiscord, bot
) -> None:  # type: ignore[no-untyped-def]
    thread, starter = await fake.open_forum_post(
        "How does pipeline parallelism work?", "I read about GPipe and got lost."
    )
    reply = await fake.wait_for_message(replies_to(starter), timeout=20)
    assert reply["channel_id"] == thread["id"]
    assert "Pipeline parallelism" in embed_text(reply)
    await fake.wait_until(lambda: fake.channels[int(thread["id"])]["applied_tags"])
    assert fake.channels[int(thread["id"])]["applied_tags"] == [str(fake.answered_tag_id)]


async def test_a_forum_post_without_an_answer_is_told_so_and_not_tagged(
    fake: FakeDiscord, bot
) -> None:  # type: ignore[no-untyped-def]
    thread, starter = await fake.open_forum_post("Sourdough", "what flour for sourdough bread?")
    reply = await fake.wait_for_message(replies_to(starter), timeout=20)
    assert "nothing" in embed_text(reply).lower()
    await handlers_done()
    assert fake.channels[int(thread["id"])]["applied_tags"] == []


async def test_a_forum_without_an_answered_tag_still_gets_answers(fake: FakeDiscord, bot) -> None:  # type: ignore[no-untyped-def]
    thread, starter = await fake.open_forum_post(
        "What is byte pair encoding?", "", forum_id=fake.bare_forum_id
    )
    reply = await fake.wait_for_message(replies_to(starter), timeout=20)
    assert "](" in embed_text(reply)
    await handlers_done()
    assert not fake.requests_to("PATCH", rf"^/channels/{thread['id']}$")


async def test_without_ask_channels_no_privileged_intent_and_mentions_still_work(
    fake: FakeDiscord, real_engine: Engine, tmp_path: Path
) -> None:
    settings = settings_for(
        real_engine,
        DISCORD_GUILD_ID=fake.guild_id,
        STUDYBOT_FEEDBACK_DB=str(tmp_path / "db.sqlite3"),
    )
    client = create_bot(settings, engine=real_engine, guild_ready_timeout=0.05)
    async with running_bot(fake, client):
        assert not fake.identify_payloads[-1]["intents"] & MESSAGE_CONTENT_INTENT
        posted = await fake.post_message(f"{fake.mention(fake.bot_user)} what is RLHF?")
        reply = await fake.wait_for_message(replies_to(posted), timeout=20)
        assert "](" in embed_text(reply)


async def test_a_failing_mention_gets_a_short_reply_instead_of_silence(
    fake: FakeDiscord, bot, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:  # type: ignore[no-untyped-def]
    def broken(questions, k=5):  # type: ignore[no-untyped-def]
        raise RuntimeError("index exploded")

    monkeypatch.setattr(bot.engine, "answer_many", broken)
    posted = await fake.post_message(f"{fake.mention(fake.bot_user)} what is RLHF?")
    reply = await fake.wait_for_message(replies_to(posted), timeout=10)
    assert reply["content"].startswith("Something went wrong")
    assert "index exploded" not in reply["content"]
    assert "index exploded" in caplog.text


async def test_a_forum_post_whose_message_comes_before_its_thread_is_answered(
    fake: FakeDiscord, bot
) -> None:  # type: ignore[no-untyped-def]
    thread, starter = await fake.open_forum_post(
        "What is RLHF?", "and why does it need a reward model", message_first=True
    )
    reply = await fake.wait_for_message(replies_to(starter), timeout=20)
    assert reply["channel_id"] == thread["id"] and "](" in embed_text(reply)


async def test_a_follow_up_in_a_thread_on_the_bots_answer_is_read_with_that_question(
    fake: FakeDiscord, bot
) -> None:  # type: ignore[no-untyped-def]
    answer = await (
        await fake.slash("ask", {"question": "what does ZeRO stage 2 shard?"})
    ).wait_response()
    thread = await fake.start_thread(answer, "ZeRO")
    follow_up = await fake.post_message(
        f"{fake.mention(fake.bot_user)} and stage 3?", channel_id=int(thread["id"])
    )
    reply = await fake.wait_for_message(replies_to(follow_up), timeout=20)
    assert "what does ZeRO stage 2 shard?" in reply["embeds"][0]["author"]["name"]


async def test_a_short_reply_to_an_answer_is_read_with_its_question(fake: FakeDiscord, bot) -> None:  # type: ignore[no-untyped-def]
    question = await fake.post_message(
        "what does ZeRO stage 2 shard?", channel_id=fake.other_channel_id
    )
    answer = await fake.wait_for_message(replies_to(question), timeout=20)
    follow_up = await fake.post_message(
        "and stage 3?", channel_id=fake.other_channel_id, reply_to=answer
    )
    reply = await fake.wait_for_message(replies_to(follow_up), timeout=20)
    assert "what does ZeRO stage 2 shard?" in reply["embeds"][0]["author"]["name"]
