"""Rate limits by route: a fixed window per client address, counted in process memory.

Litestar's `RateLimitMiddleware` builds a request object, takes a lock and round-trips the
timestamp of every request in the current window through its store as JSON, on every
request: the cost grows with the requests already in the window (measured: 0.12 ms a request
with a generous limit, more than the number lookup it guards) and is paid by routes it does
not limit too. The decision needs only how many requests a client made in the window and when
the window ends. Same semantics as Litestar's (a fixed window from the client's first request,
the IETF draft RateLimit headers, a 429 problem through the app's error map); counts are per
process, as Litestar's default memory store was.
"""
from __future__ import annotations

from dataclasses import dataclass
from time import time

from litestar.exceptions import TooManyRequestsException
from litestar.middleware.rate_limit import DURATION_VALUES
from litestar.types import ASGIApp, Message, Receive, Scope, Send

_PRUNE_ABOVE = 10_000
"""Clients remembered before windows that have ended are dropped."""


@dataclass(slots=True)
class _Window:
    count: int
    reset: int


class _Limit:
    """One limit (e.g. 60 a minute) and the windows of the clients it has seen."""

    def __init__(self, rate: tuple[str, int]) -> None:
        self.seconds = DURATION_VALUES[rate[0]]
        self.most = rate[1]
        self.windows: dict[str, _Window] = {}
        self._fixed = [(b"ratelimit-policy", f"{self.most}; w={self.seconds}".encode()),
                       (b"ratelimit-limit", str(self.most).encode())]
        """The two headers that are the same on every answer, encoded once."""

    def admit(self, client: str) -> _Window:
        """Count one request of `client`; raise the 429 when its window is full."""
        now = int(time())
        window = self.windows.get(client)
        if window is None or window.reset <= now:
            if len(self.windows) > _PRUNE_ABOVE:
                for stale in [key for key, old in self.windows.items() if old.reset <= now]:
                    del self.windows[stale]
            window = self.windows[client] = _Window(0, now + self.seconds)
        if window.count >= self.most:
            raise TooManyRequestsException(headers=self.headers(window, now))
        window.count += 1
        return window

    def raw_headers(self, window: _Window, now: int) -> list[tuple[bytes, bytes]]:
        """The RateLimit headers as an ASGI response carries them (on every limited answer, so
        built cheaply)."""
        return [*self._fixed, (b"ratelimit-remaining", b"%d" % max(self.most - window.count, 0)),
                (b"ratelimit-reset", b"%d" % (window.reset - now))]

    def headers(self, window: _Window, now: int) -> dict[str, str]:
        """The same headers for the 429 problem, which Litestar builds from a dict."""
        return {name.decode(): value.decode() for name, value in self.raw_headers(window, now)}


class RouteRateLimits:
    """One middleware for every limit: a route whose handler has opt `name` set is counted
    by that limit, by each that applies (the inspector login is public and a login); any
    other route passes straight through."""

    def __init__(self, app: ASGIApp, limits: dict[str, tuple[str, int]]) -> None:
        self.app = app
        self.limits = {name: _Limit(rate) for name, rate in limits.items()}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        opt = scope["route_handler"].opt
        applying = [limit for name, limit in self.limits.items() if opt.get(name)]
        if not applying:
            await self.app(scope, receive, send)
            return
        client = scope["client"][0] if scope.get("client") else "unknown"
        counted = [(limit, limit.admit(client)) for limit in applying]
        limit, window = min(counted, key=lambda pair: pair[0].most - pair[1].count)  # the tightest

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":  # appended: no handler sets these
                message["headers"] = [*message.get("headers", ()), *limit.raw_headers(window, int(time()))]
            await send(message)

        await self.app(scope, receive, send_with_headers)
