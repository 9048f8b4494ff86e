"""Real server processes for fault tests: each on a free loopback port, always stopped again."""

import shutil
import socket
import subprocess
import time
from contextlib import contextmanager
from pathlib import Path

import pytest


def free_port() -> int:
    """A TCP port nothing listens on at 127.0.0.1 (a race with other processes is unlikely)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_for_port(port: int, *, seconds: float = 10) -> None:
    """Return once something accepts connections at 127.0.0.1:``port``; fail after ``seconds``."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return
        except OSError:
            time.sleep(0.05)
    raise TimeoutError(f"nothing listens on 127.0.0.1:{port} after {seconds} s")


class RedisServer:
    """A private redis-server: ``start()``, ``stop()`` (a crash, as far as clients know)."""

    def __init__(self, data_dir: Path, *, persistent: bool = False):
        binary = shutil.which("redis-server")
        if binary is None:
            pytest.skip("redis-server is not installed (apt-get install redis-server)")
        self.binary, self.data_dir, self.persistent = binary, data_dir, persistent
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        """Start it (with an append-only file when persistent, as a restart must keep data)."""
        persistence = ["--appendonly", "yes", "--appendfsync", "always"] if self.persistent else []
        self.process = subprocess.Popen(
            [self.binary, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
             "--dir", str(self.data_dir), *persistence],
            stdout=subprocess.DEVNULL,
        )  # fmt: skip
        wait_for_port(self.port)

    def stop(self) -> None:
        """Stop it (its append-only file stays for the next start)."""
        if self.process is not None:
            self.process.terminate()
            self.process.wait(timeout=10)
            self.process = None


@contextmanager
def redis_server(data_dir: Path, *, persistent: bool = False):
    """A started RedisServer, stopped at the end whatever happens."""
    server = RedisServer(data_dir, persistent=persistent)
    server.start()
    try:
        yield server
    finally:
        server.stop()
