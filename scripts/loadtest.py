#!/usr/bin/env python
"""Load test: gunicorn with several workers on 127.0.0.1, hammered for a fixed time, then checked.

    python scripts/loadtest.py --seconds 20 --workers 3 --clients 16

Creates (or reuses) a "Load test" article, seed comments and load-test users with ready-made
sessions in the database named by DATABASE_URL (or the embedded one), starts gunicorn on a free
loopback port, and runs client threads that mix page reads, replies, new comments and, when the
site has a report URL, reports. It stops by itself after --seconds or --max-requests, stops
gunicorn, then prints requests/s, p50/p99 latency, status counts, lost writes and the comment
tree check. Exit status 1 if any request failed with a 5xx or an error, a successful post is
missing from the database, or a tree is broken. Use a scratch database: the writes stay.
"""

import argparse
import os
import random
import re
import sys
import tempfile
import threading
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from http.client import HTTPConnection
from importlib import import_module
from pathlib import Path
from urllib.parse import urlencode

BASE_DIR = Path(__file__).resolve().parent.parent
HOST = "127.0.0.1"  # loopback only, by design: this tool must never point at someone's site
SLUG = "load-test"
SEED_COMMENTS = 20
DEFAULT_MIX = "article=45,home=10,permalink=15,reply=20,comment=5,report=5"
ANCHOR = re.compile(r"#comment-(\d+)$")
CSRF_FIELD = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def main(argv=None) -> int:
    options = _parse(argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "forum.settings")
    sys.path.insert(0, str(BASE_DIR))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    world = _prepare(options.users)
    mix = _mix(options.mix, options.report_url_name, world)
    from bench.load import gunicorn

    env = {
        "ALLOWED_HOSTS": HOST,
        "STATIC_MANIFEST": "false",  # pages link static files by plain name: no collectstatic
        "LOG_LEVEL": "WARNING",
        # WhiteNoise warns that collectstatic never ran; the load test reads no static files.
        "PYTHONWARNINGS": "ignore:No directory at",
        **dict(item.split("=", 1) for item in options.env),
    }
    with tempfile.TemporaryDirectory(prefix="loadtest-") as scratch:
        log = Path(scratch) / "gunicorn.log"
        with gunicorn(env=env, workers=options.workers, log=log) as base_url:
            port = int(base_url.rsplit(":", 1)[1])
            print(
                f"gunicorn: {options.workers} workers on {base_url}; "
                f"{options.clients} clients for {options.seconds} s "
                f"(at most {options.max_requests} requests); mix {_describe(mix)}"
            )
            results = _run_clients(port, world, mix, options)
        if server_log := log.read_text().strip():
            print(f"gunicorn's log:\n{server_log}")
    return _report(results, world, options)


def _parse(argv):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=20.0, help="how long to send requests")
    parser.add_argument("--max-requests", type=int, default=50_000, help="stop after this many")
    parser.add_argument("--workers", type=int, default=3, help="gunicorn worker processes")
    parser.add_argument("--clients", type=int, default=16, help="concurrent client threads")
    parser.add_argument(
        "--users", type=int, default=200, help="accounts to post from (per-user limits)"
    )
    parser.add_argument(
        "--mix", default=DEFAULT_MIX, help="action=weight,... (default: %(default)s)"
    )
    parser.add_argument(
        "--report-url-name", default="comment_report", help="URL name of reporting a comment"
    )
    parser.add_argument(
        "--env",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="extra environment for gunicorn, e.g. a rate-limit setting",
    )
    options = parser.parse_args(argv)
    if options.seconds <= 0 or options.seconds > 600:
        parser.error("--seconds must be between 0 and 600")
    return options


# --- the site under test -------------------------------------------------------------------------


@dataclass
class World:
    slug: str
    article_url: str
    post_url: str
    sessions: list[str]
    comment_ids: list[int]
    seed_count: int
    lock: threading.Lock = field(default_factory=threading.Lock)


def _prepare(user_count) -> World:
    from allauth.account.models import EmailAddress
    from django.conf import settings
    from django.contrib.auth import (
        BACKEND_SESSION_KEY,
        HASH_SESSION_KEY,
        SESSION_KEY,
        get_user_model,
    )
    from django.urls import reverse

    from articles.models import Article, Comment
    from articles.posting import services

    article, _ = Article.objects.get_or_create(
        slug=SLUG, defaults={"title": "Load test", "body": "Written by scripts/loadtest.py."}
    )
    User = get_user_model()
    users = []
    for number in range(1, user_count + 1):
        user = User.objects.filter(username=f"loadtest-{number}").first()
        if user is None:
            user = User.objects.create_user(f"loadtest-{number}", password=None)
            # Posting needs a verified address.
            EmailAddress.objects.create(
                user=user, email=f"loadtest-{number}@example.com", verified=True, primary=True
            )
        users.append(user)
    for number in range(article.comments.count(), SEED_COMMENTS):
        # Different texts: the same text twice from one author is refused as a duplicate.
        services.comment_post(
            article=article, parent=None, author=users[0], body=f"Seed comment {number + 1}"
        )
    store_class = import_module(settings.SESSION_ENGINE).SessionStore
    sessions = []
    for user in users:  # what logging in leaves in the session, without the login form's limits
        store = store_class()
        store[SESSION_KEY] = str(user.pk)
        store[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
        store[HASH_SESSION_KEY] = user.get_session_auth_hash()
        store.save(must_create=True)
        sessions.append(store.session_key)
    ids = list(Comment.objects.filter(article=article).values_list("pk", flat=True))
    return World(
        slug=SLUG,
        article_url=article.get_absolute_url(),
        post_url=reverse("comment_create", args=[SLUG]),
        sessions=sessions,
        comment_ids=ids,
        seed_count=len(ids),
    )


# --- the mix -------------------------------------------------------------------------------------


class Client:
    """One reader: a session, a CSRF token, and one connection kept open when the server allows."""

    def __init__(self, port, session_key, world, rng):
        from django.conf import settings

        self.port, self.world, self.rng = port, world, rng
        self.connection = HTTPConnection(HOST, port, timeout=15)
        self.cookies = {settings.SESSION_COOKIE_NAME: session_key}
        self.csrf_cookie_name = settings.CSRF_COOKIE_NAME
        self.token = ""

    def request(self, method, path, form=None):
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}
        body = None
        if form is not None:
            body = urlencode({**form, "csrfmiddlewaretoken": self.token})
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        try:
            self.connection.request(method, path, body=body, headers=headers)
            response = self.connection.getresponse()
            content = response.read()
        except OSError:
            self.connection.close()  # reconnect on the next request
            raise
        for header in response.headers.get_all("Set-Cookie") or []:
            name, _, rest = header.partition("=")
            if name == self.csrf_cookie_name:
                self.cookies[name] = rest.split(";", 1)[0]
        if token := CSRF_FIELD.search(content.decode(errors="replace")):
            self.token = token[1]
        return response.status, response.headers.get("Location", ""), content

    def random_comment(self):
        with self.world.lock:
            return self.rng.choice(self.world.comment_ids)


def _article(client):
    return client.request("GET", client.world.article_url)


def _home(client):
    return client.request("GET", "/")


def _permalink(client):
    return client.request("GET", f"/comments/{client.random_comment()}/")


def _post(client, parent):
    body = f"Load test {client.rng.random():.6f} **at depth** of parent {parent or 'none'}"
    return client.request("POST", client.world.post_url, {"parent": parent or "", "body": body})


def _reply(client):
    return _post(client, client.random_comment())


def _comment(client):
    return _post(client, None)


def _report_action(url_name):
    from django.urls import reverse

    def report(client):
        url = reverse(url_name, args=[client.random_comment()])
        return client.request("POST", url, {"reason": "spam", "note": "load test"})

    return report


WRITES = {"reply", "comment"}


def _mix(spec, report_url_name, world):
    """The actions with their weights; reports only when the site has a report URL."""
    from django.urls import NoReverseMatch, reverse

    actions = {
        "article": _article,
        "home": _home,
        "permalink": _permalink,
        "reply": _reply,
        "comment": _comment,
    }
    try:
        reverse(report_url_name, args=[world.comment_ids[0]])
        actions["report"] = _report_action(report_url_name)
    except NoReverseMatch:
        print(f"reports: left out (the site has no URL named {report_url_name!r})")
    mix = {}
    for item in spec.split(","):
        name, _, weight = item.partition("=")
        if name not in actions and name != "report":
            raise SystemExit(f"unknown action {name!r} in --mix (known: {', '.join(actions)})")
        if name in actions and float(weight or 1) > 0:
            mix[name] = (actions[name], float(weight or 1))
    return mix


def _describe(mix):
    total = sum(weight for _, weight in mix.values())
    return ", ".join(f"{name} {weight / total:.0%}" for name, (_, weight) in mix.items())


@dataclass
class Results:
    samples: list = field(default_factory=list)  # (action, status or None, seconds)
    errors: Counter = field(default_factory=Counter)
    posted: list = field(default_factory=list)
    elapsed: float = 0.0


def _run_clients(port, world, mix, options) -> Results:
    results = Results()
    lock = threading.Lock()
    names = list(mix)
    weights = [mix[name][1] for name in names]
    deadline = time.monotonic() + options.seconds
    sent = iter(range(options.max_requests))

    def client_loop(number):
        rng = random.Random(number)  # noqa: S311 - picks requests, guards nothing
        client = Client(port, world.sessions[number % len(world.sessions)], world, rng)
        try:
            client.request("GET", world.article_url)  # the CSRF cookie and token
        except OSError as error:
            with lock:
                results.errors[type(error).__name__] += 1
            return
        while time.monotonic() < deadline:
            with lock:
                if next(sent, None) is None:
                    return
            name = rng.choices(names, weights)[0]
            started = time.perf_counter()
            try:
                status, location, _ = mix[name][0](client)
            except OSError as error:
                with lock:
                    results.samples.append((name, None, time.perf_counter() - started))
                    results.errors[f"{name}: {type(error).__name__}"] += 1
                continue
            took = time.perf_counter() - started
            anchor = ANCHOR.search(location) if name in WRITES and status == 302 else None
            with lock:
                results.samples.append((name, status, took))
                if anchor:
                    results.posted.append(int(anchor[1]))
            if anchor:
                with world.lock:
                    world.comment_ids.append(int(anchor[1]))

    started = time.monotonic()
    threads = [threading.Thread(target=client_loop, args=(n,)) for n in range(options.clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=options.seconds + 60)
    results.elapsed = time.monotonic() - started
    return results


# --- the report ----------------------------------------------------------------------------------


def _percentile(values, fraction):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))] if ordered else 0.0


def _report(results, world, options) -> int:
    from django.core.management import call_command
    from django.core.management.base import CommandError

    from articles.models import Comment

    samples = results.samples
    statuses = Counter(status for _, status, _ in samples)
    server_errors = sum(n for status, n in statuses.items() if status and status >= 500)
    print(
        f"\n{len(samples)} requests in {results.elapsed:.1f} s: "
        f"{len(samples) / results.elapsed:.1f} requests/s"
    )
    latencies = [took for _, _, took in samples]
    print(
        f"latency: p50 {_percentile(latencies, 0.5) * 1000:.0f} ms, "
        f"p99 {_percentile(latencies, 0.99) * 1000:.0f} ms"
    )
    by_action = defaultdict(list)
    for name, status, took in samples:
        by_action[name].append((status, took))
    for name, rows in sorted(by_action.items()):
        codes = Counter(status for status, _ in rows)
        times = [took for _, took in rows]
        print(
            f"  {name:<10} {len(rows):>6}  p50 {_percentile(times, 0.5) * 1000:6.0f} ms  "
            f"p99 {_percentile(times, 0.99) * 1000:6.0f} ms  "
            + " ".join(f"{code or 'error'}x{n}" for code, n in sorted(codes.items(), key=str))
        )
    print(f"5xx responses: {server_errors}; connection errors: {sum(results.errors.values())}")
    for error, count in results.errors.items():
        print(f"  {error}: {count}")

    stored = set(
        Comment.objects.filter(article__slug=world.slug, pk__in=results.posted).values_list(
            "pk", flat=True
        )
    )
    lost = len(set(results.posted) - stored)
    print(f"writes: {len(results.posted)} acknowledged, {lost} missing from the database")
    try:
        call_command("check_comment_trees")
        trees_valid = True
    except CommandError as error:
        print(error, file=sys.stderr)
        trees_valid = False
    failed = server_errors or results.errors or lost or not trees_valid
    print("RESULT:", "FAILED" if failed else "ok (zero 5xx, zero lost writes, trees valid)")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
