"""Settings for DX Portal, read from environment variables (see README: Configuration).

DJANGO_ENV=development (set by `make run` and `make test`) allows the built-in
development secret key and console e-mail; anything else is production and
requires SECRET_KEY and ALLOWED_HOSTS.
"""

from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP
from whitenoise.compress import Compressor

from dxportal.env import env_bool, env_int, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent.parent

DJANGO_ENV = env_str("DJANGO_ENV", "production")
if DJANGO_ENV not in {"development", "production"}:
    raise ImproperlyConfigured(f"DJANGO_ENV={DJANGO_ENV!r} must be 'development' or 'production'.")
DEVELOPMENT = DJANGO_ENV == "development"

DEBUG = env_bool("DEBUG", default=False)
if DEBUG and not DEVELOPMENT:
    raise ImproperlyConfigured("DEBUG=1 is only allowed with DJANGO_ENV=development.")

SECRET_KEY = env_str("SECRET_KEY")
if not SECRET_KEY:
    if not DEVELOPMENT:
        raise ImproperlyConfigured(
            "SECRET_KEY is required in production (e.g. "
            "`python -c 'import secrets; print(secrets.token_urlsafe(50))'`)."
        )
    SECRET_KEY = "development-only-not-secret-" + "x" * 40
elif len(SECRET_KEY) < 50 and not DEVELOPMENT:
    raise ImproperlyConfigured("SECRET_KEY must be at least 50 characters long.")

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost"] if DEVELOPMENT else [])
if not ALLOWED_HOSTS:
    raise ImproperlyConfigured("ALLOWED_HOSTS is required in production (comma-separated).")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_htmx",
    "crispy_forms",
    "crispy_bootstrap5",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_tasks_db",
    "accounts",
    "municipalities",
    "frameworks",
    "assessments",
    "results",
    "exports",
    "plans",
    "reports",
    "audit",
    "opendata",
    "portal",
]

MIDDLEWARE = [
    # First, so that every response gets the policy, also those that the middleware
    # below makes itself (dxportal/csp.py).
    "dxportal.csp.NonceAlwaysContentSecurityPolicyMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Right after authentication: ends a session older than SESSION_ABSOLUTE_SECONDS
    # before anything else acts for its user, and renews the idle time-out.
    "accounts.session_lifetime.SessionLifetimeMiddleware",
    # After authentication: sends a signed-in user whose roles need a second
    # factor to enrolment or verification until the session is verified.
    "accounts.two_factor.TwoFactorMiddleware",
    "audit.context.CurrentRequestMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "accounts.middleware.NoStoreForAuthenticatedMiddleware",
    # Last, so that it sees the outcome of authentication (django-axes' rule).
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "dxportal.urls"
WSGI_APPLICATION = "dxportal.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "accounts.context_processors.current_role",
            ],
        },
    },
]

# --- Database ----------------------------------------------------------------
# SQLite is the embedded default. WAL lets readers run beside a writer, IMMEDIATE
# transactions take the write lock up front (no "database is locked" half-way
# through a transaction) and the timeout makes concurrent autosaves wait instead
# of failing.
_SQLITE_DEFAULT = f"sqlite:///{BASE_DIR / 'var' / 'dxportal.sqlite3'}"
_database_url = env_str("DATABASE_URL", _SQLITE_DEFAULT)
try:
    _database = dj_database_url.parse(_database_url)
except ValueError as exc:
    raise ImproperlyConfigured(f"DATABASE_URL is not a valid database URL: {exc}") from None
if _database["ENGINE"] == "django.db.backends.sqlite3":
    Path(_database["NAME"]).parent.mkdir(parents=True, exist_ok=True)
    _database["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
elif _database["ENGINE"] != "django.db.backends.postgresql":
    raise ImproperlyConfigured(
        f"DATABASE_URL uses {_database['ENGINE']}; only sqlite:// and postgres:// are supported."
    )
# Persistent connections, on SQLite too: opening one there runs the PRAGMAs and registers
# Django's SQL functions, and closing the last one checkpoints the WAL, which together
# cost more than a whole autosave.
_database["CONN_MAX_AGE"] = env_int("CONN_MAX_AGE", 60)
# A restarted PostgreSQL costs errors only during the outage.
_database["CONN_HEALTH_CHECKS"] = True
DATABASES = {"default": _database}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Authentication ----------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "portal:home"
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    # Repetitions, common passwords dressed up with digits, the person's own address or name.
    {"NAME": "accounts.password_validation.GuessablePasswordValidator"},
]
# Login throttling (django-axes, accounts/login_throttling.py): failures are counted
# per account from any address and per address for any account, each against its
# own limit; either lock lasts 15 min. Offices share one NAT address, so the
# address limit is the larger one.
AXES_HANDLER = "accounts.login_throttling.LoginThrottleHandler"
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5, minimum=1)  # per account
AXES_IP_FAILURE_LIMIT = env_int("AXES_IP_FAILURE_LIMIT", 30, minimum=1)  # per address
AXES_COOLOFF_TIME = 0.25  # hours
AXES_RESET_ON_SUCCESS = True
# Reverse proxies in front of the portal that append to X-Forwarded-For (README:
# deployment); 0 means none, and the client is REMOTE_ADDR. Throttling and the
# audit log both take the address from here (accounts/client_address.py).
TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0)
AXES_CLIENT_IP_CALLABLE = "accounts.client_address.client_address"

# 「パスワードを忘れた方」: at most this many e-mails per address, and requests per
# client address, within the window (accounts/password_reset_throttling.py).
PASSWORD_RESET_LIMIT_PER_EMAIL = env_int("PASSWORD_RESET_LIMIT_PER_EMAIL", 3, minimum=1)
PASSWORD_RESET_LIMIT_PER_ADDRESS = env_int("PASSWORD_RESET_LIMIT_PER_ADDRESS", 10, minimum=1)
PASSWORD_RESET_LIMIT_WINDOW_SECONDS = env_int(
    "PASSWORD_RESET_LIMIT_WINDOW_SECONDS", 3600, minimum=60
)

# TOTP two-factor for system admins, catalogue editors, coordinators and
# consultants (accounts/access.py `requires_two_factor`). Only `make run`'s demo
# turns it off; `check --deploy` refuses it off in production (accounts/checks.py).
TWO_FACTOR_REQUIRED = env_bool("TWO_FACTOR_REQUIRED", True)
OTP_TOTP_ISSUER = "DX Portal"
# Wrong codes in a row before django-otp makes the person wait (1 s, 2 s, 4 s, ...).
OTP_TOTP_THROTTLE_FACTOR = 1
AXES_USERNAME_FORM_FIELD = "username"
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"

# Sessions: idle time-out of 30 minutes, ended with the browser, and ended in any case
# 12 hours after sign-in (accounts/session_lifetime.py). The idle time-out is renewed by
# saving the session at most once per SESSION_RENEWAL_SECONDS, not on every request, so
# that a page view writes nothing; a session ends up to that much before its full
# idle time.
SESSION_COOKIE_AGE = env_int("SESSION_IDLE_SECONDS", 30 * 60, minimum=60)
SESSION_RENEWAL_SECONDS = min(60, SESSION_COOKIE_AGE // 10)
SESSION_ABSOLUTE_SECONDS = env_int("SESSION_ABSOLUTE_SECONDS", 12 * 60 * 60, minimum=60)
# Where sessions are kept: `db` (the default, nothing else needed), or `cache` /
# `cached_db` in the shared cache (CACHE_URL), which takes the session read off the
# database; `cached_db` also keeps each session in the database, to survive a cache restart.
_SESSION_ENGINES = {
    "db": "django.contrib.sessions.backends.db",
    "cache": "django.contrib.sessions.backends.cache",
    "cached_db": "django.contrib.sessions.backends.cached_db",
}
_session_store = env_str("SESSION_STORE", "db")
if _session_store not in _SESSION_ENGINES:
    raise ImproperlyConfigured(
        f"SESSION_STORE={_session_store!r} must be one of {', '.join(_SESSION_ENGINES)}."
    )
SESSION_ENGINE = _SESSION_ENGINES[_session_store]
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
# Autosave gets a 403 it can act on (fetch a fresh token) instead of the error page.
CSRF_FAILURE_VIEW = "accounts.background.csrf_failure"

# --- Cache ---------------------------------------------------------------------
# CACHE_URL (redis://host:6379/0) shares one Redis between all web and worker
# processes; without it each process has its own memory cache, which is enough for
# one process and holds nothing the portal needs across processes.
_cache_url = env_str("CACHE_URL", "")
if _cache_url:
    if not _cache_url.startswith(("redis://", "rediss://", "unix://")):
        raise ImproperlyConfigured(
            f"CACHE_URL={_cache_url!r} must be a Redis URL (redis://, rediss:// or unix://)."
        )
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": _cache_url,
            "KEY_PREFIX": "dxportal",
            # A Redis that does not answer fails the request (and /readyz) in
            # seconds instead of holding the worker.
            "OPTIONS": {"socket_connect_timeout": 2, "socket_timeout": 2},
        }
    }
else:
    if _session_store != "db":
        raise ImproperlyConfigured(
            f"SESSION_STORE={_session_store} needs CACHE_URL: a per-process cache would "
            "sign people out whenever another process answers."
        )
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# --- Internationalisation ----------------------------------------------------
LANGUAGE_CODE = "ja"
LANGUAGES = [("ja", "日本語"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Tokyo"
USE_I18N = True
USE_TZ = True

# --- Static files ------------------------------------------------------------
STATIC_URL = "static/"
STATIC_ROOT = Path(env_str("STATIC_ROOT", str(BASE_DIR / "var" / "staticfiles")))
STATICFILES_DIRS = [BASE_DIR / "static"]
# Evidence files go through the default storage only (FileField, storage.open and
# delete), so several web servers share them by sharing MEDIA_ROOT (a network file
# system) or, with MEDIA_S3_BUCKET, an S3-compatible object store (django-storages,
# `pip install -c constraints.txt -e ".[s3]"`; credentials from AWS_ACCESS_KEY_ID and
# AWS_SECRET_ACCESS_KEY, read by boto3 itself). Export PDFs live in the database.
_media_bucket = env_str("MEDIA_S3_BUCKET", "")
if _media_bucket:
    _media_storage = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": _media_bucket,
            "endpoint_url": env_str("MEDIA_S3_ENDPOINT_URL") or None,
            "region_name": env_str("MEDIA_S3_REGION") or None,
            "location": env_str("MEDIA_S3_PREFIX", "media"),
            # Files are only ever served by the authorising download view, never
            # by a link to the bucket, and a name is never reused.
            "default_acl": "private",
            "querystring_auth": True,
            "file_overwrite": False,
        },
    }
else:
    _media_storage = {"BACKEND": "django.core.files.storage.FileSystemStorage"}
STORAGES = {
    "default": _media_storage,
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEVELOPMENT
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
# In development (runserver, tests) whitenoise serves straight from the source
# folders; production serves the collected, hashed and compressed files.
WHITENOISE_USE_FINDERS = DEVELOPMENT
# The report fonts (9 MB of TTF/OTF) are read by WeasyPrint from static/ itself
# (reports/fetcher.py) and never sent to a browser: compressing them took most of
# collectstatic's time (README: Production deployment).
WHITENOISE_SKIP_COMPRESS_EXTENSIONS = (*Compressor.SKIP_COMPRESS_EXTENSIONS, "ttf", "otf")
WHITENOISE_AUTOREFRESH = DEVELOPMENT
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(BASE_DIR / "var" / "media")))

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# --- Background tasks (Django's Tasks framework, stored in the database) ------
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
# How many tasks a bulk export is split into: one per `db_worker` process that should
# work on it at once (exports.bulk). More runs than workers only wait their turn.
BULK_EXPORT_RUNS = env_int("BULK_EXPORT_RUNS", 2, minimum=1)

# --- E-mail ------------------------------------------------------------------
# Django 6.1 mailers. Development prints e-mail to the console; production
# sends through the municipality's SMTP relay.
if DEVELOPMENT and not env_str("EMAIL_HOST"):
    MAILERS = {"default": {"BACKEND": "django.core.mail.backends.console.EmailBackend"}}
else:
    MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {
                "host": env_str("EMAIL_HOST", "localhost"),
                "port": env_int("EMAIL_PORT", 25, minimum=1),
                "use_tls": env_bool("EMAIL_USE_TLS", default=False),
                "timeout": 10,
            },
        }
    }
# Where the portal is reached, for links in e-mails sent outside a request (reminders).
PORTAL_BASE_URL = env_str("PORTAL_BASE_URL", "http://127.0.0.1:8000" if DEVELOPMENT else "")
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "dxportal@localhost")

# --- Security headers --------------------------------------------------------
# Everything is served by the portal itself (it runs inside LGWAN), so the policy
# names no other host. Inline style attributes stay blocked.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF, CSP.NONCE],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.NONE],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
}
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if not DEVELOPMENT:
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    # Probes over plain HTTP from the same host (dxportal/health.py).
    SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "WARNING")},
}
