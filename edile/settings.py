"""Édile's one settings module, read from the environment.

Every value a deployment may change is an environment variable listed in `.env.example`.
A bad value stops start-up with a message that says which variable and why.
"""

from __future__ import annotations

import base64
import os
import re
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent
PROJECT_DIR = BASE_DIR.parent


def _read_dotenv(path: Path) -> None:
    """Load KEY=VALUE lines from `.env` without overriding the real environment."""
    if not path.is_file():
        return
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if not line or line.startswith("#") or "=" not in line:
            continue
        key, _sep, value = line.partition("=")
        os.environ.setdefault(key.strip(), value.strip().strip("'\""))


# EDILE_ENV_FILE points elsewhere (tests, several instances on one machine).
_read_dotenv(Path(os.environ.get("EDILE_ENV_FILE") or PROJECT_DIR / ".env"))
VAR_DIR = Path(os.environ.get("EDILE_VAR_DIR", PROJECT_DIR / "var"))


def _env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    value = raw.strip().lower()
    if value in {"1", "true", "yes", "on"}:
        return True
    if value in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name}={raw!r} is not a boolean: use true or false.")


def _env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    try:
        return int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name}={raw!r} is not a whole number.") from None


def _env_list(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


TESTING = _env_bool("EDILE_TESTING", False)
DEBUG = _env_bool("DEBUG", False)

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if DEBUG or TESTING:
        SECRET_KEY = "insecure-development-key-do-not-use-in-production-0123456789abcdef"  # noqa: S105
    else:
        raise ImproperlyConfigured(
            "SECRET_KEY is not set. Set it to a long random string (see .env.example), "
            "or set DEBUG=true for local development."
        )
elif len(SECRET_KEY) < 50 and not (DEBUG or TESTING):
    raise ImproperlyConfigured("SECRET_KEY is too short: use at least 50 random characters.")

ALLOWED_HOSTS = _env_list(
    "ALLOWED_HOSTS", ["127.0.0.1", "localhost", "testserver"] if DEBUG or TESTING else []
)
if not ALLOWED_HOSTS:
    raise ImproperlyConfigured("ALLOWED_HOSTS is empty: list the host names Édile answers to.")
CSRF_TRUSTED_ORIGINS = _env_list("CSRF_TRUSTED_ORIGINS", [])
# The public address of the site, for links in e-mails (which have no request to build them from).
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000").rstrip("/")
if not SITE_URL.startswith(("http://", "https://")):
    raise ImproperlyConfigured(f"SITE_URL={SITE_URL!r} must start with https:// (or http://).")

# Key for the fields encrypted at rest (victims' contact details). A Fernet key: 32 url-safe
# base64-encoded bytes. Development and tests derive one from SECRET_KEY.
# Key rotation: FIELD_ENCRYPTION_KEYS lists several keys, comma-separated, newest first; new
# values are encrypted with the first, old ones are still read with any of them.
FIELD_ENCRYPTION_KEYS = _env_list("FIELD_ENCRYPTION_KEYS", [])
FIELD_ENCRYPTION_KEY = os.environ.get("FIELD_ENCRYPTION_KEY", "")
if not FIELD_ENCRYPTION_KEYS and FIELD_ENCRYPTION_KEY:
    FIELD_ENCRYPTION_KEYS = [FIELD_ENCRYPTION_KEY]
if not FIELD_ENCRYPTION_KEYS and not (DEBUG or TESTING):
    raise ImproperlyConfigured(
        "FIELD_ENCRYPTION_KEY is not set (nor FIELD_ENCRYPTION_KEYS). Generate one with "
        '`python -c "from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())"`.'
    )
for _key in FIELD_ENCRYPTION_KEYS:
    try:
        if len(base64.urlsafe_b64decode(_key.encode())) != 32:
            raise ValueError
    except ValueError:
        raise ImproperlyConfigured(
            "FIELD_ENCRYPTION_KEYS holds a value that is not a Fernet key "
            "(32 url-safe base64-encoded bytes)."
        ) from None
FIELD_ENCRYPTION_KEY = FIELD_ENCRYPTION_KEYS[0] if FIELD_ENCRYPTION_KEYS else ""
# The key of `manage.py backup` / `restore`: keep it somewhere else than the backups.
BACKUP_KEY = os.environ.get("BACKUP_KEY", "")

INSTALLED_APPS = [
    # modeltranslation must come before the admin.
    "modeltranslation",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.sitemaps",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "rules",
    "simple_history",
    "django_countries",
    "django_filters",
    "django_tasks",
    "django_tasks_db",
    "django_htmx",
    "ninja",  # serves Swagger UI from its own static files, not from a CDN
    "edile.core",
    "edile.accounts",
    "edile.members",
    "edile.governance",
    "edile.grants",
    "edile.observatory",
    "edile.datagov",
    "edile.sanitation",
    "edile.site",  # above the apps: home page, navigation, load_demo, bench
]

# The order in which `load_demo` and `bench` visit the domain apps: each has demo.py / bench.py.
EDILE_DOMAIN_APPS = [
    "members",
    "accounts",
    "governance",
    "grants",
    "observatory",
    "datagov",
    "sanitation",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "edile.accounts.middleware.RequireMfaMiddleware",
    "edile.core.middleware.ApiErrorsAsJsonMiddleware",
]

ROOT_URLCONF = "edile.urls"
WSGI_APPLICATION = "edile.wsgi.application"
ASGI_APPLICATION = "edile.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "edile.site.context_processors.navigation",
            ],
        },
    }
]

_default_db = f"sqlite:///{VAR_DIR / 'edile.sqlite3'}"
try:
    DATABASES = {
        "default": dj_database_url.parse(
            os.environ.get("DATABASE_URL") or _default_db, conn_max_age=60
        )
    }
except ValueError as exc:
    raise ImproperlyConfigured(f"DATABASE_URL is not a valid database URL: {exc}") from None
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    Path(DATABASES["default"]["NAME"]).parent.mkdir(parents=True, exist_ok=True)
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    # Concurrent writers wait for each other instead of failing with "database is locked":
    # WAL lets readers go on while one writes, IMMEDIATE takes the write lock when the
    # transaction starts (no deadlock on upgrading a read lock), and a writer waits up to
    # `timeout` seconds for the lock.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "timeout": _env_int("SQLITE_TIMEOUT", 30),
            "transaction_mode": "IMMEDIATE",
            "init_command": (
                "PRAGMA journal_mode=WAL;PRAGMA synchronous=NORMAL;PRAGMA foreign_keys=ON;"
            ),
        }
    )
else:
    # A dropped connection costs at most the request in flight: Django checks a persistent
    # connection before reusing it and opens a new one if the server closed it.
    DATABASES["default"]["CONN_MAX_AGE"] = _env_int("CONN_MAX_AGE", 60)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "rules.permissions.ObjectPermissionBackend",
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
if TESTING:
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "accounts:profile"
LOGOUT_REDIRECT_URL = "site:home"

# allauth: e-mail login, no username; rate limits on login failures and resets.
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
# Mandatory, so that sign-up never tells whether an address already has an account (with
# ACCOUNT_PREVENT_ENUMERATION, the owner of an existing address gets an e-mail instead).
ACCOUNT_EMAIL_VERIFICATION = os.environ.get("ACCOUNT_EMAIL_VERIFICATION", "mandatory")
ACCOUNT_PREVENT_ENUMERATION = True
ACCOUNT_LOGIN_ON_PASSWORD_RESET = False
ACCOUNT_RATE_LIMITS = {
    "login_failed": "5/5m/ip,5/5m/key",
    "login": "30/m/ip",
    "reset_password": "5/m/ip,3/m/key",
    "signup": "10/h/ip",
}
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[Édile] "
ACCOUNT_ADAPTER = "edile.accounts.adapters.AccountAdapter"
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_ADAPTER = "edile.accounts.adapters.MfaAdapter"
MFA_TOTP_ISSUER = "Édile"
# Accept the codes of the neighbouring 30-second windows: phones drift, and people type slowly.
MFA_TOTP_TOLERANCE = 1
# Which roles require TOTP is data: Role.requires_mfa, editable in the admin.

LANGUAGE_CODE = "fr"
LANGUAGES = [("fr", _("French")), ("en", _("English"))]
MODELTRANSLATION_DEFAULT_LANGUAGE = "fr"
MODELTRANSLATION_FALLBACK_LANGUAGES = ("fr", "en")
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", VAR_DIR / "static"))
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", VAR_DIR / "media"))
# Leaflet is vendored in edile/core/static/leaflet/ with its licence (`make vendor`, from the
# npm registry with package-lock.json); no CDN.
# Uploaded files: random names, served only by `core.files.serve_file` after a permission
# check. On disk under MEDIA_ROOT, or in an S3-compatible bucket (django-storages, the
# `production` extra) when STORAGE_BUCKET is set; the bucket stays private.
STORAGE_BUCKET = os.environ.get("STORAGE_BUCKET", "")
if STORAGE_BUCKET:
    _default_storage = {
        "BACKEND": "edile.core.files.RandomNameS3Storage",
        "OPTIONS": {
            "bucket_name": STORAGE_BUCKET,
            "endpoint_url": os.environ.get("STORAGE_ENDPOINT_URL") or None,
            "region_name": os.environ.get("STORAGE_REGION") or None,
            "access_key": os.environ.get("STORAGE_ACCESS_KEY") or None,
            "secret_key": os.environ.get("STORAGE_SECRET_KEY") or None,
            "default_acl": "private",
            "file_overwrite": False,
            "querystring_auth": True,
        },
    }
else:
    _default_storage = {"BACKEND": "edile.core.files.RandomNameStorage"}
STORAGES = {
    "default": _default_storage,
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG or TESTING
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
EDILE_MAX_UPLOAD_BYTES = _env_int("EDILE_MAX_UPLOAD_BYTES", 20 * 1024 * 1024)
# The public address of the site: links in e-mails and the catalogue's IRIs.
EDILE_BASE_URL = os.environ.get("EDILE_BASE_URL", "http://localhost:8000").rstrip("/")
# Days before an approved data access lapses when its holder is reminded by e-mail
# (docs/decisions/datagov-steward-notifications.md).
EDILE_ACCESS_REMINDER_DAYS = _env_int("EDILE_ACCESS_REMINDER_DAYS", 14)

# E-mails go through the task worker: EMAIL_BACKEND (the real one, SMTP in production) is
# used by the task `core.tasks.email_send`; the site itself only enqueues.
EMAIL_DELIVERY_BACKEND = os.environ.get(
    "EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend"
)
EMAIL_BACKEND = "edile.core.mail.TaskEmailBackend"
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = _env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = _env_bool("EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "Édile <noreply@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
if TESTING:
    EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    EMAIL_DELIVERY_BACKEND = EMAIL_BACKEND

# One cache shared by every worker process, so that invalidations (the observatory's
# statistics and map) and rate limits are the same in all of them: Redis when REDIS_URL is set
# (production), else a table in the database (created by `migrate`). Per-process memory only in
# tests.
REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL and not REDIS_URL.startswith(("redis://", "rediss://", "unix://")):
    raise ImproperlyConfigured(f"REDIS_URL={REDIS_URL!r} must start with redis:// or rediss://.")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": os.environ.get("CACHE_KEY_PREFIX", "edile"),
        }
    }
elif TESTING and not _env_bool("EDILE_SHARED_CACHE", False):
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "edile",
        }
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "edile_cache",
        }
    }

# The client's address behind a reverse proxy: with TRUSTED_PROXIES (addresses or networks,
# comma-separated) the address is read from X-Forwarded-For, skipping the trusted hops from the
# right; without it, REMOTE_ADDR. Used by every rate limit and log (`core.http.client_ip`).
TRUSTED_PROXIES = _env_list("TRUSTED_PROXIES", [])

# Background jobs: the database backend in production (run `manage.py db_worker`),
# the immediate backend in tests and, unless told otherwise, in development.
_tasks_backend = os.environ.get(
    "TASKS_BACKEND",
    "immediate" if (DEBUG or TESTING) else "database",
)
if _tasks_backend not in {"immediate", "database"}:
    raise ImproperlyConfigured(f"TASKS_BACKEND={_tasks_backend!r}: use immediate or database.")
# Summaries (edile.core.summaries): recomputed by a background task after the write commits;
# in tests, whose transaction never commits, at once in the writer's transaction.
SUMMARIES_REFRESH = "immediate" if TESTING else "on_commit"
TASKS = {
    "default": {
        "BACKEND": (
            "django_tasks.backends.immediate.ImmediateBackend"
            if _tasks_backend == "immediate"
            else "django_tasks_db.DatabaseBackend"
        )
    }
}

# Production hardening; `manage.py check --deploy` passes when DEBUG is false.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
_secure = not (DEBUG or TESTING)
SECURE_SSL_REDIRECT = _env_bool("SECURE_SSL_REDIRECT", _secure)
SESSION_COOKIE_SECURE = _secure
CSRF_COOKIE_SECURE = _secure
SECURE_HSTS_SECONDS = _env_int("SECURE_HSTS_SECONDS", 31536000 if _secure else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = _secure
SECURE_HSTS_PRELOAD = _secure
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True

LEAFLET_CONFIG = {
    # Tiles are map data, not code; set EDILE_MAP_TILES to your own tile server if needed.
    "TILES": os.environ.get("EDILE_MAP_TILES", "https://tile.openstreetmap.org/{z}/{x}/{y}.png"),
    "ATTRIBUTION_PREFIX": "",
}
EDILE_MAP_TILES = LEAFLET_CONFIG["TILES"]

COUNTRIES_FIRST = []

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
    },
}

# Open-data identifiers of the association (grants exports).
EDILE_IATI_REPORTING_ORG = os.environ.get("EDILE_IATI_REPORTING_ORG", "XI-IATI-EDILE")
EDILE_360GIVING_PREFIX = os.environ.get("EDILE_360GIVING_PREFIX", "360G-edile")

NINJA_PAGINATION_PER_PAGE = 50
NINJA_PAGINATION_MAX_LIMIT = 500

FORMS_URLFIELD_ASSUME_HTTPS = True
# Serve static files straight from the apps in development and tests (no collectstatic).
WHITENOISE_AUTOREFRESH = DEBUG or TESTING
WHITENOISE_USE_FINDERS = DEBUG or TESTING

# --- Accounts: tokens, sign-in limits (docs/accounts.md, docs/decisions/accounts-sign-in-limits.md)
# Lifetimes (days) offered when a personal API token is created; the default is preselected.
EDILE_API_TOKEN_LIFETIMES_DAYS = [30, 90, 180, 365]
EDILE_API_TOKEN_DEFAULT_LIFETIME_DAYS = _env_int("EDILE_API_TOKEN_DEFAULT_LIFETIME_DAYS", 90)
# Sign-in limits, in allauth's notation "amount/period/scope" (scope: key = the e-mail address
# typed, ip = the client address). Chosen so that 300 delegates behind one venue address sign in
# within two minutes while guessing stays slow: see docs/decisions/accounts-sign-in-limits.md.
EDILE_LOGIN_FAILURES_PER_ACCOUNT = os.environ.get(
    "EDILE_LOGIN_FAILURES_PER_ACCOUNT", "5/5m/key,20/h/key"
)
EDILE_LOGIN_FAILURES_PER_ADDRESS = os.environ.get(
    "EDILE_LOGIN_FAILURES_PER_ADDRESS", "100/5m/ip,1000/d/ip"
)
EDILE_LOGINS_PER_ADDRESS = os.environ.get("EDILE_LOGINS_PER_ADDRESS", "300/m/ip")
ACCOUNT_RATE_LIMITS = {
    **ACCOUNT_RATE_LIMITS,
    "login_failed": f"{EDILE_LOGIN_FAILURES_PER_ACCOUNT},{EDILE_LOGIN_FAILURES_PER_ADDRESS}",
    "login": EDILE_LOGINS_PER_ADDRESS,
}
for _action, _rates in ACCOUNT_RATE_LIMITS.items():
    for _rate in _rates.split(","):
        if not re.fullmatch(r"\d+/\d*[smhd]/(ip|key|user)", _rate.strip()):
            raise ImproperlyConfigured(
                f"Sign-in limit {_rate!r} ({_action}) is not amount/period/scope, e.g. 5/5m/key."
            )

# --- Headers: Content-Security-Policy (django-csp) and Permissions-Policy (docs/accounts.md)
from urllib.parse import urlsplit as _urlsplit  # noqa: E402

from csp.constants import NONCE, NONE, SELF  # noqa: E402

_tiles = _urlsplit(EDILE_MAP_TILES.replace("{s}", "a"))
_tile_origin = f"{_tiles.scheme}://{_tiles.netloc}" if _tiles.netloc else ""
_security_index = MIDDLEWARE.index("django.middleware.security.SecurityMiddleware") + 1
MIDDLEWARE[_security_index:_security_index] = [
    "csp.middleware.CSPMiddleware",
    "django_permissions_policy.PermissionsPolicyMiddleware",
]
INSTALLED_APPS.append("csp")
TEMPLATES[0]["OPTIONS"]["context_processors"].append("csp.context_processors.nonce")
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        # No inline script: every script is a static file; a nonce is there for any that must
        # stay inline ({{ CSP_NONCE }} in templates). JSON data blocks are not executed.
        "script-src": [SELF, NONCE],
        # Inline style attributes remain in a few templates and htmx adds its indicator style.
        "style-src": [SELF, "'unsafe-inline'"],
        "img-src": [SELF, "data:", *([_tile_origin] if _tile_origin else [])],
        "font-src": [SELF],
        "connect-src": [SELF],
        "media-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    },
}
# Off unless a page needs it: the camera scans badges at the congress door.
PERMISSIONS_POLICY: dict[str, list[str]] = {
    "accelerometer": [],
    "autoplay": [],
    "camera": ["self"],
    "display-capture": [],
    "geolocation": [],
    "gyroscope": [],
    "magnetometer": [],
    "microphone": [],
    "payment": [],
    "usb": [],
}
