"""The production image and the compose setup, read from their files (no Docker engine needed).

PyYAML is not among the pinned packages: ``read_yaml`` reads the block-style subset that
docker-compose.yml is written in (mappings, lists, flow lists, folded scalars)."""

import json
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
DEV_TOOLS = {"pytest", "pytest-django", "pytest-timeout", "playwright", "ruff", "greenlet"}


def read_yaml(text: str):
    lines = [
        line.rstrip()
        for line in text.splitlines()
        if line.strip() and not line.lstrip().startswith("#")
    ]
    value, rest = _block(lines, 0, 0)
    assert not rest, f"unread lines: {rest[:3]}"
    return value


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip(" "))


def _scalar(text: str):
    text = text.strip()
    if text.startswith("["):
        return json.loads(text)
    if len(text) >= 2 and text[0] == text[-1] and text[0] in "\"'":
        return text[1:-1]
    return text


def _block(lines, start, indent):
    """Read the block at ``indent`` from lines[start:]; return (value, lines left)."""
    lines = lines[start:]
    if lines and lines[0].lstrip().startswith("- "):
        items = []
        while lines and _indent(lines[0]) == indent and lines[0].lstrip().startswith("- "):
            items.append(_scalar(lines[0].lstrip()[2:]))
            lines = lines[1:]
            # A folded scalar as a list item continues on deeper lines.
            while lines and _indent(lines[0]) > indent:
                items[-1] = f"{items[-1]} {lines[0].strip()}".replace(">- ", "", 1)
                lines = lines[1:]
        return items, lines
    mapping = {}
    while lines and _indent(lines[0]) == indent:
        key, _, value = lines[0].strip().partition(":")
        lines = lines[1:]
        value = value.strip()
        if value in (">", ">-", "|"):
            folded = []
            while lines and _indent(lines[0]) > indent:
                folded.append(lines[0].strip())
                lines = lines[1:]
            mapping[key] = " ".join(folded)
        elif value:
            mapping[key] = _scalar(value)
        elif lines and _indent(lines[0]) > indent:
            mapping[key], lines = _block(lines, 0, _indent(lines[0]))
        else:
            mapping[key] = None
    return mapping, lines


@pytest.fixture(scope="module")
def compose():
    return read_yaml((ROOT / "docker-compose.yml").read_text())


@pytest.fixture(scope="module")
def dockerfile():
    # Comments left out, continuation lines joined: one instruction per line.
    text = (ROOT / "Dockerfile").read_text()
    code = "\n".join(line for line in text.splitlines() if not line.lstrip().startswith("#"))
    return code.replace("\\\n", " ")


def instructions(dockerfile, name):
    return [
        line.split(None, 1)[1]
        for line in dockerfile.splitlines()
        if line.strip().upper().startswith(name + " ")
    ]


def pinned(lock: Path) -> set[str]:
    """Package names a lock file installs, following its -r includes."""
    names = set()
    for line in lock.read_text().splitlines():
        line = line.split("#")[0].strip()
        if line.startswith("-r"):
            names |= pinned(lock.parent / line[2:].strip())
        elif line:
            names.add(re.split(r"[=<>\[; ]", line)[0].lower().replace("_", "-"))
    return names


def test_the_yaml_reader_reads_what_the_compose_file_uses():
    text = """
a:
  b: "x:1"
  c: ["CMD", "y"]
  d:
    - one
    - >-
      two
      three
  e: >
    folded
    text
"""
    assert read_yaml(text) == {
        "a": {"b": "x:1", "c": ["CMD", "y"], "d": ["one", "two three"], "e": "folded text"}
    }


def test_the_runtime_lock_holds_no_test_tools_and_the_dev_lock_adds_them():
    runtime = pinned(ROOT / "requirements.lock")
    development = pinned(ROOT / "requirements-dev.lock")
    assert {"django", "gunicorn", "psycopg"} <= runtime
    assert not runtime & DEV_TOOLS
    assert runtime | DEV_TOOLS <= development


def test_the_image_installs_only_the_runtime_packages(dockerfile):
    installs = [run for run in instructions(dockerfile, "RUN") if "pip install" in run]
    assert installs == ["pip install --no-cache-dir -r requirements.lock"]
    assert "requirements-dev" not in dockerfile
    assert not any(tool in run.split() for run in installs for tool in DEV_TOOLS)


def test_the_image_runs_as_an_unprivileged_user_in_production_mode(dockerfile):
    users = instructions(dockerfile, "USER")
    assert users and users[-1].strip() not in {"root", "0", "0:0"}
    # The user is made before it is used, and the server starts after the switch.
    assert dockerfile.index("useradd") < dockerfile.rindex("USER ")
    assert dockerfile.rindex("USER ") < dockerfile.rindex("CMD ")
    environment = " ".join(instructions(dockerfile, "ENV"))
    assert re.search(r"\bFORUM_MODE=production\b", environment)
    assert "SECRET_KEY" not in environment  # from the environment, never baked in
    assert "--no-control-socket" in instructions(dockerfile, "CMD")[-1]


def test_compose_serves_production_on_loopback_with_settings_from_dot_env(compose):
    web = compose["services"]["web"]
    assert web["environment"]["FORUM_MODE"] == "production"
    assert "SECRET_KEY" not in web["environment"]  # from .env, never written here
    assert web["env_file"] in (".env", [".env"], "./.env")
    assert web["environment"]["REDIS_URL"].startswith("redis://")
    assert "ports" not in web  # reached through the buffering proxy only
    for mapping in compose["services"]["proxy"]["ports"]:
        assert mapping.startswith("127.0.0.1:"), mapping
    assert "--no-control-socket" in web["command"]
    assert "exec gunicorn" in web["command"]  # gunicorn gets the stop signal, not sh


def test_compose_passwords_come_from_dot_env(compose):
    db = compose["services"]["db"]
    assert db["environment"]["POSTGRES_PASSWORD"].startswith("${POSTGRES_PASSWORD")
    assert "${POSTGRES_PASSWORD}" in compose["services"]["web"]["environment"]["DATABASE_URL"]


@pytest.mark.parametrize("service", ["db", "redis", "web", "proxy"])
def test_every_service_restarts_and_has_a_health_check_with_a_start_period(compose, service):
    config = compose["services"][service]
    assert config["restart"] in {"unless-stopped", "always", "on-failure"}
    healthcheck = config["healthcheck"]
    assert healthcheck["test"]
    assert re.fullmatch(r"\d+[sm]", healthcheck["start_period"])


def test_the_mail_worker_runs_with_the_sites_settings_once_it_is_migrated(compose):
    web, worker = compose["services"]["web"], compose["services"]["worker"]
    assert worker["command"] == "python manage.py db_worker"
    assert worker["env_file"] == web["env_file"]
    assert worker["environment"] == web["environment"]
    assert worker["restart"] in {"unless-stopped", "always", "on-failure"}
    # web migrates before it answers its health check.
    assert worker["depends_on"] == {"web": {"condition": "service_healthy"}}


def test_the_web_health_check_asks_as_the_tls_proxy_would(compose):
    # Production redirects plain HTTP and refuses unknown hosts: the check names an allowed
    # host and says the request came over HTTPS.
    check = " ".join(compose["services"]["web"]["healthcheck"]["test"])
    assert "/health/" in check
    assert "X-Forwarded-Proto': 'https'" in check
    assert "ALLOWED_HOSTS" in check


def test_the_env_example_names_what_compose_and_production_need():
    example = (ROOT / ".env.example").read_text()
    for name in (
        "SECRET_KEY",
        "POSTGRES_PASSWORD",
        "ALLOWED_HOSTS",
        "EMAIL_URL",
        "DEFAULT_FROM_EMAIL",
    ):
        assert re.search(rf"^{name}=", example, re.MULTILINE), name
    assert {".env", ".venv", ".venv-*"} <= set((ROOT / ".dockerignore").read_text().split())


def test_the_readme_says_how_to_start_and_make_an_admin_in_the_container():
    readme = (ROOT / "README.md").read_text()
    assert "cp .env.example .env" in readme
    assert "docker compose exec web python manage.py createsuperuser" in readme


def test_a_blank_secret_key_line_as_in_env_example_counts_as_unset():
    # A fresh copy of .env.example has "SECRET_KEY=": bin/serve still starts with the
    # development key, and production still refuses to start.
    from tests.forum.test_settings import load_settings

    database = "postgres://x@127.0.0.1/x"
    development = load_settings(
        show="len(settings.SECRET_KEY)", SECRET_KEY="", DATABASE_URL=database
    )
    assert development.returncode == 0, development.stderr
    assert int(development.stdout) >= 50
    production = load_settings(SECRET_KEY="", FORUM_MODE="production", DATABASE_URL=database)
    assert production.returncode != 0
    assert "Production mode needs a real SECRET_KEY" in production.stderr


def test_compose_migrates_once_before_web_starts(compose):
    # Issue 17, point 1: web starts never migrate; the one-shot migrate service does, locked.
    migrate = compose["services"]["migrate"]
    assert "manage.py migrate" in migrate["command"]
    assert "migrate" not in compose["services"]["web"]["command"]
    condition = compose["services"]["web"]["depends_on"]["migrate"]["condition"]
    assert condition == "service_completed_successfully"


def test_a_stock_nginx_buffers_requests_with_timeouts_in_front_of_gunicorn(compose):
    proxy = compose["services"]["proxy"]
    assert re.fullmatch(r"nginx:[\w.-]+", proxy["image"])
    assert "./deploy/nginx.conf:/etc/nginx/nginx.conf:ro" in proxy["volumes"]
    config = (ROOT / "deploy" / "nginx.conf").read_text()
    for directive in (
        "client_header_timeout 10s;",
        "client_body_timeout 10s;",
        "proxy_request_buffering on;",
        "server web:8000;",
    ):
        assert directive in config, directive
