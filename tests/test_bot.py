"""The studybot Discord bot, run for real against the local fake Discord.

The real catalog and model are used (the index is built once per session), so what these tests
assert is what a member of the study server would see.
"""

from __future__ import annotations

import asyncio
import time
from pathlib import Path

import pytest

from bot import create_bot
from bot.config import Settings
from bot.discord.cogs.ask import DIRECT_WITHIN
from index import Engine
from index.store import current_version
from tests.botkit import bot_over_a_copy, button, embed_text, settings_for
from tests.fakes import EPHEMERAL, MANAGE_GUILD, FakeDiscord, running_bot

CALLBACK = r"^/interactions/\d+/[^/]+/callback$"


async def test_connects_and_syncs_every_command_to_the_guild(fake: FakeDiscord, bot) -> None:  # type: ignore[no-untyped-def]
    (put,) = fake.requests_to("PUT", rf"^/applications/\d+/guilds/{fake.guild_id}/commands$")
    names = {command["name"] for command in put.payload}
    assert {"ask", "resource", "path", "topics", "tokenize", "reindex", "help", "about"} <= names
    assert "Recommend resources" in names
    [reindex] = [c for c in put.payload if c["name"] == "reindex"]
    assert int(reindex["default_member_permissions"]) == MANAGE_GUILD
    assert fake.identify_payloads[0]["intents"] & (1 << 15)  # message content


async def test_ask_shows_quoted_notes_and_linked_resources(fake: FakeDiscord, bot) -> None:  # type: ignore[no-untyped-def]
    inter = await fake.slash("ask", {"question": "How does pipeline parallelism work?"})
    shown = await inter.wait_response()
    text = embed_text(shown)
    assert "Pipeline parallelism" in text
    assert "](https://" in text  # resources are links
    assert not inter.ephemeral
    assert button(shown, "More resources") and button(shown, "👍") and button(shown, "👎")
    assert shown["allowed_mentions"]["parse"] == []


async def test_ask_off_topic_says_so_only_to_the_asker(fake: FakeDiscord, bot) -> None:  # type: ignore[no-untyped-def]
    inter = await fake.slash("ask", {"question": "what's a good recipe for sourdough bread"})
    shown = await inter.wait_response()
    assert "nothing" in embed_text(shown).lower()
    assert shown["flags"] & EPHEMERAL
    assert not fake.messages_in(fake.channel_id, include_ephemeral=False)


async def test_everyone_in_a_question_pings_nobody(fake: FakeDiscord, bot) -> None:  # type: ignore[no-untyped-def]
    question = f"@everyone @here <@&{fake.role_id}> what does ZeRO stage 2 shard"
    inter = await fake.slash("ask", {"question": question})
    shown = await inter.wait_response()
    assert fake.would_ping(shown) == set()
    assert shown["allowed_mentions"]["parse"] == []


async def test_feedback_buttons_record_and_a_second_click_undoes(fake: FakeDiscord, bot) -> None:  # type: ignore[no-untyped-def]
    shown = await (await fake.slash("ask", {"question": "what is RLHF"})).wait_response()
    answer_id = int(button(shown, "👍").split(":")[2])
    first = await (await fake.click(shown, button(shown, "👍"))).wait_response()
    assert first["flags"] & EPHEMERAL and "Thanks" in first["content"]
    assert await bot.storage.totals(answer_id) == (1, 0)
    again = await (await fake.click(shown, button(shown, "👍"))).wait_response()
    assert again["content"] == "Vote removed."
    assert await bot.storage.totals(answer_id) == (0, 0)


async def test_more_resources_shows_the_next_results(fake: FakeDiscord, bot) -> None:  # type: ignore[no-untyped-def]
    shown = await (
        await fake.slash("ask", {"question": "how do transformers use attention"})
    ).wait_response()
    more = await (
        await fake.click(shown, button(shown, "More resources"), user=fake.admin)
    ).wait_response()
    assert more["flags"] & EPHEMERAL
    first_titles = {line for line in embed_text(shown).splitlines() if "](" in line}
    more_text = embed_text(more)
    assert "](" in more_text and not any(line in more_text for line in first_titles)


async def test_resource_autocompletes_topics(fake: FakeDiscord, bot) -> None:  # type: ignore[no-untyped-def]
    choices = await fake.autocomplete("resource", {"query": "x", "topic": "tok"}, focused="topic")
    assert choices[0]["value"] == "tokenization"


async def test_resource_pages_turn_only_for_the_invoker(fake: FakeDiscord, bot) -> None:  # type: ignore[no-untyped-def]
    shown = await (await fake.slash("resource", {"query": "transformer attention"})).wait_response()
    assert "Page 1/" in embed_text(shown)
    stranger = await (
        await fake.click(shown, button(shown, "Next"), user=fake.admin)
    ).wait_response()
    assert stranger["flags"] & EPHEMERAL and "Only the person" in stranger["content"]
    await (await fake.click(shown, button(shown, "Next"), user=fake.user)).wait_response()
    assert "Page 2/" in embed_text(fake.messages[int(shown["id"])])


async def test_resource_filters_by_kind(fake: FakeDiscord, bot) -> None:  # type: ignore[no-untyped-def]
    shown = await (
        await fake.slash("resource", {"query": "tokenizer", "kind": "video"})
    ).wait_response()
    text = embed_text(shown)
    assert "youtube.com" in text and "arxiv.org" not in text


async def test_path_lists_steps_in_order(fake: FakeDiscord, bot) -> None:  # type: ignore[no-untyped-def]
    shown = await (await fake.slash("path", {"topic": "tokenization"})).wait_response()
    text = embed_text(shown)
    assert "1." in text and "2." in text and "](" in text


async def test_unknown_topic_gets_a_short_ephemeral_message(fake: FakeDiscord, bot) -> None:  # type: ignore[no-untyped-def]
    shown = await (await fake.slash("path", {"topic": "tokenisation"})).wait_response()
    assert shown["flags"] & EPHEMERAL and "did you mean tokenization" in shown["content"]


async def test_tokenize_shows_ansi_boxes_png_and_wordpiece(fake: FakeDiscord, bot) -> None:  # type: ignore[no-untyped-def]
    shown = await (
        await fake.slash("tokenize", {"text": "Hello world, tokenization!"})
    ).wait_response()
    assert "```ansi" in shown["content"]
    text = embed_text(shown)
    assert "cl100k_base" in text and "WordPiece" in text
    (attachment,) = shown["attachments"]
    assert attachment["filename"] == "tokens.png"
    assert fake.attachment_bytes(attachment).startswith(b"\x89PNG")


async def test_tokenize_empty_text_is_a_clear_message(fake: FakeDiscord, bot) -> None:  # type: ignore[no-untyped-def]
    shown = await (await fake.slash("tokenize", {"text": "   "})).wait_response()
    assert shown["flags"] & EPHEMERAL and "Nothing to tokenize" in shown["content"]


async def test_topics_help_and_about(fake: FakeDiscord, bot) -> None:  # type: ignore[no-untyped-def]
    topics = await (await fake.slash("topics")).wait_response()
    assert "tokenization" in embed_text(topics)
    help_text = embed_text(await (await fake.slash("help")).wait_response())
    assert "/ask" in help_text and "/reindex" in help_text
    about = embed_text(await (await fake.slash("about")).wait_response())
    assert "133" in about or "resources" in about.lower()


async def test_mention_gets_a_reply_to_the_message(fake: FakeDiscord, bot) -> None:  # type: ignore[no-untyped-def]
    posted = await fake.post_message(f"{fake.mention(fake.bot_user)} what is byte pair encoding?")
    reply = await fake.wait_for_message(
        lambda m: (m.get("message_reference") or {}).get("message_id") == posted["id"], timeout=20
    )
    assert "](" in embed_text(reply)
    assert reply["allowed_mentions"]["parse"] == []
    assert fake.would_ping(reply) == set()


async def test_every_message_in_an_ask_channel_is_a_question(fake: FakeDiscord, bot) -> None:  # type: ignore[no-untyped-def]
    posted = await fake.post_message(
        "how does mixture of experts routing work", channel_id=fake.other_channel_id
    )
    reply = await fake.wait_for_message(
        lambda m: (m.get("message_reference") or {}).get("message_id") == posted["id"], timeout=20
    )
    assert "expert" in embed_text(reply).lower()


async def test_messages_elsewhere_without_a_mention_are_ignored(fake: FakeDiscord, bot) -> None:  # type: ignore[no-untyped-def]
    await fake.post_message("how does mixture of experts routing work")
    await asyncio.sleep(0.5)
    assert not [
        m for m in fake.messages_in(fake.channel_id) if m["author"]["id"] == str(fake.bot_user_id)
    ]


async def test_context_menu_replies_to_the_target_message(fake: FakeDiscord, bot) -> None:  # type: ignore[no-untyped-def]
    target = await fake.post_message(
        "can someone explain what ZeRO stage 3 does?", author=fake.user
    )
    inter = await fake.context_menu("Recommend resources", target, user=fake.admin)
    confirmation = await inter.wait_response()
    assert inter.ephemeral and "Replied" in confirmation["content"]
    reply = await fake.wait_for_message(
        lambda m: (m.get("message_reference") or {}).get("message_id") == target["id"]
    )
    assert "ZeRO" in embed_text(reply)


async def test_reindex_is_refused_for_a_regular_member(fake: FakeDiscord, bot) -> None:  # type: ignore[no-untyped-def]
    served = current_version(bot.engine.index_dir)
    shown = await (await fake.slash("reindex", user=fake.user)).wait_response()
    assert shown["flags"] & EPHEMERAL and "Only maintainers" in shown["content"]
    assert current_version(bot.engine.index_dir) == served


@pytest.fixture
async def editable_bot(fake: FakeDiscord, real_engine: Engine, tmp_path: Path):  # type: ignore[no-untyped-def]
    async with bot_over_a_copy(fake, real_engine, tmp_path) as client:
        yield client


async def test_reindex_by_an_admin_reports_what_changed(fake: FakeDiscord, editable_bot) -> None:  # type: ignore[no-untyped-def]
    catalog_dir = editable_bot.locations.catalog_dir
    tools = catalog_dir / "resources" / "tools.yaml"
    text = tools.read_text(encoding="utf-8")
    tools.write_text(
        text.replace("  description: ", "  description: Updated. ", 1), encoding="utf-8"
    )
    inter = await fake.slash("reindex", user=fake.admin)
    shown = await inter.wait_response(timeout=30)
    assert inter.ephemeral
    assert "1 embedded" in shown["content"] or "embedded: 1" in shown["content"]
    assert "updated" in shown["content"].lower()


async def test_reindex_with_a_broken_catalog_keeps_the_old_index(
    fake: FakeDiscord, editable_bot
) -> None:  # type: ignore[no-untyped-def]
    served = current_version(editable_bot.engine.index_dir)
    broken = editable_bot.locations.catalog_dir / "resources" / "broken.yaml"
    broken.write_text("- id: [unclosed\n", encoding="utf-8")
    shown = await (await fake.slash("reindex", user=fake.admin)).wait_response(timeout=30)
    assert f"{broken}:" in shown["content"] or "broken.yaml:" in shown["content"]
    assert "still serving" in shown["content"]
    assert current_version(editable_bot.engine.index_dir) == served
    answered = await (await fake.slash("ask", {"question": "what is RLHF"})).wait_response()
    assert "](" in embed_text(answered)


async def test_cooldown_tells_the_user_to_wait(
    fake: FakeDiscord, real_engine: Engine, tmp_path: Path
) -> None:
    settings = settings_for(
        real_engine,
        DISCORD_GUILD_ID=fake.guild_id,
        STUDYBOT_ASK_COOLDOWN_RATE=1,
        STUDYBOT_ASK_COOLDOWN_SECONDS=60,
        STUDYBOT_FEEDBACK_DB=str(tmp_path / "feedback.sqlite3"),
    )
    async with running_bot(fake, create_bot(settings, guild_ready_timeout=0.05)):
        await (await fake.slash("ask", {"question": "what is RLHF"})).wait_response()
        second = await (await fake.slash("ask", {"question": "what is DPO"})).wait_response()
        assert second["flags"] & EPHEMERAL and "give it" in second["content"]


async def test_still_answers_after_the_gateway_drops(fake: FakeDiscord, bot) -> None:  # type: ignore[no-untyped-def]
    await fake.drop_gateway()
    shown = await (await fake.slash("ask", {"question": "what is RLHF"})).wait_response()
    assert "](" in embed_text(shown)


async def test_a_rate_limited_interaction_callback_is_retried(fake: FakeDiscord, bot) -> None:  # type: ignore[no-untyped-def]
    rule = fake.rate_limit_next("POST", CALLBACK, retry_after=0.05)
    shown = await (await fake.slash("ask", {"question": "what is RLHF"})).wait_response()
    assert rule.triggered
    assert "](" in embed_text(shown)


async def test_a_burst_of_50_questions_is_answered_in_batches_with_heartbeats_flowing(
    settings: Settings, tmp_path: Path
) -> None:
    settings.feedback_db = tmp_path / "feedback.sqlite3"
    async with FakeDiscord(heartbeat_interval_ms=100) as fake:
        settings.discord_guild_id = fake.guild_id
        async with running_bot(fake, create_bot(settings, guild_ready_timeout=0.05)) as bot:
            questions = [
                "how does pipeline parallelism work?",
                "what is byte pair encoding",
                "what does ZeRO stage 2 shard",
                "how is deepseek r1 trained",
                "what is RLHF",
            ] * 10
            started = time.monotonic()
            interactions = await asyncio.gather(
                *(fake.slash("ask", {"question": q}) for q in questions)
            )
            # Askers beyond capacity first see a queue notice, then their answer.
            await fake.wait_until(
                lambda: all("](" in embed_text(i.visible()) for i in interactions), timeout=60
            )
            notices = [
                r
                for r in fake.requests_to("PATCH", r"/messages/@original$")
                if "queue" in (r.payload.get("content") or "")
            ]
            assert notices, "a burst beyond capacity tells users they are queued"
            assert all(i.callbacks[0]["type"] in (4, 5) for i in interactions)
            assert max(bot.batcher.batches) > 1, (
                "questions that arrive together share one model call"
            )
            finished = time.monotonic()
            await fake.wait_until(lambda: fake.heartbeat_times[-1] > finished, timeout=2)
            # The gateway heartbeat is sent from the event loop: answering 50 questions on it
            # would stall it for seconds; a loaded machine delays a beat by half a second.
            assert fake.max_heartbeat_gap(since=started - 0.2) < 1.0


async def test_two_reindexes_at_once_run_one_build_and_questions_keep_flowing(
    fake: FakeDiscord, editable_bot
) -> None:  # type: ignore[no-untyped-def]
    tools = editable_bot.locations.catalog_dir / "resources" / "tools.yaml"
    text = tools.read_text(encoding="utf-8")
    tools.write_text(
        text.replace("  description: ", "  description: Changed. ", 1), encoding="utf-8"
    )
    first, second, question = await asyncio.gather(
        fake.slash("reindex", user=fake.admin),
        fake.slash("reindex", user=fake.admin),
        fake.slash("ask", {"question": "how does pipeline parallelism work?"}),
    )

    def answered(interaction) -> bool:  # type: ignore[no-untyped-def]
        return interaction.settled() and bool(interaction.visible().get("content"))

    for interaction in (first, second):
        await interaction.wait_for(answered, timeout=30)
    contents = [first.visible()["content"], second.visible()["content"]]
    assert sum("already running" in c for c in contents) == 1, contents
    assert sum("embedded" in c for c in contents) == 1, contents
    assert "](" in embed_text(await question.wait_response(timeout=30))


async def test_a_failing_answer_is_a_short_message_and_the_bot_lives_on(
    fake: FakeDiscord, bot, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:  # type: ignore[no-untyped-def]
    engine = bot.engine

    def broken(questions, k=5):  # type: ignore[no-untyped-def]
        raise RuntimeError("index exploded")

    monkeypatch.setattr(engine, "answer_many", broken)
    inter = await fake.slash("ask", {"question": "what is RLHF"})
    shown = await inter.wait_response()
    assert shown["flags"] & EPHEMERAL and shown["content"].startswith("Something went wrong")
    assert "index exploded" not in shown["content"]
    assert "index exploded" in caplog.text  # the traceback is in the log
    monkeypatch.undo()
    answered = await (await fake.slash("ask", {"question": "what is RLHF"})).wait_response()
    assert "](" in embed_text(answered)


async def test_the_token_never_reaches_the_logs(
    fake: FakeDiscord, settings: Settings, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level("DEBUG")
    settings.feedback_db = tmp_path / "feedback.sqlite3"
    async with running_bot(fake, create_bot(settings, guild_ready_timeout=0.05)):
        await (await fake.slash("ask", {"question": "what is RLHF"})).wait_response()
        await fake.drop_gateway()
    assert caplog.records
    assert fake.token not in caplog.text


async def test_an_error_after_a_public_thinking_stays_private(
    fake: FakeDiscord, bot, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    def slow_and_broken(questions, k=5):  # type: ignore[no-untyped-def]
        time.sleep(DIRECT_WITHIN + 0.5)  # longer than the bot waits before deferring publicly
        raise RuntimeError("index exploded")

    monkeypatch.setattr(bot.engine, "answer_many", slow_and_broken)
    inter = await fake.slash("ask", {"question": "what is RLHF"})
    [shown] = await inter.wait_for(lambda i: i.followups, timeout=10)
    assert inter.callbacks[0]["type"] == 5  # a public "thinking..." came first
    assert shown["flags"] & EPHEMERAL and shown["content"].startswith("Something went wrong")
    public = fake.messages_in(fake.channel_id, include_ephemeral=False)
    assert not any("went wrong" in (m.get("content") or "") for m in public)
