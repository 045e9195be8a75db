"""The evaluation questions and their labels, as cases with a split.

Two sources:
- ``tuning/catalog_questions.yaml``: written with the catalog in view; tuning only.
- ``blind/questions.yaml``: written by a session that never saw the catalog, frozen before
  labelling; ``blind/labels.yaml`` labels them against the catalog. Each question's split
  (a hash of its text) is tuning or heldout. Reported figures come from heldout only.
- ``blind2/``: a second blind set, written and labelled the same way, all tuning.
- ``blind3/``: a third blind set, labelled after it was frozen and before the engine saw it.
- ``blind4/`` and ``blind5/``: two sets written blind on 2026-12-01, labelled before the engine
  saw them: the held-out split.
- ``blind6/``: written blind on 2026-12-01 (mostly "what is / how does it work" questions) and
  labelled with the held-out split's brief before the engine saw it; tuning.
- ``blind7/`` (a third of it near-field traps and chatter) and ``blind8/`` (people from other
  fields): written blind on 2026-12-01 and labelled before the engine saw them. blind8 was
  held out for one aggregate reading (2026-12-01), then joined tuning on 2026-12-02.
- ``blind9/`` (held out, Discord chat: typos, half-remembered names, niche topics): written
  blind on 2026-12-02 and labelled before the engine saw it; held out.
- ``blind10/`` (held out, students, engineers, hobbyists, other fields, managers): written
  blind on 2026-12-02 and labelled before the engine saw it; the freshest held-out set:
  ``python -m tests.eval.scoring blind10``.
- ``blind11/`` (held out, a course study group and an AI community on Discord: concepts week
  by week, half-remembered resources, niche and recent topics): written blind on 2026-12-02
  and labelled before the engine saw it; held out.
- ``blind12/`` (held out, people who type like they search or paste an error, non-native
  speakers, many backgrounds): written blind on 2026-12-02 and labelled before the engine
  saw it; the freshest held-out set.
- ``blind13/`` (tuning: search-style keywords, pasted errors, non-native English, like
  blind12): written blind on 2026-12-02 and labelled before the engine saw it; its failures
  may be read.

The held-out questions of ``blind`` and ``blind3`` were reported as aggregate figures from
sessions 10 to 14, often enough that choices leaned on them; they were retired into tuning
when ``blind4`` and ``blind5`` replaced them. The files keep their original ``split`` field.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import yaml

HERE = Path(__file__).parent
CATALOG_QUESTIONS = HERE / "tuning" / "catalog_questions.yaml"
BLIND_SETS = (
    "blind",
    "blind2",
    "blind3",
    "blind4",
    "blind5",
    "blind6",
    "blind7",
    "blind8",
    "blind9",
    "blind10",
    "blind11",
    "blind12",
    "blind13",
)
HELDOUT_SETS = ("blind4", "blind5", "blind9", "blind10", "blind11", "blind12")


@dataclass(frozen=True)
class Case:
    id: str
    q: str
    split: str
    intent: str
    answer: str  # covered | uncovered | decline
    expect: tuple[str, ...] = ()
    named: str | None = None
    quotes: tuple[str, ...] | None = None  # None: not labelled
    source: str = "catalog"  # the folder of a blind set, "catalog" for the catalog-aware set


def load_questions() -> tuple[list[dict], list[str]]:
    """The catalog-aware set as (on_topic items with ``expect``, off_topic strings)."""
    data = yaml.safe_load(CATALOG_QUESTIONS.read_text(encoding="utf-8"))
    return data["on_topic"], data["off_topic"]


def catalog_cases() -> list[Case]:
    on_topic, off_topic = load_questions()
    cases = [
        Case(f"c{n:03d}", item["q"], "tuning", "in-domain", "covered", tuple(item["expect"]))
        for n, item in enumerate(on_topic, 1)
    ]
    cases += [
        Case(f"o{n:03d}", q, "tuning", "off-topic", "decline") for n, q in enumerate(off_topic, 1)
    ]
    return cases


def blind_cases() -> list[Case]:
    """Blind questions that have labels (all of them, once labelling is done)."""
    cases = []
    for folder in BLIND_SETS:
        questions_file = HERE / folder / "questions.yaml"
        if not questions_file.exists():
            continue
        questions = yaml.safe_load(questions_file.read_text(encoding="utf-8"))
        split = "heldout" if folder in HELDOUT_SETS else "tuning"
        labels_file = HERE / folder / "labels.yaml"
        labels = (
            yaml.safe_load(labels_file.read_text(encoding="utf-8")) if labels_file.exists() else {}
        )
        for item in questions:
            label = (labels or {}).get(item["id"])
            if not label:
                continue
            cases.append(
                Case(
                    id=item["id"],
                    q=item["q"],
                    split=split,
                    intent=item["intent"],
                    answer=label["answer"],
                    expect=tuple(label.get("expect") or ()),
                    named=label.get("named"),
                    quotes=tuple(label.get("quotes") or ()) if "quotes" in label else None,
                    source=folder,
                )
            )
    return cases


def cases(split: str) -> list[Case]:
    """``tuning`` (catalog-aware set + retired blind sets), ``heldout`` (blind4, blind5,
    blind9, blind10, blind11, blind12), or one blind set by its folder's name."""
    if split in BLIND_SETS:
        return [case for case in blind_cases() if case.source == split]
    blind = [case for case in blind_cases() if case.split == split]
    return catalog_cases() + blind if split == "tuning" else blind
