"""Prometheus metrics, named by Prometheus conventions: counters end in ``_total``, durations
are in seconds, labels carry outcomes and never user ids.

One registry of our own (not the library's global one), served by ``bot.ops`` on /metrics.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram

if TYPE_CHECKING:
    from index import Answer

REGISTRY = CollectorRegistry()

QUESTIONS = Counter(
    "studybot_questions_total",
    "Questions answered, by outcome: answered (notes quoted), partial (resources only), none.",
    ["outcome"],
    registry=REGISTRY,
)
ANSWER_SECONDS = Histogram(
    "studybot_answer_seconds",
    "Time from a question being queued to its answer being ready.",
    buckets=(0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0),
    registry=REGISTRY,
)
BATCH_SIZE = Histogram(
    "studybot_answer_batch_size",
    "Questions embedded together in one model call.",
    buckets=(1, 2, 4, 8, 16, 32),
    registry=REGISTRY,
)
VOTES = Counter(
    "studybot_feedback_votes_total",
    "Feedback clicks on answers: up, down, or undo (a second click).",
    ["vote"],
    registry=REGISTRY,
)
REINDEX_RUNS = Counter("studybot_reindex_runs_total", "Rebuilds started.", registry=REGISTRY)
REINDEX_FAILURES = Counter(
    "studybot_reindex_failures_total",
    "Rebuilds that failed (the previous index kept serving).",
    registry=REGISTRY,
)
REINDEX_SECONDS = Histogram(
    "studybot_reindex_duration_seconds",
    "Duration of rebuilds, failed ones included.",
    buckets=(0.5, 1, 2, 5, 10, 30, 60, 120, 300, 600),
    registry=REGISTRY,
)
GATEWAY_LATENCY = Gauge(
    "studybot_gateway_latency_seconds",
    "Discord gateway heartbeat latency as last measured.",
    registry=REGISTRY,
)


def outcome(answer: Answer) -> str:
    if answer.confident:
        return "answered"
    return "partial" if answer.resources else "none"


def record_answer(answer: Answer, seconds: float) -> None:
    QUESTIONS.labels(outcome=outcome(answer)).inc()
    ANSWER_SECONDS.observe(seconds)


def record_vote(now: int) -> None:
    VOTES.labels(vote={1: "up", -1: "down"}.get(now, "undo")).inc()
