"""A maintainer's mistakes in the catalog come back as `path:line: message`, never a traceback."""

from __future__ import annotations

from pathlib import Path

import pytest

from catalog import CatalogError, check_catalog, load_catalog


def problems_for(catalog_dir: Path) -> list[str]:
    catalog, problems = check_catalog(catalog_dir)
    assert catalog is None
    return [str(problem) for problem in problems]


def replace(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def line_of(path: Path, needle: str) -> int:
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if needle in line:
            return number
    raise AssertionError(f"{needle!r} not in {path}")


def test_the_tiny_catalog_loads_with_its_references(tiny_catalog) -> None:
    assert len(tiny_catalog.resources) == 10
    assert {note.id for note in tiny_catalog.notes} == {"parallelism", "tokenization", "attention"}
    parallelism = tiny_catalog.note("parallelism")
    assert "gpipe" in parallelism.cited and "zero-paper" in parallelism.cited


def test_yaml_syntax_error_points_at_its_line(catalog_dir: Path) -> None:
    papers = catalog_dir / "resources" / "papers.yaml"
    replace(
        papers,
        "  kind: paper\n  level: advanced\n  topics: [parallelism]",
        "  kind: paper\n  level: [advanced\n  topics: [parallelism]",
    )
    [problem] = problems_for(catalog_dir)
    assert problem.startswith(f"{papers}:")
    assert "YAML syntax error" in problem
    line = int(problem.split(":")[1])
    assert abs(line - line_of(papers, "level: [advanced")) <= 2


def test_missing_field_names_the_field_and_entry(catalog_dir: Path) -> None:
    guides = catalog_dir / "resources" / "guides.yaml"
    replace(guides, "  author: Jay Alammar\n", "")
    [problem] = problems_for(catalog_dir)
    assert (
        problem
        == f"{guides}:{line_of(guides, 'id: illustrated-transformer')}: illustrated-transformer: missing field 'author'"
    )


def test_wrongly_typed_field_is_reported_at_its_line(catalog_dir: Path) -> None:
    guides = catalog_dir / "resources" / "guides.yaml"
    replace(guides, "  minutes: 30", "  minutes: half an hour")
    [problem] = problems_for(catalog_dir)
    assert problem.startswith(
        f"{guides}:{line_of(guides, 'minutes: half')}: illustrated-transformer: minutes"
    )


def test_free_must_be_a_real_boolean(catalog_dir: Path) -> None:
    guides = catalog_dir / "resources" / "guides.yaml"
    replace(
        guides, "  free: true\n  description: A visual", '  free: "yes"\n  description: A visual'
    )
    [problem] = problems_for(catalog_dir)
    assert f":{line_of(guides, 'free: ')}: illustrated-transformer: free" in problem


def test_unknown_field_is_rejected(catalog_dir: Path) -> None:
    guides = catalog_dir / "resources" / "guides.yaml"
    replace(guides, "  minutes: 30", "  minutes: 30\n  rating: 5")
    [problem] = problems_for(catalog_dir)
    assert (
        problem
        == f"{guides}:{line_of(guides, 'rating: 5')}: illustrated-transformer: unknown field 'rating'"
    )


def test_duplicate_id_names_the_first_place(catalog_dir: Path) -> None:
    extra = catalog_dir / "resources" / "zz-extra.yaml"
    extra.write_text(
        "- id: gpipe\n  title: GPipe again\n  url: https://example.org/gpipe\n  kind: paper\n"
        "  level: advanced\n  topics: [parallelism]\n  author: Someone\n  free: true\n"
        "  description: A copy.\n  why: None.\n",
        encoding="utf-8",
    )
    papers = catalog_dir / "resources" / "papers.yaml"
    [problem] = problems_for(catalog_dir)
    first = f"{papers}:{line_of(papers, 'id: gpipe')}"
    assert problem == f"{extra}:1: duplicate id 'gpipe' (first at {first})"


def test_duplicate_url_is_rejected(catalog_dir: Path) -> None:
    guides = catalog_dir / "resources" / "guides.yaml"
    replace(guides, "https://tiktokenizer.vercel.app/", "https://arxiv.org/abs/1811.06965")
    papers = catalog_dir / "resources" / "papers.yaml"
    [problem] = problems_for(catalog_dir)
    assert problem.startswith(
        f"{papers}:{line_of(papers, 'arxiv.org/abs/1811')}: gpipe: duplicate URL"
    )
    assert f"(first at {guides}:" in problem


@pytest.mark.parametrize("url", ["atlas.nomic.ai", "ftp://example.org/x", "https://no spaces.org"])
def test_malformed_url_is_rejected(catalog_dir: Path, url: str) -> None:
    guides = catalog_dir / "resources" / "guides.yaml"
    replace(guides, "https://tiktokenizer.vercel.app/", url)
    [problem] = problems_for(catalog_dir)
    assert f":{line_of(guides, url)}: tiktokenizer: url: malformed URL" in problem


def test_unknown_topic_suggests_close_names(catalog_dir: Path) -> None:
    guides = catalog_dir / "resources" / "guides.yaml"
    replace(
        guides, "topics: [tokenization]\n  author: dqbd", "topics: [tokenisation]\n  author: dqbd"
    )
    [problem] = problems_for(catalog_dir)
    assert "tiktokenizer: unknown topic 'tokenisation' (did you mean tokenization" in problem
    assert f"{guides}:{line_of(guides, '[tokenisation]')}:" in problem


def test_prerequisite_must_exist(catalog_dir: Path) -> None:
    guides = catalog_dir / "resources" / "guides.yaml"
    replace(guides, "prerequisites: [tiktokenizer]", "prerequisites: [tiktokeniser]")
    [problem] = problems_for(catalog_dir)
    assert problem.endswith("karpathy-tokenizer: prerequisite 'tiktokeniser' is not a catalog id")


def test_prerequisite_cycle_is_reported_once(catalog_dir: Path) -> None:
    guides = catalog_dir / "resources" / "guides.yaml"
    replace(
        guides,
        "  why: Start here before reading the original paper.",
        "  why: Start here.\n  prerequisites: [annotated-transformer]",
    )
    [problem] = problems_for(catalog_dir)
    assert "prerequisite cycle:" in problem
    for step in ("illustrated-transformer", "attention-is-all-you-need", "annotated-transformer"):
        assert step in problem


def test_note_citing_unknown_ids_inline_and_in_front_matter(catalog_dir: Path) -> None:
    note = catalog_dir / "notes" / "parallelism.md"
    replace(note, "resources: [zero-paper, gpipe]", "resources: [zero-paper, gpipe, megatron]")
    replace(note, "[[gpipe]]", "[[gpipe-paper]]")
    problems = problems_for(catalog_dir)
    assert f"{note}:5: cites unknown resource 'megatron'" in problems
    assert (
        f"{note}:{line_of(note, '[[gpipe-paper]]')}: [[gpipe-paper]] is not a catalog id"
        in problems
    )


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "expected a list of resources"),
        (b"id: x\ntitle: y\n", "expected a list of resources, found LineDict"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "not UTF-8 text"),
        ("- id: caf\u00e9\n".encode("latin-1"), "not UTF-8 text"),
        (b"- just a string\n- 42\n", "entry 1: expected a mapping, found str"),
    ],
)
def test_junk_files_give_one_line_problems(catalog_dir: Path, content: bytes, message: str) -> None:
    junk = catalog_dir / "resources" / "junk.yaml"
    junk.write_bytes(content)
    problems = problems_for(catalog_dir)
    assert any(p.startswith(f"{junk}:") and message in p for p in problems), problems


def test_note_without_front_matter(catalog_dir: Path) -> None:
    note = catalog_dir / "notes" / "loose.md"
    note.write_text("# Just a heading\n\nNo front matter here.\n", encoding="utf-8")
    assert problems_for(catalog_dir) == [f"{note}:1: a note starts with YAML front matter ('---')"]


def test_load_catalog_raises_with_every_problem(catalog_dir: Path) -> None:
    guides = catalog_dir / "resources" / "guides.yaml"
    replace(guides, "  author: Jay Alammar\n", "")
    replace(guides, "  minutes: 30", "  minutes: -5")
    with pytest.raises(CatalogError) as raised:
        load_catalog(catalog_dir)
    assert len(raised.value.problems) == 2


def test_content_hash_changes_with_any_edit(catalog_dir: Path) -> None:
    before = load_catalog(catalog_dir).content_hash
    replace(
        catalog_dir / "notes" / "tokenization.md", "fixed vocabulary", "fixed vocabulary of pieces"
    )
    assert load_catalog(catalog_dir).content_hash != before


def test_unknown_kind_lists_the_known_ones(catalog_dir: Path) -> None:
    guides = catalog_dir / "resources" / "guides.yaml"
    replace(guides, "kind: tool", "kind: toy")
    [problem] = problems_for(catalog_dir)
    assert problem.startswith(
        f"{guides}:{line_of(guides, 'kind: toy')}: tiktokenizer: kind: unknown kind 'toy'"
    )
    assert "video" in problem and "paper" in problem


def test_learner_questions_are_searched_and_an_empty_one_is_reported(
    catalog_dir: Path, fake_embedder, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    from index import Engine

    guides = catalog_dir / "resources" / "guides.yaml"
    replace(guides, "  minutes: 30", '  minutes: 30\n  questions: ["why is my sourdough flat"]')
    engine, _ = Engine.build(load_catalog(catalog_dir), fake_embedder, tmp_path / "index")
    assert engine.search("why is my sourdough flat")[0].resource.id == "illustrated-transformer"
    replace(guides, '["why is my sourdough flat"]', '["why is my sourdough flat", " "]')
    [problem] = problems_for(catalog_dir)
    assert (
        f"{guides}:{line_of(guides, 'questions:')}: illustrated-transformer: questions" in problem
    )


def test_reloading_parses_again_only_the_edited_file(
    catalog_dir: Path, monkeypatch, fresh_process: list[str]
) -> None:  # type: ignore[no-untyped-def]
    import catalog.loader as loader

    before = load_catalog(catalog_dir)
    parsed = fresh_process
    parsed.clear()
    replace(catalog_dir / "resources" / "guides.yaml", "A web playground", "A reparsed playground")
    after = load_catalog(catalog_dir)
    assert [name for name in parsed if name.endswith(".yaml")] == ["topics.yaml", "guides.yaml"]
    assert [r.id for r in after.resources] == [r.id for r in before.resources]
    assert after.resource("tiktokenizer").description.startswith("A reparsed playground")  # type: ignore[union-attr]
    monkeypatch.setattr(loader, "_PARSED", {})
    assert load_catalog(catalog_dir).resources == after.resources  # the same as parsed afresh


def test_a_file_with_a_problem_is_reported_at_every_load(catalog_dir: Path) -> None:
    path = catalog_dir / "resources" / "papers.yaml"
    replace(path, "  level: advanced", "  level: expert")
    for _ in range(2):
        _, problems = check_catalog(catalog_dir)
        assert any(
            "papers.yaml" in problem.path and "expert" in problem.message for problem in problems
        )
