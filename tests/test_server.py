"""`api.server`: the app served by several uvicorn workers keeps TCP_NODELAY on its connections."""
from __future__ import annotations

import asyncio
import socket

from api.server import _Config, tcp_listener


async def _nodelay_of_accepted_connection(listener: socket.socket) -> int:
    """TCP_NODELAY of a connection accepted by an asyncio server on `listener`, as uvicorn's
    workers serve it (`loop.create_server(sock=...)`)."""
    accepted: asyncio.Future[int] = asyncio.get_running_loop().create_future()

    class Probe(asyncio.Protocol):
        def connection_made(self, transport: asyncio.BaseTransport) -> None:
            sock = transport.get_extra_info("socket")
            accepted.set_result(sock.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY))
            transport.close()

    server = await asyncio.get_running_loop().create_server(Probe, sock=listener)
    async with server:
        _, writer = await asyncio.open_connection(*listener.getsockname()[:2])
        nodelay = await asyncio.wait_for(accepted, 10)
        writer.close()
    return nodelay


def test_regression_several_workers_answered_each_kept_alive_request_43_ms_late():
    """`serve --workers 2` answered 1,457 requests/s at 64 connections against 20,384 for one
    worker: uvicorn's own listening socket made asyncio leave Nagle's algorithm on."""
    listener = _Config("api.app:app_from_environment", factory=True, host="127.0.0.1", port=0).bind_socket()
    assert listener.proto == socket.IPPROTO_TCP
    assert asyncio.run(_nodelay_of_accepted_connection(listener)) == 1


def test_a_socket_that_already_says_tcp_and_a_unix_socket_are_left_as_they_are():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP) as tcp:
        assert tcp_listener(tcp) is tcp
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as unix:
        assert tcp_listener(unix) is unix


def test_the_socket_keeps_its_file_descriptor_and_inheritability():
    plain = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    plain.set_inheritable(True)
    fd = plain.fileno()
    with tcp_listener(plain) as fixed:
        assert (fixed.fileno(), fixed.get_inheritable(), fixed.proto) == (fd, True, socket.IPPROTO_TCP)
