"""Settings, read from the environment (and an optional ``.env`` file) with django-environ.

Two modes: ``FORUM_MODE=development`` (the default) runs on plain HTTP and accepts a built-in
secret; ``FORUM_MODE=production`` refuses to start without a real ``SECRET_KEY`` and turns on the
HTTPS-only protections.
"""

import ipaddress
import re
from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP

from forum.dbconfig import database_options
from forum.release import current_release

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env")

FORUM_MODE = env.str("FORUM_MODE", default="development")
if FORUM_MODE not in {"development", "production"}:
    raise ImproperlyConfigured("FORUM_MODE must be 'development' or 'production'.")
PRODUCTION = FORUM_MODE == "production"

_DEV_SECRET = "django-insecure-development-only-never-use-this-key-in-production-0123456789"  # noqa: S105 - refused in production
# An empty SECRET_KEY= (as in .env.example before it is filled in) counts as unset.
SECRET_KEY = env.str("SECRET_KEY", default="") or ("" if PRODUCTION else _DEV_SECRET)
if PRODUCTION and (len(SECRET_KEY) < 50 or SECRET_KEY.startswith("django-insecure")):
    raise ImproperlyConfigured(
        "Production mode needs a real SECRET_KEY (at least 50 random characters)."
    )

DEBUG = env.bool("DEBUG", default=False)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=[] if PRODUCTION else ["localhost", "127.0.0.1"])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    "mptt",
    "django_ratelimit",
    "allauth",
    "allauth.account",
    "django_tasks_db",
    "articles",
]

MIDDLEWARE = [
    # Outermost, so that latency and status counts include every other middleware's work.
    "forum.metrics.MetricsMiddleware",
    "forum.requestid.RequestIdMiddleware",
    "forum.dbrouter.ReadYourWritesMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    # Django's, with the user row read from the shared cache (ACCOUNT_CACHE_SECONDS).
    "articles.accounts.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Innermost, so their answers still pass through every middleware above (headers, cookies).
    # The UTF-8 check still runs before any view middleware (CSRF) reads the form.
    "forum.middleware.StrictUtf8FormsMiddleware",
    "forum.middleware.DatabaseUnavailableMiddleware",
]

ROOT_URLCONF = "forum.urls"
WSGI_APPLICATION = "forum.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "articles.notifications.context.bell",
            ],
        },
    },
]

if env.str("DATABASE_URL", default=""):
    DATABASES = {"default": env.db_url("DATABASE_URL")}
    if DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
        raise ImproperlyConfigured("DATABASE_URL must point at PostgreSQL (postgres://...).")
else:
    from forum.embedded_db import embedded_database

    # bin/serve and bin/test stop the embedded server they started (bin/stop: any time).
    _pgdata = Path(env.str("EMBEDDED_PGDATA", default=str(BASE_DIR / ".pgdata")))
    DATABASES = {"default": embedded_database(_pgdata)}
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
# Timeouts, prepared statements and cursors (forum/dbconfig.py). forum/wsgi.py marks web processes:
# only their statements are cut short.
DATABASE_POOLER = env.str("DATABASE_POOLER", default="none")
_db = database_options(
    pooler=DATABASE_POOLER,
    prepared_statements=env.bool("DATABASE_PREPARED_STATEMENTS", default=True),
    disable_server_side_cursors=env.bool("DISABLE_SERVER_SIDE_CURSORS", default=False),
    connect_timeout=env.int("DATABASE_CONNECT_TIMEOUT", default=3),
    statement_timeout_ms=env.int("DATABASE_STATEMENT_TIMEOUT_MS", default=5000),
    web=env.str("FORUM_PROCESS", default="command") == "web",
)
DATABASES["default"].setdefault("OPTIONS", {}).update(_db.pop("OPTIONS"))
DATABASES["default"].update(_db)
# Read replicas (forum/dbrouter.py): aliases replica1, replica2, ... configured like the primary;
# tests read them through the primary's test database.
READ_REPLICA_ALIASES = []
for _number, _url in enumerate(env.list("DATABASE_REPLICA_URLS", default=[]), start=1):
    _replica = env.db_url_config(_url)
    _replica.update({key: value for key, value in DATABASES["default"].items()
                     if key in {"ENGINE", "OPTIONS", "CONN_MAX_AGE", "CONN_HEALTH_CHECKS",
                                "DISABLE_SERVER_SIDE_CURSORS"}})  # fmt: skip
    _replica["TEST"] = {"MIRROR": "default"}
    DATABASES[f"replica{_number}"] = _replica
    READ_REPLICA_ALIASES.append(f"replica{_number}")
DATABASE_ROUTERS = ["forum.dbrouter.ReplicaRouter"]
READ_YOUR_WRITES_SECONDS = env.int("READ_YOUR_WRITES_SECONDS", default=10)

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Redis is an accelerator (forum/cache.py): its failures are caught, and short socket timeouts
# keep a hung Redis from holding requests.
_REDIS_TIMEOUT = env.float("REDIS_TIMEOUT", default=0.5)
if env.str("REDIS_URL", default=""):
    CACHES = {
        alias: {
            "BACKEND": backend,
            "LOCATION": env("REDIS_URL"),
            "OPTIONS": {"socket_timeout": _REDIS_TIMEOUT, "socket_connect_timeout": _REDIS_TIMEOUT},
        }
        for alias, backend in (
            ("default", "forum.cache.ResilientRedisCache"),
            ("ratelimit", "forum.cache.RateLimitCache"),
        )
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# Sites (or a benchmark's throwaway copy) sharing one Redis keep apart by prefix.
for _cache in CACHES.values():
    _cache["KEY_PREFIX"] = env.str("CACHE_KEY_PREFIX", default="")
# Cached pages of two releases never mix during a rolling deploy (threads/cache.py keys).
RELEASE = env.str("RELEASE", default="") or current_release(BASE_DIR)

# Rate limits count in the cache: without Redis each process counts alone, which django-ratelimit
# reports as an error; a single-machine try-out accepts that.
RATELIMIT_USE_CACHE = "ratelimit" if "ratelimit" in CACHES else "default"
# While Redis is down: "deny" answers rate-limited requests (posting, login) 503 with Retry-After,
# "allow" lets them through uncounted. Reads are never rate-limited.
RATELIMIT_ON_CACHE_ERROR = env.str("RATELIMIT_ON_CACHE_ERROR", default="deny")
if RATELIMIT_ON_CACHE_ERROR not in {"deny", "allow"}:
    raise ImproperlyConfigured("RATELIMIT_ON_CACHE_ERROR must be 'deny' or 'allow'.")
# Production insists on a shared cache (the check fails without REDIS_URL): with one counter per
# gunicorn worker, a login limit of 10 would really be 10 per worker.
if not PRODUCTION and not env.str("REDIS_URL", default=""):
    SILENCED_SYSTEM_CHECKS = ["django_ratelimit.E003", "django_ratelimit.W001"]
elif env.str("REDIS_URL", default=""):
    # django-ratelimit lists only django-redis; Django's own RedisCache has the atomic add and
    # incr (Redis SET NX and INCR) it needs.
    SILENCED_SYSTEM_CHECKS = ["django_ratelimit.W001"]
# Behind a proxy every client shares its address: name the header (as a META key, e.g.
# HTTP_X_REAL_IP or HTTP_X_FORWARDED_FOR) in which the proxy passes the client's own address.
# forum.clientip reads it (falling back to REMOTE_ADDR when it is missing or not an address);
# in a list it takes the entry RATELIMIT_TRUSTED_PROXIES hops from the right.
CLIENT_IP_META_KEY = env.str("RATELIMIT_IP_META_KEY", default="")
RATELIMIT_TRUSTED_PROXIES = env.int("RATELIMIT_TRUSTED_PROXIES", default=1)
if RATELIMIT_TRUSTED_PROXIES < 1:
    raise ImproperlyConfigured("RATELIMIT_TRUSTED_PROXIES must be at least 1.")
RATELIMIT_IP_META_KEY = "forum.clientip.client_ip"
LOGIN_RATE_PER_IP = env.str("LOGIN_RATE_PER_IP", default="30/15m")
LOGIN_RATE_PER_ACCOUNT = env.str("LOGIN_RATE_PER_ACCOUNT", default="10/15m")

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
# Sessions that know their user, so deactivating an account ends every one of its sessions.
SESSION_ENGINE = "articles.accounts.sessions"
# How long a signed-in reader's session and user row are kept in Redis, so that a request reads
# neither from PostgreSQL (articles/accounts/sessions.py, middleware.py). 0 (the default without
# Redis): read every time; a copy in one process's memory could not be dropped by another.
ACCOUNT_CACHE_SECONDS = env.int(
    "ACCOUNT_CACHE_SECONDS", default=300 if env.str("REDIS_URL", default="") else 0
)
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "home"

# Accounts (README "Accounts"): django-allauth, by username or e-mail address; an address is
# verified by a mailed link before its account may post (checked when posting).
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
ACCOUNT_ADAPTER = "articles.accounts.adapter.AccountAdapter"
ACCOUNT_FORMS = {
    "login": "articles.accounts.forms.LoginForm",
    "signup": "articles.accounts.forms.SignupForm",
}
ACCOUNT_LOGIN_METHODS = {"username", "email"}
ACCOUNT_SIGNUP_FIELDS = ["username*", "email*", "password1*", "password2*"]
ACCOUNT_EMAIL_VERIFICATION = "optional"
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_CHANGE_EMAIL = True  # a new address replaces the old one once it is verified
ACCOUNT_CONFIRM_EMAIL_ON_GET = False  # a mail scanner following the link confirms nothing
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_EMAIL_NOTIFICATIONS = True  # password and address changes are told to the owner
ACCOUNT_PREVENT_ENUMERATION = True
ACCOUNT_SESSION_REMEMBER = True
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[The Forum] "
ACCOUNT_USERNAME_MIN_LENGTH = 2
# Names nobody may take (compared after NFKC normalisation and casefolding, look-alikes too).
ACCOUNT_USERNAME_BLACKLIST = env.list(
    "RESERVED_USERNAMES",
    default=[
        "admin",
        "administrator",
        "moderator",
        "moderators",
        "mod",
        "staff",
        "root",
        "system",
        "support",
        "forum",
        "theforum",
        "the-forum",
        "the_forum",
        "anonymous",
        "deleted",
    ],
)
# allauth's limits (count/period/what: ip, key = the address or name typed, user), on top of the
# forum's own per-address and per-account login limits below.
ACCOUNT_RATE_LIMITS = {
    "signup": env.str("SIGNUP_RATE", default="10/h/ip"),
    "login": env.str("LOGIN_RATE", default="30/m/ip"),
    "login_failed": env.str("LOGIN_FAILED_RATE", default="10/m/ip,5/5m/key"),
    "reset_password": env.str("PASSWORD_RESET_RATE", default="5/h/ip,3/h/key"),
    "reset_password_from_key": env.str("PASSWORD_RESET_FROM_KEY_RATE", default="20/h/ip"),
    "change_password": env.str("PASSWORD_CHANGE_RATE", default="5/h/user"),
    "manage_email": env.str("MANAGE_EMAIL_RATE", default="10/h/user"),
    "confirm_email": env.str("VERIFICATION_MAIL_RATE", default="1/3m/key"),
}
# allauth reads the client's address as the forum's limits do (the adapter's get_client_ip:
# forum.clientip, behind a proxy the header RATELIMIT_IP_META_KEY names).

# Mail: printed to the console in development; EMAIL_URL (smtp+tls://user:pass@host:587,
# or any backend django-environ knows) in production, which refuses to start without it.
# Mail is sent by the worker (`manage.py db_worker`), never inside a request's transaction.
# Django 6.1's MAILERS, not the EMAIL_* settings it deprecates.
_EMAIL_OPTIONS = {
    "EMAIL_HOST": "host",
    "EMAIL_PORT": "port",
    "EMAIL_HOST_USER": "username",
    "EMAIL_HOST_PASSWORD": "password",
    "EMAIL_USE_TLS": "use_tls",
    "EMAIL_USE_SSL": "use_ssl",
}
if env.str("EMAIL_URL", default=""):
    _email = env.email_url("EMAIL_URL")
    _options = {option: _email[name] for name, option in _EMAIL_OPTIONS.items() if name in _email}
    if _email["EMAIL_BACKEND"].endswith("smtp.EmailBackend"):
        _options["timeout"] = env.int("EMAIL_TIMEOUT", default=20)
    MAILERS = {"default": {"BACKEND": _email["EMAIL_BACKEND"], "OPTIONS": _options}}
elif PRODUCTION:
    raise ImproperlyConfigured(
        "Production mode needs EMAIL_URL (e.g. smtp+tls://user:pass@host:587)."
    )
else:
    MAILERS = {"default": {"BACKEND": "django.core.mail.backends.console.EmailBackend"}}
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="" if PRODUCTION else "forum@localhost")
if PRODUCTION and not DEFAULT_FROM_EMAIL:
    raise ImproperlyConfigured("Production mode needs DEFAULT_FROM_EMAIL (the sender of its mail).")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# Failed sends are tried again this many times, waiting longer each time.
EMAIL_SEND_ATTEMPTS = env.int("EMAIL_SEND_ATTEMPTS", default=5)

# Background work (django.tasks): queued in the database, run by `manage.py db_worker`.
# TASKS_IMMEDIATE=true runs each task at once in the process that queues it (the tests do).
TASKS = {
    "default": {
        "BACKEND": (
            "django.tasks.backends.immediate.ImmediateBackend"
            if env.bool("TASKS_IMMEDIATE", default=False)
            else "django_tasks_db.DatabaseBackend"
        )
    }
}

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = BASE_DIR / "staticfiles"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if env.bool("STATIC_MANIFEST", default=not DEBUG)
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}

# Forum behaviour.
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000").rstrip("/")
COMMENT_MAX_LENGTH = env.int("COMMENT_MAX_LENGTH", default=10_000)
COMMENT_TITLE_MAX_LENGTH = 200
# Huge threads (README "Big threads"): top-level threads per page, the depth past which a
# "continue this thread" link replaces deeper replies, and how long a rendered thread page is
# cached. The cache must be shared by all processes, so it is off unless Redis is configured.
THREAD_PAGE_SIZE = env.int("THREAD_PAGE_SIZE", default=50)
THREAD_MAX_DEPTH = env.int("THREAD_MAX_DEPTH", default=10)
THREAD_CACHE_SECONDS = env.int(
    "THREAD_CACHE_SECONDS", default=600 if env.str("REDIS_URL", default="") else 0
)
# The newsroom (README "The newsroom"): days after publication an article's comments close by
# themselves (unset: never), and articles per page of the front page, topic pages and feed.
COMMENTS_CLOSE_AFTER_DAYS = env.int("COMMENTS_CLOSE_AFTER_DAYS", default=None)
FRONT_PAGE_SIZE = env.int("FRONT_PAGE_SIZE", default=20)
# Search (README "Search"): the PostgreSQL text search configuration of the stored vectors.
# Migrations store it in the database (the function articles_search_config()); after changing
# it run `manage.py search_reindex`, which stores the new one and recomputes every vector.
SEARCH_CONFIG = env.str("SEARCH_CONFIG", default="english")
if not re.fullmatch(r"[a-z_][a-z0-9_]*(\.[a-z_][a-z0-9_]*)?", SEARCH_CONFIG):
    raise ImproperlyConfigured("SEARCH_CONFIG must name a text search configuration (english).")
# Searches per client address: a read, but each one ranks every match.
SEARCH_RATE_PER_IP = env.str("SEARCH_RATE_PER_IP", default="60/m")
if THREAD_PAGE_SIZE < 1 or THREAD_MAX_DEPTH < 2:
    raise ImproperlyConfigured("THREAD_PAGE_SIZE must be at least 1, THREAD_MAX_DEPTH at least 2.")

# Moderation and anti-abuse (README, "Moderation").
COMMENT_EDIT_WINDOW_MINUTES = env.int("COMMENT_EDIT_WINDOW_MINUTES", default=15)
COMMENT_DUPLICATE_WINDOW_MINUTES = env.int("COMMENT_DUPLICATE_WINDOW_MINUTES", default=10)
# django-ratelimit rates: "count/period", period s, m, h or d with an optional multiplier (10/5m).
COMMENT_RATE_PER_USER = env.str("COMMENT_RATE_PER_USER", default="5/m")
COMMENT_RATE_PER_IP = env.str("COMMENT_RATE_PER_IP", default="20/m")
# Reports per account and per address; only reports from accounts in good standing (older than
# REPORT_MIN_ACCOUNT_AGE days, with a visible comment, not sanctioned, not marked unreliable by a
# moderator) count towards MODERATION_AUTO_HIDE_REPORTS.
REPORT_RATE = env.str("REPORT_RATE", default="10/h")
REPORT_RATE_PER_IP = env.str("REPORT_RATE_PER_IP", default="30/h")
REPORT_MIN_ACCOUNT_AGE = env.int("REPORT_MIN_ACCOUNT_AGE", default=3)
# Live previews while typing: generous, since each is a keystroke pause, but bounded.
COMMENT_PREVIEW_RATE = env.str("COMMENT_PREVIEW_RATE", default="60/m")
# comments.json per client address: integrations poll it; a crawler must not tie up workers.
COMMENTS_JSON_RATE = env.str("COMMENTS_JSON_RATE", default="60/m")
# Votes on comments (README "Votes and ranking"): rate-limited like posting, more generously.
COMMENT_VOTE_RATE_PER_USER = env.str("COMMENT_VOTE_RATE_PER_USER", default="30/m")
COMMENT_VOTE_RATE_PER_IP = env.str("COMMENT_VOTE_RATE_PER_IP", default="120/m")
# Following and muting (README "Notifications").
WATCH_RATE_PER_USER = env.str("WATCH_RATE_PER_USER", default="60/m")
COMMENT_DOWNVOTES = env.bool("COMMENT_DOWNVOTES", default=True)
COMMENT_SHOW_SCORES = env.bool("COMMENT_SHOW_SCORES", default=True)
COMMENT_COLLAPSE_BELOW = env.int("COMMENT_COLLAPSE_BELOW", default=-4)
for _name, _rate in (
    ("COMMENT_RATE_PER_USER", COMMENT_RATE_PER_USER),
    ("COMMENT_RATE_PER_IP", COMMENT_RATE_PER_IP),
    ("REPORT_RATE", REPORT_RATE),
    ("REPORT_RATE_PER_IP", REPORT_RATE_PER_IP),
    ("COMMENT_PREVIEW_RATE", COMMENT_PREVIEW_RATE),
    ("COMMENTS_JSON_RATE", COMMENTS_JSON_RATE),
    ("COMMENT_VOTE_RATE_PER_USER", COMMENT_VOTE_RATE_PER_USER),
    ("COMMENT_VOTE_RATE_PER_IP", COMMENT_VOTE_RATE_PER_IP),
    ("WATCH_RATE_PER_USER", WATCH_RATE_PER_USER),
):
    if not re.fullmatch(r"[1-9]\d*/\d*[smhd]", _rate):
        raise ImproperlyConfigured(f"{_name} must look like 5/m or 30/10m, not {_rate!r}.")
MODERATION_AUTO_HIDE_REPORTS = env.int("MODERATION_AUTO_HIDE_REPORTS", default=3)
MODERATION_HOLD_FIRST_COMMENTS = env.int("MODERATION_HOLD_FIRST_COMMENTS", default=0)
MODERATION_BLOCKED_WORDS = env.list("MODERATION_BLOCKED_WORDS", default=[])
MODERATION_WATCHED_WORDS = env.list("MODERATION_WATCHED_WORDS", default=[])

# Request limits: the largest legitimate form is a comment of COMMENT_MAX_LENGTH characters,
# which is at most 12 bytes each once percent-encoded. Nothing on the site takes files.
DATA_UPLOAD_MAX_MEMORY_SIZE = env.int("DATA_UPLOAD_MAX_MEMORY_SIZE", default=256 * 1024)
DATA_UPLOAD_MAX_NUMBER_FIELDS = 200
DATA_UPLOAD_MAX_NUMBER_FILES = 0

# The only script is static/js/forum.js and there are no inline styles or event handlers, so
# the policy needs no 'unsafe-inline' anywhere. Comments cannot embed images (markdown.py).
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.NONE],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
}
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if PRODUCTION:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31_536_000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# /metrics (forum/metrics.py): open to these addresses or networks, or to a bearer token.
METRICS_ALLOWED_IPS = env.list("METRICS_ALLOWED_IPS", default=["127.0.0.1", "::1"])
METRICS_ALLOWED_NETWORKS = [ipaddress.ip_network(ip, strict=False) for ip in METRICS_ALLOWED_IPS]
METRICS_TOKEN = env.str("METRICS_TOKEN", default="")

# LOG_FORMAT=json: one JSON object a line, with the request id (forum/logcontext.py).
LOG_FORMAT = env.str("LOG_FORMAT", default="text")
if LOG_FORMAT not in {"text", "json"}:
    raise ImproperlyConfigured("LOG_FORMAT must be 'text' or 'json'.")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "request_context": {"()": "forum.logcontext.RequestContextFilter"},
        "request_id": {"()": "forum.requestid.RequestIdFilter"},
    },
    "formatters": {
        "context": {
            "format": "%(asctime)s %(levelname)s %(name)s: %(message)s%(request_context)s",
        },
        "json": {"()": "forum.requestid.JsonFormatter"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "filters": ["request_context", "request_id"],
            "formatter": "json" if LOG_FORMAT == "json" else "context",
        }
    },
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
}
