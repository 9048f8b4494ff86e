"""bin/serve as a newcomer runs it: the real script, a real gunicorn, a real PostgreSQL.

Each server runs in its own process group (its own session), which the test ends whole.
"""

import http.client
import os
import re
import secrets
import signal
import socket
import subprocess
import sys
import time
import zlib
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlencode

import psycopg
import pytest

from forum import embedded_db
from tests.dbtools import database_url

pytestmark = [pytest.mark.slow, pytest.mark.timeout(420)]

ROOT = Path(__file__).resolve().parents[2]
SAMPLE_SLUG = "chinese-govt-urging-banks-to-remove-ibm-servers-report"
PASSWORD = "a-long-test-passphrase-42"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def newcomer_environment(**settings) -> dict:
    """This process's environment as a newcomer's shell would have it, plus ``settings``.

    No Redis, no SITE_URL, no XDG_RUNTIME_DIR; a value of None removes a variable."""
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"REDIS_URL", "SITE_URL", "XDG_RUNTIME_DIR", "DJANGO_ALLOW_ASYNC_UNSAFE"}
        and not k.startswith(("PYTEST_", "GUNICORN"))
    }
    for name, value in settings.items():
        if value is None:
            env.pop(name, None)
        else:
            env[name] = value
    return env


class Server:
    def __init__(self, process: subprocess.Popen, port: int, log: Path):
        self.process, self.port, self.log = process, port, log

    @property
    def output(self) -> str:
        return self.log.read_text(errors="replace")

    def end_process_group(self):
        """SIGTERM, then SIGKILL, to every process of the server's group still there."""
        for sig, grace in ((signal.SIGTERM, 20), (signal.SIGKILL, 5)):
            try:
                os.killpg(self.process.pid, sig)
            except ProcessLookupError:
                break
            deadline = time.monotonic() + grace
            while time.monotonic() < deadline and group_alive(self.process.pid):
                self.process.poll()
                time.sleep(0.2)
        self.process.poll()


def group_alive(pgid: int) -> bool:
    try:
        os.killpg(pgid, 0)
    except ProcessLookupError:
        return False
    # Zombies still count as members until reaped; only the script itself is our child.
    return True


@contextmanager
def bin_serve(tmp_path, **settings):
    """Start bin/serve on a free loopback port; yield the Server once /health/ answers 200."""
    port = free_port()
    log = tmp_path / "serve.log"
    env = newcomer_environment(BIND=f"127.0.0.1:{port}", **settings)
    with log.open("wb") as out:
        process = subprocess.Popen(
            [ROOT / "bin" / "serve"],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    server = Server(process, port, log)
    try:
        deadline = time.monotonic() + 300
        while True:
            if process.poll() is not None:
                pytest.fail(f"bin/serve exited ({process.returncode}):\n{server.output}")
            if time.monotonic() > deadline:
                pytest.fail(f"bin/serve did not answer within 300 s:\n{server.output}")
            try:
                if Browser(port).request("GET", "/health/")[0] == 200:
                    break
            except OSError:
                pass
            time.sleep(0.5)
        yield server
    finally:
        server.end_process_group()


class Browser:
    """Just enough of a browser: cookies, forms, no redirects followed."""

    def __init__(self, port: int):
        self.port = port
        self.cookies: dict[str, str] = {}

    def request(self, method, path, form=None):
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        headers = {}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if form is not None:
            body = urlencode(form)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        try:
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            text = response.read().decode(errors="replace")
        finally:
            connection.close()
        for cookie in response.headers.get_all("Set-Cookie") or []:
            name, _, value = cookie.split(";")[0].partition("=")
            self.cookies[name.strip()] = value.strip()
        return response.status, response.headers, text

    def csrf_token(self, path) -> str:
        status, _, html = self.request("GET", path)
        assert status == 200, (path, status)
        return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)[1]

    def log_in(self, username, password):
        token = self.csrf_token("/accounts/login/")
        status, _, html = self.request(
            "POST",
            "/accounts/login/",
            {"csrfmiddlewaretoken": token, "login": username, "password": password},
        )
        assert status == 302, (status, html[:2000])


@pytest.fixture
def scratch_database():
    """A database of its own on the test server, dropped afterwards; yields its DATABASE_URL."""
    name = f"forum_serve_{secrets.token_hex(4)}"
    with psycopg.connect(database_url("postgres"), autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield database_url(name)
    finally:
        with psycopg.connect(database_url("postgres"), autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def shell(database, code) -> str:
    """Run ``code`` in manage.py shell against ``database``; return what it printed."""
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "--no-imports", "-c", code],
        cwd=ROOT,
        env=newcomer_environment(DATABASE_URL=database),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


def wait_for_a_fresh_window(user_pk: int, period: int = 60, needed: int = 20):
    """django-ratelimit counts in fixed windows, whose edge depends on the key (here the user's
    id): start the posts where the current window still has ``needed`` seconds to run."""
    edge = zlib.crc32(str(user_pk).encode()) % period
    left = (edge - int(time.time()) % period) % period
    if left < needed:
        time.sleep(left + 1.5)


def test_the_default_setup_keeps_the_posting_limit_across_workers(tmp_path, scratch_database):
    """A newcomer's bin/serve (no REDIS_URL), even asked for two workers: the sixth quick post
    by one user is refused with 429, as COMMENT_RATE_PER_USER (5/m) documents."""
    with bin_serve(tmp_path, DATABASE_URL=scratch_database, WEB_CONCURRENCY="2") as server:
        # Posting needs a verified e-mail address.
        create_user = (
            "from allauth.account.models import EmailAddress; "
            "from django.contrib.auth import get_user_model; "
            f"user = get_user_model().objects.create_user('newcomer', password='{PASSWORD}'); "
            "EmailAddress.objects.create("
            "user=user, email='newcomer@example.com', verified=True, primary=True); "
            "print(user.pk)"
        )
        user_pk = int(shell(scratch_database, create_user).strip())
        browser = Browser(server.port)
        browser.log_in("newcomer", PASSWORD)
        article = f"/articles/{SAMPLE_SLUG}/"
        token = browser.csrf_token(article)

        wait_for_a_fresh_window(user_pk)
        statuses = []
        for n in range(10):
            form = {"csrfmiddlewaretoken": token, "body": f"Quick post number {n}"}
            statuses.append(browser.request("POST", f"{article}comments/", form)[0])

    assert statuses == [302] * 5 + [429] * 5, server.output[-3000:]
    stored = shell(
        scratch_database,
        "from articles.models import Comment; "
        "print(Comment.objects.filter(author__username='newcomer').count())",
    )
    assert stored.strip() == "5"


def test_printed_urls_follow_bind_and_no_control_socket_is_shared(tmp_path, scratch_database):
    home = tmp_path / "home"
    home.mkdir()
    with bin_serve(tmp_path, DATABASE_URL=scratch_database, HOME=str(home)) as server:
        output = server.output
    # The import prints the article's address on this server, not on the default port.
    assert f"URL: http://127.0.0.1:{server.port}/articles/{SAMPLE_SLUG}/" in output
    assert "127.0.0.1:8000" not in output
    # gunicorn's control socket would otherwise be ~/.gunicorn/gunicorn.ctl, one per user.
    assert not (home / ".gunicorn").exists()


def start_serve_on_embedded_database(tmp_path):
    data_dir = tmp_path / "pgdata"
    home = tmp_path / "home"
    home.mkdir()
    return data_dir, bin_serve(
        tmp_path, DATABASE_URL=None, EMBEDDED_PGDATA=str(data_dir), HOME=str(home)
    )


@pytest.mark.parametrize("how", ["ctrl-c", "sigterm"])
def test_bin_serve_stops_the_embedded_database_it_started(tmp_path, how):
    data_dir, serving = start_serve_on_embedded_database(tmp_path)
    try:
        with serving as server:
            assert embedded_db.running_pid(data_dir) is not None
            if how == "ctrl-c":  # the terminal signals the whole foreground group
                os.killpg(server.process.pid, signal.SIGINT)
            else:  # a process manager signals the process it started
                server.process.send_signal(signal.SIGTERM)
            server.process.wait(timeout=60)
            output = server.output
            assert embedded_db.running_pid(data_dir) is None, output
            assert "Stopped the embedded PostgreSQL" in output
    finally:
        embedded_db.stop(data_dir)


def test_a_clean_start_prints_no_warning(tmp_path):
    data_dir, serving = start_serve_on_embedded_database(tmp_path)
    try:
        with serving as server:
            output = server.output
    finally:
        embedded_db.stop(data_dir)
    # RuntimeDirWarning (XDG_RUNTIME_DIR), or any other.
    assert not re.search("warning", output, re.IGNORECASE), output
