"""Slow clients do not starve the server: gunicorn run as documented (gunicorn.conf.py, read
from the directory it starts in) still answers /health/ while four clients hold half-sent
requests open. With sync workers the same four blocked it for the whole worker timeout."""

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.dbtools import database_url

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True), pytest.mark.timeout(120)]

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_until_listening(port: int, server) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        assert server.poll() is None, "gunicorn exited"
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return
        except OSError:
            time.sleep(0.2)
    raise AssertionError("gunicorn did not start")


def health_answers_within(port: int, seconds: float) -> bool:
    with socket.create_connection(("127.0.0.1", port), timeout=seconds) as client:
        client.sendall(b"GET /health/ HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")
        return client.recv(64).startswith(b"HTTP/1.1 200")


def test_four_half_sent_requests_leave_health_answering_within_two_seconds():
    port = free_port()
    env = {
        **os.environ,
        "DATABASE_URL": database_url(),
        "WEB_CONCURRENCY": "2",  # the workers the README documents for a small server
        "ALLOWED_HOSTS": "localhost",
    }
    command = [sys.executable, "-m", "gunicorn", "forum.wsgi", "--no-control-socket"]
    server = subprocess.Popen(
        [*command, "--bind", f"127.0.0.1:{port}"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    stalled = []
    try:
        wait_until_listening(port, server)
        for _ in range(6):  # warm both workers up (imports, URLconf) before timing anything
            assert health_answers_within(port, 30.0)
        for _ in range(4):
            client = socket.create_connection(("127.0.0.1", port))
            client.sendall(b"GET /health/ HTTP/1.1\r\nHost: localhost\r\nX-Slow: ")  # never ends
            stalled.append(client)
        time.sleep(0.5)  # let the server start reading them
        started = time.monotonic()
        assert health_answers_within(port, 2.0)
        assert time.monotonic() - started < 2.0
    finally:
        for client in stalled:
            client.close()
        os.killpg(server.pid, 15)
        server.wait(timeout=30)
