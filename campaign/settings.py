"""Settings for the pledge platform.

One module, driven by the environment. A fresh clone runs with no environment at all
(SQLite, in-process tasks, console email, DEBUG on). With DEBUG off, a real SECRET_KEY and
ALLOWED_HOSTS, the same module is the production configuration.
"""

import re
from pathlib import Path
from urllib.parse import urlsplit

import environ
import xstatic.pkg.leaflet
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DEBUG = env.bool("DEBUG", default=True)

_DEV_SECRET_KEY = "dev-only-insecure-key-do-not-use-in-production"  # noqa: S105
SECRET_KEY = env.str("SECRET_KEY", default=_DEV_SECRET_KEY)
if not DEBUG and SECRET_KEY == _DEV_SECRET_KEY:
    raise ImproperlyConfigured("Set SECRET_KEY when DEBUG is off.")

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000").rstrip("/")
# The name every page and email gives the site (never the Sites row's domain).
SITE_NAME = "Cities for Migration"

INSTALLED_APPS = [
    # modeltranslation patches the admin, so it comes before it.
    "modeltranslation",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.sites",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "crispy_forms",
    "crispy_bootstrap5",
    "bootstrap",
    "django_celery_beat",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "corsheaders",
    "csp",
    # Ours, from the bottom up: each imports only those above it in this list.
    "campaign.outbox",
    "accounts",
    "campaign",
    "pledges",
    "pledges.monitoring",
    "pledges.learning",
    "campaign.public",
    "seeds",
]

MIDDLEWARE = [
    # First, as django-cors-headers asks, so that the answers of the middleware below (a
    # redirect, a refusal) carry the CORS headers too; only for CORS_URLS_REGEX (--- API).
    "corsheaders.middleware.CorsMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Oversized bodies and impossible addresses are refused before anything reads them.
    "campaign.request_guard.RequestGuardMiddleware",
    # A request stuck on a frozen database is cut loose (campaign/deadline.py).
    "campaign.deadline.RequestDeadlineMiddleware",
    # After whitenoise (static files need neither header), before everything else: the
    # policy goes on every page, the ones served finished from the cache included.
    "campaign.security_headers.ContentSecurityPolicyMiddleware",
    "django_permissions_policy.PermissionsPolicyMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "accounts.middleware.StaffMFARequiredMiddleware",
    # After CSRF, auth and messages: keeps a long form posted after its session ended.
    "campaign.kept_forms.KeptFormMiddleware",
]

ROOT_URLCONF = "campaign.urls"
WSGI_APPLICATION = "campaign.wsgi.application"
SITE_ID = 1

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
                "campaign.context_processors.site",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------------
DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=0 if DEBUG else 60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
# Time-outs, so that an unreachable or frozen database costs a request seconds, not a worker
# (campaign/deadline.py, README "Outages"): connecting gives up after DATABASE_CONNECT_TIMEOUT
# seconds; on a connection of the web server, a statement is cancelled after
# DATABASE_STATEMENT_TIMEOUT seconds (wsgi.py sets it; Celery and commands run without one,
# a migration may take longer); a request that has waited REQUEST_DEADLINE seconds on a server
# that no longer answers at all has its connection cut.
DATABASE_CONNECT_TIMEOUT = env.int("DATABASE_CONNECT_TIMEOUT", default=3)
DATABASE_STATEMENT_TIMEOUT = env.float("DATABASE_STATEMENT_TIMEOUT", default=0)
REQUEST_DEADLINE = env.float("REQUEST_DEADLINE", default=15)
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    _db_options = DATABASES["default"].setdefault("OPTIONS", {})
    _db_options.setdefault("connect_timeout", DATABASE_CONNECT_TIMEOUT)
    if DATABASE_STATEMENT_TIMEOUT:
        _db_options["options"] = (
            f"-c statement_timeout={int(DATABASE_STATEMENT_TIMEOUT * 1000)} "
            f"-c idle_in_transaction_session_timeout={int(DATABASE_STATEMENT_TIMEOUT * 3000)}"
        )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache, broker, tasks -------------------------------------------------------------
REDIS_URL = env.str("REDIS_URL", default="")


def redis_cache_settings(location: str) -> dict:
    """The cache on Redis, as production has it (the tests use it too)."""
    return {
        "BACKEND": "django_redis.cache.RedisCache",
        "LOCATION": location,
        "OPTIONS": {
            # Unreachable Redis is a miss, never an error: no page fails because of a cache
            # (campaign/cache_backend.py also skips Redis for a few seconds after a failure,
            # so a frozen server costs one time-out, not one per lookup).
            "CLIENT_CLASS": "campaign.cache_backend.SkippingClient",
            "IGNORE_EXCEPTIONS": True,
            "SOCKET_CONNECT_TIMEOUT": 1,
            "SOCKET_TIMEOUT": 1,
        },
        "KEY_PREFIX": env.str("CACHE_KEY_PREFIX", default="pledges"),
    }


if REDIS_URL:
    CACHES = {"default": redis_cache_settings(REDIS_URL)}
elif DEBUG:
    # One process, one memory: enough for the development server and the tests.
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
else:
    # Production without Redis runs several gunicorn workers: a memory cache each would keep
    # serving the pages a change made stale in the others (the public version, rate limits).
    # Files in one folder are shared by every worker of the machine, and a read is a file
    # read, not a query: Django's database cache would cost a query per lookup, and a warm
    # public page costs none (campaign/public/cache.py). Several machines need Redis.
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": env.str("CACHE_DIR", default=str(BASE_DIR / "cache")),
            # Pages x languages x encodings: room for a campaign's public side, culled beyond.
            "OPTIONS": {"MAX_ENTRIES": 6000},
        }
    }
# Finished public pages (campaign/public/cache.py) are kept this many seconds at most, a day
# at most; a change bumps their version sooner.
PUBLIC_CACHE_TIMEOUT = 60 * 60 * 24
# Their last good copies, served while the database is down (campaign/errors.py).
PUBLIC_STALE_TIMEOUT = env.int("PUBLIC_STALE_TIMEOUT", default=60 * 60 * 24 * 7)

CELERY_BROKER_URL = REDIS_URL or "memory://localhost/"
CELERY_RESULT_BACKEND = None
# Without a broker the site still works: tasks run in the request's process.
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# Seconds after which Redis hands a task that a worker took but never acknowledged (the worker
# died) to another worker. Keep it above the longest retry countdown (delivery.py).
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": env.int("CELERY_VISIBILITY_TIMEOUT", default=3600),
    # How often a worker looks for such tasks: every interval x throttle seconds (kombu's 10 x 10).
    "unacked_restore_interval": env.int("CELERY_UNACKED_RESTORE_INTERVAL", default=10),
    "unacked_restore_throttle": env.int("CELERY_UNACKED_RESTORE_THROTTLE", default=10),
    # A stopped or frozen Redis makes queueing fail in seconds: the work stays in its table
    # (an email's delivery, a reminder's claim) for the sweep, and the request goes on.
    "socket_connect_timeout": 2,
    "socket_timeout": 5,
}
CELERY_BROKER_CONNECTION_TIMEOUT = 2
CELERY_TASK_PUBLISH_RETRY_POLICY = {"max_retries": 1, "interval_start": 0, "interval_step": 0.5, "interval_max": 0.5}
CELERY_TIMEZONE = "UTC"
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"

# --- Auth and accounts ----------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "accounts:profile"

ACCOUNT_ADAPTER = "accounts.adapters.AccountAdapter"
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
# Adds the person's name (required) before those fields; emails greet them by it.
ACCOUNT_SIGNUP_FORM_CLASS = "accounts.forms.SignupForm"
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_CONFIRM_EMAIL_ON_GET = False
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = False
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_CHANGE_EMAIL = True
# Security notices: a changed password, address or second factor is told to the account by email.
ACCOUNT_EMAIL_NOTIFICATIONS = True
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_SESSION_REMEMBER = None
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[Cities for Migration] "
ACCOUNT_DEFAULT_HTTP_PROTOCOL = "http" if DEBUG else "https"
ACCOUNT_RATE_LIMITS = {
    # allauth's defaults, written out so an operator sees them; "login_failed" is per
    # account and per address.
    "change_password": "5/m/user",
    "manage_email": "10/m/user",
    "reset_password": "20/m/ip,5/m/key",
    "reauthenticate": "10/m/user",
    "reset_password_from_key": "20/m/ip",
    "signup": "20/m/ip",
    "login": "30/m/ip",
    "login_failed": env.str("LOGIN_FAILED_RATE_LIMIT", default="10/m/ip,5/5m/key"),
    "confirm_email": "1/3m/key",
    # Ours: following a city by email (campaign/public/follow_views.py), per address and per
    # address typed, so that nobody floods an inbox with confirmations.
    "follow_city": env.str("FOLLOW_RATE_LIMIT", default="20/h/ip,3/h/key"),
}
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "Cities for Migration"
# Staff have no staff power until they set up a second factor (accounts/access.py). On in
# production; the demo may turn it off (README says so).
STAFF_REQUIRE_MFA = env.bool("STAFF_REQUIRE_MFA", default=not DEBUG)

# --- Email ----------------------------------------------------------------------------
EMAIL_CONFIG = env.email_url("EMAIL_URL", default="consolemail://")
vars().update(EMAIL_CONFIG)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="Cities for Migration <no-reply@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# Where people report an accessibility barrier (the accessibility statement shows it); empty:
# the address of DEFAULT_FROM_EMAIL (campaign/public/accessibility.py).
ACCESSIBILITY_CONTACT_EMAIL = env.str("ACCESSIBILITY_CONTACT_EMAIL", default="")
EMAIL_TIMEOUT = 20
# Delivery (campaign/delivery.py): retries of temporary SMTP failures, the stale-delivery sweep.
EMAIL_RETRY_BASE_SECONDS = env.float("EMAIL_RETRY_BASE_SECONDS", default=60)
EMAIL_MAX_RETRIES = env.int("EMAIL_MAX_RETRIES", default=6)
EMAIL_STALE_QUEUED_MINUTES = env.float("EMAIL_STALE_QUEUED_MINUTES", default=10)
EMAIL_STALE_RETRYING_MINUTES = env.float("EMAIL_STALE_RETRYING_MINUTES", default=90)
# Reminder engine (pledges/reminders.py): claims older than this are handed out again.
REMINDER_STALE_CLAIM_MINUTES = env.float("REMINDER_STALE_CLAIM_MINUTES", default=15)

# --- Language and time ----------------------------------------------------------------
LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("fr", _("French")), ("es", _("Spanish")), ("ar", _("Arabic"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
# Number separators as CLDR writes them where Django's own locale formats disagree (ar, es):
# campaign/formats/__init__.py says why and when a language gets a module there.
FORMAT_MODULE_PATH = ["campaign.formats"]
MODELTRANSLATION_DEFAULT_LANGUAGE = "en"
MODELTRANSLATION_FALLBACK_LANGUAGES = ("en",)
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

# --- Static and media -----------------------------------------------------------------
STATIC_URL = "static/"
STATIC_ROOT = Path(env.str("STATIC_ROOT", default=str(BASE_DIR / "staticfiles")))
# Front-end libraries come from packages, never copied into the repository: Leaflet from
# XStatic (static/leaflet/), Supercluster from npm (package-lock.json, installed by
# scripts/setup into node_modules/; static/supercluster/).
STATICFILES_DIRS = [
    BASE_DIR / "static",
    ("leaflet", xstatic.pkg.leaflet.BASE_DIR),
    ("supercluster", BASE_DIR / "node_modules" / "supercluster" / "dist"),
]
MEDIA_URL = "media/"
MEDIA_ROOT = Path(env.str("MEDIA_ROOT", default=str(BASE_DIR / "media")))
# Council resolutions and evidence letters (campaign/storage.py): outside every folder a web
# server or proxy may publish, so that only the views that check who asks hand them out.
PRIVATE_MEDIA_ROOT = Path(env.str("PRIVATE_MEDIA_ROOT", default=str(BASE_DIR / "private-media")))
_static_dirs = [Path(str(d[1] if isinstance(d, tuple) else d)) for d in STATICFILES_DIRS]
for _public_root in (MEDIA_ROOT, STATIC_ROOT, *_static_dirs):
    if PRIVATE_MEDIA_ROOT.resolve().is_relative_to(_public_root.resolve()):
        raise ImproperlyConfigured(
            f"PRIVATE_MEDIA_ROOT ({PRIVATE_MEDIA_ROOT}) is inside {_public_root}, which is served publicly: "
            "choose a folder outside it and move the files there (README, Production)."
        )
# "filesystem" (PRIVATE_MEDIA_ROOT) or "s3": an S3-compatible bucket, for several hosts.
PRIVATE_STORAGE = env.str("PRIVATE_STORAGE", default="filesystem")
if PRIVATE_STORAGE == "filesystem":
    _private_storage: dict = {"BACKEND": "campaign.storage.PrivateFileSystemStorage"}
elif PRIVATE_STORAGE == "s3":
    _s3_options = {
        "bucket_name": env.str("PRIVATE_S3_BUCKET"),
        "location": env.str("PRIVATE_S3_PREFIX", default=""),
        "endpoint_url": env.str("PRIVATE_S3_ENDPOINT_URL", default=""),
        "region_name": env.str("PRIVATE_S3_REGION", default=""),
        "access_key": env.str("PRIVATE_S3_ACCESS_KEY_ID", default=""),
        "secret_key": env.str("PRIVATE_S3_SECRET_ACCESS_KEY", default=""),
        "addressing_style": env.str("PRIVATE_S3_ADDRESSING_STYLE", default=""),
    }
    # Unset ones keep django-storages' defaults (boto3 then finds credentials itself).
    _private_storage = {
        "BACKEND": "campaign.storage_s3.PrivateS3Storage",
        "OPTIONS": {name: value for name, value in _s3_options.items() if value},
    }
else:
    raise ImproperlyConfigured(f"PRIVATE_STORAGE is 'filesystem' or 's3', not {PRIVATE_STORAGE!r}.")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "private": _private_storage,
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG or env.bool("PLAIN_STATIC", default=False)
            else "campaign.storage.StaticFilesStorage"
        )
    },
}
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
# First, a handler that shortens over-long file names, which Django would refuse with a bare
# 400 and the whole form lost (campaign/uploads.py); then Django's own two.
FILE_UPLOAD_HANDLERS = [
    "campaign.uploads.ShortFileNameUploadHandler",
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]
# The fields of a form, files apart (Django counts those separately).
DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
# A whole request body, files included, refused from its Content-Length before it is read
# (campaign/request_guard.py): above the largest upload (10 MB, campaign/uploads.py), so a
# file a little too large gets the form back with its error instead.
REQUEST_MAX_BYTES = env.int("REQUEST_MAX_BYTES", default=24 * 1024 * 1024)

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# --- API ------------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.AllowAny"],
    "DEFAULT_AUTHENTICATION_CLASSES": [],
    "DEFAULT_RENDERER_CLASSES": [
        "rest_framework.renderers.JSONRenderer",
        "rest_framework.renderers.BrowsableAPIRenderer",
    ],
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    "UNAUTHENTICATED_USER": None,
    # Checked in front of the finished-page cache (campaign/public/api_manners.py), not by
    # DRF in the view, which a cached answer never reaches: no DEFAULT_THROTTLE_CLASSES.
    # Per address without a session, per account with one; "" for no limit. A dashboard
    # that embeds the API makes a few requests per visitor and page: far below these.
    "DEFAULT_THROTTLE_RATES": {
        "anon": env.str("API_THROTTLE_ANON", default="300/min") or None,
        "user": env.str("API_THROTTLE_USER", default="1200/min") or None,
    },
    # Where a client's address is read: REMOTE_ADDR, or the entry of X-Forwarded-For that
    # this many proxies of ours put there (the TLS proxy: 1). Never more than there are, or
    # a client could choose its address.
    "NUM_PROXIES": env.int("API_THROTTLE_PROXIES", default=1 if env.bool("BEHIND_TLS_PROXY", default=False) else 0),
}
# CORS (django-cors-headers): any site may read the open data (the API, the downloads, the
# map's GeoJSON) with GET, without credentials. No other address answers CORS, so no other
# site can read a page that changes state.
CORS_URLS_REGEX = r"^/(api/|data/|map/signatories\.geojson$)"
CORS_ALLOW_ALL_ORIGINS = True
CORS_ALLOW_CREDENTIALS = False
CORS_ALLOW_METHODS = ("GET", "HEAD", "OPTIONS")
CORS_ALLOW_HEADERS = ("accept", "accept-language", "if-none-match")
# What a script on another site may read of an answer besides the simple headers.
CORS_EXPOSE_HEADERS = ("Content-Disposition", "Content-Language", "ETag", "Retry-After")
SPECTACULAR_SETTINGS = {
    "TITLE": "Cities for Migration open data API",
    "DESCRIPTION": "Read-only, versioned API of signatories, municipalities, campaigns, commitments and reports.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    # Swagger UI and ReDoc assets from the sidecar package, served by us, not a CDN.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # The 400, 404 and 429 answers of every operation (campaign/public/api_manners.py).
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "campaign.public.api_manners.document_errors",
    ],
    # No badge from Swagger's online validator: it would send the schema's address to a
    # third party, and the Content-Security-Policy refuses its image anyway. No deep links:
    # Swagger UI draws them as links inside the operations' buttons (axe: nested-interactive).
    "SWAGGER_UI_SETTINGS": {"deepLinking": False, "validatorUrl": None},
    # Enums whose field name other choices share keep one stable name each: two fields are
    # called "kind" (a municipality's, an indicator's); a signatory's status shows in the list
    # and in the detail (which adds its monitoring).
    "ENUM_NAME_OVERRIDES": {
        "KindEnum": "accounts.models.Municipality.Kind",
        "IndicatorKindEnum": "pledges.monitoring.models.Indicator.Kind",
        "SignatoryStatusEnum": ["verified", "withdrawn"],
    },
}

# --- Open data ------------------------------------------------------------------------
# The licence of the downloads at /data/ and of the API, shown on the open data page and
# in each JSON download.
OPEN_DATA_LICENCE = env.str("OPEN_DATA_LICENCE", default="CC BY 4.0")
OPEN_DATA_LICENCE_URL = env.str("OPEN_DATA_LICENCE_URL", default="https://creativecommons.org/licenses/by/4.0/")
OPEN_DATA_ATTRIBUTION = env.str("OPEN_DATA_ATTRIBUTION", default="Cities for Migration")

# --- Map ------------------------------------------------------------------------------
MAP_TILE_URL = env.str("MAP_TILE_URL", default="https://tile.openstreetmap.org/{z}/{x}/{y}.png")
MAP_TILE_ATTRIBUTION = env.str(
    "MAP_TILE_ATTRIBUTION",
    default='&copy; <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a> contributors',
)

# --- Security -------------------------------------------------------------------------
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False
# Our own 403, in the site's layout, which keeps the text of a long form (campaign/kept_forms.py).
CSRF_FAILURE_VIEW = "campaign.csrf_failure.csrf_failure"
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
if not DEBUG:
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
    SECURE_REDIRECT_EXEMPT = [r"^health/$"]
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31_536_000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=True)
if env.bool("BEHIND_TLS_PROXY", default=False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")


def _host_source(url_template: str) -> list[str]:
    """The CSP source of a URL template's host: "https://*.tile.example.org" for
    "https://{s}.tile.example.org/{z}/{x}/{y}.png" (a placeholder label becomes the wildcard);
    nothing for a relative URL, which 'self' covers."""
    parts = urlsplit(url_template)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return []
    labels = parts.netloc.split(".")
    templated = [i for i, label in enumerate(labels) if re.search(r"\{[^}]*\}", label)]
    if templated:
        labels = ["*", *labels[templated[-1] + 1 :]]
    return [f"{parts.scheme}://{'.'.join(labels)}"]


# Content-Security-Policy (django-csp; campaign/security_headers.py): every script and style
# is a file of ours, no inline script, no eval. Leaflet and our scripts set element.style,
# which CSP allows; style attributes in HTML are not used. Images: ours, data: URIs (Leaflet's
# and Bootstrap's icons, the TOTP QR code) and the map tiles. Pages refuse to be framed,
# except those exempt from X-Frame-Options (the embeds), which any site may frame. The API's
# Swagger UI and ReDoc pages add inline styles for themselves only (campaign/public/urls.py).
# CSP_REPORT_ONLY=true sends the same policy as Content-Security-Policy-Report-Only (browsers
# report, block nothing); CSP_REPORT_URI is where they report.
CSP_POLICY = {
    "default-src": [SELF],
    "script-src": [SELF],
    "style-src": [SELF],
    "img-src": [SELF, "data:", *_host_source(MAP_TILE_URL)],
    "object-src": [NONE],
    "base-uri": [SELF],
    "form-action": [SELF],
    "frame-ancestors": [NONE],
    "report-uri": env.list("CSP_REPORT_URI", default=[]) or None,
}
if env.bool("CSP_REPORT_ONLY", default=False):
    CONTENT_SECURITY_POLICY = None
    CONTENT_SECURITY_POLICY_REPORT_ONLY = {"DIRECTIVES": CSP_POLICY}
else:
    CONTENT_SECURITY_POLICY = {"DIRECTIVES": CSP_POLICY}

# Permissions-Policy (django-permissions-policy): the site uses none of these browser
# features, so no page of it, nor any frame in one, may ask for them. The clipboard (the
# "copy link" button), fullscreen and the rest keep the browser's defaults. Sign-in's second
# factor is TOTP (MFA_SUPPORTED_TYPES): WebAuthn (publickey-credentials-*) is refused too.
# Left out: what Chromium does not know (interest-cohort, FLoC's retired name, and what is
# still behind a flag: ambient-light-sensor, bluetooth) would log an error on every page.
PERMISSIONS_POLICY: dict[str, list[str]] = {
    feature: []
    for feature in (
        "accelerometer",
        "autoplay",
        "browsing-topics",
        "camera",
        "display-capture",
        "encrypted-media",
        "gamepad",
        "geolocation",
        "gyroscope",
        "hid",
        "idle-detection",
        "local-fonts",
        "magnetometer",
        "microphone",
        "midi",
        "payment",
        "publickey-credentials-create",
        "publickey-credentials-get",
        "screen-wake-lock",
        "serial",
        "usb",
        "window-management",
        "xr-spatial-tracking",
    )
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}
