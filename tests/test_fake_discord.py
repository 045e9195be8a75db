"""End-to-end tests of the fake Discord server driving the real discord.py client.

A small demo bot (defined here, not the project's bot) proves the fake speaks enough of the
gateway and REST API for slash commands, deferrals, autocomplete, buttons, context menus,
message replies, reconnects, 429 retries and heartbeats under load.
"""

from __future__ import annotations

import asyncio
import io
import threading
import time
from collections.abc import AsyncIterator

import discord
import pytest
from discord import app_commands
from discord.ext import commands

from tests.fakes import EPHEMERAL, FakeDiscord, running_bot

# A negative control blocks the loop this long; a healthy loop never stalls that long.
BLOCKED_SECONDS = 1.5
TOPICS = ["attention", "embeddings", "tokenization", "transformers", "rlhf"]
CALLBACK = r"^/interactions/\d+/[^/]+/callback$"


class RevealView(discord.ui.View):
    """Reveal answers the clicker ephemerally; Close edits the message and drops the view."""

    def __init__(self) -> None:
        super().__init__(timeout=30)

    @discord.ui.button(label="Reveal", custom_id="quiz:reveal", style=discord.ButtonStyle.primary)
    async def reveal(
        self, interaction: discord.Interaction, button: discord.ui.Button[RevealView]
    ) -> None:
        await interaction.response.send_message("The answer is 42.", ephemeral=True)

    @discord.ui.button(label="Close", custom_id="quiz:close")
    async def close(
        self, interaction: discord.Interaction, button: discord.ui.Button[RevealView]
    ) -> None:
        await interaction.response.edit_message(content="Quiz closed.", view=None)
        self.stop()


class FeedbackModal(discord.ui.Modal, title="Feedback"):
    """A one-field modal; submitting thanks the user ephemerally."""

    text: discord.ui.TextInput[FeedbackModal] = discord.ui.TextInput(
        label="Your feedback", custom_id="feedback:text"
    )

    async def on_submit(self, interaction: discord.Interaction) -> None:
        await interaction.response.send_message(f"Thanks: {self.text.value}", ephemeral=True)


class DemoBot(commands.Bot):
    """Tiny bot exercising the interaction shapes the real bot will use."""

    def __init__(self) -> None:
        intents = discord.Intents.default()
        intents.message_content = True
        super().__init__(
            command_prefix=commands.when_mentioned,
            intents=intents,
            help_command=None,
            guild_ready_timeout=0.05,
        )
        self.slow_errors: list[Exception] = []
        _add_commands(self)

    async def setup_hook(self) -> None:
        await self.tree.sync()

    async def on_message(self, message: discord.Message) -> None:
        if message.author.bot:
            return
        if message.content.startswith("!thread"):
            thread = await message.create_thread(name="Discussion")
            await thread.send("Let's discuss here.")
        elif self.user in message.mentions:
            async with message.channel.typing():
                await message.reply(
                    f"You said: {message.content}",
                    allowed_mentions=discord.AllowedMentions.none(),
                )


class ShardedDemoBot(commands.AutoShardedBot):
    """AutoShardedBot takes the /gateway/bot path and needs `shard` in READY."""

    def __init__(self) -> None:
        super().__init__(
            command_prefix="!", intents=discord.Intents.default(), guild_ready_timeout=0.05
        )


def _add_commands(bot: DemoBot) -> None:
    tree = bot.tree

    @tree.command(name="explain", description="Explain a topic")
    async def explain(interaction: discord.Interaction, topic: str) -> None:
        await interaction.response.defer(thinking=True)
        await asyncio.sleep(0.01)  # stands in for retrieval work
        embed = discord.Embed(title=topic.title(), description=f"All about {topic}.")
        await interaction.edit_original_response(embed=embed)

    @tree.command(name="lookup", description="Look a term up")
    async def lookup(interaction: discord.Interaction, term: str) -> None:
        await interaction.response.send_message(f"Looked up {term}")

    @lookup.autocomplete("term")
    async def lookup_term(
        interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        return [app_commands.Choice(name=t, value=t) for t in TOPICS if current.lower() in t]

    @tree.command(name="quiz", description="Ask a question")
    async def quiz(interaction: discord.Interaction) -> None:
        await interaction.response.send_message("What is 6 x 7?", view=RevealView())

    @tree.command(name="report", description="Send a file")
    async def report(interaction: discord.Interaction) -> None:
        file = discord.File(io.BytesIO(b"report body"), filename="report.txt")
        await interaction.response.send_message("Here is your report", file=file)

    @tree.command(name="reindex", description="Admins only")
    @app_commands.checks.has_permissions(manage_guild=True)
    async def reindex(interaction: discord.Interaction) -> None:
        await interaction.response.send_message("Reindexed.", ephemeral=True)

    @reindex.error
    async def reindex_error(interaction: discord.Interaction, error: Exception) -> None:
        await interaction.response.send_message("You need Manage Server.", ephemeral=True)

    @tree.command(name="steps", description="Defer, then two follow-ups")
    async def steps(interaction: discord.Interaction) -> None:
        await interaction.response.defer(ephemeral=True, thinking=True)
        await interaction.followup.send("Step 1", ephemeral=True)
        await interaction.followup.send("Step 2", ephemeral=True)

    @tree.command(name="public-then-private", description="Public defer, ephemeral follow-up")
    async def public_then_private(interaction: discord.Interaction) -> None:
        await interaction.response.defer(thinking=True)
        await interaction.followup.send("Only for you?", ephemeral=True)

    @tree.command(name="feedback", description="Open a modal")
    async def feedback(interaction: discord.Interaction) -> None:
        await interaction.response.send_modal(FeedbackModal())

    @tree.command(name="block", description="Blocks the event loop (negative control)")
    async def block(interaction: discord.Interaction) -> None:
        time.sleep(BLOCKED_SECONDS)  # deliberately blocking: heartbeats must visibly stall
        await interaction.response.send_message("done")

    @tree.command(name="misc", description="Touches many REST routes")
    async def misc(interaction: discord.Interaction) -> None:
        await interaction.response.send_message("one")
        original = await interaction.original_response()
        file_a = discord.File(io.BytesIO(b"A"), filename="a.txt")
        await interaction.edit_original_response(content=f"two {original.id}", attachments=[file_a])
        file_b = discord.File(io.BytesIO(b"B"), filename="b.txt")
        follow = await interaction.followup.send("three", wait=True, file=file_b)
        await follow.edit(content="three edited")
        assert isinstance(interaction.channel, discord.TextChannel)
        sent = await interaction.channel.send("four")
        await sent.add_reaction("\N{THUMBS UP SIGN}")
        await sent.edit(content="four edited")
        gone = await interaction.channel.send("five")
        await gone.delete()
        await interaction.user.send("psst")

    study = app_commands.Group(name="study", description="Study sessions")

    @study.command(name="start", description="Start a session")
    async def study_start(
        interaction: discord.Interaction,
        topic: str,
        minutes: int = 25,
        partner: discord.Member | None = None,
    ) -> None:
        with_whom = f" with {partner.name}" if partner else ""
        await interaction.response.send_message(f"Studying {topic} for {minutes} min{with_whom}")

    tree.add_command(study)

    @tree.command(name="slow", description="Answers too late")
    async def slow(interaction: discord.Interaction) -> None:
        await asyncio.sleep(0.3)
        try:
            await interaction.response.send_message("late")
        except discord.NotFound as exc:
            bot.slow_errors.append(exc)

    @tree.context_menu(name="Summarize")
    async def summarize(interaction: discord.Interaction, message: discord.Message) -> None:
        await interaction.response.send_message(f"Summary: {message.content[:9]}", ephemeral=True)


@pytest.fixture
async def fake() -> AsyncIterator[FakeDiscord]:
    async with FakeDiscord(heartbeat_interval_ms=1000) as server:
        yield server


@pytest.fixture
async def bot(fake: FakeDiscord) -> AsyncIterator[DemoBot]:
    async with running_bot(fake, DemoBot()) as client:
        yield client


@pytest.fixture(autouse=True)
async def no_leftovers() -> AsyncIterator[None]:
    """Fail a test that leaves tasks or keep-alive threads running after teardown."""
    yield
    await asyncio.sleep(0)
    current = asyncio.current_task()
    pending = [t for t in asyncio.all_tasks() if t is not current and not t.done()]
    assert not pending, pending
    for thread in threading.enumerate():
        if thread.name.startswith("keep-alive-handler"):
            thread.join(2)
            assert not thread.is_alive(), thread


async def test_connects_and_syncs_commands(fake: FakeDiscord, bot: commands.Bot) -> None:
    (put,) = fake.requests_to("PUT", r"^/applications/\d+/commands$")
    assert {c["name"] for c in put.payload} == {
        "explain",
        "lookup",
        "quiz",
        "report",
        "reindex",
        "slow",
        "steps",
        "public-then-private",
        "feedback",
        "block",
        "misc",
        "study",
        "Summarize",
    }
    assert fake.command("Summarize", type=3)["id"]
    assert put.headers["Authorization"] == f"Bot {fake.token}"
    assert fake.requests_to("GET", "^/users/@me$") and fake.requests_to("GET", "oauth2")
    assert fake.identify_payloads[0]["intents"] & (1 << 15)  # message content
    guild = bot.get_guild(fake.guild_id)
    assert guild is not None and guild.get_channel(fake.channel_id) is not None
    admin_role = guild.get_role(fake.admin_role_id)
    assert admin_role is not None and admin_role.permissions.manage_guild
    assert fake.heartbeat_times, "the client heartbeats right after HELLO"
    assert fake.unhandled == []


async def test_slash_defer_then_edit_shows_embed(fake: FakeDiscord, bot: commands.Bot) -> None:
    inter = await fake.slash("explain", {"topic": "attention"})
    shown = await inter.wait_response()
    assert inter.response_type == 5
    assert shown["embeds"][0]["title"] == "Attention"
    assert not inter.ephemeral and inter.errors == []
    assert fake.requests_to("PATCH", r"/messages/@original$")
    assert fake.messages_in()[-1]["id"] == shown["id"]


async def test_subcommand_with_member_option(fake: FakeDiscord, bot: commands.Bot) -> None:
    options = {"topic": "attention", "minutes": 50, "partner": fake.admin}
    shown = await (await fake.slash("study start", options)).wait_response()
    assert shown["content"] == "Studying attention for 50 min with bob"
    with pytest.raises(ValueError, match="required"):
        await fake.slash("study start", {"minutes": 5})


async def test_autocomplete_returns_choices(fake: FakeDiscord, bot: commands.Bot) -> None:
    choices = await fake.autocomplete("lookup", {"term": "to"}, focused="term")
    assert [c["value"] for c in choices] == ["tokenization"]
    with pytest.raises(ValueError, match="unknown option"):
        await fake.slash("lookup", {"nope": 1})
    with pytest.raises(LookupError, match="never synced"):
        await fake.slash("missing")


async def test_button_click_runs_view_callback(fake: FakeDiscord, bot: commands.Bot) -> None:
    question = await (await fake.slash("quiz")).wait_response()
    assert question["components"][0]["components"][0]["custom_id"] == "quiz:reveal"
    click = await fake.click(question, "quiz:reveal", user=fake.admin)
    answer = await click.wait_response()
    assert answer["content"] == "The answer is 42."
    assert click.ephemeral and answer["flags"] & EPHEMERAL


async def test_button_edit_message_removes_view(fake: FakeDiscord, bot: commands.Bot) -> None:
    question = await (await fake.slash("quiz")).wait_response()
    click = await fake.click(question, "quiz:close")
    await click.wait_response()
    assert click.response_type == 7
    assert fake.messages[int(question["id"])]["content"] == "Quiz closed."
    assert fake.messages[int(question["id"])]["components"] == []
    with pytest.raises(LookupError):
        await fake.click(question, "quiz:reveal")


async def test_followups_after_defer(fake: FakeDiscord, bot: commands.Bot) -> None:
    inter = await fake.slash("steps")
    first = await inter.wait_response()
    await inter.wait_for(lambda i: len(i.followups) == 2)
    assert first["content"] == "Step 1" and inter.ephemeral
    assert int(inter.followups[0]["id"]) == inter.original_id  # first follow-up fills the defer
    assert [m["content"] for m in inter.followups] == ["Step 1", "Step 2"]


async def test_modal_submit(fake: FakeDiscord, bot: commands.Bot) -> None:
    opener = await fake.slash("feedback")
    modal = await opener.wait_response()
    assert modal["title"] == "Feedback"
    submitted = await fake.submit_modal(opener, {"feedback:text": "great bot"})
    assert (await submitted.wait_response())["content"] == "Thanks: great bot"


async def test_thread_from_message(fake: FakeDiscord, bot: commands.Bot) -> None:
    posted = await fake.post_message("!thread about attention", author=fake.admin)
    inside = await fake.wait_for_message(channel_id=int(posted["id"]))
    assert inside["content"] == "Let's discuss here."
    assert fake.channels[int(posted["id"])]["name"] == "Discussion"


async def test_message_context_menu(fake: FakeDiscord, bot: commands.Bot) -> None:
    target = await fake.post_message("Attention lets every token look at every other token.")
    inter = await fake.context_menu("Summarize", target)
    shown = await inter.wait_response()
    assert shown["content"] == "Summary: Attention"
    assert inter.ephemeral


async def test_mention_gets_reply_without_pings(fake: FakeDiscord, bot: commands.Bot) -> None:
    posted = await fake.post_message(
        f"{fake.mention(fake.bot_user)} hi @everyone <@{fake.user['id']}>"
    )
    reply = await fake.wait_for_message(
        lambda m: (m.get("message_reference") or {}).get("message_id") == posted["id"]
    )
    assert reply["content"].startswith("You said:") and reply["type"] == 19
    assert fake.requests_to("POST", f"^/channels/{fake.channel_id}/typing$")
    assert reply["allowed_mentions"]["parse"] == []
    assert fake.would_ping(reply) == set()


async def test_file_response_is_multipart(fake: FakeDiscord, bot: commands.Bot) -> None:
    shown = await (await fake.slash("report")).wait_response()
    (attachment,) = shown["attachments"]
    assert attachment["filename"] == "report.txt"
    assert fake.attachment_bytes(attachment) == b"report body"
    (callback,) = fake.requests_to("POST", CALLBACK)
    assert [p.filename for p in callback.files] == ["report.txt"]


async def test_misc_rest_routes(fake: FakeDiscord, bot: commands.Bot) -> None:
    inter = await fake.slash("misc")
    await fake.wait_until(lambda: fake.requests_to("POST", "/users/@me/channels"))
    dm = await fake.wait_for_message(lambda m: m["content"] == "psst")
    original = inter.original
    assert original is not None and original["content"] == f"two {original['id']}"
    assert [a["filename"] for a in original["attachments"]] == ["a.txt"]
    (follow,) = inter.followups
    assert follow["content"] == "three edited" and follow["attachments"][0]["filename"] == "b.txt"
    contents = [m["content"] for m in fake.messages_in()]
    assert contents[-2:] == ["three edited", "four edited"]
    assert "five" in [m["content"] for m in fake.deleted_messages.values()]
    assert fake.reactions == [(int(fake.messages_in()[-1]["id"]), "\N{THUMBS UP SIGN}")]
    assert int(dm["channel_id"]) == fake.dm_channels[int(fake.user["id"])]


async def test_permission_check_uses_member_permissions(
    fake: FakeDiscord, bot: commands.Bot
) -> None:
    denied = await (await fake.slash("reindex", user=fake.user)).wait_response()
    allowed = await (await fake.slash("reindex", user=fake.admin)).wait_response()
    assert denied["content"] == "You need Manage Server."
    assert allowed["content"] == "Reindexed."


async def test_late_initial_response_is_rejected(fake: FakeDiscord, bot: commands.Bot) -> None:
    fake.interaction_deadline = 0.1
    inter = await fake.slash("slow")
    await inter.wait_for(lambda i: i.errors)
    assert inter.errors[0]["code"] == 10062
    await fake.wait_until(lambda: getattr(bot, "slow_errors", None))


async def test_resume_after_gateway_drop(fake: FakeDiscord, bot: commands.Bot) -> None:
    await fake.drop_gateway()
    assert fake.resume_count == 1 and fake.connections[-1].path == "/resume"
    assert len(fake.identify_payloads) == 1
    shown = await (await fake.slash("lookup", {"term": "rlhf"})).wait_response()
    assert shown["content"] == "Looked up rlhf"

    # An event fired while the socket is down is replayed on RESUME.
    await fake.drop_gateway(wait=False)
    inter = await fake.slash("lookup", {"term": "embeddings"})
    assert (await inter.wait_response())["content"] == "Looked up embeddings"
    assert fake.resume_count == 2


async def test_reidentify_after_invalid_session(fake: FakeDiscord, bot: commands.Bot) -> None:
    await fake.drop_gateway(invalidate=True)
    assert len(fake.identify_payloads) == 2
    shown = await (await fake.slash("lookup", {"term": "attention"})).wait_response()
    assert shown["content"] == "Looked up attention"


async def test_rate_limited_callback_is_retried(fake: FakeDiscord, bot: commands.Bot) -> None:
    rule = fake.rate_limit_next("POST", CALLBACK, retry_after=0.05)
    shown = await (await fake.slash("lookup", {"term": "attention"})).wait_response()
    assert shown["content"] == "Looked up attention"
    assert rule.triggered
    assert [r.status for r in fake.requests_to("POST", CALLBACK)] == [429, 200]


async def test_rate_limited_channel_message_is_retried(
    fake: FakeDiscord, bot: commands.Bot
) -> None:
    rule = fake.rate_limit_next("POST", rf"^/channels/{fake.channel_id}/messages$", count=2)
    posted = await fake.post_message(f"{fake.mention(fake.bot_user)} are you there?")
    reply = await fake.wait_for_message(
        lambda m: (m.get("message_reference") or {}).get("message_id") == posted["id"]
    )
    assert reply["content"].startswith("You said:")
    assert rule.triggered and len(rule.hits) == 2


async def test_heartbeats_steady_under_concurrent_commands() -> None:
    async with (
        FakeDiscord(heartbeat_interval_ms=200) as fake,
        running_bot(fake, DemoBot()),
    ):
        start = time.monotonic()
        inters = await asyncio.gather(
            *(fake.slash("explain", {"topic": f"topic {n}"}) for n in range(50))
        )
        shown = await asyncio.gather(*(i.wait_response(10) for i in inters))
        assert {s["embeds"][0]["title"] for s in shown} == {f"Topic {n}" for n in range(50)}
        finished = time.monotonic()
        await fake.wait_until(lambda: fake.heartbeat_times[-1] > finished, timeout=2)
        # How many beats fit in a second depends on the machine's load; the longest gap
        # between two beats is what shows a blocked loop. A loaded machine delays a beat by a
        # fraction of a second; a loop blocked by the 50 commands would stall for seconds.
        assert fake.max_heartbeat_gap(since=start - 0.2) < BLOCKED_SECONDS


async def test_heartbeat_gap_detects_blocked_loop() -> None:
    async with (
        FakeDiscord(heartbeat_interval_ms=200) as fake,
        running_bot(fake, DemoBot()),
    ):
        start = time.monotonic()
        await (await fake.slash("block")).wait_response()
        await fake.wait_until(lambda: len([t for t in fake.heartbeat_times if t > start]) >= 2)
        assert fake.max_heartbeat_gap(since=start - 0.2) > BLOCKED_SECONDS


async def test_autosharded_bot_gets_shard_in_ready() -> None:
    async with FakeDiscord() as fake, running_bot(fake, ShardedDemoBot()) as client:
        assert fake.requests_to("GET", "^/gateway/bot$")
        assert fake.identify_payloads[0]["shard"] == [0, 1]
        assert client.get_guild(fake.guild_id) is not None


async def test_the_first_follow_up_after_a_public_defer_stays_public(
    fake: FakeDiscord, bot: commands.Bot
) -> None:
    """Discord ignores the ephemeral flag there: it edits the deferred message, whose ephemeral
    state cannot change
    (https://discord.com/developers/docs/interactions/receiving-and-responding#create-followup-message)."""
    inter = await fake.slash("public-then-private")
    shown = await inter.wait_response()
    assert shown["content"] == "Only for you?" and not shown["flags"] & EPHEMERAL


async def test_without_the_message_content_intent_only_mentions_carry_text() -> None:
    """Without the privileged intent, content is empty except in messages that mention the app
    (https://discord.com/developers/docs/topics/gateway#message-content-intent)."""
    seen: list[str] = []

    class NoContent(commands.Bot):
        async def on_message(self, message: discord.Message) -> None:
            seen.append(message.content)

    client = NoContent(
        command_prefix="!", intents=discord.Intents.default(), guild_ready_timeout=0.05
    )
    async with FakeDiscord() as fake, running_bot(fake, client):
        await fake.post_message("plain words")
        await fake.post_message(f"{fake.mention(fake.bot_user)} hello")
        await fake.wait_until(lambda: len(seen) == 2)
    assert seen == ["", f"<@{fake.bot_user_id}> hello"]


async def test_an_interaction_token_expires(bot: commands.Bot) -> None:
    """Interaction tokens are valid for 15 minutes; the TTL is shortened here
    (https://discord.com/developers/docs/interactions/receiving-and-responding#followup-messages)."""
    async with FakeDiscord(interaction_token_ttl=0.0) as fake, running_bot(fake, DemoBot()):
        inter = await fake.slash("steps")
        await inter.wait_for(lambda i: i.errors)
        assert inter.errors[-1]["code"] == 50027  # Invalid Webhook Token
