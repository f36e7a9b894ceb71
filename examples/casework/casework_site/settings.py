"""Settings of the casework reference app.

SQLite by default, for Django's tables and kwflow's cases alike (two files
in ``CASEWORK_DATA``, default ``examples/casework/data``). One setting moves
both to PostgreSQL: ``CASEWORK_DATABASE_URL=postgresql://user@host:5432/db``
(kwflow's tables go to the schema ``CASEWORK_KWFLOW_SCHEMA``, default
``casework_kwflow``).
"""

from __future__ import annotations

import os
from pathlib import Path
from urllib.parse import unquote, urlsplit

BASE_DIR = Path(__file__).resolve().parent.parent
DATA_DIR = Path(os.environ.get("CASEWORK_DATA", BASE_DIR / "data"))

# A demo app: the key only signs sessions of the demo users. A deployment
# sets its own through the environment.
SECRET_KEY = os.environ.get("CASEWORK_SECRET_KEY", "casework-demo-only-not-a-secret")
DEBUG = os.environ.get("CASEWORK_DEBUG", "1") == "1"
ALLOWED_HOSTS = ["127.0.0.1", "localhost", "testserver"]

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "casework",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "casework.language.ChosenLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "casework_site.urls"
TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ]
        },
    }
]
WSGI_APPLICATION = "casework_site.wsgi.application"


def _databases(url: str | None) -> dict[str, dict[str, object]]:
    if not url:
        DATA_DIR.mkdir(parents=True, exist_ok=True)
        return {
            "default": {
                "ENGINE": "django.db.backends.sqlite3",
                "NAME": DATA_DIR / "django.sqlite3",
            }
        }
    parts = urlsplit(url)
    return {
        "default": {
            "ENGINE": "django.db.backends.postgresql",
            "NAME": parts.path.lstrip("/"),
            "USER": unquote(parts.username or ""),
            "PASSWORD": unquote(parts.password or ""),
            "HOST": parts.hostname or "",
            "PORT": str(parts.port or ""),
        }
    }


DATABASE_URL = os.environ.get("CASEWORK_DATABASE_URL") or None
DATABASES = _databases(DATABASE_URL)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# kwflow's store: the same database as Django's (see the module docstring).
KWFLOW_SQLITE = DATA_DIR / "cases.sqlite3"
KWFLOW_POSTGRES_DSN = DATABASE_URL
KWFLOW_SCHEMA = os.environ.get("CASEWORK_KWFLOW_SCHEMA", "casework_kwflow")
# kwflow's key ring for PostgreSQL (SQLite keeps its own beside the database file).
KWFLOW_KEY_FILE = Path(os.environ.get("CASEWORK_KWFLOW_KEYS", DATA_DIR / "kwflow-postgres.key"))

# Czech first: the people who use it are Czech social workers and families;
# English for anyone else (the switch in the page header).
LANGUAGE_CODE = "cs"
LANGUAGES = [("cs", "Čeština"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "casework" / "locale"]
USE_I18N = True
TIME_ZONE = "Europe/Prague"
USE_TZ = True

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "inbox"
LOGOUT_REDIRECT_URL = "login"
AUTH_PASSWORD_VALIDATORS: list[dict[str, str]] = []
