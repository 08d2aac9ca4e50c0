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
import zlib
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

import httpx
import tenacity

from harvester import __version__
from harvester.errors import (
    DeadlineError,
    FatalAPIError,
    ProtocolError,
    ResponseTooLargeError,
    RetriableAPIError,
    ThrottledError,
)
from harvester.xml import html_title

DEFAULT_TIMEOUT = httpx.Timeout(60.0, connect=15.0)
# A server's Retry-After is honoured up to this; a longer one means "throttled, try the next
# run" at once, so one source's ban never holds up the sources after it.
MAX_RETRY_AFTER = 300.0
# One request, its retries and waits included, ends by then (a body trickling in a byte at a
# time never trips the per-read timeout).
REQUEST_DEADLINE = 600.0
# Bodies are read as a stream and refused beyond this many bytes once decompressed (a 1 MB gzip
# may inflate to 1 GB). The largest real pages (PubMed efetch of 500 records) are about 15 MB.
MAX_RESPONSE_BYTES = 100 * 2**20
MAX_REDIRECTS = 10
# Never sent on a redirect to another origin: credentials belong to the host they were given for.
SENSITIVE_HEADERS = frozenset({"authorization", "proxy-authorization", "cookie"})


@dataclass(frozen=True)
class Request:
    url: str
    params: Mapping[str, str] = field(default_factory=dict)
    method: str = "GET"
    data: Mapping[str, str] | None = None  # form body for POST (PubMed efetch, Europe PMC)
    content: bytes | None = None  # a raw body for POST (a JSON alert to a webhook)

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
    """Seconds to wait from a Retry-After header (delta-seconds or HTTP date), as asked."""
    if not value:
        return None
    value = value.strip()
    try:
        seconds = float(value)
    except ValueError:
        try:
            when = email.utils.parsedate_to_datetime(value).timestamp()
        except (TypeError, ValueError):
            return None
        seconds = when - (now if now is not None else time.time())
    return max(0.0, seconds) if seconds == seconds else None  # NaN is no answer


def describe_wait(seconds: float) -> str:
    """A wait as a person says it: "40 s", "25 min", "27.8 h"."""
    if seconds < 120:
        return f"{seconds:.0f} s"
    if seconds < 7200:
        return f"{seconds / 60:.0f} min"
    return f"{seconds / 3600:.1f} h"


def default_check(response: Response) -> None:
    """Status-based classification shared by all sources."""
    if response.status == 429 or response.status >= 500:
        title = html_title(response.content) if response.content_type == "text/html" else None
        raise RetriableAPIError(
            f"HTTP {response.status}" + (f": an HTML page titled {title!r}" if title else ""),
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

    def wait(
        self,
        host: str,
        per_second: float | None,
        *,
        max_wait: float = MAX_RETRY_AFTER,
        deadline: float | None = None,
    ) -> None:
        """Sleep until `host` may be asked again; refuse waits beyond `max_wait` or `deadline`."""
        interval = 1.0 / per_second if per_second and per_second > 0 else 0.0
        with self._lock:
            now = time.monotonic()
            slot = max(now, self._next_slot.get(host, now))
            if slot - now > max_wait:
                raise ThrottledError(
                    f"throttled: {host} asked harvester to wait {describe_wait(slot - now)}; "
                    "try the next run",
                    status=429,
                )
            if deadline is not None and slot > deadline:
                raise DeadlineError(f"the deadline passes before {host} may be asked again")
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
        max_retry_after: float = MAX_RETRY_AFTER,
        request_deadline: float = REQUEST_DEADLINE,
        max_response_bytes: int = MAX_RESPONSE_BYTES,
    ) -> None:
        self._client = httpx.Client(
            timeout=timeout,
            # Only what _Inflater undoes, whatever optional decoders httpx finds installed.
            headers={"User-Agent": user_agent(contact), "Accept-Encoding": "gzip, deflate"},
            follow_redirects=False,  # followed here, so credentials stay with their origin
            transport=transport,
        )
        self.max_attempts = max_attempts
        self.backoff_max = backoff_max
        self.max_retry_after = max_retry_after
        self.request_deadline = request_deadline
        self.max_response_bytes = max_response_bytes
        self._sleep = sleep
        self.limiter = RateLimiter(sleep)
        self.requests_sent = 0
        self._count_lock = threading.Lock()
        # Addresses a server answered with a permanent redirect (301, 308): where they moved.
        self._moved: dict[str, str] = {}

    def __enter__(self) -> HttpClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self._client.close()

    def moved(self, url: str) -> str | None:
        """Where `url` (an endpoint, parameters aside) moved, if a server said so this run."""
        with self._count_lock:
            return self._moved.get(_without_query(url))

    def fetch(
        self,
        request: Request,
        *,
        check: ResponseCheck = default_check,
        rate_limit: float | None = None,
        headers: Mapping[str, str] | None = None,
        on_attempt: Callable[[], None] | None = None,
        deadline: float | None = None,
    ) -> Response:
        """Send `request` (retrying transient failures) and return a response `check` accepts.

        `deadline` (time.monotonic()) is the caller's own (a source's); the request's is
        REQUEST_DEADLINE from now, and the earlier one ends the request, retries and all.
        """
        host = urlsplit(request.url).netloc
        own = time.monotonic() + self.request_deadline
        ends = min(own, deadline) if deadline is not None else own
        which = "request" if ends == own else "source"

        def attempt() -> Response:
            self.limiter.wait(host, rate_limit, max_wait=self.max_retry_after, deadline=ends)
            if on_attempt is not None:
                on_attempt()
            response = self._send(request, headers, _Deadline(ends, which))
            try:
                check(response)
            except RetriableAPIError as exc:
                if exc.retry_after:
                    self.limiter.push_back(host, exc.retry_after)
                    if exc.retry_after > self.max_retry_after:
                        raise ThrottledError(
                            f"throttled: {exc.detail}; the source asked harvester to wait "
                            f"{describe_wait(exc.retry_after)}, try the next run",
                            source=exc.source,
                            status=exc.status,
                            retry_after=exc.retry_after,
                        ) from exc
                raise
            return response

        def stop(state: tenacity.RetryCallState) -> bool:
            exc = state.outcome.exception() if state.outcome else None
            out_of_time = time.monotonic() + (state.upcoming_sleep or 0.0) >= ends
            final = isinstance(exc, ThrottledError | DeadlineError)
            return final or out_of_time or state.attempt_number >= self.max_attempts

        retrying = tenacity.Retrying(
            retry=tenacity.retry_if_exception_type(RetriableAPIError),
            stop=stop,
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

    def _send(
        self, request: Request, headers: Mapping[str, str] | None, deadline: _Deadline
    ) -> Response:
        with self._count_lock:
            self.requests_sent += 1
        kwargs: dict[str, Any] = {"params": dict(request.params) or None, "headers": headers}
        if request.data is not None:
            kwargs["data"] = dict(request.data)
        if request.content is not None:
            kwargs["content"] = request.content
        first = outgoing = self._client.build_request(request.method, request.url, **kwargs)
        try:
            for _ in range(MAX_REDIRECTS + 1):
                outgoing.extensions["timeout"] = deadline.timeout(self._client.timeout)
                raw = self._client.send(outgoing, stream=True)
                try:
                    if raw.next_request is None:
                        return Response(
                            status=raw.status_code,
                            content=self._read(raw, deadline),
                            headers={k.lower(): v for k, v in raw.headers.items()},
                            url=str(raw.url),
                        )
                finally:
                    raw.close()
                if raw.status_code in (301, 308):
                    self._note_move(outgoing.url, raw.next_request.url)
                outgoing = _redirected(first, raw.next_request, headers)
        except httpx.TimeoutException as exc:
            deadline.check()
            raise RetriableAPIError(f"timed out ({type(exc).__name__})") from exc
        except (httpx.TransportError, httpx.DecodingError) as exc:
            # Dropped connections and bodies cut short by the server land here.
            raise RetriableAPIError(f"connection failed: {exc or type(exc).__name__}") from exc
        raise ProtocolError(
            f"more than {MAX_REDIRECTS} redirects (a redirect loop?) from {_origin_path(request)}"
        )

    def _note_move(self, before: httpx.URL, after: httpx.URL) -> None:
        with self._count_lock:
            self._moved[_without_query(str(before))] = _without_query(str(after))

    def _read(self, raw: httpx.Response, deadline: _Deadline) -> bytes:
        """The body, decompressed, read as a stream: refused beyond the size or the deadline."""
        inflater = _Inflater(raw.headers.get("content-encoding", ""))
        body = bytearray()
        room = self.max_response_bytes
        for chunk in raw.iter_raw():
            deadline.check()
            for piece in inflater.pieces(chunk, room - len(body) + 1):
                body += piece
                if len(body) > room:
                    raise ResponseTooLargeError(
                        f"response larger than {room / 2**20:,.0f} MB (decompressed); "
                        "ask for smaller pages"
                    )
        return bytes(body)


class _Inflater:
    """Undoes a Content-Encoding of gzip or deflate a bounded piece at a time: a small body
    that inflates to gigabytes is stopped at the size limit, never held whole."""

    def __init__(self, encoding: str) -> None:
        codings = [c.strip().lower() for c in encoding.split(",")]
        codings = [c for c in codings if c and c != "identity"]
        if len(codings) > 1 or (codings and codings[0] not in ("gzip", "x-gzip", "deflate")):
            raise ProtocolError(f"unsupported Content-Encoding {encoding!r}")
        # 47: a zlib or gzip header, found by zlib itself; deflate without one is tried next.
        self._zlib = zlib.decompressobj(wbits=47) if codings else None
        self._started = False

    def pieces(self, data: bytes, room: int) -> Iterator[bytes]:
        """The decompressed pieces of `data`, stopping once `room` bytes came out."""
        if self._zlib is None:
            yield data
            return
        while data and room > 0:
            try:
                piece = self._zlib.decompress(data, room)
            except zlib.error as exc:
                if self._started:
                    raise RetriableAPIError(f"connection failed: corrupt body ({exc})") from exc
                self._zlib = zlib.decompressobj(wbits=-zlib.MAX_WBITS)  # raw deflate
                self._started = True
                continue
            self._started = True
            room -= len(piece)
            yield piece
            data = self._zlib.unconsumed_tail


@dataclass(frozen=True)
class _Deadline:
    at: float  # time.monotonic()
    which: str  # "request" or "source"

    def check(self) -> None:
        if time.monotonic() >= self.at:
            raise DeadlineError(f"no complete answer before the {self.which} deadline")

    def timeout(self, usual: httpx.Timeout) -> dict[str, float | None]:
        """httpx's per-request timeouts, none of them beyond the deadline."""
        left = max(0.001, self.at - time.monotonic())
        parts = {"connect": usual.connect, "read": usual.read, "write": usual.write}
        parts["pool"] = usual.pool
        return {k: left if v is None else min(v, left) for k, v in parts.items()}


def _origin(url: httpx.URL) -> tuple[str, str, int | None]:
    default = {"http": 80, "https": 443}.get(url.scheme)
    return url.scheme, url.host, url.port or default


def _redirected(
    first: httpx.Request, following: httpx.Request, given: Mapping[str, str] | None
) -> httpx.Request:
    """The next request of a redirect. Credentials (the caller's own headers and
    SENSITIVE_HEADERS) go only to the origin of the `first` request, or from http to https
    on its host: never to another, however many hops away."""
    before, after = _origin(first.url), _origin(following.url)
    upgrade = before == ("http", after[1], 80) and after == ("https", before[1], 443)
    if after == before or upgrade:
        following.headers.update(given or {})  # httpx drops a Cookie the caller gave
        return following
    sensitive = SENSITIVE_HEADERS | {k.lower() for k in given or {}}
    for name in list(following.headers):
        if name.lower() in sensitive:
            del following.headers[name]
    return following


def _without_query(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}{parts.path}"


def _origin_path(request: Request) -> str:
    """The request's address without its parameters (which may hold a key)."""
    parts = urlsplit(request.url)
    return f"{parts.scheme}://{parts.netloc}{parts.path}"
