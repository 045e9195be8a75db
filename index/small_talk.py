"""Small talk: greetings, thanks and questions about the bot itself, which no resource answers.

A Discord server says "hi bot", "ty!" and "who made you?" to a bot as often as it asks it
things. Their few words ("bot", "ai", "chatgpt") sit close to the catalog, so the answer
policy alone would sometimes recommend resources for a thank-you. A message that is nothing
but small talk gets a short pointer to what the bot does instead.
"""

from __future__ import annotations

import re

# Words a message may consist of entirely and still be small talk.
_WORDS = """
    hi hello hey heya hiya yo sup howdy gm gn morning afternoon evening night good
    thanks thank thx ty tysm tyvm cheers appreciated appreciate much lot so very you
    ok okay k cool nice great awesome perfect lol lmao haha bye cya see later
    bot studybot everyone all guys folks yall y'all there man friend mate again
"""
SMALL_TALK_WORDS = frozenset(_WORDS.split())
# Whole messages about the bot or the server rather than about a topic.
ABOUT_THE_BOT = re.compile(
    r"(?:(?:who|what) (?:made|built|created|wrote|owns|runs|programmed) "
    r"(?:you|this bot|the bot|this)"
    r"|are you (?:a bot|a human|human|real|alive|sentient|chatgpt|gpt|an ai|ai|a person)"
    r"|what (?:can|do) you do|how are you(?: doing)?|what are you"
    r"|(?:is )?any ?(?:one|body) (?:here|online|around|awake|alive)"
    r"|what are the (?:server )?rules|(?:where are )?the (?:server )?rules"
    r")(?: (?:bot|studybot|guys|everyone))?"
)


def is_small_talk(text: str) -> bool:
    """True when ``text`` is only a greeting, thanks, or a question about the bot itself."""
    tokens = re.findall(r"[a-z']+", text.lower())
    if not tokens:
        return False
    if all(token in SMALL_TALK_WORDS for token in tokens):
        return True
    return ABOUT_THE_BOT.fullmatch(" ".join(tokens)) is not None
