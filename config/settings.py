"""Settings for Category Workbench, read from the environment.

With no DATABASE_URL the app runs on an SQLite file under var/, so a new user needs no server;
production sets DATABASE_URL=postgres://... (psycopg 3).
"""

import json
import os
import secrets
from datetime import timedelta
from pathlib import Path
from urllib.parse import unquote, urlsplit

import dj_database_url
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("WORKBENCH_VAR_DIR", BASE_DIR / "var"))


def env_flag(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    if value.lower() in {"1", "true", "yes", "on"}:
        return True
    if value.lower() in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name}={value!r} is not a yes/no value (use 1 or 0)")


def env_positive_number(name: str, default: int) -> int:
    value = os.environ.get(name, "").strip()
    if value == "":
        return default
    if not value.isdigit() or int(value) == 0:
        raise ImproperlyConfigured(f"{name}={value!r} is not a whole number above zero")
    return int(value)


def env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def env_json_object(name: str) -> dict:
    value = os.environ.get(name, "").strip()
    if not value:
        return {}
    try:
        parsed = json.loads(value)
    except ValueError as error:
        raise ImproperlyConfigured(f"{name} is not JSON: {error}") from None
    if not isinstance(parsed, dict):
        raise ImproperlyConfigured(f"{name} is not a JSON object ({{...}})")
    return parsed


def local_secret_key() -> str:
    """A random key kept in var/ so local sessions survive restarts; production sets SECRET_KEY."""
    key_file = VAR_DIR / "secret_key"
    if not key_file.exists():
        VAR_DIR.mkdir(parents=True, exist_ok=True)
        key_file.write_text(secrets.token_urlsafe(50))
        key_file.chmod(0o600)
    return key_file.read_text().strip()


DEBUG = env_flag("DEBUG", False)
SECRET_KEY = os.environ.get("SECRET_KEY") or local_secret_key()
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost,[::1]")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", "")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.forms",
    "django_htmx",
    "template_partials",
    "workbench",
    "categories",
    "spend",
    "plans",
    "suppliers",
    "stakeholders",
    "portfolio",
    "audit",
    "opportunities",
    "django_tasks",
    "django_tasks_db",
    "axes",
    "inbox",
    "simple_history",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Pages compressed. Below WhiteNoise, which answers static files itself (already gzip'd
    # by collectstatic), and above everything that writes the body, so the finished page is
    # compressed. Django's own (4.2+) pads the gzip header with up to 100 random bytes
    # ("Heal The Breach") and masks the CSRF token on every response, against BREACH.
    "django.middleware.gzip.GZipMiddleware",
    # Before anything reads the database (the session first): where this request reads.
    "workbench.db_router.ReadYourWritesMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "workbench.middleware.PrivatePagesMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # Names the person behind every save a page makes in the records' history.
    "simple_history.middleware.HistoryRequestMiddleware",
    # After authentication: events recorded anywhere in a request know who and from where.
    "audit.middleware.AuditMiddleware",
    # Last, as django-axes asks: it turns a refused login into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"
ASGI_APPLICATION = "config.asgi.application"

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
                "workbench.context_processors.navigation",
            ],
        },
    },
]
FORM_RENDERER = "workbench.forms.WorkbenchFormRenderer"

# --- Database -------------------------------------------------------------------------------
SQLITE_PATH = VAR_DIR / "workbench.sqlite3"
DATABASE_URL = os.environ.get("DATABASE_URL", "").strip()
if DATABASE_URL:
    try:
        default_database = dj_database_url.parse(DATABASE_URL, conn_max_age=60)
    except ValueError as error:
        raise ImproperlyConfigured(f"DATABASE_URL is not a usable database URL: {error}") from None
    if not default_database["ENGINE"].endswith(("postgresql", "sqlite3")):
        raise ImproperlyConfigured(
            f"DATABASE_URL names {default_database['ENGINE']}; use postgres://... or sqlite:///..."
        )
    if default_database["ENGINE"].endswith("postgresql"):
        default_database.setdefault("OPTIONS", {})["connect_timeout"] = 5
else:
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    default_database = {"ENGINE": "django.db.backends.sqlite3", "NAME": SQLITE_PATH}
if default_database["ENGINE"].endswith("sqlite3"):
    # WAL lets the pages read while an import writes; IMMEDIATE avoids "database is locked"
    # surprises when two writers start a transaction at once.
    default_database["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
DATABASES = {"default": default_database}
# Read scaling: a PostgreSQL streaming replica of DATABASE_URL answers the pages' reads; writes,
# and the reads that follow a person's write, stay on the primary (workbench/db_router.py).
DATABASE_REPLICA_URL = os.environ.get("DATABASE_REPLICA_URL", "").strip()
if DATABASE_REPLICA_URL:
    try:
        # A kept connection is checked before each request uses it, so a replica that went
        # away is noticed and its readers sent to the primary (workbench/db_router.py).
        replica_database = dj_database_url.parse(
            DATABASE_REPLICA_URL, conn_max_age=60, conn_health_checks=True
        )
    except ValueError as error:
        raise ImproperlyConfigured(
            f"DATABASE_REPLICA_URL is not a usable database URL: {error}"
        ) from None
    if not (
        default_database["ENGINE"].endswith("postgresql")
        and replica_database["ENGINE"].endswith("postgresql")
    ):
        raise ImproperlyConfigured(
            "DATABASE_REPLICA_URL names a streaming replica of PostgreSQL: set both it and "
            "DATABASE_URL to postgres://..."
        )
    replica_database.setdefault("OPTIONS", {})["connect_timeout"] = 5
    # Tests run on the primary's test database alone: the replica alias reads that one.
    replica_database["TEST"] = {"MIRROR": "default"}
    DATABASES["replica"] = replica_database
    DATABASE_ROUTERS = ["workbench.db_router.PrimaryReplicaRouter"]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Auth -----------------------------------------------------------------------------------
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# django-axes first: it refuses a locked-out login before any password is checked.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Guessing: after LOGIN_FAILURE_LIMIT wrong passwords for one user name, or from one address,
# logging in is refused for LOGIN_LOCKOUT_MINUTES (each further try starts the wait again);
# an administrator lifts it sooner by deleting the access attempt in /admin/axes/.
AXES_FAILURE_LIMIT = env_positive_number("LOGIN_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = timedelta(minutes=env_positive_number("LOGIN_LOCKOUT_MINUTES", 30))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "workbench.lockout.lockout_page"

# A working day of inactivity ends the session; activity renews it (workbench/sessions.py).
SESSION_ENGINE = "workbench.sessions"
SESSION_COOKIE_AGE = env_positive_number("SESSION_HOURS", 9) * 60 * 60

# --- Language, time, money ------------------------------------------------------------------
LANGUAGE_CODE = "en-gb"
TIME_ZONE = os.environ.get("TIME_ZONE", "Europe/London")
USE_I18N = True
USE_TZ = True
# Off: with it on, every {{ id }} in a form or URL renders as "1,234". Figures group their
# thousands on purpose, through the money filter or floatformat:"0g".
USE_THOUSAND_SEPARATOR = False
BASE_CURRENCY = os.environ.get("BASE_CURRENCY", "GBP").upper()

# --- Cache of derived figures (workbench.figures) ----------------------------------------------
# Every figure is filed under its data version, so a cache need not be shared to be right: by
# default each process keeps its own in memory (no server to run; under gunicorn each worker
# warms its own). REDIS_URL (or CACHE_URL=redis://...) shares one cache between every process
# and machine. Not the database cache: a figure read from a table costs a query as the
# summary's own aggregate nearly does.
CACHE_URL = os.environ.get("REDIS_URL", "").strip() or os.environ.get("CACHE_URL", "").strip()
if CACHE_URL and not CACHE_URL.startswith(("redis://", "rediss://", "unix://")):
    raise ImproperlyConfigured("CACHE_URL is not redis://host:port/db (or rediss://, unix://)")
CACHES = {
    "default": (
        {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": CACHE_URL}
        if CACHE_URL
        else {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "figures",
            "OPTIONS": {"MAX_ENTRIES": 5000},
        }
    ),
    # Charts' HTML (workbench.charts.cached_chart), tens of KB each: kept apart, so that a
    # walk through many cube slices cannot crowd the figures out, and capped lower (about
    # 1,000 x 20 KB a process without Redis).
    "charts": (
        {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": CACHE_URL,
            "KEY_PREFIX": "charts",
        }
        if CACHE_URL
        else {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "charts",
            "OPTIONS": {"MAX_ENTRIES": 1000},
        }
    ),
    # A person's most visited pages, whole (workbench.page_cache), filed under the database's
    # log position. Always this process's memory: one person's pages are not worth a shared
    # server's, and a deploy's new templates must not meet pages rendered by the old ones.
    "pages": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "pages",
        "OPTIONS": {"MAX_ENTRIES": 500},
    },
}
# Off (PAGE_CACHE=0): every page is rendered for every request, as on SQLite.
PAGE_CACHE = env_flag("PAGE_CACHE", True)

# --- Background work (imports): a database queue, run by `manage.py db_worker` ---------------
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
# Uploaded files wait for their import in the storage "imports" (STORAGES below): the folder
# IMPORTS_DIR on one machine; a storage every app server and worker shares on several.
IMPORTS_DIR = Path(os.environ.get("IMPORTS_DIR") or VAR_DIR / "imports")

# --- Email (inbox/): the console by default, so `make run` needs no mail server; SMTP when ----
# EMAIL_URL (smtp://user:password@host:25, submission://...:587 for STARTTLS, smtps://...:465)
# or EMAIL_HOST is given. Messages go out from the task worker, never from a request.
EMAIL_URL = os.environ.get("EMAIL_URL", "").strip()
EMAIL_HOST = os.environ.get("EMAIL_HOST", "").strip()
EMAIL_PORT = env_positive_number("EMAIL_PORT", 25)
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_flag("EMAIL_USE_TLS", False)
EMAIL_USE_SSL = env_flag("EMAIL_USE_SSL", False)
if EMAIL_URL:
    _email = urlsplit(EMAIL_URL)
    _ports = {"smtp": 25, "submission": 587, "smtps": 465}
    if _email.scheme not in _ports or not _email.hostname:
        # Not echoed: the address may hold the mail server's password.
        raise ImproperlyConfigured(
            "EMAIL_URL is not smtp://host:port, submission://host:port or smtps://host:port"
        )
    EMAIL_HOST, EMAIL_PORT = _email.hostname, _email.port or _ports[_email.scheme]
    EMAIL_HOST_USER = unquote(_email.username or "")
    EMAIL_HOST_PASSWORD = unquote(_email.password or "")
    EMAIL_USE_TLS, EMAIL_USE_SSL = _email.scheme == "submission", _email.scheme == "smtps"
if EMAIL_USE_TLS and EMAIL_USE_SSL:
    raise ImproperlyConfigured("EMAIL_USE_TLS and EMAIL_USE_SSL exclude each other: set one")
EMAIL_BACKEND = (
    "django.core.mail.backends.smtp.EmailBackend"
    if EMAIL_HOST
    else "django.core.mail.backends.console.EmailBackend"
)
EMAIL_TIMEOUT = 10
DEFAULT_FROM_EMAIL = os.environ.get(
    "DEFAULT_FROM_EMAIL", "Category Workbench <workbench@localhost>"
)
# Links in emails are absolute: the address people reach the workbench at.
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000").rstrip("/")

# --- Static files (whitenoise; htmx and plotly.js are vendored by `make install`) ------------
STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = VAR_DIR / "staticfiles"
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
# `make run` serves static files from their source folders; `make serve` collects them first
# (compressed) and says so with STATIC_FILES_COLLECTED=1, so whitenoise serves the gzip files.
WHITENOISE_USE_FINDERS = not env_flag("STATIC_FILES_COLLECTED", False)
WHITENOISE_AUTOREFRESH = DEBUG
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
    # Any Django storage by its dotted path (IMPORTS_STORAGE), with its options as JSON
    # (IMPORTS_STORAGE_OPTIONS), e.g. django-storages' storages.backends.s3.S3Storage and
    # {"bucket_name": "workbench-imports"}.
    "imports": {
        "BACKEND": os.environ.get("IMPORTS_STORAGE", "").strip()
        or "spend.importing.files.ImportsDirectoryStorage",
        "OPTIONS": env_json_object("IMPORTS_STORAGE_OPTIONS"),
    },
}

# --- Security headers -----------------------------------------------------------------------
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
# Behind HTTPS in production: HTTPS=1 turns on secure cookies, HSTS and the redirect.
HTTPS = env_flag("HTTPS", False)
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SECURE_SSL_REDIRECT = HTTPS
SECURE_HSTS_SECONDS = 31536000 if HTTPS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
if HTTPS:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# No inline script runs: charts are drawn by static/js/charts.js from inert JSON, and behaviour
# hangs on data- attributes. Styles keep 'unsafe-inline' because plotly.js writes <style>
# elements and style attributes as it draws (and htmx 2's indicator styles are in our CSS).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF, "'unsafe-inline'"],
        "img-src": [SELF, "data:"],
        "object-src": [NONE],
        "base-uri": [SELF],
        "frame-ancestors": [NONE],
        "form-action": [SELF],
    }
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}
