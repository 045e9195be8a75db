"""Micro-batching: questions that arrive together are embedded in one model call.

The event loop only enqueues; a single worker drains whatever is waiting (up to MAX_BATCH),
answers it with ``engine.answer_many`` in a thread, and resolves each asker's future. Under a
burst the queue grows instead of dropping anyone, and ``ahead`` tells a user their place.
When a batch fails, each question is retried alone, so one bad question fails only its asker.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections import deque
from collections.abc import Callable
from itertools import groupby
from typing import TYPE_CHECKING

from bot import metrics

if TYPE_CHECKING:
    from index import Answer, Engine

log = logging.getLogger("studybot")
MAX_BATCH = 32
Job = tuple[str, int, "asyncio.Future[Answer]"]


class AnswerBatcher:
    def __init__(self, engine: Callable[[], Engine], k: int = 5) -> None:
        self._engine = engine
        self._k = k
        self._queue: asyncio.Queue[Job] = asyncio.Queue()
        self._worker: asyncio.Task[None] | None = None
        self.batches: deque[int] = deque(maxlen=1000)  # recent batch sizes, for tests and stats
        self._unanswered = 0
        # Answers promised and not yet delivered: what a clean shutdown waits for.
        self.pending: set[asyncio.Future[Answer]] = set()

    @property
    def ahead(self) -> int:
        """How many questions would be answered before a new one: queued or being answered."""
        return self._unanswered

    def start(self) -> None:
        if self._worker is None or self._worker.done():
            self._worker = asyncio.create_task(self._run(), name="studybot-answer-batcher")

    async def close(self) -> None:
        if self._worker is not None:
            self._worker.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._worker
            self._worker = None

    async def answer(self, question: str, k: int | None = None) -> Answer:
        """The engine's answer with ``k`` resources (default 5), batched with its neighbours."""
        return await self.submit(question, k)

    def submit(self, question: str, k: int | None = None) -> asyncio.Future[Answer]:
        """Queue a question now (it counts in ``ahead`` at once); await the result later."""
        self.start()
        future: asyncio.Future[Answer] = asyncio.get_running_loop().create_future()
        self._unanswered += 1
        self.pending.add(future)
        started = time.perf_counter()

        def done(future: asyncio.Future[Answer]) -> None:
            self._unanswered -= 1
            self.pending.discard(future)
            if not future.cancelled() and future.exception() is None:
                metrics.record_answer(future.result(), time.perf_counter() - started)

        future.add_done_callback(done)
        self._queue.put_nowait((question, k or self._k, future))
        return future

    async def _run(self) -> None:
        while True:
            batch = [await self._queue.get()]
            # Yield once so questions arriving in the same loop tick join this batch.
            await asyncio.sleep(0)
            while len(batch) < MAX_BATCH and not self._queue.empty():
                batch.append(self._queue.get_nowait())
            live = sorted((job for job in batch if not job[2].done()), key=lambda job: job[1])
            for k, jobs in groupby(live, key=lambda job: job[1]):
                await self._answer(list(jobs), k)

    async def _answer(self, jobs: list[Job], k: int) -> None:
        self.batches.append(len(jobs))
        metrics.BATCH_SIZE.observe(len(jobs))
        engine = self._engine()
        try:
            answers = await asyncio.to_thread(engine.answer_many, [q for q, _, _ in jobs], k)
        except Exception as error:
            if len(jobs) == 1:
                _, _, future = jobs[0]
                if not future.done():
                    future.set_exception(error)
                return
            log.warning("a batch of %d failed (%s); answering each alone", len(jobs), error)
            for job in jobs:
                await self._answer([job], k)
            return
        for (_, _, future), result in zip(jobs, answers, strict=True):
            if not future.done():
                future.set_result(result)
                # One asker's reply per loop turn, so a big batch never stalls the loop.
                await asyncio.sleep(0)
