"""Clonacare's one settings module, driven by environment variables.

Every variable is documented in docs/configuration.md. SQLite in the data directory by
default; PostgreSQL (or any database) by DATABASE_URL.
"""

from __future__ import annotations

import secrets
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from clonacare.web.env import envbool, envint, envlist, envstr

PACKAGE_DIR = Path(__file__).resolve().parent.parent
PROJECT_DIR = PACKAGE_DIR.parent.parent  # the checkout (src layout, editable install)

DATA_DIR = Path(envstr("CLONACARE_DATA_DIR", str(PROJECT_DIR / "var")))
CONTENT_DIR = Path(envstr("CLONACARE_CONTENT_DIR", str(PROJECT_DIR / "content")))
CRISIS_FILE = envstr("CLONACARE_CRISIS_FILE", "")

DEBUG = envbool("DEBUG", False)


def _secret_key() -> str:
    """SECRET_KEY from the environment; otherwise one generated once and kept in DATA_DIR."""
    key = envstr("SECRET_KEY", "")
    if key:
        return key
    path = DATA_DIR / "secret_key"
    if path.exists():
        return path.read_text().strip()
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(50)
    path.write_text(key)
    path.chmod(0o600)
    return key


SECRET_KEY = _secret_key()
ALLOWED_HOSTS = envlist("ALLOWED_HOSTS", "127.0.0.1,localhost")
SITE_NAME = envstr("SITE_NAME", "Clonacare")

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "axes",
    "ninja",
    "clonacare.web",
    "clonacare.education",
    "clonacare.accounts",
    "clonacare.audit",
    "clonacare.patients",
    "clonacare.assessments",
    "clonacare.plans",
    "clonacare.monitoring",
    "clonacare.therapy",
    "clonacare.recovery",
    "clonacare.exchange",
    "clonacare.population",
    "clonacare.portal",
    "clonacare.clinic",
    "clonacare.api",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "clonacare.web.middleware.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # The language comes from the path (/es/... is Spanish, the rest English), before the
    # URLs are resolved; a remembered choice sends a GET to the same page in it.
    "clonacare.web.language.PathLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # A form or query string that is not UTF-8 or holds a NUL: 400, before any view.
    "clonacare.web.form_text.FormTextMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, as django-axes asks: turns a locked-out login into its lockout response.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "clonacare.web.urls"
WSGI_APPLICATION = "clonacare.web.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "clonacare.web.language.alternates",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "clonacare.web.context.site",
                "clonacare.web.banner.open_alerts",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        envstr("DATABASE_URL", f"sqlite:///{DATA_DIR / 'clonacare.sqlite3'}"),
        conn_max_age=envint("DB_CONN_MAX_AGE", 0),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # No JIT compilation: PostgreSQL compiles any query its planner costs above
    # jit_above_cost, and the worklist's one query per caseload (a few subqueries per
    # patient) crossed it, paying about 19 ms of compiling for 20 ms of work on 2,000
    # patients (docs/benchmarks.md, "Worklist"). The pages' queries are short; none gains.
    # A DATABASE_URL that sets its own ``options`` keeps them.
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault("options", "-c jit=off")
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Every transaction takes SQLite's write lock when it begins (BEGIN IMMEDIATE), and a
    # request waits up to 20 seconds for it (then a 500, logged). A deferred transaction reads,
    # then asks for the lock to write while another holds it, and SQLite cannot make it
    # wait (its snapshot would be stale): two clients changing a status answered 500
    # "database is locked" for 9 requests in 80 (issue 14).
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        transaction_mode="IMMEDIATE",
        timeout=20,
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Authentication: Django's auth, Argon2 hashing, django-axes lockout, django-otp TOTP.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",  # first: refuses locked-out logins
    "django.contrib.auth.backends.ModelBackend",
]
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
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "accounts:home"
LOGOUT_REDIRECT_URL = "accounts:login"
# At most 10 failed sign-ins before the account locks (the clinic's requirement).
AXES_FAILURE_LIMIT = envint("LOGIN_FAILURE_LIMIT", 10, minimum=1, maximum=10)
AXES_COOLOFF_TIME = timedelta(minutes=envint("LOGIN_LOCKOUT_MINUTES", 30, minimum=1))
# Lock the account under attack, from wherever the attempts come, and nothing else: an
# address is not locked, because a clinic's staff and patients often share one (NAT).
# The trade-off (password spraying across usernames) is in docs/configuration.md.
AXES_LOCKOUT_PARAMETERS = ["username"]
# django-axes warns (W006) when the address is not a lockout parameter, because a lock
# keyed on the browser or a cookie is evaded by changing them. A username lock counts
# every attempt on the account, whatever the address, browser or cookie.
SILENCED_SYSTEM_CHECKS = ["axes.W006"]
# The client's address, for the lockout's records as for the audit log: REMOTE_ADDR, or
# X-Forwarded-For as written by PROXY_COUNT trusted reverse proxies.
PROXY_COUNT = envint("CLONACARE_PROXY_COUNT", 0, minimum=0)
AXES_CLIENT_IP_CALLABLE = "clonacare.audit.log.client_address"
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_VERBOSE = False
OTP_TOTP_ISSUER = envstr("SITE_NAME", "Clonacare")
# Sessions end after SESSION_IDLE_MINUTES without a request, and when the browser closes.
SESSION_COOKIE_AGE = envint("SESSION_IDLE_MINUTES", 30) * 60
SESSION_SAVE_EVERY_REQUEST = True
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
API_TOKEN_HOURS = envint("API_TOKEN_HOURS", 8)
# API rate limits (django-ninja's throttling, api/throttles.py): requests per token and
# per address, as "<count>/<s|min|hour|day>"; over either, 429 with Retry-After.
API_RATE_PER_TOKEN = envstr("API_RATE_PER_TOKEN", "240/min")
API_RATE_PER_ADDRESS = envstr("API_RATE_PER_ADDRESS", "1200/min")
# Sign-in attempts on the page from one address (accounts/sign_in_rate.py), as the API's
# rates; over it, 429 with Retry-After. Failed attempts per account lock it (django-axes).
LOGIN_RATE_PER_ADDRESS = envstr("LOGIN_RATE_PER_ADDRESS", "60/min")
# Questionnaires stored for one patient in an hour (portal, API, clinic), past which a
# submission is refused with 429 (its safety answers still raise their alerts). A
# Clonacare default against floods, not a clinical figure: docs/configuration.md.
QUESTIONNAIRES_PER_PATIENT_HOUR = envint("QUESTIONNAIRES_PER_PATIENT_HOUR", 60, minimum=1)
# Population screens (docs/population.md, "In the clinic"): the largest upload, in MB, of
# a dispensing file and its diagnoses together (a screen runs while the upload waits), and
# where the upload is kept while it is screened (the system's temporary folder when
# empty); it is deleted as soon as the screen is done.
POPULATION_UPLOAD_MAX_MB = envint("POPULATION_UPLOAD_MAX_MB", 50, minimum=1, maximum=2048)
POPULATION_WORK_DIR = envstr("POPULATION_WORK_DIR", "")

# The public site and the portal in English and Spanish (issue 16): English at the
# unprefixed paths, Spanish under /es/ with the same paths; staff pages stay English.
LANGUAGE_CODE = "en"
LANGUAGES = [("en", "English"), ("es", "Español")]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
LANGUAGE_COOKIE_NAME = "clonacare_language"
LANGUAGE_COOKIE_HTTPONLY = True
LANGUAGE_COOKIE_SAMESITE = "Lax"
LANGUAGE_COOKIE_AGE = 365 * 24 * 60 * 60
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG

# Security headers and cookies (checked by `manage.py check --deploy` under production).
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Only this origin's scripts, styles, fonts and images (charts are data: images); no
# inline script, no plugins, no framing, forms post only here.
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'self'; "
    "form-action 'self'; frame-ancestors 'none'"
)
# No page uses the browser's powerful features: denied to the site and anything it frames.
PERMISSIONS_POLICY = (
    "accelerometer=(), camera=(), geolocation=(), gyroscope=(), magnetometer=(), "
    "microphone=(), payment=(), usb=()"
)
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = envbool("SECURE_COOKIES", False)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
LANGUAGE_COOKIE_SECURE = SESSION_COOKIE_SECURE
CSRF_FAILURE_VIEW = "clonacare.web.errors.csrf_failure"
SECURE_SSL_REDIRECT = envbool("SECURE_SSL_REDIRECT", False)
SECURE_HSTS_SECONDS = envint("SECURE_HSTS_SECONDS", 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = SECURE_HSTS_SECONDS > 0
SECURE_HSTS_PRELOAD = envbool("SECURE_HSTS_PRELOAD", False)
# Behind a proxy that ends TLS, the request reaches waitress as plain HTTP: trust the
# proxy's X-Forwarded-Proto (it must set it, overwriting the client's) so that the HTTPS
# redirect, secure cookies and the CSRF origin check see the scheme the browser used.
if envbool("CLONACARE_PROXY_HTTPS", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# Email: safety alerts reach people by mail (docs/configuration.md, "Email"). The
# console backend, the default, writes each message to the output of the command that
# serves the app; EMAIL_BACKEND=smtp sends through EMAIL_HOST.
EMAIL_BACKENDS = {
    "console": "django.core.mail.backends.console.EmailBackend",
    "smtp": "django.core.mail.backends.smtp.EmailBackend",
}
_email_backend = envstr("EMAIL_BACKEND", "console").strip().lower()
if _email_backend not in EMAIL_BACKENDS:
    raise ImproperlyConfigured(
        f"EMAIL_BACKEND must be one of {', '.join(EMAIL_BACKENDS)}, got {_email_backend!r}."
    )
EMAIL_BACKEND = EMAIL_BACKENDS[_email_backend]
EMAIL_HOST = envstr("EMAIL_HOST", "localhost")
EMAIL_PORT = envint("EMAIL_PORT", 587, minimum=1, maximum=65535)
EMAIL_HOST_USER = envstr("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = envstr("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = envbool("EMAIL_USE_TLS", True)
EMAIL_USE_SSL = envbool("EMAIL_USE_SSL", False)
if EMAIL_USE_TLS and EMAIL_USE_SSL:
    raise ImproperlyConfigured(
        "EMAIL_USE_TLS and EMAIL_USE_SSL cannot both be true: set EMAIL_USE_TLS=false "
        "for a server that speaks TLS from the start (usually port 465)."
    )
EMAIL_TIMEOUT = envint("EMAIL_TIMEOUT", 10, minimum=1)
DEFAULT_FROM_EMAIL = envstr("DEFAULT_FROM_EMAIL", "Clonacare <alerts@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# The address people open the site at, for the links in emails.
SITE_URL = envstr("SITE_URL", "http://127.0.0.1:8000")
# Check-in reminders (docs/monitoring.md, "Check-in reminders") go out at or after this
# hour of the day, in TIME_ZONE: a Clonacare operational default, not a clinical number.
CHECK_IN_REMINDER_HOUR = envint("CHECK_IN_REMINDER_HOUR", 9, minimum=0, maximum=23)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": envstr("LOG_LEVEL", "WARNING")},
}
