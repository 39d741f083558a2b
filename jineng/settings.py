"""The one settings module of jineng, read from the environment.

Development defaults are safe for a laptop: SQLite, DEBUG on, a development secret and
data key derived from nothing secret. Production (``JINENG_ENV=production``) refuses to
start unless every secret it needs is set, and switches on the deploy-time protections.
"""

import base64
import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent
ENV = os.environ.get("JINENG_ENV", "development")
PRODUCTION = ENV == "production"


def _env(name: str, default: str | None = None) -> str:
    value = os.environ.get(name)
    if value:
        return value
    if PRODUCTION or default is None:
        raise ImproperlyConfigured(f"环境变量 {name} 未设置：生产环境必须提供 ({name} is required in production)")
    return default


def _env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


DEBUG = _env_bool("DEBUG", not PRODUCTION)
SECRET_KEY = _env("SECRET_KEY", "dev-insecure-" + "x" * 50)
ALLOWED_HOSTS = [h.strip() for h in _env("ALLOWED_HOSTS", "127.0.0.1,localhost,testserver").split(",") if h.strip()]
CSRF_TRUSTED_ORIGINS = [o.strip() for o in os.environ.get("CSRF_TRUSTED_ORIGINS", "").split(",") if o.strip()]

# Personal-data encryption: AES-256-GCM keys as "keyid:base64key" pairs, newest first.
# Older keys stay listed so that rows written with them can still be read (rotation).
_DEV_DATA_KEY = "dev1:" + base64.b64encode(b"jineng-development-data-key-0001").decode()
_DEV_LOOKUP_KEY = base64.b64encode(b"jineng-development-lookup-key-01").decode()
DATA_ENCRYPTION_KEYS = _env("JINENG_DATA_KEYS", _DEV_DATA_KEY)
DATA_LOOKUP_KEY = _env("JINENG_LOOKUP_KEY", _DEV_LOOKUP_KEY)

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "axes",
    "django_tasks",
    "django_tasks_db",
    "jineng.regions",
    "jineng.identity",
    "jineng.organizations",
    "jineng.audit",
    "jineng.policy",
    "jineng.platforms",
    "jineng.courses",
    "jineng.learning",
    "jineng.exams",
    "jineng.integrity",
    "jineng.notifications",
    "jineng.question_threads",
    "jineng.certificates",
    "jineng.projects",
    "jineng.practicals",
    "jineng.documents",
    "jineng.claims",
    "jineng.web",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "jineng.learning.middleware.HeartbeatFastPathMiddleware",  # token-authenticated heartbeats stop here
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "jineng.identity.middleware.StaffTwoFactorMiddleware",
    "jineng.web.middleware.DomainErrorMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "jineng.urls"
WSGI_APPLICATION = "jineng.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "jineng" / "web" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "jineng.web.context_processors.navigation",
                "jineng.notifications.context_processors.notifications",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        _env("DATABASE_URL", f"sqlite:///{BASE_DIR / 'var' / 'jineng.sqlite3'}"),
        conn_max_age=int(os.environ.get("DB_CONN_MAX_AGE", "60")),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"transaction_mode": "IMMEDIATE", "init_command": "PRAGMA journal_mode=WAL; PRAGMA busy_timeout=5000;"}
    )

AUTH_USER_MODEL = "identity.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 8}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "web:login"
LOGIN_REDIRECT_URL = "web:home"
LOGOUT_REDIRECT_URL = "web:login"

AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = 0.5  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "web/locked_out.html"

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文")]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "var" / "static"
# Browser packages from npm (package-lock.json), served as /static/<package>/dist/…
BROWSER_PACKAGES = ["echarts", "htmx.org", "scorm-again"]
STATICFILES_DIRS = [
    (f"{package}/dist", BASE_DIR / "node_modules" / package / "dist")
    for package in BROWSER_PACKAGES
    if (BASE_DIR / "node_modules" / package / "dist").is_dir()
]
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "var" / "media"))
MEDIA_URL = "/media/"
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if PRODUCTION
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

# Content Security Policy: same-origin scripts only, no inline script.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "media-src": ["'self'", "blob:"],
        "connect-src": ["'self'"],
        "frame-src": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
    }
}

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = 8 * 3600

# A shared cache (Redis) when REDIS_URL is set: every app server sees the same entries, so sessions
# can be read from it (``cached_db``: Redis first, the database as the durable copy). Without it,
# a per-process memory cache, which must never hold sessions (a signed-out session would live on
# in the other workers' memory).
REDIS_URL = os.environ.get("REDIS_URL", "")

# The site's public address, for links that leave the site: the QR codes of certificates and of
# practical-session sign-in. Empty: the address the request came in on.
JINENG_PUBLIC_URL = os.environ.get("JINENG_PUBLIC_URL", "").rstrip("/")
if REDIS_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL,
                          "KEY_PREFIX": os.environ.get("JINENG_CACHE_PREFIX", "jineng"), "TIMEOUT": 300}}
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    SESSION_ENGINE = "django.contrib.sessions.backends.db"
CSRF_COOKIE_HTTPONLY = False  # the page reads it for htmx / fetch headers
CSRF_FAILURE_VIEW = "jineng.web.views.csrf_failure"
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

if PRODUCTION:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = _env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "31536000"))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    if len(SECRET_KEY) < 50 or SECRET_KEY.startswith("dev-insecure-"):
        raise ImproperlyConfigured("SECRET_KEY 太短或为开发默认值 (SECRET_KEY must be ≥50 random characters)")

# Staff (everyone but learners) must confirm a TOTP code after the password.
JINENG_STAFF_2FA = _env_bool("JINENG_STAFF_2FA", True)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}
