"""Check every catalog URL the way link checkers such as lychee do, with aiohttp.

- bounded concurrency overall and per host, so no site sees a burst from us;
- retries with exponential backoff for timeouts, connection errors and 5xx;
- 429 Too Many Requests waits for ``Retry-After`` (seconds or an HTTP date, capped);
- redirects followed by hand: a permanent one (301, 308) is reported with the URL to adopt;
- a results cache with a time-to-live, so a rerun only asks again about what is stale;
- an exclusion list of regular expressions (sites that refuse robots, private hosts).

Only 404/410, unreachable hosts and persistent 5xx count as dead: a 403 from a site that
blocks robots says nothing about the link, and is reported as unknown.
"""

from __future__ import annotations

import asyncio
import email.utils
import json
import re
import time
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Literal
from urllib.parse import urljoin, urlsplit

import aiohttp

from catalog.atomic import write_atomic

Verdict = Literal["ok", "moved", "slow", "dead", "unknown", "excluded"]
PERMANENT = (301, 308)
DEAD = (404, 410)
USER_AGENT = "studybot-link-check/1 (catalog maintenance)"


@dataclass(frozen=True)
class LinkOptions:
    concurrency: int = 16
    per_host: int = 2
    timeout: float = 20.0
    slow_after: float = 5.0
    retries: int = 2
    backoff: float = 0.5
    max_retry_after: float = 60.0
    max_redirects: int = 5
    cache_ttl: float = 7 * 24 * 3600.0
    exclude: tuple[str, ...] = ()


@dataclass(frozen=True)
class LinkResult:
    url: str
    verdict: Verdict
    status: int | None = None
    final_url: str | None = None
    seconds: float = 0.0
    message: str = ""
    attempts: int = 0
    checked_at: float = field(default_factory=time.time)
    cached: bool = False


class LinkCache:
    """Results by URL in one JSON file, replaced atomically; dead links are never cached."""

    def __init__(self, path: Path | None, ttl: float) -> None:
        self.path, self.ttl = path, ttl
        self._rows: dict[str, dict[str, object]] = {}
        if path is not None:
            try:
                data = json.loads(path.read_text(encoding="utf-8"))
                self._rows = data if isinstance(data, dict) else {}
            except (OSError, ValueError):
                self._rows = {}

    def get(self, url: str, now: float) -> LinkResult | None:
        row = self._rows.get(url)
        if not isinstance(row, dict):
            return None
        try:
            result = LinkResult(**{**row, "cached": True})  # type: ignore[arg-type]
        except TypeError:
            return None
        return result if now - result.checked_at < self.ttl else None

    def put(self, result: LinkResult) -> None:
        if result.verdict in ("ok", "moved", "slow"):
            self._rows[result.url] = {k: v for k, v in asdict(result).items() if k != "cached"}

    def save(self) -> None:
        if self.path is None:
            return
        self.path.parent.mkdir(parents=True, exist_ok=True)
        text = json.dumps(self._rows, indent=1, sort_keys=True)
        write_atomic(self.path, text.encode("utf-8"))


class LinkChecker:
    def __init__(self, options: LinkOptions, cache: LinkCache | None = None) -> None:
        self.options = options
        self.cache = cache or LinkCache(None, options.cache_ttl)
        self._exclude = [re.compile(pattern) for pattern in options.exclude]
        self._hosts: dict[str, asyncio.Semaphore] = {}

    async def check_all(self, urls: Iterable[str]) -> dict[str, LinkResult]:
        """One result per distinct URL."""
        unique = list(dict.fromkeys(urls))
        overall = asyncio.Semaphore(self.options.concurrency)
        timeout = aiohttp.ClientTimeout(total=self.options.timeout)
        headers = {"User-Agent": USER_AGENT, "Accept": "*/*"}
        connector = aiohttp.TCPConnector(limit=self.options.concurrency)
        async with aiohttp.ClientSession(
            timeout=timeout, headers=headers, connector=connector
        ) as session:

            async def one(url: str) -> LinkResult:
                async with overall:
                    return await self.check(session, url)

            results = await asyncio.gather(*(one(url) for url in unique))
        for result in results:
            self.cache.put(result)
        self.cache.save()
        return {result.url: result for result in results}

    async def check(self, session: aiohttp.ClientSession, url: str) -> LinkResult:
        if any(pattern.search(url) for pattern in self._exclude):
            return LinkResult(url, "excluded", message="matches the exclusion list")
        cached = self.cache.get(url, time.time())
        if cached is not None:
            return cached
        host = urlsplit(url).hostname or ""
        gate = self._hosts.setdefault(host, asyncio.Semaphore(self.options.per_host))
        attempts = 0
        while True:
            attempts += 1
            started = time.monotonic()
            async with gate:
                result = await self._follow(session, url)
            seconds = time.monotonic() - started
            retry_in = self._retry_delay(result, attempts)
            if retry_in is None:
                return _finish(result, url, seconds, attempts, self.options.slow_after)
            await asyncio.sleep(retry_in)

    def _retry_delay(self, result: _Hop, attempts: int) -> float | None:
        if attempts > self.options.retries:
            return None
        if result.status == 429:
            wait = result.retry_after
            if wait is None:
                wait = self.options.backoff * 2 ** (attempts - 1)
            return min(wait, self.options.max_retry_after)
        if result.status is None or result.status >= 500:
            return float(self.options.backoff * 2 ** (attempts - 1))
        return None

    async def _follow(self, session: aiohttp.ClientSession, url: str) -> _Hop:
        """GET ``url``, following redirects by hand to see whether one is permanent."""
        current, permanent = url, False
        for _ in range(self.options.max_redirects + 1):
            try:
                async with session.get(current, allow_redirects=False) as response:
                    status = response.status
                    location = response.headers.get("Location")
                    retry_after = _retry_after(response.headers.get("Retry-After"))
                    reason = response.reason or ""
            except (TimeoutError, aiohttp.ClientError, OSError) as error:
                message = "timed out" if isinstance(error, asyncio.TimeoutError) else str(error)
                return _Hop(None, current, permanent, None, message or type(error).__name__)
            if 300 <= status < 400 and location:
                permanent = permanent or status in PERMANENT
                current = urljoin(current, location)
                continue
            return _Hop(status, current, permanent, retry_after, f"{status} {reason}".strip())
        return _Hop(None, current, permanent, None, "too many redirects")


@dataclass(frozen=True)
class _Hop:
    status: int | None
    final_url: str
    permanent: bool
    retry_after: float | None
    message: str


def _finish(hop: _Hop, url: str, seconds: float, attempts: int, slow_after: float) -> LinkResult:
    verdict: Verdict
    if hop.status is not None and 200 <= hop.status < 300:
        if hop.permanent and hop.final_url != url:
            verdict = "moved"
        else:
            verdict = "slow" if seconds > slow_after else "ok"
    elif hop.status is None or hop.status in DEAD or hop.status >= 500:
        verdict = "dead"
    else:
        verdict = "unknown"
    final = hop.final_url if hop.final_url != url else None
    return LinkResult(url, verdict, hop.status, final, round(seconds, 3), hop.message, attempts)


def _retry_after(value: str | None) -> float | None:
    """Seconds to wait from a Retry-After header: a number, or an HTTP date."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - time.time())


def check_links(
    urls: Sequence[str], options: LinkOptions, cache_path: Path | None = None
) -> dict[str, LinkResult]:
    """Synchronous entry point for the command line."""
    checker = LinkChecker(options, LinkCache(cache_path, options.cache_ttl))
    return asyncio.run(checker.check_all(urls))
