"""What every request of the status page passes first: the token, the Host check, and the
security headers on every response; and the same-origin test of the one POST ("run now").

With a token, every request needs it: `Authorization: Bearer TOKEN`, or the token as the
password of HTTP Basic authentication (what a browser's login prompt sends). Without one (the
page then listens on loopback only), only loopback Host names are answered, so a web page
elsewhere cannot reach the service through DNS rebinding.
"""

from __future__ import annotations

import base64
import binascii
import hmac
from collections.abc import Awaitable, Callable
from typing import Any
from urllib.parse import urlsplit

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response

LOOPBACK_HOSTS = {"127.0.0.1", "localhost", "::1"}
SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self'; "
        "frame-ancestors 'none'; base-uri 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
    "Cache-Control": "no-store",
}


def same_origin(request: Request) -> bool:
    """A POST from a page of this server: Origin (when sent) names this host."""
    if request.headers.get("sec-fetch-site") == "cross-site":
        return False
    origin = request.headers.get("origin")
    if origin is None or origin == "null":
        return origin is None
    return urlsplit(origin).netloc == request.headers.get("host", "")


ASGIApp = Callable[
    [dict[str, Any], Callable[[], Awaitable[Any]], Callable[[Any], Awaitable[None]]],
    Awaitable[None],
]


def guard(app: Starlette, token: str | None) -> ASGIApp:
    """Authentication, the Host check and the security headers around every request."""

    async def guarded(
        scope: dict[str, Any],
        receive: Callable[[], Awaitable[Any]],
        send: Callable[[Any], Awaitable[None]],
    ) -> None:
        if scope["type"] != "http":
            await app(scope, receive, send)
            return
        headers = {k.decode("latin-1"): v.decode("latin-1") for k, v in scope["headers"]}
        refusal = _refusal(headers, token)
        if refusal is not None:
            await refusal(scope, receive, send)
            return

        async def with_headers(message: Any) -> None:
            if message["type"] == "http.response.start":
                extra = [(k.lower().encode(), v.encode()) for k, v in SECURITY_HEADERS.items()]
                message = {**message, "headers": [*message.get("headers", []), *extra]}
            await send(message)

        await app(scope, receive, with_headers)

    return guarded


def _refusal(headers: dict[str, str], token: str | None) -> Response | None:
    if token is None:
        host = headers.get("host", "")
        name = host.rsplit(":", 1)[0] if not host.startswith("[") else host[1:].split("]")[0]
        if name not in LOOPBACK_HOSTS:
            return Response("unknown host name\n", status_code=421, media_type="text/plain")
        return None
    if _token_ok(headers.get("authorization", ""), token):
        return None
    return Response(
        "a token is required: Authorization: Bearer TOKEN, or the token as the password\n",
        status_code=401,
        media_type="text/plain",
        headers={"WWW-Authenticate": 'Basic realm="harvester", charset="UTF-8"'},
    )


def _token_ok(authorization: str, token: str) -> bool:
    scheme, _, value = authorization.partition(" ")
    if scheme.lower() == "bearer":
        return hmac.compare_digest(value.strip().encode(), token.encode())
    if scheme.lower() == "basic":
        try:
            decoded = base64.b64decode(value.strip(), validate=True).decode("utf-8")
        except (binascii.Error, UnicodeDecodeError):
            return False
        return hmac.compare_digest(decoded.partition(":")[2].encode(), token.encode())
    return False
