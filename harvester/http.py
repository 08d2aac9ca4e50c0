"""The one HTTP seam: the only module that imports httpx.

Owns what every source needs and no connector should write: explicit timeouts, a polite
User-Agent carrying the review's contact address, a per-host rate limit, and retries with
tenacity on 429, 5xx, timeouts and dropped or truncated connections, honouring Retry-After.
Connectors only describe requests; they never see a client, a sleep or a retry.
"""

from __future__ import annotations

import email.utils
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

import httpx
import tenacity

from harvester import __version__
from harvester.errors import FatalAPIError, RetriableAPIError

DEFAULT_TIMEOUT = httpx.Timeout(60.0, connect=15.0)
MAX_RETRY_AFTER = 300.0  # never sleep longer than this on a server's word


@dataclass(frozen=True)
class Request:
    url: str
    params: Mapping[str, str] = field(default_factory=dict)
    method: str = "GET"
    data: Mapping[str, str] | None = None  # form body for POST (PubMed efetch, Europe PMC)

    def describe(self) -> str:
        """The request as a person would paste it into a browser (for the search log)."""
        query = str(httpx.QueryParams(dict(self.params)))
        return f"{self.url}?{query}" if query else self.url


@dataclass(frozen=True)
class Response:
    status: int
    content: bytes
    headers: Mapping[str, str]
    url: str

    @property
    def content_type(self) -> str:
        return self.headers.get("content-type", "").split(";")[0].strip().lower()

    def text(self, limit: int | None = None) -> str:
        body = self.content if limit is None else self.content[:limit]
        return body.decode("utf-8", errors="replace")


# A check sees every response and raises FatalAPIError / RetriableAPIError for bad ones.
ResponseCheck = Callable[[Response], None]


def user_agent(contact: str | None) -> str:
    base = f"harvester/{__version__} (literature harvester for systematic reviews"
    return f"{base}; mailto:{contact})" if contact else f"{base})"


def parse_retry_after(value: str | None, now: float | None = None) -> float | None:
    """Seconds to wait from a Retry-After header (delta-seconds or HTTP date)."""
    if not value:
        return None
    value = value.strip()
    try:
        return max(0.0, min(float(value), MAX_RETRY_AFTER))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value).timestamp()
    except (TypeError, ValueError):
        return None
    return max(0.0, min(when - (now if now is not None else time.time()), MAX_RETRY_AFTER))


def default_check(response: Response) -> None:
    """Status-based classification shared by all sources."""
    if response.status == 429 or response.status >= 500:
        raise RetriableAPIError(
            f"HTTP {response.status}",
            status=response.status,
            retry_after=parse_retry_after(response.headers.get("retry-after")),
        )
    if response.status >= 400:
        snippet = " ".join(response.text(300).split())
        raise FatalAPIError(f"HTTP {response.status}: {snippet}", status=response.status)


class RateLimiter:
    """Minimum interval between requests to one host, shared by every source on that host."""

    def __init__(self, sleep: Callable[[float], None] = time.sleep) -> None:
        self._next_slot: dict[str, float] = {}
        self._lock = threading.Lock()
        self._sleep = sleep

    def wait(self, host: str, per_second: float | None) -> None:
        interval = 1.0 / per_second if per_second and per_second > 0 else 0.0
        with self._lock:
            now = time.monotonic()
            slot = max(now, self._next_slot.get(host, now))
            self._next_slot[host] = slot + interval
        if slot > now:
            self._sleep(slot - now)

    def push_back(self, host: str, seconds: float) -> None:
        """A server asked us to wait (Retry-After): nobody sends to that host before then."""
        with self._lock:
            until = time.monotonic() + seconds
            self._next_slot[host] = max(self._next_slot.get(host, 0.0), until)


class HttpClient:
    """Sends requests for connectors. One instance per run; thread-safe."""

    def __init__(
        self,
        *,
        contact: str | None = None,
        timeout: httpx.Timeout | float = DEFAULT_TIMEOUT,
        max_attempts: int = 5,
        backoff_max: float = 60.0,
        sleep: Callable[[float], None] = time.sleep,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        self._client = httpx.Client(
            timeout=timeout,
            headers={"User-Agent": user_agent(contact)},
            follow_redirects=True,
            transport=transport,
        )
        self.max_attempts = max_attempts
        self.backoff_max = backoff_max
        self._sleep = sleep
        self.limiter = RateLimiter(sleep)
        self.requests_sent = 0
        self._count_lock = threading.Lock()

    def __enter__(self) -> HttpClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self._client.close()

    def fetch(
        self,
        request: Request,
        *,
        check: ResponseCheck = default_check,
        rate_limit: float | None = None,
        headers: Mapping[str, str] | None = None,
        on_attempt: Callable[[], None] | None = None,
    ) -> Response:
        """Send `request` (retrying transient failures) and return a response `check` accepts."""
        host = urlsplit(request.url).netloc

        def attempt() -> Response:
            self.limiter.wait(host, rate_limit)
            if on_attempt is not None:
                on_attempt()
            response = self._send(request, headers)
            try:
                check(response)
            except RetriableAPIError as exc:
                if exc.retry_after:
                    self.limiter.push_back(host, exc.retry_after)
                raise
            return response

        retrying = tenacity.Retrying(
            retry=tenacity.retry_if_exception_type(RetriableAPIError),
            stop=tenacity.stop_after_attempt(self.max_attempts),
            wait=self._wait,
            sleep=self._sleep,
            reraise=True,
        )
        return retrying(attempt)

    def _wait(self, state: tenacity.RetryCallState) -> float:
        exc = state.outcome.exception() if state.outcome else None
        if isinstance(exc, RetriableAPIError) and exc.retry_after is not None:
            # The rate limiter already holds the host until then; sleeping here would double it.
            return 0.0
        backoff = tenacity.wait_random_exponential(multiplier=1.0, max=self.backoff_max)
        return float(backoff(state))

    def _send(self, request: Request, headers: Mapping[str, str] | None) -> Response:
        with self._count_lock:
            self.requests_sent += 1
        kwargs: dict[str, Any] = {"params": dict(request.params) or None, "headers": headers}
        if request.data is not None:
            kwargs["data"] = dict(request.data)
        try:
            raw = self._client.request(request.method, request.url, **kwargs)
            content = raw.read()
        except httpx.TimeoutException as exc:
            raise RetriableAPIError(f"timed out ({type(exc).__name__})") from exc
        except (httpx.TransportError, httpx.DecodingError) as exc:
            # Dropped connections and bodies cut short by the server land here.
            raise RetriableAPIError(f"connection failed: {exc or type(exc).__name__}") from exc
        return Response(
            status=raw.status_code,
            content=content,
            headers={k.lower(): v for k, v in raw.headers.items()},
            url=str(raw.url),
        )
