"""Real server processes for fault tests: each on a free loopback port, always stopped again."""

import contextlib
import os
import shutil
import socket
import subprocess
import tempfile
import threading
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


class PausableProxy:
    """A TCP relay on 127.0.0.1 to ``target``: ``pause()`` stops passing bytes both ways, as a
    hung server does (its sockets stay open, nothing answers); ``resume()`` lets them flow."""

    def __init__(self, target: tuple[str, int]):
        self.target = target
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.flowing = threading.Event()
        self.flowing.set()
        self.closed = False
        threading.Thread(target=self._accept, daemon=True).start()

    def pause(self) -> None:
        self.flowing.clear()

    def resume(self) -> None:
        self.flowing.set()

    def close(self) -> None:
        self.closed = True
        self.flowing.set()
        self.listener.close()

    def _accept(self) -> None:
        while not self.closed:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            if not self.flowing.is_set():
                # A hung server's kernel still completes the handshake; nothing more happens.
                threading.Thread(target=self._hold, args=(client,), daemon=True).start()
                continue
            server = socket.create_connection(self.target)
            for source, sink in ((client, server), (server, client)):
                threading.Thread(target=self._pipe, args=(source, sink), daemon=True).start()

    def _hold(self, client: socket.socket) -> None:
        self.flowing.wait()
        client.close()

    def _pipe(self, source: socket.socket, sink: socket.socket) -> None:
        with contextlib.suppress(OSError):
            while data := source.recv(65536):
                self.flowing.wait()
                if self.closed:
                    break
                sink.sendall(data)
        for end in (source, sink):
            with contextlib.suppress(OSError):
                end.shutdown(socket.SHUT_RDWR)


class PgBouncer:
    """Debian's PgBouncer in transaction mode in front of ``target`` (trust authentication, as the
    test server has), ``pool_size`` server connections per database and user.

    PgBouncer refuses to run as root: under root it drops to ``nobody``, so its files live in a
    folder of their own that it may read and write.
    """

    def __init__(self, target: tuple[str, int], *, pool_size: int = 2):
        binary = shutil.which("pgbouncer") or "/usr/sbin/pgbouncer"
        if not Path(binary).exists():
            pytest.skip("pgbouncer is not installed (apt-get install pgbouncer)")
        self.port = free_port()
        self.work_dir = Path(tempfile.mkdtemp(prefix="forum-pgbouncer-"))
        self.work_dir.chmod(0o777)
        (self.work_dir / "users.txt").write_text('"postgres" ""\n')
        config = self.work_dir / "pgbouncer.ini"
        config.write_text(
            f"[databases]\n* = host={target[0]} port={target[1]}\n"
            f"[pgbouncer]\nlisten_addr = 127.0.0.1\nlisten_port = {self.port}\n"
            f"unix_socket_dir =\nauth_type = trust\nauth_file = {self.work_dir / 'users.txt'}\n"
            f"pool_mode = transaction\ndefault_pool_size = {pool_size}\nmax_client_conn = 200\n"
            f"logfile = {self.work_dir / 'pgbouncer.log'}\n"
            "ignore_startup_parameters = extra_float_digits\n"
        )
        for path in self.work_dir.iterdir():
            path.chmod(0o644)
        user = ["-u", "nobody"] if os.geteuid() == 0 else []
        self.process = subprocess.Popen([binary, *user, str(config)], stdout=subprocess.DEVNULL)
        wait_for_port(self.port)

    def stop(self) -> None:
        """Stop it and remove its folder."""
        self.process.terminate()
        self.process.wait(timeout=10)
        shutil.rmtree(self.work_dir, ignore_errors=True)


# For tests that kill or count PostgreSQL's server processes, or read their prepared statements:
# through PgBouncer (FORUM_TEST_PGBOUNCER=1) those belong to the pooler, not to the client.
direct_connection_only = pytest.mark.skipif(
    bool(os.environ.get("FORUM_TEST_PGBOUNCER")),
    reason="needs a direct connection to PostgreSQL, not PgBouncer's",
)
