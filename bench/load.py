"""The site under gunicorn, and a small load generator, both on loopback only.

The generator is plain Python threads with keep-alive connections: no tool to install. On a
2-core machine it competes with the server for CPU, so its figures are a floor.
"""

import http.client
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from contextlib import contextmanager
from pathlib import Path
from statistics import median

HOST = "127.0.0.1"  # loopback only: this generator never aims anywhere else
MAX_REQUESTS = 200_000  # a second bound besides time


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return probe.getsockname()[1]


@contextmanager
def gunicorn(*, env: dict[str, str], workers: int, log: Path):
    """A gunicorn serving the forum on a free loopback port; yields its base URL."""
    port = free_port()
    with log.open("w") as log_file:
        server = subprocess.Popen(  # noqa: S603 - our own interpreter and arguments
            [
                sys.executable,
                "-m",
                "gunicorn",
                "forum.wsgi",
                f"--bind={HOST}:{port}",
                f"--workers={workers}",
                "--timeout=60",
                "--log-level=warning",
            ],
            env={**os.environ, **env},
            stdout=log_file,
            stderr=subprocess.STDOUT,
            cwd=Path(__file__).resolve().parent.parent,
        )
        try:
            _wait_until_healthy(port, server, log)
            yield f"http://{HOST}:{port}"
        finally:
            server.send_signal(signal.SIGTERM)
            try:
                server.wait(timeout=30)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait()


def _wait_until_healthy(port: int, server: subprocess.Popen, log: Path, timeout=60.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"gunicorn exited with {server.returncode}; see {log}")
        try:
            connection = http.client.HTTPConnection(HOST, port, timeout=2)
            connection.request("GET", "/health/")
            if connection.getresponse().status == 200:
                return
        except OSError:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"gunicorn did not answer /health/ within {timeout:.0f} s; see {log}")


def generate_load(base_url: str, path: str, *, seconds: float, connections: int) -> dict:
    """GET ``path`` from ``connections`` keep-alive clients for ``seconds``; the figures."""
    port = int(base_url.rsplit(":", 1)[1])
    deadline = time.perf_counter() + seconds
    latencies: list[list[float]] = [[] for _ in range(connections)]
    errors = [0] * connections
    sent = [0]
    lock = threading.Lock()

    def client(index: int):
        connection = http.client.HTTPConnection(HOST, port, timeout=30)
        while time.perf_counter() < deadline:
            with lock:
                if sent[0] >= MAX_REQUESTS:
                    return
                sent[0] += 1
            started = time.perf_counter()
            try:
                connection.request("GET", path)
                response = connection.getresponse()
                response.read()
                ok = response.status == 200
            except (OSError, http.client.HTTPException):
                ok = False
                connection.close()
                connection = http.client.HTTPConnection(HOST, port, timeout=30)
            if ok:
                latencies[index].append(time.perf_counter() - started)
            else:
                errors[index] += 1
        connection.close()

    started = time.perf_counter()
    threads = [threading.Thread(target=client, args=(i,)) for i in range(connections)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    timings = sorted(t for per_client in latencies for t in per_client)
    return {
        "path": path,
        "connections": connections,
        "seconds": round(elapsed, 2),
        "requests": len(timings),
        "errors": sum(errors),
        "requests_per_second": round(len(timings) / elapsed, 1),
        "p50_ms": round(median(timings) * 1000, 1) if timings else None,
        "p99_ms": round(timings[int(0.99 * (len(timings) - 1))] * 1000, 1) if timings else None,
    }
