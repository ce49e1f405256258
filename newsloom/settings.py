"""Django settings, derived from newsloom's configuration (newsloom/config.py: every
environment variable, read once and validated). Importing this module writes nothing: the
data folder and secret key are prepared by the entry points (`newsloom`, the WSGI module)."""

from __future__ import annotations

from pathlib import Path

import dj_database_url

from newsloom.config import current, stored_secret_key
from newsloom.data_folder import read_only_sqlite_name, writable

_config = current()
BASE_DIR = Path(__file__).resolve().parent
DATA_DIR = _config.data_dir
# read-only: pages are served, changes refused (a folder not made yet will be, writable)
DATA_WRITABLE = writable(DATA_DIR) if DATA_DIR.exists() else True

# Empty only when no entry point prepared the data folder; Django then refuses to sign
# anything rather than use a key that would differ between processes.
SECRET_KEY = stored_secret_key(_config)
DEBUG = _config.debug
ALLOWED_HOSTS = list(_config.allowed_hosts)
# behind an HTTPS reverse proxy: e.g. https://news.example.org
CSRF_TRUSTED_ORIGINS = list(_config.csrf_trusted_origins)
NEWSLOOM_TRUSTED_PROXIES = _config.trusted_proxies
NEWSLOOM_REMOTE_IMAGES = _config.remote_images
if _config.behind_https_proxy:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = True

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "huey.contrib.djhuey",
    "newsloom.news.apps.NewsConfig",
    "newsloom.web.apps.WebConfig",
    "newsloom.api.apps.ApiConfig",
    "ninja",  # serves the API docs' Swagger UI from static files, not from a CDN
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
    "newsloom.web.security_headers.SecurityHeadersMiddleware",
    "newsloom.web.storage_errors.StorageErrorMiddleware",
]

ROOT_URLCONF = "newsloom.urls"
WSGI_APPLICATION = "newsloom.wsgi.application"

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
                "django.template.context_processors.i18n",
            ],
        },
    },
]

_SQLITE_OPTIONS = {
    # WAL lets readers run beside the single writer; IMMEDIATE transactions take the write
    # lock up front so two workers never deadlock upgrading a read lock.
    "init_command": (
        "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=30000;"
    ),
    "transaction_mode": "IMMEDIATE",
    "timeout": 30,
}

if _config.database_url:
    DATABASES = {"default": dj_database_url.parse(_config.database_url, conn_max_age=60)}
    if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
        DATABASES["default"]["OPTIONS"] = _SQLITE_OPTIONS
elif not DATA_WRITABLE:
    DATABASES = {"default": {"ENGINE": "django.db.backends.sqlite3",
                             "NAME": read_only_sqlite_name(DATA_DIR / "newsloom.sqlite3")}}
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": DATA_DIR / "newsloom.sqlite3",
            "OPTIONS": _SQLITE_OPTIONS,
            # a file, not memory: tests share the database with threads and subprocesses
            "TEST": {"NAME": str(DATA_DIR / "test.sqlite3")},
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

if _config.redis_url:
    HUEY = {
        "huey_class": "huey.RedisHuey",
        "name": _config.queue_name,
        "url": _config.redis_url,
        "immediate": False,
        "consumer": {"workers": 4, "worker_type": "thread"},
    }
else:
    HUEY = {
        "huey_class": "huey.SqliteHuey",
        "name": "newsloom",
        "filename": str(DATA_DIR / "huey.sqlite3"),
        "create_tables": DATA_WRITABLE,
        "immediate": False,
        "consumer": {"workers": 4, "worker_type": "thread"},
    }

if _config.redis_url:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache",
                          "LOCATION": _config.redis_url, "KEY_PREFIX": _config.queue_name}}
else:  # shared by every process on this machine (web, worker), unlike a memory cache
    CACHES = {"default": {"BACKEND": "newsloom.web.tolerant_cache.TolerantFileBasedCache",
                          "LOCATION": str(DATA_DIR / "cache")}}

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": f"django.contrib.auth.password_validation.{name}"}
    for name in ("UserAttributeSimilarityValidator", "MinimumLengthValidator",
                 "CommonPasswordValidator", "NumericPasswordValidator")]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "home"
EMAIL_BACKEND = _config.email_backend
EMAIL_HOST = _config.email_host
EMAIL_PORT = _config.email_port
EMAIL_HOST_USER = _config.email_user
EMAIL_HOST_PASSWORD = _config.email_password
EMAIL_USE_TLS = _config.email_tls
DEFAULT_FROM_EMAIL = _config.email_from
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_SAMESITE = "Lax"
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
# Ad slots between paragraphs: off unless an HTML snippet is configured
NEWSLOOM_AD_SNIPPET = _config.ad_snippet
NEWSLOOM_AD_EVERY = _config.ad_every

LANGUAGE_CODE = "en"
LANGUAGES = [("en", "English"), ("zh-hant", "繁體中文"), ("zh-hans", "简体中文")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = _config.time_zone
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = DATA_DIR / "static"  # made by config.prepare_data_folder (whitenoise wants it)
WHITENOISE_USE_FINDERS = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "loggers": {
        "newsloom": {"handlers": ["console"], "level": _config.log_level},
        "huey": {"handlers": ["console"], "level": "WARNING"},
        # server errors (HTTP 500) with their tracebacks; Django sends them nowhere by default
        "django.request": {"handlers": ["console"], "level": "ERROR", "propagate": False},
    },
}

# Fetching and scheduling knobs (seconds unless named otherwise).
NEWSLOOM = {
    "MAX_BYTES": _config.max_bytes,
    "PER_HOST": _config.per_host,
    "HOST_SPACING": _config.host_spacing,
    "CONNECT_TIMEOUT": _config.connect_timeout,
    "READ_TIMEOUT": _config.read_timeout,
    "REFRESH_FLOOR": 5 * 60,
    "REFRESH_CEILING": 4 * 60 * 60,
    "REFRESH_DEFAULT": 30 * 60,
    "BACKOFF_CAP": 24 * 60 * 60,
    # how long a worker may hold an article before others assume it died
    "ARTICLE_LEASE": _config.article_lease,
}
