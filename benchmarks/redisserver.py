"""A ``redis-server`` of one's own, for the tests and benchmarks of distributed mode: Debian's
binary on a free loopback port, in its own folder, with its append-only file on (as the README
advises), started in the foreground and stopped after."""

from __future__ import annotations

import contextlib
import shutil
import socket
import subprocess
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING

import redis

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class RedisServer:
    """A running ``redis-server`` (see the module)."""

    process: subprocess.Popen[bytes]
    port: int
    folder: Path
    binary: str

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def version(self) -> str:
        found = subprocess.run([self.binary, "--version"], capture_output=True, text=True, check=False).stdout
        return found.split(" sha=")[0].strip()

    def client(self) -> redis.Redis:
        return redis.Redis.from_url(self.url, socket_timeout=30)

    @classmethod
    def start(cls, folder: Path, port: int = 0) -> RedisServer:
        """Start it (on ``port``, or a free one); raises :class:`RuntimeError` when there is no
        ``redis-server`` or it does not answer within 10 s."""
        binary = shutil.which("redis-server") or shutil.which("redis-server", path="/usr/bin:/usr/local/bin")
        if binary is None:
            raise RuntimeError("redis-server is not installed (.ci/run installs Debian's redis-server)")
        folder.mkdir(parents=True, exist_ok=True)
        port = port or free_port()
        command = [binary, "--port", str(port), "--bind", "127.0.0.1", "--dir", str(folder), "--appendonly", "yes",
                   "--appendfsync", "everysec", "--save", "", "--daemonize", "no", "--logfile", str(folder / "redis.log")]  # fmt: skip
        server = cls(subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL), port, folder, binary)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), timeout=1) as probe:
                probe.sendall(b"PING\r\n")
                if probe.recv(16).startswith(b"+PONG"):
                    return server
            time.sleep(0.05)
        server.stop()
        raise RuntimeError(f"redis-server did not answer on port {port} within 10 s (see {folder / 'redis.log'})")

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


@contextlib.contextmanager
def redis_server(folder: Path) -> Iterator[RedisServer]:
    """A server for the time of a ``with`` block."""
    server = RedisServer.start(folder)
    try:
        yield server
    finally:
        server.stop()
