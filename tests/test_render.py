"""What a Discord user sees: embeds and message text built from engine results, no Discord."""

from __future__ import annotations

import io
import itertools
import re

import discord
from PIL import Image
from rich.console import Console

from bot.discord import render, render_tools
from bot.discord.render import LIMITS
from bot.discord.token_image import PALETTE, token_colours, token_png, tokens_ansi
from catalog import Catalog, Problem, Resource
from index import Answer, BuildReport, LearningPath, Passage, PathStep, ResourceHit
from index.token_split import Token, TokenSplit, split_tokens

ANSI = re.compile(r"\x1b\[0;(\d+)m([^\x1b]*)")


def resource(rid: str, title: str = "", **overrides: object) -> Resource:
    fields: dict[str, object] = {
        "id": rid,
        "title": title or rid.replace("-", " ").title(),
        "url": f"https://example.org/{rid}",
        "kind": "paper",
        "level": "beginner",
        "topics": ("attention",),
        "author": "a",
        "free": True,
        "description": "d",
        "why": "w",
    }
    fields.update(overrides)
    return Resource(**fields)  # type: ignore[arg-type]


def hit(r: Resource, reason: str = "matched words: attention") -> ResourceHit:
    return ResourceHit(resource=r, score=0.5, matched_by="both", reason=reason)


def catalog_of(*resources: Resource, topics: dict[str, str] | None = None) -> Catalog:
    return Catalog(resources=resources, notes=(), topics=topics or {"attention": "How tokens mix"})


def assert_within_limits(embed: discord.Embed) -> None:
    """Every part, and the total Discord counts, within Discord's limits."""
    title, description = embed.title or "", embed.description or ""
    footer, author = embed.footer.text or "", embed.author.name or ""
    assert len(title) <= LIMITS.title
    assert len(description) <= LIMITS.description
    assert len(embed.fields) <= LIMITS.fields
    for field in embed.fields:
        assert field.name and len(field.name) <= LIMITS.field_name
        assert field.value and len(field.value) <= LIMITS.field_value
    assert len(footer) <= LIMITS.footer
    assert len(author) <= LIMITS.author
    total = len(title) + len(description) + len(footer) + len(author)
    total += sum(len(f.name or "") + len(f.value or "") for f in embed.fields)
    assert total <= LIMITS.total
    assert len(embed) <= LIMITS.total


# -- answers ------------------------------------------------------------------------------


def test_answer_quotes_the_passage_with_its_source_and_links_what_it_cites() -> None:
    paper = resource("attention-paper", "Attention Is All You Need")
    passage = Passage(
        note_id="attention",
        note_title="Attention",
        heading="What it is",
        text="Attention lets each token look at the others.\nRead “Attention Is All You Need”.",
        position=0,
        score=0.7,
        cites=("attention-paper",),
    )
    answer = Answer("what is attention?", (passage,), (hit(paper),), coverage="answered")
    embed = render.answer_embed(answer, catalog_of(paper))
    assert embed.title == "what is attention?"
    assert embed.description is not None
    assert "> Attention lets each token look at the others." in embed.description
    assert "[Attention Is All You Need](https://example.org/attention-paper)" in embed.description
    assert "— *Attention \u203a What it is*" in embed.description
    assert embed.colour == discord.Colour.blurple()


def test_answer_lists_linked_resources_in_rank_order() -> None:
    hits = [hit(resource(f"res-{n}", f"Resource {n}")) for n in range(1, 4)]
    answer = Answer("q", (), tuple(hits), coverage="answered")
    embed = render.answer_embed(answer, catalog_of(*(h.resource for h in hits)))
    field = embed.fields[0]
    assert field.name == "Recommended resources"
    assert field.value is not None
    positions = [
        field.value.index(f"**{n}.** [Resource {n}](https://example.org/res-{n})")
        for n in (1, 2, 3)
    ]
    assert positions == sorted(positions)
    assert "paper · beginner · matched words: attention (both)" in field.value
    assert embed.footer.text is not None and "👍/👎" in embed.footer.text


def test_more_flag_points_to_the_more_resources_button() -> None:
    answer = Answer("q", (), (hit(resource("r")),), coverage="answered")
    embed = render.answer_embed(answer, catalog_of(), more=True)
    assert embed.footer.text is not None and "More resources" in embed.footer.text


def test_a_resource_asked_for_by_name_is_introduced_as_such_not_as_a_missing_note() -> None:
    from bot.terminal.render import render_answer

    answer = Answer("the lora paper", (), (hit(resource("r")),), "answered", lookup=True)
    embed = render.answer_embed(answer, catalog_of())
    assert embed.description == Answer.LOOKUP
    console = Console(file=io.StringIO(), width=100)
    console.print(*render_answer(answer, catalog_of()))
    shown = console.file.getvalue()  # type: ignore[attr-defined]
    assert Answer.LOOKUP in shown and Answer.NO_NOTE not in shown
    assert Answer("q", (), (hit(resource("r")),), "answered").text == Answer.NO_NOTE


def test_unsure_answer_says_so_and_suggests_the_nearest_topics() -> None:
    answer = Answer(
        "how do I fix my car?", (), (), coverage="none", nearest_topics=("rag", "agents")
    )
    embed = render.answer_embed(answer, catalog_of())
    assert embed.title == "Nothing in the catalog on that"
    assert embed.colour != discord.Colour.blurple()
    assert embed.description is not None
    assert Answer.NOTHING in embed.description
    assert "Nearest topics: `rag`, `agents`." in embed.description
    assert "`/resource`" in embed.description and "`/topics`" in embed.description
    assert not embed.fields


def test_a_partial_answer_is_labelled_unsure_not_presented_as_the_answer() -> None:
    answer = Answer("what is min-p sampling?", (), (hit(resource("r")),), coverage="partial")
    embed = render.answer_embed(answer, catalog_of())
    assert embed.description is not None and embed.description.startswith("Not sure")
    assert embed.colour != discord.Colour.blurple()
    assert embed.fields[0].name == "Closest resources"


def test_small_talk_gets_the_pointer_without_nearest_topics() -> None:
    notice = "I answer questions about learning LLMs: ask about a topic."
    embed = render.answer_embed(
        Answer("ty bot", (), (), coverage="none", notice=notice), catalog_of()
    )
    assert embed.description is not None and notice in embed.description
    assert "Nearest topics" not in embed.description


def test_huge_answer_never_exceeds_any_limit() -> None:
    long_title = "A Very Long Title About Attention " * 10
    resources = [
        resource(f"r-{n}", f"{long_title}{n}", url=f"https://example.org/{'x' * 150}/{n}")
        for n in range(40)
    ]
    passages = tuple(
        Passage("n", "Note " * 30, "Heading " * 30, ("word " * 3000 + "\n") * 3, n, 0.9)
        for n in range(3)
    )
    hits = tuple(hit(r, "matched words: " + "attention, " * 50) for r in resources)
    answer = Answer("why? " * 400, passages, hits, coverage="answered")
    embed = render.answer_embed(answer, catalog_of(*resources), more=True)
    assert_within_limits(embed)
    assert embed.description is not None and embed.description.count("— *Note") == 3
    assert embed.fields and "**1.**" in (embed.fields[0].value or "")


def test_a_long_code_sample_cut_short_still_shows_where_it_comes_from() -> None:
    code = "Example:\n```python\n" + "x = 1\n" * 2000 + "```"
    passage = Passage("n", "Note", "Code", code, 0, 0.9)
    embed = render.answer_embed(Answer("q", (passage,), (), coverage="answered"), catalog_of())
    description = embed.description or ""
    assert description.count("```") % 2 == 0
    assert description.endswith("— *Note \u203a Code*")


def test_fit_embed_clips_every_part_and_drops_trailing_fields() -> None:
    def oversized(description: str, footer: str) -> discord.Embed:
        embed = discord.Embed(title="t" * 1000, description=description)
        for n in range(30):
            embed.add_field(name=f"field {n} " * 50, value="v " * 1000)
        embed.set_footer(text=footer)
        return embed.set_author(name="a " * 50)

    everything = render.fit_embed(oversized("word " * 3000, "f " * 2000))
    assert_within_limits(everything)
    assert (everything.description or "").endswith("…")
    some_fields = render.fit_embed(oversized("word " * 600, "f " * 100))
    assert_within_limits(some_fields)
    assert (some_fields.fields[0].name or "").startswith("field 0")
    assert len(some_fields.fields) < 30


def test_clip_cuts_at_a_word_boundary_and_marks_the_cut() -> None:
    assert render.clip("the quick brown fox jumps", 12) == "the quick…"
    assert render.clip("short", 12) == "short"
    assert render.clip("first line\nsecond line here", 24) == "first line\nsecond line…"
    assert len(render.clip("x" * 50, 10)) == 10


# -- resource lists -------------------------------------------------------------------------


def test_hits_page_footer_says_page_2_of_3_and_numbering_continues() -> None:
    hits = [hit(resource(f"res-{n}", f"Resource {n}")) for n in range(1, 12)]
    embed = render.hits_page_embed("attention", hits, page=2, per_page=5, filters="level: beginner")
    assert embed.footer.text is not None and embed.footer.text.startswith("Page 2/3")
    description = embed.description or ""
    assert "**6.** [Resource 6]" in description and "**10.** [Resource 10]" in description
    assert "Resource 5]" not in description and "Resource 11]" not in description
    assert "level: beginner" in description


def test_no_hits_says_nothing_matches() -> None:
    embed = render.hits_page_embed("quantum", [], page=1, per_page=5)
    assert "No resources match “quantum”" in (embed.description or "")


def test_more_resources_continue_the_answers_numbering() -> None:
    embed = render.more_resources_embed("q", [hit(resource("sixth", "Sixth"))], start=5)
    assert "**6.** [Sixth]" in (embed.description or "")
    empty = render.more_resources_embed("q", [], start=5)
    assert "No more resources for this question." in (empty.description or "")


def test_path_lists_steps_in_order_with_their_prerequisites() -> None:
    basics = resource("basics", "Basics")
    deep = resource("deep-dive", "Deep Dive", level="advanced", prerequisites=("basics",))
    path = LearningPath(
        "attention", "How tokens mix", None, (PathStep(basics, ()), PathStep(deep, ("basics",)))
    )
    embed = render.path_embed(path, catalog_of(basics, deep))
    description = embed.description or ""
    assert embed.title == "Learning path: attention"
    assert description.startswith("How tokens mix")
    first = description.index("**1.** [Basics](https://example.org/basics) · paper · beginner")
    second = description.index(
        "**2.** [Deep Dive](https://example.org/deep-dive) · paper · advanced"
    )
    assert first < second
    assert "after: Basics" in description.splitlines()[-1]
    empty = render.path_embed(
        LearningPath("attention", "How tokens mix", "advanced", ()), catalog_of()
    )
    assert "No resources" in (empty.description or "")


def test_topics_embed_lists_every_topic_even_when_there_are_a_hundred() -> None:
    topics = {f"topic-{n:03}": "A long description of the topic. " * 8 for n in range(100)}
    catalog = catalog_of(resource("r", topics=("topic-007",)), topics=topics)
    embed = render.topics_embed(catalog)
    assert_within_limits(embed)
    description = embed.description or ""
    assert all(f"**topic-{n:03}**" in description for n in range(100))
    assert "**topic-007** (1)" in description


# -- tokens ---------------------------------------------------------------------------------


def coloured(text: str) -> list[tuple[int, str]]:
    return [(int(code), shown) for code, shown in ANSI.findall(text)]


def test_the_same_token_id_always_gets_the_same_colour() -> None:
    split = TokenSplit("cl100k_base", (Token(1, "a"), Token(2, "b"), Token(1, "a"), Token(3, "c")))
    pieces = coloured(tokens_ansi(split))
    assert pieces[0][0] == pieces[2][0]
    assert pieces[0][0] == PALETTE[1 % len(PALETTE)].ansi


def test_neighbouring_tokens_never_share_a_colour() -> None:
    n = len(PALETTE)
    split = TokenSplit("cl100k_base", (Token(1, "x"), Token(1 + n, "y"), Token(1 + 2 * n, "z")))
    codes = [code for code, _ in coloured(tokens_ansi(split))]
    assert codes[0] != codes[1] and codes[1] != codes[2]
    real = split_tokens("the the the the, then the end\n\nthe the")
    colours = token_colours(real.tokens)
    assert all(a != b for a, b in itertools.pairwise(colours))


def test_whitespace_and_byte_fragments_are_visible() -> None:
    text = tokens_ansi(split_tokens("Hello world\n\tdone 🤖"))
    assert text.startswith("```ansi\n") and text.endswith("```")
    assert "·world" in text and "↵\n" in text and "→" in text
    assert "\N{REPLACEMENT CHARACTER}" in text


def test_backticks_in_user_text_cannot_close_the_code_block() -> None:
    split = TokenSplit(
        "cl100k_base", (Token(1, "```"), Token(2, "``"), Token(3, "`"), Token(4, " ```x"))
    )
    for shown in (
        tokens_ansi(split),
        tokens_ansi(split_tokens("a ```python\nrm -rf /```")),
    ):
        inner = shown.removeprefix("```ansi\n").removesuffix("```")
        assert "```" not in inner
        assert shown.count("```") == 2


def test_a_long_split_is_cut_to_fit_a_message_and_says_so() -> None:
    split = split_tokens("token " * 600)
    text = tokens_ansi(split)
    assert len(text) <= 1800
    match = re.search(r"\(first (\d+) of (\d+) tokens shown\)$", text)
    assert match and int(match.group(2)) == split.count > int(match.group(1)) > 50


def test_tokenize_embed_compares_bpe_with_wordpiece_next_to_the_picture() -> None:
    split = split_tokens("Tokenization is fun")
    wordpiece = TokenSplit(
        "wordpiece", tuple(Token(n, t) for n, t in enumerate(["token", "##ization", "is", "fun"]))
    )
    embed = render_tools.tokenize_embed(split, wordpiece)
    assert embed.title == f"{split.count} tokens (cl100k_base)"
    assert embed.image.url == "attachment://tokens.png"
    values = {field.name: field.value for field in embed.fields}
    assert values["Token ids"] == str([t.id for t in split.tokens])
    pieces = values["WordPiece, the search model's tokenizer: 4 tokens"]
    assert pieces == "```\ntoken | ##ization | is | fun\n```"
    diff = split.count - 4
    assert f"({'+' if diff >= 0 else ''}{diff})" in (values["BPE vs WordPiece"] or "")
    many = render_tools.tokenize_embed(split_tokens("word " * 799), None)
    assert_within_limits(many)


def test_token_png_is_a_png_of_the_requested_width() -> None:
    png = token_png(split_tokens("Hello world\n\ttabs, café 🤖 and ```code```"), width=640)
    assert png.startswith(b"\x89PNG")
    image = Image.open(io.BytesIO(png))
    assert image.format == "PNG" and image.width == 640
    huge = Image.open(io.BytesIO(token_png(split_tokens("line\n" * 500))))
    assert huge.height < 2500  # capped at 60 lines plus a "… more" line
    empty = Image.open(io.BytesIO(token_png(TokenSplit("cl100k_base", ()))))
    assert empty.width == 800


# -- admin and info -------------------------------------------------------------------------


def test_build_report_fits_a_message_and_names_what_changed() -> None:
    ids = tuple(f"resource-number-{n}" for n in range(1000))
    report = BuildReport(
        1200, 30, 1170, 5, 12.345, added_ids=ids, updated_ids=ids[:3], removed_ids=ids
    )
    text = render_tools.build_report_text(report)
    assert len(text) <= LIMITS.content
    assert text.startswith(
        "Indexed 1200 documents in 12.35 s (30 embedded, 1170 reused, 5 removed)."
    )
    assert "Updated: `resource-number-0`, `resource-number-1`, `resource-number-2`" in text
    assert "more" in text
    assert "Nothing changed." in render_tools.build_report_text(BuildReport(10, 0, 10, 0, 0.5))


def test_catalog_problems_fit_a_message_and_say_the_old_index_serves() -> None:
    problems = [
        Problem("resources/papers.yaml", n, "unknown topic 'x'``` " * 3) for n in range(1, 400)
    ]
    text = render_tools.catalog_problems_text(problems)
    assert len(text) <= LIMITS.content
    assert "resources/papers.yaml:1: unknown topic" in text
    assert re.search(r"… and \d+ more", text)
    assert text.endswith("The previous index is still serving.")
    assert text.count("```") == 2


def test_help_names_every_way_in_and_about_shows_what_serves() -> None:
    description = render_tools.help_embed().description or ""
    for command in (
        "/ask",
        "/resource",
        "/path",
        "/topics",
        "/tokenize",
        "/reindex",
        "/help",
        "/about",
    ):
        assert f"`{command}`" in description
    assert "Mention me" in description and "Recommend resources" in description
    about = render_tools.about_embed(
        120, 8, 20, "2026-01-01T00:00:00Z", "all-MiniLM-L6-v2", "0.1.0", 300
    )
    values = " ".join(field.value or "" for field in about.fields)
    assert "120 resources · 8 notes · 20 topics" in values and "300 documents" in values
    assert "all-MiniLM-L6-v2" in values


def test_a_long_title_is_cut_before_escaping_so_no_backslash_dangles(
    tiny_catalog: Catalog,
) -> None:
    query = "x" * 254 + "**__"
    answer = Answer(query, (), (), coverage="answered")
    for embed in (
        render.answer_embed(answer, tiny_catalog),
        render.hits_page_embed(query, [], 1, 5),
    ):
        title = embed.title or ""
        assert len(title) <= LIMITS.title
        assert "\\…" not in title and not title.rstrip("”").endswith("\\")


def test_a_token_has_the_same_colour_in_the_terminal_and_on_discord() -> None:
    from rich.color import Color

    from bot.terminal.render import coloured_tokens

    split = split_tokens("Hello world, hello tokens and more tokens")
    discord_codes = [int(code) for code, _ in ANSI.findall(tokens_ansi(split))]
    by_code = {colour.ansi: colour.rgb for colour in PALETTE}
    terminal = coloured_tokens(split)
    terminal_rgb = [
        Color.parse(str(span.style).split()[-1]).get_truecolor() for span in terminal.spans
    ]
    assert [tuple(rgb) for rgb in terminal_rgb] == [by_code[code] for code in discord_codes]
