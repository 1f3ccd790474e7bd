"""Django settings. Everything a deployment changes comes from ONETHING_* environment variables.

- ONETHING_DATA_DIR      where the SQLite database and the secret key live
- ONETHING_DATABASE_URL  postgresql://user:password@host:port/name for several instances
- ONETHING_SECRET_KEY    otherwise generated once into the data directory
- ONETHING_DEBUG         1 for development
- ONETHING_ALLOWED_HOSTS comma-separated host names
- ONETHING_PUBLIC_URL    the address people reach the site at (QR codes, links in PDFs)
- ONETHING_WARNING_DAYS  working days left at which a deadline shows as 临近 (default 2)
- ONETHING_NO_SHOW_LIMIT, ONETHING_NO_SHOW_WINDOW_DAYS, ONETHING_NO_SHOW_BLOCK_DAYS  预约办:
                        no-shows within so many days that block online booking for so
                        many days (default 3, 30, 30)
- ONETHING_TRUSTED_PROXIES  how many reverse proxies stand in front (deploy/nginx.conf: 1);
                        then X-Forwarded-For gives the client's address, X-Forwarded-Proto
                        the scheme
- ONETHING_HSTS_SECONDS, ONETHING_HSTS_INCLUDE_SUBDOMAINS, ONETHING_HSTS_PRELOAD  with an
                        https public URL: Strict-Transport-Security (one year, with
                        subdomains, not preloaded unless asked)
- ONETHING_STAFF_IDLE_MINUTES   a staff session ends after this long unused (default 30)
- ONETHING_APPLICANT_IDLE_DAYS  an applicant's or agent's session, likewise (default 14)
- ONETHING_API_TOKEN_DAYS       how long an API token lasts (default 30)
- ONETHING_CRYPTO_PROFILE       intl (default) or gm (国密: SM2, HMAC-SM3, SM4): what new
                        signatures, audit seals and ciphertexts use (core/crypto_profile.py)
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

from csp.constants import NONCE, NONE, SELF

from onething.core.crypto_profile import profile_named
from onething.core.database import database_from_env
from onething.core.storage import upload_storage_settings
from onething.paths import data_dir
from onething.web.proxy import trusted_proxies

DATA_DIR = data_dir()
BASE_DIR = Path(__file__).resolve().parent


def _secret_key() -> str:
    configured = os.environ.get("ONETHING_SECRET_KEY")
    if configured:
        return configured
    key_file = DATA_DIR / "secret_key"
    try:
        return key_file.read_text().strip()
    except FileNotFoundError:
        pass
    DATA_DIR.mkdir(mode=0o700, parents=True, exist_ok=True)  # the service's alone
    key = secrets.token_urlsafe(50)
    fd = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(key)
    return key


def _flag(name: str, default: str = "") -> bool:
    return os.environ.get(name, default).strip().lower() in ("1", "true", "yes")


SECRET_KEY = _secret_key()
DEBUG = os.environ.get("ONETHING_DEBUG", "") in ("1", "true", "yes")
# 自助终端: the simulated ID-card reader's button (tests and the demo; a real reader
# calls window.onethingCardReader instead).
KIOSK_SIMULATED_READER = DEBUG or os.environ.get("ONETHING_KIOSK_SIMULATED_READER", "") in (
    "1",
    "true",
    "yes",
)
ALLOWED_HOSTS = [
    host.strip()
    for host in os.environ.get("ONETHING_ALLOWED_HOSTS", "127.0.0.1,localhost,[::1]").split(",")
    if host.strip()
]
PUBLIC_URL = os.environ.get("ONETHING_PUBLIC_URL", "http://127.0.0.1:8000").rstrip("/")
# A deadline turns to "warning" (临近) with this many working days or fewer left.
DEADLINE_WARNING_DAYS = int(os.environ.get("ONETHING_WARNING_DAYS", "2"))
# 差评整改: working days to verify and answer, and to rectify.
RECTIFY_VERIFY_DAYS = int(os.environ.get("ONETHING_RECTIFY_VERIFY_DAYS", "3"))
RECTIFY_DAYS = int(os.environ.get("ONETHING_RECTIFY_DAYS", "15"))
# 预约办: this many no-shows (爽约) within so many days block online booking for so many days.
NO_SHOW_LIMIT = int(os.environ.get("ONETHING_NO_SHOW_LIMIT", "3"))
NO_SHOW_WINDOW_DAYS = int(os.environ.get("ONETHING_NO_SHOW_WINDOW_DAYS", "30"))
NO_SHOW_BLOCK_DAYS = int(os.environ.get("ONETHING_NO_SHOW_BLOCK_DAYS", "30"))
# intl or gm; an unknown name stops the start-up here (core/crypto_profile.py)
CRYPTO_PROFILE = profile_named(os.environ.get("ONETHING_CRYPTO_PROFILE")).name

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_htmx",
    "axes",
    "django_ratelimit",
    "csp",
    "django_otp",
    "django_otp.plugins.otp_totp",  # staff's second factor (accounts/twofactor.py)
    "onething.web",
    "onething.privacy",
    "onething.accounts",
    "onething.catalog",
    "onething.guides",
    "onething.cases",
    "onething.licences",
    "onething.evaluation",
    "onething.projects",
    "onething.linked",
    "onething.hall",
    "onething.tickets",
    "onething.outreach",
    "onething.zones",
    "onething.kiosk",
    "onething.exchange",
    "onething.search",
    "onething.editing",
]

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",  # throttles log-in attempts first
    "onething.accounts.auth.AccountBackend",  # Django's, reading accounts faster
]
SESSION_ENGINE = "onething.accounts.sessions"
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "accounts:home"
LOGOUT_REDIRECT_URL = "guides:home"

# django-axes: 5 failed log-ins for one user name from one address lock it for 15 minutes.
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = 0.25  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_LOCKOUT_CALLABLE = "onething.accounts.auth.locked_out"  # JSON under /api/
AXES_VERBOSE = False
# Behind deploy/nginx.conf: the client's address and scheme come from the proxy's headers,
# believed only when ONETHING_TRUSTED_PROXIES says how many proxies stand in front.
AXES_CLIENT_IP_CALLABLE = "onething.web.proxy.client_address"
if trusted_proxies():
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "onething.web.headers.ContentSecurityPolicy",
    "onething.web.outage.OutageMiddleware",  # 503 while the database is out of reach
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "onething.web.headers.PrivateCache",  # no-store on answers with personal data
    "django.contrib.messages.middleware.MessageMiddleware",
    "onething.web.limits.BodyLimits",  # 413 / 400 before anything reads the body
    "onething.accounts.middleware.IdleSessionMiddleware",  # idle sessions end
    "onething.accounts.middleware.SecondFactorMiddleware",  # staff: the code before anything
    "onething.kiosk.session.KioskSessionMiddleware",  # kiosk sessions: short, applicants only
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "onething.web.urls"
WSGI_APPLICATION = "onething.web.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    }
]

DATABASES = {"default": database_from_env(DATA_DIR)}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
# Django's validators, each with its message in Chinese (accounts/passwords.py).
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "onething.accounts.passwords.MinimumLength", "OPTIONS": {"min_length": 12}},
    {"NAME": "onething.accounts.passwords.NotLikeTheAccount"},
    {"NAME": "onething.accounts.passwords.NotCommon"},
    {"NAME": "onething.accounts.passwords.NotOnlyDigits"},
]
# Sessions slide: each use extends them (accounts/middleware.py).
STAFF_IDLE_MINUTES = int(os.environ.get("ONETHING_STAFF_IDLE_MINUTES", "30"))
APPLICANT_IDLE_DAYS = int(os.environ.get("ONETHING_APPLICANT_IDLE_DAYS", "14"))
API_TOKEN_DAYS = int(os.environ.get("ONETHING_API_TOKEN_DAYS", "30"))
OTP_TOTP_ISSUER = "一件事一次办"  # the name an authenticator app shows

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文")]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = None  # whitenoise serves from the apps (WHITENOISE_USE_FINDERS)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "onething.web.static_storage.StaticFiles"},  # addresses kept
    # Uploaded materials (encrypted first): the data directory, or an S3-compatible
    # store for several hosts (ONETHING_STORAGE_URL; core/storage.py).
    "uploads": upload_storage_settings(DATA_DIR),
}
WHITENOISE_USE_FINDERS = True  # serve the packages' static files without a collect step
WHITENOISE_AUTOREFRESH = DEBUG

SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_SAMESITE = "Lax"
CSRF_FAILURE_VIEW = "onething.web.views.csrf_failure"
SESSION_COOKIE_SAMESITE = "Lax"
SILENCED_SYSTEM_CHECKS: list[str] = []  # each with its reason where it is added
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
if PUBLIC_URL.startswith("https://"):
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    CSRF_TRUSTED_ORIGINS = [PUBLIC_URL]
    # Browsers keep to https for a year (sent on https answers only). Preloading commits
    # the whole registrable domain, so it is the operator's choice, off by default.
    SECURE_HSTS_SECONDS = int(os.environ.get("ONETHING_HSTS_SECONDS", "31536000"))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = _flag("ONETHING_HSTS_INCLUDE_SUBDOMAINS", "1")
    SECURE_HSTS_PRELOAD = _flag("ONETHING_HSTS_PRELOAD")
    if not SECURE_HSTS_PRELOAD:
        SILENCED_SYSTEM_CHECKS += ["security.W021"]  # not preloading is a choice, said above
    # http → https, only where the scheme can be told: behind trusted proxies it comes
    # from X-Forwarded-Proto; otherwise every request would look like http and redirect
    # for ever, and the proxy in front must redirect http itself. Health checks may use
    # plain http.
    SECURE_SSL_REDIRECT = bool(trusted_proxies())
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]

# Content-Security-Policy (django-csp, onething.web.headers): scripts only from this site
# and with the request's nonce, never inline; styles from this site (no style attribute
# in any template); images from here and data: URIs (QR codes); no plug-ins, no framing.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}

DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024

# One cache every instance shares (the database: SQLite for one host, PostgreSQL for
# several), for what must hold across processes — the throttles of public look-ups
# (django-ratelimit). `onething setup` creates its table (createcachetable).
CACHE_URL = os.environ.get("ONETHING_CACHE_URL", "").strip()  # redis://… for several hosts
CACHES = {
    # The throttles' counters. Redis (ONETHING_CACHE_URL) counts atomically across hosts;
    # the database table is shared too but its increments may let a racing request or two
    # through, which a throttle can afford (hence the silenced django-ratelimit check below
    # when no Redis is configured).
    "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": CACHE_URL}
    if CACHE_URL
    else {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": "onething_cache",
        # Past MAX_ENTRIES Django culls a third of the rows, counters included: room
        # enough that the throttles' counts are not culled.
        "OPTIONS": {"MAX_ENTRIES": 50_000},
    },
    # Rendered documents (guide PDFs, ~0.5 MB each), in a table of their own, bounded.
    "documents": {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": "onething_documents",
        "OPTIONS": {"MAX_ENTRIES": 400},
    },
}
if not CACHE_URL:
    SILENCED_SYSTEM_CHECKS += ["django_ratelimit.E003", "django_ratelimit.W001"]
RATELIMIT_IP_META_KEY = "onething.web.proxy.client_address"  # behind a trusted proxy too
# Open311: the keys that may look up several requests at once (comma-separated).
OPEN311_API_KEYS = [
    key.strip() for key in os.environ.get("ONETHING_OPEN311_API_KEYS", "").split(",") if key.strip()
]

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    # No personal data in any log: ID card and mobile numbers masked in every line.
    "filters": {"mask_personal_data": {"()": "onething.privacy.logs.MaskPersonalData"}},
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "plain",
            "filters": ["mask_personal_data"],
        }
    },
    "root": {"handlers": ["console"], "level": os.environ.get("ONETHING_LOG_LEVEL", "INFO")},
    "loggers": {
        # Django's own console handlers (one unmasked when DEBUG) give way to the root's.
        "django": {"handlers": []},
        "django.server": {"level": "WARNING", "handlers": [], "propagate": True},
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
    },
}
