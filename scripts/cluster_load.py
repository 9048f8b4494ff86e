"""The load of scripts/cluster.py: signed-in writers and anonymous readers, every outcome kept."""

import re
import threading
import time
from collections import Counter
from http.client import HTTPConnection
from urllib.parse import urlencode

HOST = "127.0.0.1"
CSRF_FIELD = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
PASSWORD = "cluster-passphrase-2026"  # noqa: S105 - throwaway users of a throwaway database


class Client:
    """One browser: cookies, a CSRF token, a fresh connection per request (servers come and go)."""

    def __init__(self, port: int):
        self.port, self.cookies, self.token = port, {}, ""

    def request(self, method: str, path: str, form: dict | None = None):
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}
        body = None
        if form is not None:
            body = urlencode({**form, "csrfmiddlewaretoken": self.token})
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        connection = HTTPConnection(HOST, self.port, timeout=20)
        try:
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            content = response.read().decode(errors="replace")
        finally:
            connection.close()
        for header in response.headers.get_all("Set-Cookie") or []:
            name, _, rest = header.partition("=")
            self.cookies[name] = rest.split(";", 1)[0]
        if token := CSRF_FIELD.search(content):
            self.token = token[1]
        return response.status, response.headers.get("Location", ""), content


class Load:
    """Writers and readers against both instances (``ports["app1"]``, ``ports["app2"]``),
    recording every outcome."""

    def __init__(self, ports: dict[str, int], slug: str, writers: int, readers: int):
        self.ports, self.slug = ports, slug
        self.stop = threading.Event()
        self.lock = threading.Lock()
        self.statuses: Counter = Counter()
        self.errors: Counter = Counter()
        self.acknowledged: list[str] = []
        self.refused: list[str] = []
        self.ambiguous: list[str] = []
        self.stale_own: list[str] = []
        self.last_ok: dict[str, float] = {}
        self.signed_in = 0
        self.threads = [
            threading.Thread(target=self.writer, args=(n,), daemon=True) for n in range(writers)
        ] + [threading.Thread(target=self.reader, args=(n,), daemon=True) for n in range(readers)]

    def port(self, number: int) -> int:
        return self.ports["app1" if number % 2 else "app2"]

    def note(self, kind: str, status: int | None, error: str = "") -> None:
        with self.lock:
            if status is not None:
                self.statuses[status] += 1
                if status < 500:
                    self.last_ok[kind] = time.monotonic()
            else:
                self.errors[error] += 1

    def sign_in(self, client: Client, number: int) -> None:
        while not self.stop.is_set():
            try:
                client.request("GET", "/accounts/login/")
                status, _, _ = client.request(
                    "POST",
                    "/accounts/login/",
                    {"login": f"cluster{number}", "password": PASSWORD},
                )
                if status == 302:
                    client.request("GET", f"/articles/{self.slug}/")  # the token after sign-in
                    with self.lock:
                        self.signed_in += 1
                    return
            except OSError:
                pass
            time.sleep(0.3)

    def writer(self, number: int) -> None:
        client = Client(self.port(number))
        self.sign_in(client, number)
        sequence = 0
        while not self.stop.is_set():
            sequence += 1
            body = f"cluster-w{number}-n{sequence}"
            try:
                status, location, _ = client.request(
                    "POST", f"/articles/{self.slug}/comments/", {"body": body}
                )
            except OSError as error:
                self.note("write", None, type(error).__name__)
                with self.lock:
                    self.ambiguous.append(body)
                time.sleep(0.2)
                continue
            self.note("write", status)
            if status == 302:
                with self.lock:
                    self.acknowledged.append(body)
                self.check_own_read(client, location, body)
            else:
                with self.lock:
                    self.refused.append(body)
                time.sleep(0.2)

    def check_own_read(self, client: Client, location: str, body: str) -> None:
        path = location.split("#")[0] or f"/articles/{self.slug}/"
        try:
            status, _, content = client.request(
                "GET", path + ("&" if "?" in path else "?") + "page=all"
            )
        except OSError as error:
            self.note("own-read", None, type(error).__name__)
            return
        self.note("own-read", status)
        if status == 200 and body not in content:
            with self.lock:
                self.stale_own.append(body)

    def reader(self, number: int) -> None:
        while not self.stop.is_set():
            try:
                status, _, _ = Client(self.port(number)).request("GET", f"/articles/{self.slug}/")
                self.note("read", status)
            except OSError as error:
                self.note("read", None, type(error).__name__)
            time.sleep(0.05)
