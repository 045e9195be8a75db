"""Micro-batching: questions that arrive together are embedded in one model call.

The event loop only enqueues; a single worker drains whatever is waiting (up to MAX_BATCH),
answers it with ``engine.answer_many`` in a thread, and resolves each asker's future. Under a
burst the queue grows instead of dropping anyone, and ``ahead`` tells a user their place.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Callable
from typing import TYPE_CHECKING

from bot import metrics

if TYPE_CHECKING:
    from index import Answer, Engine

log = logging.getLogger(__name__)
MAX_BATCH = 32


class AnswerBatcher:
    def __init__(self, engine: Callable[[], Engine], k: int = 5) -> None:
        self._engine = engine
        self._k = k
        self._queue: asyncio.Queue[tuple[str, asyncio.Future[Answer]]] = asyncio.Queue()
        self._worker: asyncio.Task[None] | None = None
        self.batches: list[int] = []
        # Answers promised and not yet delivered: what a clean shutdown waits for.
        self.pending: set[asyncio.Future[Answer]] = set()

    @property
    def ahead(self) -> int:
        """How many questions are waiting before a new one would be answered."""
        return self._queue.qsize()

    def start(self) -> None:
        if self._worker is None or self._worker.done():
            self._worker = asyncio.create_task(self._run(), name="studybot-answer-batcher")

    async def close(self) -> None:
        if self._worker is not None:
            self._worker.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._worker
            self._worker = None

    async def answer(self, question: str) -> Answer:
        self.start()
        started = time.perf_counter()
        future: asyncio.Future[Answer] = asyncio.get_running_loop().create_future()
        self.pending.add(future)
        future.add_done_callback(self.pending.discard)
        await self._queue.put((question, future))
        answer = await future
        metrics.record_answer(answer, time.perf_counter() - started)
        return answer

    async def _run(self) -> None:
        while True:
            batch = [await self._queue.get()]
            # Yield once so questions arriving in the same loop tick join this batch.
            await asyncio.sleep(0)
            while len(batch) < MAX_BATCH and not self._queue.empty():
                batch.append(self._queue.get_nowait())
            live = [(q, f) for q, f in batch if not f.done()]
            if not live:
                continue
            self.batches.append(len(live))
            metrics.BATCH_SIZE.observe(len(live))
            engine = self._engine()
            try:
                answers = await asyncio.to_thread(engine.answer_many, [q for q, _ in live], self._k)
            except Exception as error:  # every asker hears about it; the worker lives on
                log.exception("answering a batch of %d questions failed", len(live))
                for _, future in live:
                    if not future.done():
                        future.set_exception(error)
                continue
            for (_, future), result in zip(live, answers, strict=True):
                if not future.done():
                    future.set_result(result)
                    # One asker's reply per loop turn, so a big batch never stalls the loop.
                    await asyncio.sleep(0)
