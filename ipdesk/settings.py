"""ipdesk settings: everything comes from environment variables.

The defaults are the safe production ones (DEBUG off, no hosts allowed, a secret key required);
`make run` and `make test` export the development values. See docs/operations.md.
"""
import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent
VAR_DIR = Path(os.environ.get("IPDESK_VAR_DIR", Path.cwd() / "var"))
VAR_DIR.mkdir(parents=True, exist_ok=True)  # the SQLite database, the job queue and uploads live here


def env_bool(name, default=False):
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name, default=""):
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG", False)
SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if DEBUG:
        SECRET_KEY = "ipdesk-development-only-secret-key-not-for-production"
    else:
        raise ImproperlyConfigured("SECRET_KEY must be set (see docs/operations.md)")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

# Key for personal data stored encrypted at rest (phone, ID numbers); defaults to one derived from SECRET_KEY.
# Old keys (comma-separated) still open values written under them; a value no key opens fails loudly.
FIELD_ENCRYPTION_KEY = os.environ.get("FIELD_ENCRYPTION_KEY", "")
FIELD_ENCRYPTION_OLD_KEYS = os.environ.get("FIELD_ENCRYPTION_OLD_KEYS", "")
# The audit chain is an HMAC under a key kept outside the database (core/audit.py): AUDIT_HMAC_KEY, or the
# key file. The file is created on first use only in development and tests (AUDIT_KEY_AUTOCREATE); a
# production server refuses to write audit entries without it. Signed checkpoints of the chain's head go to
# AUDIT_CHECKPOINT_FILE and, when AUDIT_SYSLOG_ADDRESS is set (host:port or a socket path), to syslog.
AUDIT_HMAC_KEY = os.environ.get("AUDIT_HMAC_KEY", "")
AUDIT_HMAC_OLD_KEYS = os.environ.get("AUDIT_HMAC_OLD_KEYS", "")
AUDIT_KEY_FILE = Path(os.environ.get("AUDIT_KEY_FILE", VAR_DIR / "audit.key"))
AUDIT_KEY_AUTOCREATE = env_bool("AUDIT_KEY_AUTOCREATE", DEBUG)
AUDIT_CHECKPOINT_FILE = Path(os.environ.get("AUDIT_CHECKPOINT_FILE", VAR_DIR / "audit-checkpoints.jsonl"))
AUDIT_SYSLOG_ADDRESS = os.environ.get("AUDIT_SYSLOG_ADDRESS", "")
# Backups are encrypted (AES-256-GCM) under BACKUP_KEY, or a key derived from the field-encryption key.
BACKUP_KEY = os.environ.get("BACKUP_KEY", "")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_filters",
    "django_tables2",
    "django_htmx",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "axes",
    "huey.contrib.djhuey",
    "ipdesk.core",
    "ipdesk.accounts",
    "ipdesk.regions",
    "ipdesk.registry",
    "ipdesk.stats",
    "ipdesk.services",
    "ipdesk.protection",
    "ipdesk.finance",
    "ipdesk.compliance",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "ipdesk.accounts.middleware.SessionRenewalMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "ipdesk.core.middleware.RequestContextMiddleware",
    "ipdesk.accounts.middleware.SecurityPolicyMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "ipdesk.urls"
WSGI_APPLICATION = "ipdesk.wsgi.application"
ASGI_APPLICATION = "ipdesk.asgi.application"

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
                "ipdesk.core.context_processors.navigation",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{VAR_DIR / 'ipdesk.sqlite3'}"),
        conn_max_age=int(os.environ.get("DB_CONN_MAX_AGE", "0")),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers go on while an import writes; IMMEDIATE avoids "database is locked" upgrades.
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 30,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "core:home"
LOGOUT_REDIRECT_URL = "accounts:login"

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.Argon2PasswordHasher",
]
if env_bool("IPDESK_FAST_HASHER"):  # tests only: hashing speed is not what they check
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator",
     "OPTIONS": {"user_attributes": ("username", "display_name", "email")}},
    {"NAME": "ipdesk.accounts.validators.UsernameInPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
     "OPTIONS": {"min_length": int(os.environ.get("PASSWORD_MIN_LENGTH", "10"))}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "ipdesk.accounts.validators.CharacterClassValidator",
     "OPTIONS": {"min_classes": int(os.environ.get("PASSWORD_MIN_CLASSES", "3"))}},
    {"NAME": "ipdesk.accounts.validators.PasswordHistoryValidator",
     "OPTIONS": {"history": int(os.environ.get("PASSWORD_HISTORY", "5"))}},
]
PASSWORD_MAX_AGE_DAYS = int(os.environ.get("PASSWORD_MAX_AGE_DAYS", "90"))

# Session timeout (等保三级: idle sessions end).
SESSION_COOKIE_AGE = int(os.environ.get("SESSION_TIMEOUT_SECONDS", "1800"))
# Renewed on activity, at most once a minute (accounts.middleware.SessionRenewalMiddleware), not on every request.
SESSION_RENEW_SECONDS = int(os.environ.get("SESSION_RENEW_SECONDS", "60"))
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", not DEBUG)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
# A content security policy that forbids framing, plugins, <base> tricks and posting forms elsewhere, and
# runs only script files served by the site itself: no inline <script>, no onclick=, no javascript: URL
# (every asset is served locally, see STATICFILES_DIRS; page behaviour lives in static/js/, data reaches it
# through json_script and data- attributes). An injected tag that slips past escaping does not run.
SECURE_CSP = {"script-src": ["'self'"], "frame-ancestors": ["'none'"], "object-src": ["'none'"],
              "base-uri": ["'self'"], "form-action": ["'self'"]}
# HTTP Strict Transport Security (RFC 6797): once a browser has seen the site over HTTPS it refuses plain
# HTTP to it for a year. On by default when the site is served over HTTPS (SECURE_COOKIES) outside
# development; subdomains and preload only when asked, since they bind every host of the domain.
SECURE_HSTS_SECONDS = int(os.environ.get("HSTS_SECONDS", "31536000" if SESSION_COOKIE_SECURE and not DEBUG else "0"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("HSTS_INCLUDE_SUBDOMAINS", False)
SECURE_HSTS_PRELOAD = env_bool("HSTS_PRELOAD", False)
# Behind nginx terminating TLS, Django learns that a request came over HTTPS (and so sends HSTS) only from
# the proxy's X-Forwarded-Proto header; trust it only when the proxy sets it (PROXY_SSL_HEADER=1).
if env_bool("PROXY_SSL_HEADER", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_REFERRER_POLICY = "same-origin"

# Lockout after repeated failures (django-axes); officers unlock with `ipdesk axes_reset_username`.
AXES_FAILURE_LIMIT = int(os.environ.get("LOGIN_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = float(os.environ.get("LOGIN_COOLOFF_HOURS", "0.5"))
# By username AND address (accounts/lockout.py): locking a whole address would lock out an office behind
# one intranet NAT address, and locking a username alone lets anyone lock anyone out by typing wrong
# passwords for them. So a guesser is locked at the address they guess from, the owner elsewhere still
# signs in; against guessing spread over many addresses, LOGIN_FAILURE_CEILING failures on one username
# from all addresses together (within the cool-off) lock the account everywhere (0: no ceiling).
# Trade-off: a colleague behind the same NAT address can still lock an officer out; the ceiling is the
# price of stopping distributed guessing. Either way, an officer ranked above the account unlocks it from
# the user page (accounts.models.rank), or an operator with `ipdesk axes_reset_username`.
# The address is REMOTE_ADDR: where a reverse proxy hides the clients' addresses, every failure comes from
# the proxy and the lockout is, in effect, by username again (never weaker than that).
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_HANDLER = "ipdesk.accounts.lockout.CeilingAxesHandler"
LOGIN_FAILURE_CEILING = int(os.environ.get("LOGIN_FAILURE_CEILING", str(6 * AXES_FAILURE_LIMIT)))
# models.W040: stats uses covering indexes (INCLUDE) that PostgreSQL uses and SQLite ignores, as intended.
SILENCED_SYSTEM_CHECKS = ["models.W040"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "accounts/locked.html"
AXES_LOCKOUT_CALLABLE = "ipdesk.accounts.views.lockout_response"  # JSON on /api/, the page elsewhere
AXES_ENABLED = env_bool("AXES_ENABLED", True)

# Roles that must pass a second factor (TOTP) after the password.
OTP_REQUIRED_ROLES = env_list("OTP_REQUIRED_ROLES", "city_officer")
OTP_ENFORCED = env_bool("OTP_ENFORCED", True)
# API tokens (POST /api/token/ with username, password and, for the roles above, otp) expire after this.
API_TOKEN_MAX_AGE_HOURS = float(os.environ.get("API_TOKEN_MAX_AGE_HOURS", "8"))

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = os.environ.get("TIME_ZONE", "Asia/Shanghai")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", VAR_DIR / "media"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"
                    if not DEBUG else "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 20 * 1024 * 1024
IPDESK_UPLOAD_MAX_BYTES = int(os.environ.get("UPLOAD_MAX_BYTES", str(200 * 1024 * 1024)))
# What a workbook's zip may unpack to before anything reads it (zip bombs; core/uploads.py says why these).
IMPORT_MAX_UNZIPPED_BYTES = int(os.environ.get("IMPORT_MAX_UNZIPPED_BYTES", str(1 << 30)))
IMPORT_MAX_ZIP_RATIO = int(os.environ.get("IMPORT_MAX_ZIP_RATIO", "100"))
IMPORT_MAX_ZIP_MEMBERS = int(os.environ.get("IMPORT_MAX_ZIP_MEMBERS", "1000"))
IMPORT_MAX_XML_PART_BYTES = int(os.environ.get("IMPORT_MAX_XML_PART_BYTES", str(200 << 20)))
IMPORT_MAX_CELLS = int(os.environ.get("IMPORT_MAX_CELLS", "50000000"))

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "ipdesk.accounts.auth.ExpiringTokenAuthentication",   # tokens expire; issued after the second factor
        "ipdesk.accounts.auth.OTPSessionAuthentication",      # sessions reach the API only after the second factor
    ],
    "DEFAULT_PERMISSION_CLASSES": ["ipdesk.core.drf.RolePermission"],
    "DEFAULT_FILTER_BACKENDS": [
        "django_filters.rest_framework.DjangoFilterBackend",
        "rest_framework.filters.OrderingFilter",
    ],
    "DEFAULT_PAGINATION_CLASS": "ipdesk.core.pagination.ApiPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "ipdesk.core.drf.exception_handler",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "ipdesk API",
    "DESCRIPTION": "知识产权工作平台接口 — the REST API of ipdesk. Every endpoint applies the caller's data scope.",
    "VERSION": "1.0.0",
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "SERVE_INCLUDE_SCHEMA": False,
    # The schema and the docs page describe every endpoint: signed-in users only, unless API_DOCS_PUBLIC=1.
    "SERVE_PERMISSIONS": ["rest_framework.permissions.AllowAny"] if env_bool("API_DOCS_PUBLIC", False)
    else ["rest_framework.permissions.IsAuthenticated"],
    "COMPONENT_SPLIT_REQUEST": True,
}

DJANGO_TABLES2_TEMPLATE = "core/table.html"  # bootstrap5-responsive, rows rendered in one tag

# Cache: each process keeps its own unless CACHE_URL names a Redis database. With several server
# processes, a shared cache lets them compute a dashboard once per state of the data instead of once
# each, and keeps sessions in memory (read on every request) as well as in the database (kept there).
CACHE_URL = os.environ.get("CACHE_URL", "")
if CACHE_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": CACHE_URL,
                          "KEY_PREFIX": "ipdesk", "TIMEOUT": 600}}
    # Shared by every process, so signing out anywhere ends the session everywhere at once.
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"

# Background jobs (huey): an SQLite file on a single desk, Redis in a real deployment.
HUEY_REDIS_URL = os.environ.get("HUEY_REDIS_URL", "")
HUEY_IMMEDIATE = env_bool("HUEY_IMMEDIATE", False)
if HUEY_REDIS_URL:
    HUEY = {"huey_class": "huey.RedisHuey", "name": "ipdesk", "url": HUEY_REDIS_URL,
            "immediate": HUEY_IMMEDIATE, "consumer": {"workers": 2, "worker_type": "thread"}}
else:
    HUEY = {"huey_class": "huey.SqliteHuey", "name": "ipdesk",
            "filename": str(VAR_DIR / "jobs.sqlite3"), "immediate": HUEY_IMMEDIATE,
            "consumer": {"workers": 2, "worker_type": "thread"}}

# The 工作台 (core.todo): a deadline this many days ahead counts as 临期.
TODO_DAYS = int(os.environ.get("TODO_DAYS", "7"))

# Notifications (core.notify) are also e-mailed when an SMTP server is named (EMAIL_HOST in the
# environment); without it no mailer is configured and messages stay in-app. Django 6.1 MAILERS.
MAILERS = {}
if os.environ.get("EMAIL_HOST"):
    MAILERS["default"] = {"BACKEND": "django.core.mail.backends.smtp.EmailBackend", "OPTIONS": {
        "host": os.environ["EMAIL_HOST"], "port": int(os.environ.get("EMAIL_PORT", "25")),
        "username": os.environ.get("EMAIL_HOST_USER", ""), "password": os.environ.get("EMAIL_HOST_PASSWORD", ""),
        "use_tls": env_bool("EMAIL_USE_TLS", False), "use_ssl": env_bool("EMAIL_USE_SSL", False),
        "timeout": int(os.environ.get("EMAIL_TIMEOUT", "10"))}}
# No mailer is the intended state without an SMTP server (core.notify then mails nothing), not a mistake.
if "default" not in MAILERS:
    SILENCED_SYSTEM_CHECKS.append("mail.W001")
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "ipdesk@localhost")
# The address people open the system at, for the links in e-mails (e.g. https://ip.example.gov.cn).
IPDESK_BASE_URL = os.environ.get("IPDESK_BASE_URL", "")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}

# The city this installation serves (GB/T 2260 code); reference data is loaded from files, not code.
IPDESK_CITY_CODE = os.environ.get("IPDESK_CITY_CODE", "370400")
# The issuing office printed in the 版头 of documents and the 机关代字 of their 发文字号 (core.gongwen);
# empty: the defaults of the demo city (枣庄市市场监督管理局, 枣市监知).
OFFICE_NAME = os.environ.get("OFFICE_NAME", "")
OFFICE_DOC_PREFIX = os.environ.get("OFFICE_DOC_PREFIX", "")
