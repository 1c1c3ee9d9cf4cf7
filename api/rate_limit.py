"""Rate limits by route: Litestar's limiter, with its window kept in process memory.

Litestar's `RateLimitMiddleware` keeps, per client, the timestamp of every request in the
current window and round-trips that list through its store as JSON on every request: the
cost of a request grows with the number of requests already in the window (measured: 0.12 ms
a request with a generous limit under load, more than the lookup it guards). Its decision
needs only how many requests the window holds and when it resets. This subclass keeps the
same window objects in a dict per store (the default store is per-process memory anyway),
appending instead of rebuilding; the 429 problem and the RateLimit headers are Litestar's.
"""
from __future__ import annotations

from time import time

from litestar.middleware.rate_limit import DURATION_VALUES, CacheObject, RateLimitConfig, RateLimitMiddleware
from litestar.stores.base import Store
from litestar.types import ASGIApp, Receive, Scope, Send

_PRUNE_ABOVE = 10_000
"""Clients remembered before windows that have ended are dropped."""

_windows: dict[int, tuple[Store, dict[str, CacheObject]]] = {}
"""Per store (held here, so its id is not reused), so two apps, or the public and the login
limit, never share counts. Litestar's stores have no room for weak references."""


class InMemoryWindowRateLimitMiddleware(RateLimitMiddleware):
    async def retrieve_cached_history(self, key: str, store: Store) -> CacheObject:
        windows = _windows.setdefault(id(store), (store, {}))[1]
        now = int(time())
        window = windows.get(key)
        if window is None or window.reset <= now:
            if len(windows) > _PRUNE_ABOVE:
                for stale in [k for k, w in windows.items() if w.reset <= now]:
                    del windows[stale]
            window = windows[key] = CacheObject(history=[], reset=now + DURATION_VALUES[self.unit])
        return window

    async def set_cached_history(self, key: str, cache_object: CacheObject, store: Store) -> None:
        cache_object.history.append(int(time()))


class RouteRateLimits:
    """One middleware for every limit: a route whose handler has opt `name` set goes through
    that limit, each that applies in turn (the inspector login is public and a login); any
    other route goes straight through (no request object, no lock)."""

    def __init__(self, app: ASGIApp, limits: dict[str, tuple[str, int]]) -> None:
        self.app = app
        self.limiters = [
            (name, InMemoryWindowRateLimitMiddleware(self._after(position), RateLimitConfig(
                rate_limit=rate, store=f"{name}_rate_limit", middleware_class=InMemoryWindowRateLimitMiddleware)))
            for position, (name, rate) in enumerate(limits.items())
        ]

    def _after(self, position: int) -> ASGIApp:
        async def rest(scope: Scope, receive: Receive, send: Send) -> None:
            await self._from(position + 1, scope, receive, send)

        return rest

    async def _from(self, position: int, scope: Scope, receive: Receive, send: Send) -> None:
        opt = scope["route_handler"].opt if scope["type"] == "http" else {}
        for name, limiter in self.limiters[position:]:
            if opt.get(name):
                await limiter(scope, receive, send)
                return
        await self.app(scope, receive, send)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        await self._from(0, scope, receive, send)
