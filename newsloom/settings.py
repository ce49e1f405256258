"""Django settings. Everything a deployment changes comes from the environment:
NEWSLOOM_DATA_DIR, DATABASE_URL, REDIS_URL, NEWSLOOM_FETCH_ALLOW, NEWSLOOM_SECRET_KEY,
NEWSLOOM_DEBUG, NEWSLOOM_ALLOWED_HOSTS."""

from __future__ import annotations

import os
from pathlib import Path

import dj_database_url

from newsloom.paths import data_dir, secret_key

BASE_DIR = Path(__file__).resolve().parent
DATA_DIR = data_dir()

SECRET_KEY = secret_key()
DEBUG = os.environ.get("NEWSLOOM_DEBUG", "") == "1"
ALLOWED_HOSTS = os.environ.get("NEWSLOOM_ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]").split(",")
# behind an HTTPS reverse proxy: e.g. https://news.example.org
CSRF_TRUSTED_ORIGINS = [o for o in os.environ.get("NEWSLOOM_CSRF_TRUSTED_ORIGINS", "").split(",")
                        if o]
if os.environ.get("NEWSLOOM_BEHIND_HTTPS_PROXY") == "1":
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

if os.environ.get("DATABASE_URL"):
    DATABASES = {"default": dj_database_url.parse(os.environ["DATABASE_URL"], conn_max_age=60)}
    if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
        DATABASES["default"]["OPTIONS"] = _SQLITE_OPTIONS
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

if os.environ.get("REDIS_URL"):
    HUEY = {
        "huey_class": "huey.RedisHuey",
        "name": os.environ.get("NEWSLOOM_QUEUE_NAME", "newsloom"),
        "url": os.environ["REDIS_URL"],
        "immediate": False,
        "consumer": {"workers": 4, "worker_type": "thread"},
    }
else:
    HUEY = {
        "huey_class": "huey.SqliteHuey",
        "name": "newsloom",
        "filename": str(DATA_DIR / "huey.sqlite3"),
        "immediate": False,
        "consumer": {"workers": 4, "worker_type": "thread"},
    }

if os.environ.get("REDIS_URL"):
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache",
                          "LOCATION": os.environ["REDIS_URL"],
                          "KEY_PREFIX": os.environ.get("NEWSLOOM_QUEUE_NAME", "newsloom")}}
else:  # shared by every process on this machine (web, worker), unlike a memory cache
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
                          "LOCATION": str(DATA_DIR / "cache")}}

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "home"
EMAIL_BACKEND = os.environ.get("NEWSLOOM_EMAIL_BACKEND",
                               "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = os.environ.get("NEWSLOOM_EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("NEWSLOOM_EMAIL_PORT", 25))
EMAIL_HOST_USER = os.environ.get("NEWSLOOM_EMAIL_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("NEWSLOOM_EMAIL_PASSWORD", "")
EMAIL_USE_TLS = os.environ.get("NEWSLOOM_EMAIL_TLS", "") == "1"
DEFAULT_FROM_EMAIL = os.environ.get("NEWSLOOM_EMAIL_FROM", "newsloom@localhost")
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_SAMESITE = "Lax"
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
# Ad slots between paragraphs: off unless an HTML snippet is configured
NEWSLOOM_AD_SNIPPET = os.environ.get("NEWSLOOM_AD_SNIPPET", "")
NEWSLOOM_AD_EVERY = int(os.environ.get("NEWSLOOM_AD_EVERY", 4))

LANGUAGE_CODE = "en"
LANGUAGES = [("en", "English"), ("zh-hant", "繁體中文"), ("zh-hans", "简体中文")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = os.environ.get("NEWSLOOM_TIME_ZONE", "UTC")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = DATA_DIR / "static"
DATA_DIR.joinpath("static").mkdir(exist_ok=True)  # whitenoise warns when it is missing
WHITENOISE_USE_FINDERS = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "loggers": {
        "newsloom": {"handlers": ["console"], "level": os.environ.get("NEWSLOOM_LOG", "INFO")},
        "huey": {"handlers": ["console"], "level": "WARNING"},
    },
}

# Fetching and scheduling knobs (seconds unless named otherwise).
NEWSLOOM = {
    "MAX_BYTES": int(os.environ.get("NEWSLOOM_MAX_BYTES", 10 * 1024 * 1024)),
    "PER_HOST": int(os.environ.get("NEWSLOOM_PER_HOST", 2)),
    "HOST_SPACING": float(os.environ.get("NEWSLOOM_HOST_SPACING", 0.5)),
    "CONNECT_TIMEOUT": float(os.environ.get("NEWSLOOM_CONNECT_TIMEOUT", 10)),
    "READ_TIMEOUT": float(os.environ.get("NEWSLOOM_READ_TIMEOUT", 20)),
    "REFRESH_FLOOR": 5 * 60,
    "REFRESH_CEILING": 4 * 60 * 60,
    "REFRESH_DEFAULT": 30 * 60,
    "BACKOFF_CAP": 24 * 60 * 60,
    # how long a worker may hold an article before others assume it died
    "ARTICLE_LEASE": int(os.environ.get("NEWSLOOM_ARTICLE_LEASE", 300)),
}
