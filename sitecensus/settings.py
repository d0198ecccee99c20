"""Settings, read from the environment (12-factor).

Everything an operator may change (lockout, timeouts, password rules) is an
environment variable with a documented default; nothing secret lives in the repo.
"""

import json
import os
import secrets
from datetime import timedelta
from pathlib import Path

import dj_database_url

BASE_DIR = Path(__file__).resolve().parent.parent
PACKAGE_DIR = Path(__file__).resolve().parent
VAR_DIR = Path(os.environ.get("SITECENSUS_VAR", BASE_DIR / "var"))


def env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    return raw.strip().lower() in {"1", "true", "yes", "on"}


def env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    return int(raw) if raw not in (None, "") else default


def env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def _secret_key() -> str:
    """SECRET_KEY from the environment, else generated once into var/."""
    key = os.environ.get("SECRET_KEY")
    if key:
        return key
    path = VAR_DIR / "secret_key"
    if path.exists():
        return path.read_text().strip()
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(64)
    path.write_text(key)
    path.chmod(0o600)
    return key


DEBUG = env_bool("DEBUG", False)
SECRET_KEY = _secret_key()
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", "")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "treebeard",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "sitecensus.core",
    "sitecensus.audit",
    "sitecensus.orgs",
    "sitecensus.accounts",
    "sitecensus.campaigns",
    "sitecensus.registry",
    "sitecensus.newmedia",  # 政务新媒体 (issue 22)
    "sitecensus.scoring",
    "sitecensus.evidence",
    "sitecensus.inbox",
    "sitecensus.scanner",
    "sitecensus.spotcheck",
    "sitecensus.annual",  # annual reports (国办函〔2018〕12号)
    "sitecensus.discovery",  # discovery (摸清底数)
    "sitecensus.stats",
    "sitecensus.public",
    "sitecensus.api",
    "sitecensus.jobs",
    "sitecensus.portal",
    "captcha",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "sitecensus.core.protection.ProtectionCheckMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "sitecensus.core.middleware.SessionTouchMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # Keeps a form posted into an expired session (it must see the next one's logout).
    "sitecensus.portal.drafts.KeepPostedFormMiddleware",
    "sitecensus.accounts.middleware.SessionLifetimeMiddleware",
    "sitecensus.accounts.middleware.SecondFactorMiddleware",
    "sitecensus.accounts.middleware.ForcePasswordChangeMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "sitecensus.core.middleware.NoStoreMiddleware",
    "sitecensus.core.middleware.TypedErrorMiddleware",
    # Axes last: it turns lockouts raised during authentication into its response.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "sitecensus.urls"
WSGI_APPLICATION = "sitecensus.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PACKAGE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "sitecensus.portal.navigation.navigation",
                "sitecensus.portal.drafts.context",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or f"sqlite:///{VAR_DIR / 'sitecensus.sqlite3'}",
        # Connection reuse (production: DB_CONN_MAX_AGE=60 or more) with a health check
        # before each request's first query, so a restarted database costs no failed request.
        conn_max_age=env_int("DB_CONN_MAX_AGE", 0),
        conn_health_checks=env_bool("DB_CONN_HEALTH_CHECKS", True),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the embedded default serve readers while a job writes; IMMEDIATE
    # transactions avoid "database is locked" upgrades from read to write.
    DATABASES["default"]["OPTIONS"] = {
        # recursive_triggers: a REPLACE's implicit delete fires the DELETE guards too.
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=20000; "
                        "PRAGMA recursive_triggers=ON;",
        "transaction_mode": "IMMEDIATE",
    }
    DATABASES["default"]["TEST"] = {"NAME": os.environ.get("SQLITE_TEST_NAME") or None}

# PostgreSQL: the role the application runs as (row access only); `migrate`, run as the
# owner, grants it every table. See the README's security section.
DATABASE_APP_ROLE = os.environ.get("DATABASE_APP_ROLE", "")
# The key of the audit log's hash chain (default: derived from SECRET_KEY).
AUDIT_CHAIN_KEY = os.environ.get("AUDIT_CHAIN_KEY", "")

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    # Lets the login form say "account disabled" instead of "wrong password".
    "django.contrib.auth.backends.AllowAllUsersModelBackend",
]

PASSWORD_HASHERS = [
    "sitecensus.accounts.hashers.BoundedArgon2PasswordHasher",
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]

PASSWORD_MIN_LENGTH = env_int("PASSWORD_MIN_LENGTH", 10)
PASSWORD_MIN_CLASSES = env_int("PASSWORD_MIN_CLASSES", 3)
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "sitecensus.accounts.validators.LengthValidator",
     "OPTIONS": {"min_length": PASSWORD_MIN_LENGTH}},
    {"NAME": "sitecensus.accounts.validators.CharacterClassValidator",
     "OPTIONS": {"min_classes": PASSWORD_MIN_CLASSES}},
    {"NAME": "sitecensus.accounts.validators.NotSimilarToIdentityValidator"},
    {"NAME": "sitecensus.accounts.validators.CommonPasswordValidator"},
]
PASSWORD_HISTORY = env_int("PASSWORD_HISTORY", 5)  # a new password may not repeat the last N
# Initial passwords are one-time and expire (ASVS 6.4.1).
INITIAL_PASSWORD_DAYS = env_int("INITIAL_PASSWORD_DAYS", 14)

# Second factor (TOTP + recovery codes, django-otp): the roles that must use it.
OTP_REQUIRED_ROLES = set(env_list(
    "OTP_REQUIRED_ROLES", "national_admin,system_admin,security_admin,audit_admin,organizer"))
OTP_TOTP_ISSUER = "全国政府网站信息报送系统"

LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "core:home"
LOGOUT_REDIRECT_URL = "accounts:login"

# Sessions: 30-minute idle timeout (sliding) plus an absolute lifetime.
SESSION_COOKIE_AGE = env_int("SESSION_IDLE_SECONDS", 30 * 60)
# The idle timeout slides, but the session is written at most once a SESSION_TOUCH_SECONDS
# (core.middleware.SessionTouchMiddleware), not on every request: on the embedded SQLite
# database a write per page view queued every reader behind an import's writes.
SESSION_SAVE_EVERY_REQUEST = False
SESSION_TOUCH_SECONDS = env_int("SESSION_TOUCH_SECONDS", 60)
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
# The header counts down this many seconds before the idle timeout (with 保持登录).
SESSION_WARN_SECONDS = env_int("SESSION_WARN_SECONDS", 5 * 60)
SESSION_ABSOLUTE_SECONDS = env_int("SESSION_ABSOLUTE_SECONDS", 8 * 60 * 60)
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"

# Login throttling (accounts/throttle.py): never a hard lock. Every attempt per client
# address is rate-limited before any hashing; failures per (username, address), per
# username and per address make the form ask for a captcha too.
LOGIN_RATE_PER_ADDRESS = env_int("LOGIN_RATE_PER_ADDRESS", 60)  # attempts a minute
LOGIN_FAILURE_WINDOW_MINUTES = env_int("LOCKOUT_MINUTES", 15)
LOGIN_CAPTCHA_AFTER_PAIR = env_int("LOGIN_CAPTCHA_AFTER_PAIR", 3)
LOGIN_CAPTCHA_AFTER_USER = env_int("LOCKOUT_FAILURES", 5)
LOGIN_CAPTCHA_AFTER_ADDRESS = env_int("LOGIN_CAPTCHA_AFTER_ADDRESS", 20)
PASSWORD_CHECK_FAILURES = env_int("PASSWORD_CHECK_FAILURES", 5)  # wrong old passwords per window
ARGON2_MAX_CONCURRENT = env_int("ARGON2_MAX_CONCURRENT", 4)  # hashes at once per process (~19 MiB each)
# Axes keeps the record of attempts (账号安全 page) but never locks anyone out.
AXES_LOCK_OUT_AT_FAILURE = False
AXES_FAILURE_LIMIT = env_int("LOCKOUT_FAILURES", 5)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("LOCKOUT_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_CLIENT_IP_CALLABLE = "sitecensus.core.clientip.client_ip"
SILENCED_SYSTEM_CHECKS = ["axes.W006"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "sitecensus.accounts.views.lockout_response"
AXES_VERBOSE = False
AXES_ENABLE_ACCESS_FAILURE_LOG = True

# The real client behind the reverse proxy (core/clientip.py): the proxies' addresses or
# networks, and/or how many X-Forwarded-For hops to trust. Unset: REMOTE_ADDR.
TRUSTED_PROXIES = env_list("TRUSTED_PROXIES", "")
TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0)

# Security limits (accounts/throttle.py, audit/services.py, accounts/otp.py). The throttle
# counters live in their own cache alias ("throttle", see CACHES): Redis with REDIS_URL
# (shared by the processes), else a per-process store page caching never evicts.
THROTTLE_CACHE_ENTRIES = env_int("THROTTLE_CACHE_ENTRIES", 200_000)
OTP_ENROL_MINUTES = env_int("OTP_ENROL_MINUTES", 10)  # an unconfirmed enrolment secret expires
# Wrong second-factor codes: per (account, address), and per account at addresses where the
# owner never passed it; django-otp's per-device throttle (which a password holder could
# keep the owner's device in) is off.
OTP_FAILURES_PER_ADDRESS = env_int("OTP_FAILURES_PER_ADDRESS", 5)
OTP_FAILURES_PER_ACCOUNT = env_int("OTP_FAILURES_PER_ACCOUNT", 20)
OTP_TOTP_THROTTLE_FACTOR = 0
OTP_STATIC_THROTTLE_FACTOR = 0
# Anonymous refused requests (404, 403, CSRF): audited one by one up to N per address and
# hour, then one summary row at each doubling; at most M individual rows an hour overall.
REFUSAL_AUDIT_PER_ADDRESS_HOUR = env_int("REFUSAL_AUDIT_PER_ADDRESS_HOUR", 20)
REFUSAL_AUDIT_ANONYMOUS_HOUR = env_int("REFUSAL_AUDIT_ANONYMOUS_HOUR", 2000)

# Transport security: on unless running the local demo over plain HTTP.
HTTPS = env_bool("SITECENSUS_HTTPS", not DEBUG)
SECURE_SSL_REDIRECT = HTTPS
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SECURE_HSTS_SECONDS = 31536000 if HTTPS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
SECURE_HSTS_PRELOAD = HTTPS
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if env_bool("BEHIND_PROXY", False) else None
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
CSRF_COOKIE_HTTPONLY = True

# Content-Security-Policy (django-csp): scripts and styles only from our own static files —
# no inline <script>, no on*="" handlers, no style="" attributes anywhere in the templates.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'none'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    },
}

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文")]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # whitenoise expects it even before collectstatic
STATICFILES_DIRS = [PACKAGE_DIR / "static"]
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG

EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "sitecensus@localhost")

# The scoring table in force (a file in sitecensus/scoring/data): 2015 census or 2019 indicators.
SCORING_RUBRIC = os.environ.get("SCORING_RUBRIC", "2015")
# Evidence files (PNG/JPEG/PDF screenshots and documents): the size limit per file.
EVIDENCE_MAX_BYTES = env_int("EVIDENCE_MAX_BYTES", 5 * 1024 * 1024)

# The scanner (engine settings; see sitecensus/scanner/engine/config.py).
SCANNER_CONCURRENCY = env_int("SCANNER_CONCURRENCY", 128)
SCANNER_PER_HOST = env_int("SCANNER_PER_HOST", 2)
SCANNER_TIMEOUT = env_int("SCANNER_TIMEOUT", 15)
SCANNER_ALLOW_PRIVATE = env_bool("SCANNER_ALLOW_PRIVATE", False)
# hostname → address, for test webs only (JSON in the environment for workers).
SCANNER_HOST_MAP: dict[str, str] = json.loads(os.environ.get("SCANNER_HOST_MAP_JSON") or "{}")
SCANNER_BATCH = env_int("SCANNER_BATCH", 200)  # sites per stored batch (bounds memory)
# ---- a site's life (registry.services.life, scanner.closures, scanner.reconcile) ----
# The 关停整合公告 stays on the homepage at least this many days (a local rule restating the 2017 指引's procedure:
# 公告期不少于30天); the scanner checks it at least every SITE_NOTICE_MAX_GAP_DAYS days of the period.
SITE_NOTICE_DAYS = env_int("SITE_NOTICE_DAYS", 30)
SITE_NOTICE_MAX_GAP_DAYS = env_int("SITE_NOTICE_MAX_GAP_DAYS", 7)
# The daily reconciliation: a 正常运行 site none of whose probes and scans succeeded over the monitoring week
# (at least RECONCILE_MIN_OBSERVATIONS of them) is flagged to its organizing unit.
RECONCILE_WEEK_DAYS = env_int("RECONCILE_WEEK_DAYS", 7)
RECONCILE_MIN_OBSERVATIONS = env_int("RECONCILE_MIN_OBSERVATIONS", 3)
RECONCILE_HOUR = env_int("RECONCILE_HOUR", 3)
# The apps' daily work (sitecensus.jobs.registry.daily: the spot-check plans' rounds): the local hour it runs from.
DAILY_JOBS_HOUR = env_int("DAILY_JOBS_HOUR", 1)
DAILY_JOBS = env_bool("DAILY_JOBS", True)  # the embedded scheduler runs them (celery beat when scaled out)
SITE_LIFE_DAILY = env_bool("SITE_LIFE_DAILY", True)  # the embedded scheduler runs it (celery beat when scaled out)  # local hour of the daily run (celery beat; the embedded scheduler)
# ---- end: a site's life ----
PROBES_PER_DAY = env_int("PROBES_PER_DAY", 24)  # the rule asks for ≥ 20
SCAN_HOUR = env_int("SCAN_HOUR", 2)  # daily freshness and link scans start at this hour
# Count an availability failure only when every vantage point of that round failed.
AVAILABILITY_REQUIRE_AGREEMENT = env_bool("AVAILABILITY_REQUIRE_AGREEMENT", False)
SITECENSUS_VANTAGE = os.environ.get("SITECENSUS_VANTAGE", "")
# Discovery (摸清底数): host-name guesses go to the system's DNS after the scanner's host map (off: host map
# only, as in the tests); the scans harvested; how long a registered site is silent before closure review.
DISCOVERY_SYSTEM_DNS = env_bool("DISCOVERY_SYSTEM_DNS", True)
DISCOVERY_SCAN_WINDOW_DAYS = env_int("DISCOVERY_SCAN_WINDOW_DAYS", 31)
DISCOVERY_SILENT_DAYS = env_int("DISCOVERY_SILENT_DAYS", 183)

# Jobs: embedded (no broker: run in-process) unless a broker is configured.
CELERY_BROKER_URL = os.environ.get("CELERY_BROKER_URL", "")
CELERY_RESULT_BACKEND = os.environ.get("CELERY_RESULT_BACKEND", "") or None
CELERY_TASK_ACKS_LATE = True  # a worker killed mid-task loses no task: the broker redelivers it
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# A killed worker's task returns to the queue after the visibility timeout; workers
# look for such tasks every ~10 s × the restore throttle.
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": env_int("CELERY_VISIBILITY_TIMEOUT", 3600),
                                   "unacked_restore_throttle": env_int("CELERY_RESTORE_THROTTLE", 10)}
CELERY_TASK_DEFAULT_QUEUE = os.environ.get("CELERY_QUEUE", "sitecensus")

# Queues (scaled-out mode): long jobs of users (imports, exports, statistics), scans,
# and one probe queue per vantage point ("probe.<vantage>"): probing never waits behind scanning.
JOBS_QUEUE = os.environ.get("JOBS_QUEUE", CELERY_TASK_DEFAULT_QUEUE)
SCAN_QUEUE = os.environ.get("SCAN_QUEUE", "scan")
# The vantage points probing every site each round (ASCII names, e.g. "bj-telecom,gz-unicom");
# empty: one round, probed by whichever worker serves the default probe queue.
SCANNER_VANTAGES = env_list("SCANNER_VANTAGES", "")
if len(SCANNER_VANTAGES) > 1 and os.environ.get("AVAILABILITY_REQUIRE_AGREEMENT") is None:
    AVAILABILITY_REQUIRE_AGREEMENT = True
# Jobs: "celery" with a broker, else "thread" (an in-process worker pool); "inline" runs them
# in the caller (tests).
JOBS_MODE = os.environ.get("JOBS_MODE", "")
JOBS_EMBEDDED_WORKERS = env_int("JOBS_EMBEDDED_WORKERS", 2)
EXPORT_INLINE_MAX = env_int("EXPORT_INLINE_MAX", 5000)  # larger list exports are written by a job
# An import's confirm writes in transactions of at most IMPORT_COMMIT_CHUNK sites (0: 100). On SQLite,
# where a write locks the whole file, each is also sized by the pace of the one before to take about
# IMPORT_COMMIT_SECONDS, so others' writes wait that long at most (0: by count only, as on PostgreSQL,
# whose row locks keep others' writes going and where small chunks would only cost more).
IMPORT_COMMIT_CHUNK = env_int("IMPORT_COMMIT_CHUNK", 0)
IMPORT_COMMIT_SECONDS = float(os.environ.get(
    "IMPORT_COMMIT_SECONDS", "1.0" if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3" else "0"))
# Statistics summary tables: rebuilt every STATISTICS_MAX_AGE seconds by the scheduler (a task),
# never by a page view; anonymous public pages are cached PUBLIC_CACHE_SECONDS.
STATISTICS_MAX_AGE = env_int("STATISTICS_MAX_AGE", 300)
# Sort memory of one background job's database session (PostgreSQL's work_mem syntax): the
# statistics rebuild sorts every site and every unit once; at the server's default (4MB) to disk.
BACKGROUND_WORK_MEM = os.environ.get("BACKGROUND_WORK_MEM", "32MB")
# 我为政府网站找错: reports per client address ("N/s|m|h|d") and the answer deadline in working days.
PUBLIC_REPORT_RATE = os.environ.get("PUBLIC_REPORT_RATE", "5/h")
PUBLIC_REPORT_DAYS = env_int("PUBLIC_REPORT_DAYS", 5)
PUBLIC_CACHE_SECONDS = env_int("PUBLIC_CACHE_SECONDS", 60)
# ---- annual reports: the public pages' origin as homepages link the published reports (e.g.
# https://pucha.example.gov.cn); empty: the scanner matches the report's path on any host.
ANNUAL_PUBLIC_BASE_URL = os.environ.get("ANNUAL_PUBLIC_BASE_URL", "")
# A list's "共 N 条" that took longer than COUNT_CACHE_MIN_MS to count (a search over a large
# scope) is kept COUNT_CACHE_SECONDS; cheaper counts are always exact.
COUNT_CACHE_SECONDS = env_int("COUNT_CACHE_SECONDS", 60)
COUNT_CACHE_MIN_MS = env_int("COUNT_CACHE_MIN_MS", 100)

# Redis (production): the cache and the sessions; without it, a per-process memory cache
# and database sessions (the embedded default).
REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL,
                          "KEY_PREFIX": os.environ.get("CACHE_PREFIX", "sitecensus")}}
    SESSION_ENGINE = "django.contrib.sessions.backends.cache"
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# The login, second-factor and refusal counters: never in the page cache (400 public URLs evicted them).
CACHES["throttle"] = ({**CACHES["default"], "KEY_PREFIX": CACHES["default"].get("KEY_PREFIX", "sitecensus") + ":thr"}
                      if REDIS_URL else
                      {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "sitecensus-throttle",
                       "OPTIONS": {"MAX_ENTRIES": THROTTLE_CACHE_ENTRIES, "CULL_FREQUENCY": 10}})

DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
CSRF_FAILURE_VIEW = "sitecensus.core.errorviews.csrf_failure"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
    "loggers": {"axes": {"level": "WARNING"}},
}
