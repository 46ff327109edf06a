"""
Settings for Factcheck, read from the environment.

Every variable is documented in README.md. A bad value raises
ImproperlyConfigured at start-up rather than surfacing later as odd behaviour.
"""

import os
import re
import zoneinfo
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP

BASE_DIR = Path(__file__).resolve().parent.parent

TRUE_WORDS = {"1", "true", "yes", "on"}
FALSE_WORDS = {"0", "false", "no", "off", ""}


def env_bool(name, default):
    value = os.environ.get(name)
    if value is None:
        return default
    if value.strip().lower() in TRUE_WORDS:
        return True
    if value.strip().lower() in FALSE_WORDS:
        return False
    raise ImproperlyConfigured(
        f"{name}={value!r} is not a boolean; use one of 1/0, true/false, yes/no, on/off."
    )


def env_int(name, default, minimum=0):
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return default
    try:
        number = int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name}={value!r} is not a whole number.") from None
    if number < minimum:
        raise ImproperlyConfigured(f"{name}={number} must be at least {minimum}.")
    return number


def env_seconds(name, default, minimum, maximum):
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return default
    try:
        seconds = float(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name}={value!r} is not a number of seconds.") from None
    if not minimum <= seconds <= maximum:
        raise ImproperlyConfigured(
            f"{name}={value!r} must be between {minimum:g} and {maximum:g} seconds."
        )
    return seconds


def env_time_zone(name, default):
    value = os.environ.get(name, "").strip() or default
    try:
        zoneinfo.ZoneInfo(value)
    except (ValueError, zoneinfo.ZoneInfoNotFoundError):
        raise ImproperlyConfigured(
            f"{name}={value!r} is not a time zone; use an IANA name such as Asia/Seoul or UTC."
        ) from None
    return value


def env_list(name, default):
    value = os.environ.get(name)
    if value is None:
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


def env_email(name, default):
    value = os.environ.get(name, default).strip()
    if value and not re.fullmatch(r"[^@\s<>\"]+@[^@\s<>\"]+\.[^@\s<>\"]+", value):
        raise ImproperlyConfigured(f"{name}={value!r} is not an email address.")
    return value


def env_choice(name, default, choices):
    value = os.environ.get(name, default).strip().lower()
    if value not in choices:
        raise ImproperlyConfigured(f"{name}={value!r} is not one of: {', '.join(sorted(choices))}.")
    return value


FACTCHECK_ENV = env_choice("FACTCHECK_ENV", "development", {"development", "production"})
PRODUCTION = FACTCHECK_ENV == "production"
DEBUG = env_bool("DEBUG", False)
if PRODUCTION and DEBUG:
    raise ImproperlyConfigured("DEBUG must be off when FACTCHECK_ENV=production.")

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if PRODUCTION:
        raise ImproperlyConfigured("SECRET_KEY must be set when FACTCHECK_ENV=production.")
    # Development only: a fixed key is harmless on a laptop and keeps sessions
    # alive across restarts of `make run`.
    SECRET_KEY = "development-only-key-not-for-production-use-3f9a1c7e5b2d4f6a8c0e"  # noqa: S105
elif len(SECRET_KEY) < 50:
    raise ImproperlyConfigured("SECRET_KEY must be at least 50 characters long.")

ALLOWED_HOSTS = env_list(
    "ALLOWED_HOSTS", [] if PRODUCTION else ["127.0.0.1", "localhost", "testserver"]
)
if PRODUCTION and not ALLOWED_HOSTS:
    raise ImproperlyConfigured("ALLOWED_HOSTS must be set when FACTCHECK_ENV=production.")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

# Absolute address of the public site, used for canonical URLs, ClaimReview,
# feeds and the sitemap so that they never depend on the request's Host header.
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000").rstrip("/")
if not SITE_URL.startswith(("http://", "https://")):
    raise ImproperlyConfigured(f"SITE_URL={SITE_URL!r} must start with http:// or https://.")
NEWSROOM_NAME = os.environ.get("NEWSROOM_NAME", "Factcheck Desk")
NEWSROOM_URL = os.environ.get("NEWSROOM_URL", SITE_URL)
# What /methodology/ tells readers about who runs the desk. Each statement
# appears only when its setting is given: a missing one is left out, not faked.
# Each ends a sentence the page writes ("… is owned by OWNER."): no full stop of its own.
NEWSROOM_OWNER = os.environ.get("NEWSROOM_OWNER", "").strip().rstrip(".")
NEWSROOM_FUNDING = os.environ.get("NEWSROOM_FUNDING", "").strip().rstrip(".")
NEWSROOM_CONTACT_EMAIL = env_email("NEWSROOM_CONTACT_EMAIL", "")
NEWSROOM_CORRECTIONS_EMAIL = env_email("NEWSROOM_CORRECTIONS_EMAIL", NEWSROOM_CONTACT_EMAIL)

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "django.contrib.postgres",
    "django_htmx",
    "axes",
    "django_tasks_db",
    "claims",
]
# The benchmark's commands (bench_fill, soak_writer), for scripts/bench.py and
# scripts/soak.py only: a production deployment never lists them.
FACTCHECK_BENCHMARK = env_bool("FACTCHECK_BENCHMARK", False)
if FACTCHECK_BENCHMARK:
    INSTALLED_APPS.append("bench")

MIDDLEWARE = [
    # First, so that it compresses the body every other middleware has finished.
    "factcheck.middleware.PublicGZipMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # After sessions, before CommonMiddleware (whose slash redirect must see
    # the language prefix), as Django requires.
    "factcheck.middleware.DeskLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # Last, as django-axes requires: it turns a refused login into the lock-out page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "factcheck.urls"
WSGI_APPLICATION = "factcheck.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "claims.context_processors.newsroom",
            ],
        },
    },
]

DATABASE_URL = os.environ.get("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}")
try:
    # Health checks: a connection the database dropped (a restart, a failover)
    # is replaced at the next request instead of failing it.
    DATABASES = {
        "default": dj_database_url.parse(DATABASE_URL, conn_max_age=60, conn_health_checks=True)
    }
except ValueError as error:
    raise ImproperlyConfigured(f"DATABASE_URL is not a database address: {error}") from None
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # IMMEDIATE takes the write lock when a transaction starts, so a workflow
    # guard and a competing evidence write cannot interleave on SQLite.
    DATABASES["default"]["OPTIONS"] = {"transaction_mode": "IMMEDIATE", "timeout": 20}
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    # A file, not shared-cache memory, so that concurrent test threads wait on
    # SQLite's lock (as in production) instead of failing with "table is locked".
    DATABASES["default"]["TEST"] = {"NAME": str(BASE_DIR / "test-db.sqlite3")}
elif DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
    raise ImproperlyConfigured("DATABASE_URL must point to PostgreSQL or SQLite.")

REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "factcheck.redis_cache.RedisCache",
            "LOCATION": REDIS_URL,
            # A local Redis answers in well under a millisecond. One that
            # accepts connections but never answers would otherwise hold every
            # reader (and /healthz behind them) for as long as the kernel keeps
            # the connection; the pages are served uncached instead.
            "OPTIONS": {
                "socket_connect_timeout": env_seconds("REDIS_CONNECT_TIMEOUT", 0.5, 0.01, 30),
                "socket_timeout": env_seconds("REDIS_TIMEOUT", 0.5, 0.01, 30),
                "unreachable_pause": env_seconds("REDIS_RETRY_AFTER", 5, 0, 300),
            },
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# Work done outside the request (edge purges, notifications) is queued in the
# database and run by `manage.py db_worker`, which `make run` starts beside the
# server: a crash or restart loses nothing that was queued.
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

# Email, through Django's mailers: SMTP at SMTP_HOST. In production it
# defaults to the machine's own mail server (localhost); in development,
# where none is given, email is printed to the console (the worker's output).
SMTP_HOST = os.environ.get("SMTP_HOST", "").strip() or ("localhost" if PRODUCTION else "")
if SMTP_HOST:
    MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {
                "host": SMTP_HOST,
                "port": env_int("SMTP_PORT", 587, minimum=1),
                "username": os.environ.get("SMTP_USER", ""),
                "password": os.environ.get("SMTP_PASSWORD", ""),
                "use_tls": env_bool("SMTP_STARTTLS", PRODUCTION),
                "timeout": env_seconds("SMTP_TIMEOUT", 10, 1, 120),
            },
        }
    }
else:
    MAILERS = {"default": {"BACKEND": "django.core.mail.backends.console.EmailBackend"}}
DEFAULT_FROM_EMAIL = env_email("NEWSROOM_FROM_EMAIL", "desk@localhost.localdomain")
# The first retry of an email whose send failed waits this long; each later
# one twice as long as the one before, up to six hours.
NOTIFICATION_RETRY_SECONDS = env_int("NOTIFICATION_RETRY_SECONDS", 60)
# A reader's email address is deleted this many days after its last use.
READER_EMAIL_RETENTION_DAYS = env_int("READER_EMAIL_RETENTION_DAYS", 180, minimum=1)
# The hour (UTC) of the worker's daily round: the digest of claims past
# their review-by date, old addresses and salts deleted.
DAILY_TASKS_HOUR = env_int("DAILY_TASKS_HOUR", 6)
if DAILY_TASKS_HOUR > 23:
    raise ImproperlyConfigured(f"DAILY_TASKS_HOUR={DAILY_TASKS_HOUR} must be an hour, 0 to 23.")

# Readers writing in (claims.abuse): a form posted sooner than this after it
# was served is refused, and one served longer ago than TIP_FORM_MAX_AGE.
TIP_MIN_SECONDS = env_int("TIP_MIN_SECONDS", 3)
TIP_FORM_MAX_AGE = env_int("TIP_FORM_MAX_AGE", 24 * 60 * 60, minimum=60)
# Submissions (tips and correction requests) from one client address an
# hour, and from everyone a minute.
TIP_LIMIT_PER_ADDRESS_HOUR = env_int("TIP_LIMIT_PER_ADDRESS_HOUR", 10, minimum=1)
TIP_LIMIT_PER_MINUTE = env_int("TIP_LIMIT_PER_MINUTE", 60, minimum=1)
# Where the limits are counted; without Redis, each process counts alone.
TIP_LIMITS_REDIS_URL = os.environ.get("TIP_LIMITS_REDIS_URL", REDIS_URL)
TIP_LIMITS_PREFIX = os.environ.get("TIP_LIMITS_PREFIX", "factcheck:limits")
# A submitter's address is kept only hashed, with a salt replaced this often.
TIP_SALT_ROTATION_DAYS = env_int("TIP_SALT_ROTATION_DAYS", 30, minimum=1)

# Seconds a public page may be held by browsers and CDNs.
PUBLIC_CACHE_SECONDS = env_int("PUBLIC_CACHE_SECONDS", 300)
# Keep rendered public pages in CACHES["default"] (claims.caching). Each process
# checks the content version in the database before serving one, so local
# memory is safe with several processes too; Redis shares the rendering work.
PUBLIC_PAGE_CACHE = env_bool("PUBLIC_PAGE_CACHE", True)
# Keep parts of list pages in the same cache while rendering (claims.fragments):
# list cards, the filter form and counts, ClaimReview documents.
PUBLIC_FRAGMENT_CACHE = env_bool("PUBLIC_FRAGMENT_CACHE", True)
PUBLIC_PAGE_SIZE = env_int("PUBLIC_PAGE_SIZE", 20, minimum=1)

# The edge cache in front of the desk (claims.edge, deploy/varnish/): how long
# it keeps a public page (every change purges the pages it retires, so this
# may be long), how long past that it may serve one while the origin fails,
# and which edge to purge: none, varnish, fastly or cloudflare.
EDGE_CACHE_SECONDS = env_int("EDGE_CACHE_SECONDS", 86_400)
EDGE_GRACE_SECONDS = env_int("EDGE_GRACE_SECONDS", 21_600)
EDGE_PURGE_BACKEND = env_choice(
    "EDGE_PURGE_BACKEND", "none", {"none", "varnish", "fastly", "cloudflare"}
)


def edge_purge_options(backend):
    """The purge backend's options, from its EDGE_* variables; an edge left unnamed fails here."""
    if backend == "varnish":
        return {"urls": env_list("EDGE_VARNISH_URLS", ["http://127.0.0.1:6081/"])}
    names = {
        "fastly": {"service_id": "EDGE_FASTLY_SERVICE_ID", "api_token": "EDGE_FASTLY_API_TOKEN"},
        "cloudflare": {
            "zone_id": "EDGE_CLOUDFLARE_ZONE_ID",
            "api_token": "EDGE_CLOUDFLARE_API_TOKEN",
        },
    }.get(backend, {})
    options = {option: os.environ.get(name, "").strip() for option, name in names.items()}
    if missing := [names[option] for option, value in options.items() if not value]:
        raise ImproperlyConfigured(f"EDGE_PURGE_BACKEND={backend} needs {', '.join(missing)}.")
    if backend and (api_url := os.environ.get(f"EDGE_{backend.upper()}_API_URL", "").strip()):
        options["api_url"] = api_url
    return options


EDGE_PURGE_OPTIONS = edge_purge_options(EDGE_PURGE_BACKEND)

# django-axes first: it refuses a locked-out login before any password is checked.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# The languages of the desk, each with its catalogue in locale/<code>/ (see
# README: a third language is a line here and a catalogue, no code).
LANGUAGES = [("en", "English"), ("ko", "한국어")]
# The newsroom's own language: its pages keep unprefixed addresses ("/claims/x/"),
# the others carry their code ("/ko/claims/x/").
LANGUAGE_CODE = env_choice("NEWSROOM_LANGUAGE", "en", {code for code, _ in LANGUAGES})
LOCALE_PATHS = [BASE_DIR / "locale"]
# Each language's date formats (factcheck/formats/<code>/formats.py).
FORMAT_MODULE_PATH = ["factcheck.formats"]
# The admin's language when staff choose one (django.views.i18n.set_language).
LANGUAGE_COOKIE_NAME = "desk_language"
LANGUAGE_COOKIE_HTTPONLY = True
LANGUAGE_COOKIE_SAMESITE = "Lax"
LANGUAGE_COOKIE_SECURE = PRODUCTION
# Times on public pages and in the admin are shown in the newsroom's zone,
# with its name ("14:05 KST"); the database stores UTC.
TIME_ZONE = env_time_zone("NEWSROOM_TIME_ZONE", "UTC")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = BASE_DIR / "staticfiles"
# Outside production, WhiteNoise serves straight from static/ (no collectstatic).
WHITENOISE_USE_FINDERS = not PRODUCTION
WHITENOISE_AUTOREFRESH = not PRODUCTION
if PRODUCTION:
    STORAGES = {
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
        "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
    }

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# dumpdata/loaddata JSON that keeps every microsecond, so a backup restores exactly.
SERIALIZATION_MODULES = {"json": "factcheck.serializers"}

# Security. Strict CSP everywhere: scripts only from this site or with the
# per-request nonce, no plugins, no <base> hijacking, no framing.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.NONE],
    "frame-ancestors": [CSP.NONE],
    "form-action": [CSP.SELF],
}
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
# Staff sessions are the only sessions; keep them short.
SESSION_COOKIE_AGE = env_int("SESSION_COOKIE_AGE", 8 * 60 * 60, minimum=60)

if PRODUCTION:
    SESSION_COOKIE_NAME = "__Host-sessionid"
    CSRF_COOKIE_NAME = "__Host-csrftoken"
    LANGUAGE_COOKIE_NAME = "__Host-desk_language"
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31_536_000, minimum=31_536_000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)
    if not SECURE_HSTS_PRELOAD:
        # Leaving the preload list is a deliberate choice of the operator, not
        # an oversight for the deploy check to report.
        SILENCED_SYSTEM_CHECKS = ["security.W021"]
    if env_bool("TRUST_X_FORWARDED_PROTO", False):
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# Login throttling on the admin (django-axes). A username is locked out from one
# address after AXES_FAILURE_LIMIT failures, even with the right password, until
# AXES_COOLOFF_MINUTES pass without another failure. Locking the pair, not the
# address alone, keeps one mistyping colleague from locking out the whole
# newsroom behind its office NAT; locking the pair, not the username alone,
# keeps an outsider from locking a known editor out from everywhere.
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5, minimum=1)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("AXES_COOLOFF_MINUTES", 15, minimum=1))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
# Log who tried which username from where (never the password, which axes
# always masks): that is what an operator reads to see an attack.
AXES_SENSITIVE_PARAMETERS = []
# How many reverse proxies that append to X-Forwarded-For stand in front of the
# app. 0 (the default) believes only the socket's address: a client-supplied
# X-Forwarded-For can then neither pick nor reset the address that is locked.
TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0)
AXES_CLIENT_IP_CALLABLE = "factcheck.proxies.client_ip"
# A styled page that says for how long, with a way back.
AXES_LOCKOUT_CALLABLE = "factcheck.views.locked_out"
# No "AXES: BEGIN" banner on every command; failures and successes are still
# logged with the username and address.
AXES_VERBOSE = False

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}
