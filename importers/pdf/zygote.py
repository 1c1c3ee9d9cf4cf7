"""Starting reader workers by forking a pre-loaded process (a "zygote"), not by starting Python.

A new worker used to cost a Python start, the imports of pdfium, numpy, pydantic and the term
extractor, and compiling the extractor's patterns: about 0.3 s of CPU, paid again every
`DOCUMENTS_PER_WORKER` documents and for every worker that timed out or crashed. The zygote
pays it once: it imports and warms everything, never reads a document, and forks a fresh
worker on request (`bench/bench_reader_workers.py` measures what that saves). Every worker is still its own process with its own
session and limits (it shares memory only copy-on-write with the zygote, which has seen no
document).

What forked workers do share is the zygote's address-space layout, which ASLR would have drawn
anew for each started process: a hostile document that learnt it in one worker, or guessed it
by crashing workers again and again, could use it in the next. So a zygote forks at most
`WORKERS_PER_ZYGOTE` workers, and the caller replaces it (`renew`) as soon as a worker ends
abnormally (timeout, crash, memory); every replacement is a fresh process with a fresh layout.

The parent asks over a Unix socket, passing the new worker's stdin, stdout and stderr and a
status pipe with the request (SCM_RIGHTS). The zygote is the worker's parent, so it reaps it
and writes its exit status to the status pipe: `ForkedProcess` gives the caller the parts of
`subprocess.Popen` the pool uses (`poll`, `wait`, `returncode`, `pid`, `stdin`, `stdout`).
"""
from __future__ import annotations

import json
import math
import os
import select
import signal
import socket
import struct
import subprocess
import sys
import threading
import traceback
from dataclasses import asdict
from typing import IO, Any

from importers.pdf.limits import ReadLimits

_REQUEST_BYTES = 1 << 20
"""Largest request (limits, environment, working directory)."""
_STATUS = struct.Struct("<i")
_CRASH_EXIT = 70
"""The forked worker failed before it could serve (its traceback is on its stderr)."""
WORKERS_PER_ZYGOTE = 8
"""Workers forked from one zygote, i.e. sharing one address-space layout (each reads up to
`importers.pdf.isolated.DOCUMENTS_PER_WORKER` documents)."""


def readable(fd: int, timeout: float | None) -> bool:
    """Whether `fd` has data or its end (EOF) within `timeout` seconds (None: no limit). poll,
    not select: a server holding many connections has descriptors above select's 1024."""
    poller = select.poll()
    poller.register(fd, select.POLLIN)
    return bool(poller.poll(None if timeout is None else max(0, math.ceil(timeout * 1000))))


class ForkedProcess:
    """A worker forked by the zygote, seen from the process that asked for it."""

    def __init__(self, pid: int, stdin: IO[bytes], stdout: IO[bytes], status_fd: int) -> None:
        self.pid, self.stdin, self.stdout = pid, stdin, stdout
        self._status_fd = status_fd
        self.returncode: int | None = None

    def poll(self) -> int | None:
        return self._collect(0)

    def wait(self, timeout: float | None = None) -> int:
        code = self._collect(timeout)
        if code is None:
            raise subprocess.TimeoutExpired("reader worker", timeout or 0)
        return code

    def _collect(self, timeout: float | None) -> int | None:
        if self.returncode is None and readable(self._status_fd, timeout):
            raw = os.read(self._status_fd, _STATUS.size)
            # No status at all: the zygote died before its child; the child's end is unknown.
            self.returncode = _STATUS.unpack(raw)[0] if len(raw) == _STATUS.size else -signal.SIGKILL
            os.close(self._status_fd)
        return self.returncode


class Zygote:
    """The parent's handle on its zygote; safe to use from several threads."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._process: subprocess.Popen | None = None
        self._socket: socket.socket | None = None
        self._forks = 0
        self._retired: list[subprocess.Popen] = []
        """Replaced zygotes still serving the workers they forked (they exit after them)."""
        self._owner = os.getpid()

    def spawn(self, limits: ReadLimits, stderr: IO[bytes]) -> ForkedProcess:
        """A new worker under `limits`, its stderr going to `stderr`. A zygote that died is
        started again once."""
        with self._lock:
            self._forget_if_forked()
            if self._forks >= WORKERS_PER_ZYGOTE:
                self._replace()
            try:
                process = self._spawn(limits, stderr)
            except (OSError, EOFError):
                self._replace()
                process = self._spawn(limits, stderr)
            self._forks += 1
            return process

    def renew(self) -> None:
        """The next worker comes from a freshly started zygote: call it when a worker ended
        abnormally, which may have been a document probing the layout."""
        with self._lock:
            self._forget_if_forked()
            self._replace()

    def close(self) -> None:
        """Stop the zygotes; each exits once the workers it forked have ended."""
        with self._lock:
            self._forget_if_forked()
            self._replace()
            for process in self._retired:
                try:
                    process.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    process.kill()
                    process.wait()
            self._retired = []

    def _spawn(self, limits: ReadLimits, stderr: IO[bytes]) -> ForkedProcess:
        sock = self._connected()
        stdin_r, stdin_w = os.pipe()
        stdout_r, stdout_w = os.pipe()
        status_r, status_w = os.pipe()
        request = json.dumps({"limits": asdict(limits), "env": dict(os.environ), "cwd": os.getcwd()})
        try:
            try:
                socket.send_fds(sock, [request.encode()], [stdin_r, stdout_w, stderr.fileno(), status_w])
                reply = sock.recv(64)
            finally:  # the worker's ends are the zygote's copies now, or no one's
                for fd in (stdin_r, stdout_w, status_w):
                    os.close(fd)
            if not reply:
                raise EOFError("the PDF reader's zygote process ended")
        except BaseException:
            for fd in (stdin_w, stdout_r, status_r):
                os.close(fd)
            raise
        return ForkedProcess(int(reply), os.fdopen(stdin_w, "wb"), os.fdopen(stdout_r, "rb"), status_r)

    def _connected(self) -> socket.socket:
        if self._socket is None:
            ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
            with theirs:
                self._process = subprocess.Popen(
                    [sys.executable, "-c", "import sys; from importers.pdf.zygote import main; main(int(sys.argv[1]))",
                     str(theirs.fileno())],
                    # Its own session: a Ctrl-C meant for the parent does not kill it under the
                    # parent's feet; it ends when the parent closes the socket (or dies).
                    stdin=subprocess.DEVNULL, pass_fds=(theirs.fileno(),), start_new_session=True,
                )
            self._socket = ours
        return self._socket

    def _forget_if_forked(self) -> None:
        """In a forked copy of the parent, the zygotes are the parent's to use and stop."""
        if self._owner != os.getpid():
            self._process, self._socket, self._forks, self._retired = None, None, 0, []
            self._owner = os.getpid()

    def _replace(self) -> None:
        """Let the current zygote go (it exits after its workers); the next spawn starts one."""
        if self._socket is not None:
            self._socket.close()
            self._retired.append(self._process)
        self._process, self._socket, self._forks = None, None, 0
        self._retired = [process for process in self._retired if process.poll() is None]


def _preload() -> None:
    """Everything a worker needs before its first document, so no worker pays for it."""
    import pdfplumber.table  # noqa: F401 - importers.pdf.tables imports it on a page's first table

    from importers.pdf import isolated, reader  # noqa: F401
    from importers.terms import isolated as terms_isolated  # noqa: F401
    from importers.terms.warm import warm_up

    try:
        warm_up()
    except Exception:  # noqa: BLE001 - a warm-up that fails costs speed only; the error is a bug to see
        traceback.print_exc()


def _serve(sock: socket.socket) -> None:
    """Fork a worker per request until the parent closes the socket, then wait for the
    workers still running (their exit statuses are owed to the parent)."""
    wake_r, wake_w = os.pipe()
    os.set_blocking(wake_w, False)
    signal.set_wakeup_fd(wake_w, warn_on_full_buffer=False)
    signal.signal(signal.SIGCHLD, lambda *_: None)
    status_of: dict[int, int] = {}
    open_socket = True
    while open_socket or status_of:
        ready = select.select([sock, wake_r] if open_socket else [wake_r], [], [])[0]
        if wake_r in ready:
            os.read(wake_r, 512)
            _reap(status_of)
        if open_socket and sock in ready:
            message, fds, _, _ = socket.recv_fds(sock, _REQUEST_BYTES, 4)
            if not message:
                open_socket = False
                continue
            pid = os.fork()
            if pid == 0:
                os._exit(_worker(json.loads(message), fds))
            stdin_r, stdout_w, stderr_fd, status_w = fds
            for fd in (stdin_r, stdout_w, stderr_fd):
                os.close(fd)
            status_of[pid] = status_w
            sock.send(str(pid).encode())


def _reap(status_of: dict[int, int]) -> None:
    while status_of:
        try:
            pid, status = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return
        if pid == 0:
            return
        status_w = status_of.pop(pid)
        try:
            os.write(status_w, _STATUS.pack(os.waitstatus_to_exitcode(status)))
        except BrokenPipeError:
            pass  # no one waits for it: the parent ended (a served process stopped by SIGTERM)
        finally:
            os.close(status_w)


def _worker(request: dict[str, Any], fds: list[int]) -> int:
    """In the forked child: become a worker as `importers.pdf.isolated` describes it."""
    from importers.pdf import isolated

    try:
        signal.set_wakeup_fd(-1)
        signal.signal(signal.SIGCHLD, signal.SIG_DFL)
        for target, fd in zip((0, 1, 2), fds):
            os.dup2(fd, target)
        os.closerange(3, os.sysconf("SC_OPEN_MAX"))
        os.setsid()
        os.environ.clear()
        os.environ.update(request["env"])
        os.chdir(request["cwd"])
        return isolated.serve(sys.stdin.buffer, sys.stdout.buffer, ReadLimits(**request["limits"]))
    except BaseException:  # noqa: BLE001 - nothing may escape a forked child into the zygote's loop
        traceback.print_exc()
        sys.stderr.flush()
        return _CRASH_EXIT


def main(socket_fd: int) -> None:
    """The zygote process: pre-load, then serve the parent on `socket_fd`."""
    _preload()
    _serve(socket.socket(fileno=socket_fd))
