"""Questions where learners already talk: mentions, ask channels, their threads, forum posts.

Handled, in order: only real messages (default and reply types; system messages such as
"started a thread" are not questions); a mention is always answered; in ask channels and
their threads the bot speaks only when the catalog has something, so "thanks!" and "lol" get
no reply; a forum post is answered inside the post, tagged "answered" when confident; a short
follow-up in a thread is read with the thread's first question.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

import discord
from discord.ext import commands

from bot.discord import render
from bot.discord.cooldowns import cooldown_message
from bot.discord.errors import report_listener_error

if TYPE_CHECKING:
    from bot.discord.client import StudyBot

log = logging.getLogger("studybot")
MAX_QUESTION = 1000
SHORT_FOLLOW_UP = 8  # words: shorter follow-ups are read with the thread's question
# https://discord.com/developers/docs/resources/message#message-object-message-types
QUESTION_TYPES = frozenset({discord.MessageType.default, discord.MessageType.reply})
_MENTION = re.compile(r"<@[!&]?\d+>|@everyone|@here")


# Words of thanks and reactions: a message made only of these is conversation, not a
# question, even in a thread where a short follow-up is read with the thread's question.
CHATTER = frozenset(
    """thanks thank thx ty tysm you u so much a lot lol lmao rofl haha hahaha ok okay k kk cool
    nice great awesome perfect amazing wow good got it that this helps helped helpful makes
    sense yes yeah yep no nope sure right true agreed exactly same here me too oh ah i see
    will try appreciate appreciated cheers gg np welcome""".split()  # noqa: SIM905
)
_WORDS = re.compile(r"[a-z']+|[0-9]+")


def is_chatter(text: str) -> bool:
    """Thanks, reactions, emoji: nothing to look up."""
    words = _WORDS.findall(text.lower().replace("'", ""))
    return all(word in CHATTER for word in words)


def strip_mentions(text: str) -> str:
    """The question without user, role, @everyone or @here mentions."""
    return " ".join(_MENTION.sub(" ", text).split())


@dataclass(frozen=True)
class Place:
    """Where a message was posted, as far as answering goes."""

    kind: str  # "mention" | "ask" | "thread" | "forum-post"
    thread: discord.Thread | None = None


class Channels(commands.Cog):
    def __init__(self, bot: StudyBot) -> None:
        self.bot = bot

    def place(self, message: discord.Message, channel: object, mentioned: bool) -> Place | None:
        ask = self.bot.settings.ask_channel_ids
        if isinstance(channel, discord.Thread):
            me = self.bot.user
            asked_here = channel.parent_id in ask or (me is not None and channel.owner_id == me.id)
            if asked_here or mentioned:
                forum = isinstance(channel.parent, discord.ForumChannel)
                starter = forum and message.id == channel.id
                return Place("forum-post" if starter else "thread", channel)
        elif getattr(channel, "id", None) in ask:
            return Place("ask")
        return Place("mention") if mentioned else None

    async def channel_of(self, message: discord.Message) -> object:
        """The message's channel; a thread not in the cache yet (a forum post's first message
        can arrive before its THREAD_CREATE) is looked up."""
        channel = message.channel
        if isinstance(channel, discord.PartialMessageable) and message.guild is not None:
            cached = message.guild.get_channel_or_thread(channel.id)
            if cached is not None:
                return cached
            try:
                return await self.bot.fetch_channel(channel.id)
            except discord.HTTPException:
                return channel
        return channel

    @commands.Cog.listener()
    async def on_message(self, message: discord.Message) -> None:
        me = self.bot.user
        if message.author.bot or me is None or message.guild is None:
            return
        if message.type not in QUESTION_TYPES:
            return
        mentioned = me in message.mentions
        place = self.place(message, await self.channel_of(message), mentioned)
        if place is None:
            return
        try:
            await self.answer(message, place, mentioned)
        except Exception as error:
            await report_listener_error(message, error)

    async def answer(self, message: discord.Message, place: Place, mentioned: bool) -> None:
        question = strip_mentions(message.content)
        if place.kind == "forum-post" and place.thread is not None:
            question = _with_title(place.thread.name, question)
        if not question:
            if mentioned:
                await message.reply(
                    "Ask me something about LLMs — or try `/help`.", mention_author=False
                )
            return
        if is_chatter(question) and not mentioned and place.kind != "forum-post":
            return
        retry = self.bot.cooldown.retry_after(message.author.id)
        if retry:
            await message.reply(cooldown_message(retry), mention_author=False, delete_after=15)
            return
        earlier = await self.earlier_question(message, place, question)
        query = f"{earlier} {question}" if earlier else question
        async with message.channel.typing():
            answer = await self.bot.batcher.answer(query[:MAX_QUESTION])
        speak = not answer.is_empty or mentioned or place.kind == "forum-post"
        if not speak:
            # Nothing in the catalog: stay out of the conversation, but let maintainers see
            # the question in /gaps, as they do for an /ask answered "nothing".
            await self.bot.storage.save_answer(question, [], answer.coverage)
            return
        shown = await self.bot.answer_message(answer, question, asked=question, read_with=earlier)
        in_thread = place.kind == "ask" and self.bot.settings.reply_in_thread
        if in_thread and isinstance(message.channel, discord.TextChannel):
            thread = await message.create_thread(name=render.clip(question, 90) or "Question")
            await thread.send(**shown)
            return
        await message.reply(**shown, mention_author=False)
        if place.kind == "forum-post" and place.thread is not None and answer.confident:
            await _tag_answered(place.thread)

    async def earlier_question(
        self, message: discord.Message, place: Place, question: str
    ) -> str | None:
        """For a short follow-up: the thread's first question, or the question of the answer
        the message replies to; else None."""
        if len(question.split()) > SHORT_FOLLOW_UP:
            return None
        thread = place.thread
        if place.kind == "thread" and thread is not None:
            starter = await _starter(thread)
        else:
            replied = message.reference.resolved if message.reference else None
            starter = replied if isinstance(replied, discord.Message) else None
            thread = None
        if starter is None or starter.id == message.id:
            return None
        text = strip_mentions(starter.content)
        me = self.bot.user
        if me is not None and starter.author.id == me.id:
            # One of the bot's answers: its title is the question (nothing for "nothing").
            title = starter.embeds[0].title or "" if starter.embeds else ""
            text = "" if title.startswith("Nothing in the catalog") else title
        if thread is not None and isinstance(thread.parent, discord.ForumChannel):
            text = _with_title(thread.name, text)
        return render.clip(text, 300) or None


def _with_title(title: str, body: str) -> str:
    """A forum post's question: its title, then its text unless that repeats the title."""
    title = title.strip()
    if not body or body.lower().startswith(title.lower()):
        return body or title
    return f"{title}. {body}"


async def _starter(thread: discord.Thread) -> discord.Message | None:
    """The message a thread started from: same id as the thread, in the thread for a forum
    post, in the parent channel otherwise (https://discord.com/developers/docs/topics/threads)."""
    if thread.starter_message is not None:
        return thread.starter_message
    where = thread if isinstance(thread.parent, discord.ForumChannel) else thread.parent
    if where is None or not isinstance(where, discord.abc.Messageable):
        return None
    try:
        return await where.fetch_message(thread.id)
    except discord.HTTPException:
        return None


async def _tag_answered(thread: discord.Thread) -> None:
    """Apply the forum's "answered" tag, when it has one (any case); a missing tag is fine."""
    forum = thread.parent
    if not isinstance(forum, discord.ForumChannel):
        return
    tag = next((t for t in forum.available_tags if t.name.strip().lower() == "answered"), None)
    if tag is None or tag in thread.applied_tags:
        return
    try:
        await thread.add_tags(tag, reason="studybot answered this post")
    except discord.HTTPException as error:
        log.warning("could not tag post %s as answered: %s", thread.id, error)


async def setup(bot: StudyBot) -> None:
    await bot.add_cog(Channels(bot))
