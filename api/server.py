"""The ASGI app under uvicorn, in one process or several.

Why not `uvicorn.run` alone: with more than one worker, uvicorn binds the listening socket
itself and leaves its protocol number at 0. Connections accepted from it inherit that, and
asyncio turns TCP_NODELAY on only for sockets that say IPPROTO_TCP, so Nagle's algorithm holds
every answer on a kept-alive connection until the client's delayed ACK: ~43 ms a request
(uvicorn issue #3149, open as of uvicorn 0.54). Measured here with a bare Litestar route, 64
connections: 1,457 requests/s with two workers against 20,384 with one (docs/performance.md).
"""
from __future__ import annotations

import socket
from typing import Any

import uvicorn
from uvicorn.supervisors import Multiprocess


def tcp_listener(sock: socket.socket) -> socket.socket:
    """`sock`, as a socket object that says IPPROTO_TCP if it is a TCP socket; accepted
    connections take their protocol number from it."""
    is_tcp = sock.family in (socket.AF_INET, socket.AF_INET6) and sock.type == socket.SOCK_STREAM
    if not is_tcp or sock.proto == socket.IPPROTO_TCP:
        return sock
    inheritable = sock.get_inheritable()
    fixed = socket.socket(sock.family, sock.type, socket.IPPROTO_TCP, fileno=sock.detach())
    fixed.set_inheritable(inheritable)
    return fixed


class _Config(uvicorn.Config):
    def bind_socket(self) -> socket.socket:
        return tcp_listener(super().bind_socket())


def run(app: str, *, workers: int = 1, **options: Any) -> None:
    """`uvicorn.run(app, workers=workers, **options)`, with TCP_NODELAY on every connection
    whatever the number of workers. `app` is an import string, as several workers need."""
    if workers == 1:  # uvicorn binds from getaddrinfo here, which gives IPPROTO_TCP
        uvicorn.run(app, **options)
        return
    config = _Config(app, workers=workers, **options)
    Multiprocess(config, sockets=[config.bind_socket()]).run()
