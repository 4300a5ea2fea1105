"""Wendbaar settings, read from the environment (and an optional `.env` file).

Every variable is listed with its default in `.env.example`. DEBUG is off unless asked for; without
DEBUG the process refuses to start when SECRET_KEY or ALLOWED_HOSTS is missing.
"""

from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP
from django.utils.translation import gettext_lazy as _

SRC_DIR = Path(__file__).resolve().parent.parent
BASE_DIR = Path(environ.Env().str("WENDBAAR_HOME", default=str(SRC_DIR.parent.parent))).resolve()

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

VAR_DIR = Path(env.str("WENDBAAR_VAR_DIR", default=str(BASE_DIR / "var")))
VAR_DIR.mkdir(parents=True, exist_ok=True)

DEBUG = env.bool("DEBUG", default=False)
SECRET_KEY = env.str("SECRET_KEY", default="")
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=[])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

if not DEBUG:
    missing = [
        name
        for name, value in (("SECRET_KEY", SECRET_KEY), ("ALLOWED_HOSTS", ALLOWED_HOSTS))
        if not value
    ]
    if missing:
        raise ImproperlyConfigured(
            "Refusing to start with DEBUG off and no " + " or ".join(missing) + ". "
            "Set them in the environment or .env (see .env.example), or set DEBUG=true for local use."
        )
    if len(SECRET_KEY) < 50 or SECRET_KEY.startswith("django-insecure"):
        raise ImproperlyConfigured("SECRET_KEY must be a random string of at least 50 characters.")
elif not SECRET_KEY:
    SECRET_KEY = "django-insecure-local-development-only-never-use-in-production-0123456789"  # noqa: S105
if DEBUG and not ALLOWED_HOSTS:
    ALLOWED_HOSTS = ["127.0.0.1", "localhost", "[::1]"]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_htmx",
    "ninja",
    "axes",
    "wendbaar.common",
    "wendbaar.jobs",
    "wendbaar.accounts",
    "wendbaar.audit",
    "wendbaar.privacy",
    "wendbaar.ai",
    "wendbaar.ai.search",
    "wendbaar.copilot",
    "wendbaar.knowledge",
    "wendbaar.meetings",
    "wendbaar.planning",
    "wendbaar.service",
    "wendbaar.quotes",
    "wendbaar.web",
    "wendbaar.evals",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "wendbaar.accounts.middleware.UserLanguageMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "wendbaar.audit.middleware.AuditContextMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "wendbaar.config.urls"
WSGI_APPLICATION = "wendbaar.config.wsgi.application"
ASGI_APPLICATION = "wendbaar.config.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [SRC_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "wendbaar.web.context_processors.navigation",
            ],
        },
    },
]

# Database: SQLite in ./var by default; PostgreSQL (with pgvector for scale) by DATABASE_URL.
DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'db.sqlite3'}")}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": (
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON; "
            "PRAGMA busy_timeout=20000;"
        ),
    }
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / "test-db.sqlite3")}
else:
    DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("CONN_MAX_AGE", default=60))
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
    "wendbaar.accounts.backends.OrganisationAdminBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "web:home"
LOGOUT_REDIRECT_URL = "accounts:login"
PASSWORD_RESET_TIMEOUT = 60 * 60 * 24

# Login rate limiting (django-axes): lock a username from one address after repeated failures.
AXES_FAILURE_LIMIT = env.int("LOGIN_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = env.float("LOGIN_COOLOFF_HOURS", default=0.25)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_USERNAME_FORM_FIELD = "username"
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "accounts/lockout.html"
AXES_CLIENT_IP_CALLABLE = "wendbaar.common.net.client_ip"
# Failed sign-ins from one address, whatever the account, before it must wait (password spraying).
LOGIN_IP_FAILURE_LIMIT = env.int("LOGIN_IP_FAILURE_LIMIT", default=30)
AXES_VERBOSE = False

LANGUAGE_CODE = "nl"
LANGUAGES = [("nl", _("Dutch")), ("en", _("English"))]
LOCALE_PATHS = [SRC_DIR / "locale"]
TIME_ZONE = env.str("TIME_ZONE", default="Europe/Amsterdam")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = Path(env.str("STATIC_ROOT", default=str(VAR_DIR / "static")))
MEDIA_URL = "media/"
MEDIA_ROOT = Path(env.str("MEDIA_ROOT", default=str(VAR_DIR / "media")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
WHITENOISE_USE_FINDERS = DEBUG

# Mail: SMTP by EMAIL_URL (smtp://user:pass@host:25, smtp+tls://…:587 for STARTTLS, smtp+ssl://…:465);
# without it, mails are written to the console so nothing leaves the machine by accident.
EMAIL_URL = env.str("EMAIL_URL", default="")
if EMAIL_URL:
    _mail = env.email_url_config(EMAIL_URL)
    MAILERS = {
        "default": {
            "BACKEND": _mail["EMAIL_BACKEND"],
            "OPTIONS": {
                "host": _mail.get("EMAIL_HOST", "localhost"),
                "port": _mail.get("EMAIL_PORT", 25),
                "username": _mail.get("EMAIL_HOST_USER", ""),
                "password": _mail.get("EMAIL_HOST_PASSWORD", ""),
                "use_tls": bool(_mail.get("EMAIL_USE_TLS", False)),
                "use_ssl": bool(_mail.get("EMAIL_USE_SSL", False)),
                "timeout": 20,
            }
            if _mail["EMAIL_BACKEND"].endswith("smtp.EmailBackend")
            else {},
        }
    }
else:
    MAILERS = {"default": {"BACKEND": "django.core.mail.backends.console.EmailBackend"}}
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="Wendbaar <wendbaar@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# Background work: Django's task framework. "database" runs tasks in `wendbaar worker` processes that
# share one queue in the database; "immediate" runs them in the request (tests, one-off scripts).
TASKS_BACKEND = env.str("TASKS_BACKEND", default="database")
TASKS = {
    "default": {
        "BACKEND": {
            "database": "wendbaar.jobs.backend.DatabaseBackend",
            "immediate": "django.tasks.backends.immediate.ImmediateBackend",
        }[TASKS_BACKEND],
        "QUEUES": ["default", "ai", "mail"],
        "OPTIONS": {
            "max_attempts": env.int("TASKS_MAX_ATTEMPTS", default=5),
            "lease_seconds": env.int("TASKS_LEASE_SECONDS", default=120),
            "retry_backoff_seconds": env.float("TASKS_RETRY_BACKOFF_SECONDS", default=2),
            "retry_backoff_max_seconds": env.float("TASKS_RETRY_BACKOFF_MAX_SECONDS", default=300),
        }
        if TASKS_BACKEND == "database"
        else {},
    }
}
# What a long-running `wendbaar worker` enqueues on a schedule (see wendbaar.jobs.periodic).
JOBS_PERIODIC = [
    {
        "task": "wendbaar.service.tasks.mailbox_poll_task",
        "every": env.int("SERVICE_IMAP_POLL_SECONDS", default=60),
        "enabled_by": "SERVICE_IMAP_URL",
    },
    {"task": "wendbaar.quotes.tasks.quotes_expire_task", "every": 3600},
]

# The AI engine. "embedded" runs offline on this machine; "openai" is any server that speaks the
# OpenAI chat/embeddings API (Ollama, vLLM, llama.cpp server, LM Studio, Azure OpenAI, Mistral).
# Which provider each capability uses is chosen by administrators (ai.EngineChoice rows); these are
# the connection details, and secrets only ever come from the environment.
AI_DEFAULT_PROVIDER = env.str("AI_DEFAULT_PROVIDER", default="embedded")
AI_OPENAI_BASE_URL = env.str("AI_OPENAI_BASE_URL", default="")
AI_OPENAI_API_KEY = env.str("AI_OPENAI_API_KEY", default="")
AI_OPENAI_MODEL = env.str("AI_OPENAI_MODEL", default="")
AI_OPENAI_EMBEDDING_MODEL = env.str("AI_OPENAI_EMBEDDING_MODEL", default="")
AI_OPENAI_TIMEOUT = env.float("AI_OPENAI_TIMEOUT", default=60)
AI_OPENAI_MAX_RETRIES = env.int("AI_OPENAI_MAX_RETRIES", default=2)
# Price per million tokens (input, output) for cost accounting; 0 for a server of your own.
AI_OPENAI_PRICE_INPUT = env.float("AI_OPENAI_PRICE_INPUT", default=0.0)
AI_OPENAI_PRICE_OUTPUT = env.float("AI_OPENAI_PRICE_OUTPUT", default=0.0)
# Threads the embedded embedding model may use.
AI_EMBEDDED_THREADS = env.int("AI_EMBEDDED_THREADS", default=2)
# A faster-whisper model directory (optional extra `audio`); nothing is ever downloaded.
AI_AUDIO_MODEL_DIR = env.str("AI_AUDIO_MODEL_DIR", default="")
# A local sentence-embedding model exported to ONNX (optional extra `models`), instead of the
# built-in Universal Sentence Encoder; empty uses the built-in one. Nothing is ever downloaded.
# After changing it, run `wendbaar search_rebuild --records` to embed every passage again.
AI_EMBEDDING_MODEL_DIR = env.str("AI_EMBEDDING_MODEL_DIR", default="")
# Longest text one AI step takes; longer input is cut, and the draft says so.
AI_MAX_INPUT_CHARS = env.int("AI_MAX_INPUT_CHARS", default=200_000)
# The privacy guard's prepared name and place tables (built by `wendbaar privacy prepare`). Not
# under WENDBAAR_VAR_DIR, so test runs and several installs on one machine share one build.
PRIVACY_CACHE_DIR = Path(
    env.str("PRIVACY_CACHE_DIR", default=str(BASE_DIR / "var" / "cache" / "privacy"))
)
# Where the embedded search backend keeps its vector matrices.
SEARCH_INDEX_DIR = Path(env.str("SEARCH_INDEX_DIR", default=str(VAR_DIR / "index")))

CACHES = {"default": env.cache("CACHE_URL", default="locmemcache://")}

# Security headers. HSTS and secure cookies only when served over HTTPS (behind a proxy that says so).
SECURE_HTTPS = env.bool("SECURE_HTTPS", default=not DEBUG)
BEHIND_PROXY = env.bool("BEHIND_PROXY", default=False)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if BEHIND_PROXY else None
# How many reverse proxies append to X-Forwarded-For in front of Wendbaar (client addresses for the
# audit log and the sign-in lock-out come from there).
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=1 if BEHIND_PROXY else 0)
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=SECURE_HTTPS)
SESSION_COOKIE_SECURE = SECURE_HTTPS
CSRF_COOKIE_SECURE = SECURE_HTTPS
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000 if SECURE_HTTPS else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = SECURE_HTTPS
# Preloading HSTS binds the customer's whole domain for years; only its owner can choose that.
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=False)
SILENCED_SYSTEM_CHECKS = [] if SECURE_HSTS_PRELOAD else ["security.W021"]
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_AGE = env.int("SESSION_COOKIE_AGE", default=60 * 60 * 10)
X_FRAME_OPTIONS = "DENY"
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "object-src": [CSP.NONE],
}
DATA_UPLOAD_MAX_MEMORY_SIZE = env.int("DATA_UPLOAD_MAX_MEMORY_SIZE", default=10 * 1024 * 1024)
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

# Knowledge: the largest file read as a document, and how much of its text is kept searchable.
KNOWLEDGE_MAX_FILE_BYTES = env.int("KNOWLEDGE_MAX_FILE_BYTES", default=50 * 1024 * 1024)
KNOWLEDGE_MAX_TEXT_CHARS = env.int("KNOWLEDGE_MAX_TEXT_CHARS", default=2_000_000)

# Meetings: how many characters of transcript one call to a model server carries (a longer
# meeting goes in windows of this size, then one call merges their minutes).
MEETINGS_MODEL_CONTEXT_CHARS = env.int("MEETINGS_MODEL_CONTEXT_CHARS", default=24_000)

# Planning: calendar subscriptions (size and time limits per fetch) and how long the office-day
# planner searches before it proposes the best plan found.
PLANNING_CALENDAR_MAX_BYTES = env.int("PLANNING_CALENDAR_MAX_BYTES", default=10 * 1024 * 1024)
PLANNING_CALENDAR_TIMEOUT_SECONDS = env.float("PLANNING_CALENDAR_TIMEOUT_SECONDS", default=15.0)
PLANNING_SOLVE_SECONDS = env.float("PLANNING_SOLVE_SECONDS", default=20.0)

# The address customers reach this installation at (https://offerte.example.nl): accept links in
# quotes sent without a browser request (CLI, background tasks) are built on it.
WENDBAAR_BASE_URL = env.str("WENDBAAR_BASE_URL", default="")

# API tokens: their prefix makes leaked tokens easy to recognise by secret scanners.
API_TOKEN_PREFIX = "wb"  # noqa: S105

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {
        # Django's own console handler would print each of its records a second time.
        "django": {"handlers": [], "level": "INFO"},
        "django.db.backends": {"level": "WARNING"},
        # Every task's start and end; the worker prints its own line per job.
        "django.tasks": {"level": "WARNING"},
        "axes": {"level": "WARNING"},
    },
}
