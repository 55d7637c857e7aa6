"""Vakt settings: one file, every knob read from the environment (see README, Configuration)."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import dj_database_url
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured
from kombu import Queue

from project.env import env_bool, env_choice, env_int, env_list, env_rates, env_str
from project.storage import build_storages

BASE_DIR = Path(__file__).resolve().parent.parent
# Private runtime data (SQLite file, uploaded media) lives outside the code and the static root.
DATA_DIR = Path(env_str("VAKT_DATA_DIR", str(BASE_DIR / "var")))

DJANGO_ENV = env_choice("DJANGO_ENV", "development", ("development", "production"))
PRODUCTION = DJANGO_ENV == "production"

_DEV_SECRET_KEY = "django-insecure-development-only-never-use-in-production"  # noqa: S105
SECRET_KEY = env_str("SECRET_KEY", "" if PRODUCTION else _DEV_SECRET_KEY)
DEBUG = env_bool("DEBUG", not PRODUCTION)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", [] if PRODUCTION else ["localhost", "127.0.0.1", "[::1]"])

if PRODUCTION:
    # Refuse to start rather than run an insecure production site.
    if not SECRET_KEY or SECRET_KEY == _DEV_SECRET_KEY:
        raise ImproperlyConfigured("SECRET_KEY must be set when DJANGO_ENV=production")
    if DEBUG:
        raise ImproperlyConfigured("DEBUG must be off when DJANGO_ENV=production")
    if not ALLOWED_HOSTS:
        raise ImproperlyConfigured(
            "ALLOWED_HOSTS must list the site's host names when DJANGO_ENV=production"
        )

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "rest_framework",
    # API tokens: stored hashed, expiring, revocable (project/tokens.py).
    "knox",
    "drf_spectacular",
    "django_htmx",
    "moderation",
    "feedback",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Outside everything else, so every response gets the CSP, redirects and errors included.
    "project.security.SecurityHeadersMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Before the CSRF check, which reads the whole body: 413 on the declared length alone.
    "project.limits.BodyLimitMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # After authentication: a signed-in user's saved language comes first (moderation/i18n.py).
    "moderation.i18n.UserLanguageMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
]

ROOT_URLCONF = "project.urls"
WSGI_APPLICATION = "project.wsgi.application"

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
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", f"sqlite:///{DATA_DIR / 'db.sqlite3'}"),
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 60, minimum=0),
        conn_health_checks=True,
    )
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# Django's password check, behind the sign-in lock-outs (project/auth.py).
AUTHENTICATION_BACKENDS = ["project.auth.LockoutBackend"]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "home"

# The interface languages. LANGUAGE_CODE is the default for everyone who has not picked one
# (the picker in the page header); the browser's Accept-Language is not consulted
# (moderation/i18n.py says why).
LANGUAGES = [("en", "English"), ("nb", "Norsk bokmål")]
LANGUAGE_CODE = env_choice("LANGUAGE_CODE", "en", tuple(code for code, _ in LANGUAGES))
LOCALE_PATHS = [BASE_DIR / "locale"]
# A visitor's choice outlives the browser session (Django's default cookie does not).
LANGUAGE_COOKIE_AGE = 365 * 24 * 3600
LANGUAGE_COOKIE_SAMESITE = "Lax"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = DATA_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_ROOT = DATA_DIR / "media"

AWS_REGION = env_str("AWS_REGION", "eu-west-1")
AWS_STORAGE_BUCKET_NAME = env_str("AWS_STORAGE_BUCKET_NAME", "") or None
AWS_ENDPOINT_URL = env_str("AWS_ENDPOINT_URL", "") or None
STORAGES = build_storages(
    media_root=MEDIA_ROOT,
    bucket=AWS_STORAGE_BUCKET_NAME,
    region=AWS_REGION,
    endpoint_url=AWS_ENDPOINT_URL,
)

MODERATION_BACKEND = env_choice("MODERATION_BACKEND", "local", ("local", "aws"))
# Dotted path of an ImageAnalyzer class used instead of MODERATION_BACKEND's (an in-house model,
# or the test suite's deterministic analyzer); empty for the backend's own.
IMAGE_ANALYZER_CLASS = ""
# Text inside images (moderation/images/ocr): read with Rekognition's DetectText or, locally,
# RapidOCR, then judged as feedback text is. Off: images are judged on their pixels alone.
IMAGE_TEXT_ENABLED = env_bool("IMAGE_TEXT_ENABLED", True)
# Lines (local) or words (DetectText) read with less confidence (0–100) are ignored.
IMAGE_TEXT_MIN_CONFIDENCE = env_int("IMAGE_TEXT_MIN_CONFIDENCE", 60, minimum=0)
# Dotted path of a TextReader class used instead of MODERATION_BACKEND's; empty for its own.
IMAGE_TEXT_READER_CLASS = ""
# A Rekognition Custom Moderation adapter (its ProjectVersion ARN), used when set.
REKOGNITION_PROJECT_VERSION = env_str("REKOGNITION_PROJECT_VERSION", "") or None
# Images sent to Rekognition as bytes (local storage) with a longer side than this go as one
# downscaled JPEG copy: less to upload and for the service to decode, at the price of detail
# in small regions (docs/decisions.md). 0 sends every image whole (re-encoded only to fit
# 5 MB). Images in S3 are always read by Rekognition from the bucket, whole.
REKOGNITION_MAX_IMAGE_SIDE = env_int("REKOGNITION_MAX_IMAGE_SIDE", 2048, minimum=0)
AWS_CONNECT_TIMEOUT = env_int("AWS_CONNECT_TIMEOUT", 5, minimum=1)
AWS_READ_TIMEOUT = env_int("AWS_READ_TIMEOUT", 30, minimum=1)
# botocore's own retries (standard mode) inside one task run; the task retries on top of that.
AWS_MAX_ATTEMPTS = env_int("AWS_MAX_ATTEMPTS", 3, minimum=1)
# Calls per second to each AWS operation, for all workers together (moderation/items/aws_rate.py):
# the account's default quotas in the main regions (us-east-1, us-west-2, eu-west-1). Set
# AWS_RATE_LIMITS to the quotas the Service Quotas console shows for the account and region,
# e.g. "rekognition.DetectModerationLabels=50,comprehend.DetectSentiment=20"; 0 lifts a limit.
AWS_RATE_LIMITS = env_rates(
    "AWS_RATE_LIMITS",
    {
        "rekognition.DetectModerationLabels": 50,
        "comprehend.DetectDominantLanguage": 20,
        "comprehend.DetectSentiment": 20,
        "comprehend.DetectKeyPhrases": 20,
        "comprehend.DetectEntities": 20,
        "comprehend.DetectPiiEntities": 20,
        "comprehend.DetectToxicContent": 10,
        "comprehend.BatchDetectDominantLanguage": 10,
        "comprehend.BatchDetectSentiment": 10,
        "comprehend.BatchDetectKeyPhrases": 10,
        "comprehend.BatchDetectEntities": 10,
        "translate.TranslateText": 20,
    },
)
# Where the shared schedule lives (empty: the broker's Redis, which every worker reaches).
AWS_RATE_LIMIT_REDIS_URL = env_str("AWS_RATE_LIMIT_REDIS_URL", "")
# Calls are paced at this share of each rate, leaving room for calls delayed on their way.
AWS_RATE_LIMIT_USE_PERCENT = env_int("AWS_RATE_LIMIT_USE_PERCENT", 97, minimum=1)
if AWS_RATE_LIMIT_USE_PERCENT > 100:
    raise ImproperlyConfigured("AWS_RATE_LIMIT_USE_PERCENT must be at most 100")
# Without Redis each worker process keeps to rate ÷ this (its threads share its part): the
# most worker processes that call AWS at once, so that together they stay under the quota.
AWS_RATE_LIMIT_FALLBACK_PROCESSES = env_int("AWS_RATE_LIMIT_FALLBACK_PROCESSES", 8, minimum=1)
# A call whose slot is further away than this is not waited for: the task retries later.
AWS_RATE_LIMIT_MAX_WAIT_SECONDS = env_int("AWS_RATE_LIMIT_MAX_WAIT_SECONDS", 20, minimum=1)
MAX_UPLOAD_BYTES = env_int("MAX_UPLOAD_BYTES", 10 * 1024 * 1024, minimum=1)
MAX_IMAGE_PIXELS = env_int("MAX_IMAGE_PIXELS", 40_000_000, minimum=1)
# The largest body any view but the upload views accepts (project/limits.py refuses a larger
# declared length with 413 before reading it); Django also caps form fields held in memory with
# it. Upload views accept MAX_UPLOAD_BYTES plus the multipart framing.
DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
# An uploaded file up to this size stays in memory; a larger one is spooled to a temp file.
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440

# Analysis: retries of throttled/unreachable analyzers, and the re-queue of items left pending.
ANALYSIS_MAX_RETRIES = env_int("ANALYSIS_MAX_RETRIES", 6, minimum=0)
# A worker process announces itself alive in Redis every WORKER_HEARTBEAT_SECONDS; it counts as
# dead once WORKER_HEARTBEAT_TTL_SECONDS pass without that, and every DEAD_WORKER_CHECK_SECONDS
# a beat job queues the items it held again (moderation/items/liveness.py). A dead worker's item is
# so final within TTL + check interval + one analysis: about a minute by default.
WORKER_HEARTBEAT_SECONDS = env_int("WORKER_HEARTBEAT_SECONDS", 10, minimum=1)
WORKER_HEARTBEAT_TTL_SECONDS = env_int("WORKER_HEARTBEAT_TTL_SECONDS", 30, minimum=1)
if WORKER_HEARTBEAT_TTL_SECONDS <= WORKER_HEARTBEAT_SECONDS:
    # A key that expires before it is written again would make every living worker look dead.
    raise ImproperlyConfigured(
        "WORKER_HEARTBEAT_TTL_SECONDS must be above WORKER_HEARTBEAT_SECONDS (e.g. 3 times it)"
    )
DEAD_WORKER_CHECK_SECONDS = env_int("DEAD_WORKER_CHECK_SECONDS", 15, minimum=1)
# Only for a lease taken outside a worker (a shell, a management command), which has no
# heartbeat: it may be taken over once this old.
ANALYSIS_LEASE_SECONDS = env_int("ANALYSIS_LEASE_SECONDS", 600, minimum=1)
PENDING_REQUEUE_AFTER_SECONDS = env_int("PENDING_REQUEUE_AFTER_SECONDS", 900, minimum=1)
# An item whose task never reached the broker (it was down at upload) is queued again after
# this; the grace keeps the re-queue job from racing the upload's own on-commit publish.
PENDING_UNQUEUED_REQUEUE_AFTER_SECONDS = env_int(
    "PENDING_UNQUEUED_REQUEUE_AFTER_SECONDS", 30, minimum=1
)
UPLOAD_RATE = env_str("UPLOAD_RATE", "30/minute")
# Per client address, across accounts (an office behind one address shares it).
UPLOAD_ADDRESS_RATE = env_str("UPLOAD_ADDRESS_RATE", "60/minute")
# Review queue: how long a bulk decision can be undone, and the reason codes a decision must
# carry. (The SLA and the claim length are part of the policy, set in the admin.)
REVIEW_UNDO_SECONDS = env_int("REVIEW_UNDO_SECONDS", 120, minimum=0)
# A claim whose holder's page has not renewed it for this long is stale: another moderator
# may take it over (the claim itself lasts the policy's claim length). The item page renews it
# while it is visible and its moderator active.
REVIEW_CLAIM_STALE_SECONDS = env_int("REVIEW_CLAIM_STALE_SECONDS", 120, minimum=10)
# A skipped item is not handed back to the same moderator by "next" for this long.
REVIEW_SKIP_SECONDS = env_int("REVIEW_SKIP_SECONDS", 900, minimum=0)
# A bulk job ("all in this filter") decides this many items per task run, and a bulk decision
# on selected items, made in its request, may name at most this many.
REVIEW_BULK_BATCH_SIZE = env_int("REVIEW_BULK_BATCH_SIZE", 100, minimum=1)
# A moderator never decides (or claims) an item they submitted; a one-person team may allow it.
ALLOW_SELF_REVIEW = env_bool("ALLOW_SELF_REVIEW", False)
# How many recent items "Preview impact" replays a proposed policy over.
POLICY_REPLAY_ITEMS = env_int("POLICY_REPLAY_ITEMS", 10_000, minimum=1)
# The reason codes a moderator's decision carries: an approval one of the approve codes, a
# rejection one of the reject codes (moderation/review/decision_reasons.py).
_APPROVE_REASONS = ["ok", "false_positive"]
_REJECT_REASONS = ["nudity", "violence", "hate", "harassment", "spam", "personal_data", "illegal",
                   "other"]  # fmt: skip
# Older installations set one list for both: still read, its approve codes approve and the rest
# reject, unless the two lists of their own are set.
if _legacy_reasons := env_list("REVIEW_REASON_CODES", []):
    _REJECT_REASONS = [code for code in _legacy_reasons if code not in _APPROVE_REASONS]
    _APPROVE_REASONS = [code for code in _legacy_reasons if code in _APPROVE_REASONS] or ["ok"]
REVIEW_APPROVE_REASON_CODES = env_list("REVIEW_APPROVE_REASON_CODES", _APPROVE_REASONS)
REVIEW_REJECT_REASON_CODES = env_list("REVIEW_REJECT_REASON_CODES", _REJECT_REASONS)
if not REVIEW_APPROVE_REASON_CODES or not REVIEW_REJECT_REASON_CODES:
    raise ImproperlyConfigured(
        "REVIEW_APPROVE_REASON_CODES and REVIEW_REJECT_REASON_CODES must each name a code"
    )
FEEDBACK_RATE = env_str("FEEDBACK_RATE", "10/minute")
FEEDBACK_ADDRESS_RATE = env_str("FEEDBACK_ADDRESS_RATE", "30/minute")
# Reverse proxies in front of the application that append to X-Forwarded-For (project/client.py);
# 0 ignores the header. Too high lets clients choose their address, so count only real ones.
TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0, minimum=0)
# Sign-in abuse limits (web, admin and API token): attempts per client address, and lock-outs
# after failed attempts per username and per client address, for LOGIN_LOCKOUT_SECONDS.
LOGIN_RATE = env_str("LOGIN_RATE", "20/minute")
LOGIN_LOCKOUT_FAILURES = env_int("LOGIN_LOCKOUT_FAILURES", 5, minimum=1)
LOGIN_LOCKOUT_IP_FAILURES = env_int("LOGIN_LOCKOUT_IP_FAILURES", 20, minimum=1)
LOGIN_LOCKOUT_SECONDS = env_int("LOGIN_LOCKOUT_SECONDS", 900, minimum=1)
# New accounts per client address: each account has upload and feedback budgets of its own.
SIGNUP_RATE = env_str("SIGNUP_RATE", "10/day")
# Rejected files and feedback documents are purged this many days after the decision.
REJECTED_RETENTION_DAYS = env_int("REJECTED_RETENTION_DAYS", 30, minimum=1)

# Celery: see project/celery.py. One queue per kind of work, so slow image analysis never
# holds up text, and each can get its own workers.
CELERY_BROKER_URL = env_str("CELERY_BROKER_URL", "redis://127.0.0.1:6379/0")
CELERY_RESULT_BACKEND = env_str("CELERY_RESULT_BACKEND", CELERY_BROKER_URL)
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_RESULT_EXPIRES = 3600
CELERY_TASK_IGNORE_RESULT = True
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_TIME_LIMIT = env_int("CELERY_TASK_TIME_LIMIT", 300, minimum=1)
CELERY_TASK_SOFT_TIME_LIMIT = env_int("CELERY_TASK_SOFT_TIME_LIMIT", 240, minimum=1)
if CELERY_TASK_SOFT_TIME_LIMIT >= CELERY_TASK_TIME_LIMIT:
    # The soft limit lets a task clean up; past the hard one the worker process is killed.
    raise ImproperlyConfigured("CELERY_TASK_SOFT_TIME_LIMIT must be below CELERY_TASK_TIME_LIMIT")
# A task is acknowledged only once it has run, so a worker that dies mid-task leaves it to be
# delivered again; prefetch 1 keeps a slow task from hoarding work another worker could do.
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# Each worker process loads its kinds' analyzers (local models: up to several seconds) before
# it takes a task, so a new worker's first items do not wait for them (project/celery.py).
# Celery gives a prefork child 4 s to start by default; loading takes longer.
WORKER_WARM_UP = env_bool("WORKER_WARM_UP", True)
CELERY_WORKER_PROC_ALIVE_TIMEOUT = 120
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# A request that queues a task must not hang on a dead broker: fail fast, the re-queue job
# picks the item up later.
CELERY_BROKER_CONNECTION_TIMEOUT = 2
CELERY_TASK_PUBLISH_RETRY_POLICY = {"max_retries": 1, "interval_start": 0, "interval_step": 0.5}
# Redis hands a message that was delivered but never acknowledged (its worker was killed
# outright, with no chance to give it back) to another worker after this many seconds. Recovery
# from a dead worker does not wait for it (the liveness job above queues the item again), so
# the message it brings back later finds the item decided and does nothing. It must exceed the
# longest time a message is legitimately held, a task's run plus its retry countdown (up to
# 300 s) or a wait for a lease without heartbeat (ANALYSIS_LEASE_SECONDS), or a slow task is
# handed out twice. Workers sweep for such messages every tenth of it (at most every 10 s).
BROKER_VISIBILITY_TIMEOUT = env_int(
    "BROKER_VISIBILITY_TIMEOUT",
    max(CELERY_TASK_TIME_LIMIT * 4, ANALYSIS_LEASE_SECONDS + 300),
    minimum=1,
)
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": BROKER_VISIBILITY_TIMEOUT,
    "unacked_restore_interval": max(1, min(10, BROKER_VISIBILITY_TIMEOUT // 10)),
    "unacked_restore_throttle": 1,
}
CELERY_TASK_DEFAULT_QUEUE = "default"
# Each queue gets its own routing key; without one they would all share "default" and every
# message would be copied into all three.
CELERY_TASK_QUEUES = tuple(Queue(name, routing_key=name) for name in ("default", "images", "text"))
CELERY_TASK_ROUTES = {
    "moderation.tasks.*": {"queue": "images"},
    "feedback.tasks.*": {"queue": "text"},
}
# Periodic jobs (re-queueing stale items, releasing stale claims, …) are added here by the apps.
CELERY_BEAT_SCHEDULE: dict[str, dict[str, object]] = {
    "requeue-pending-images": {"task": "moderation.tasks.requeue_pending_images", "schedule": 60},
    "requeue-pending-feedback": {"task": "feedback.tasks.requeue_pending_feedback", "schedule": 60},
    "release-stale-claims": {"task": "moderation.tasks.release_stale_claims", "schedule": 60},
    # QA sampling of the machine's decisions, after the fact (moderation/qa/sampling.py).
    "qa-sample": {"task": "moderation.tasks.qa_sample", "schedule": 60},
    # A bulk job whose message was lost (broker down when it was queued) is sent again.
    "resend-stalled-bulk": {"task": "moderation.tasks.resend_stalled_bulk", "schedule": 60},
    # A run that waited behind a backlog longer than the interval is dropped: the next one is due.
    "release-dead-items": {
        "task": "moderation.tasks.release_dead_items",
        "schedule": DEAD_WORKER_CHECK_SECONDS,
        "options": {"expires": DEAD_WORKER_CHECK_SECONDS},
    },
    # The queue counters move with every change; a recount catches writes that bypassed them.
    "rebuild-queue-counts": {"task": "moderation.tasks.rebuild_queue_counts", "schedule": 3600},
    "purge-rejected": {
        "task": "moderation.tasks.purge_rejected",
        "schedule": crontab(hour=3, minute=17),
    },
}

REST_FRAMEWORK = {
    # Token first: its WWW-Authenticate header makes an anonymous request a 401, not a 403.
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # DRF's token check, then the token owner's saved language (project/auth.py).
        "project.auth.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    # DRF's three, with JSON nested too deeply for the decoder a 400 (project/parsers.py).
    "DEFAULT_PARSER_CLASSES": [
        "project.parsers.JSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    # The application's errors (project/errors.py) become answers in one place.
    "EXCEPTION_HANDLER": "project.api_errors.exception_handler",
}
# A token obtained from POST /api/v1/auth/token/ works this long, then answers 401.
API_TOKEN_TTL_HOURS = env_int("API_TOKEN_TTL_HOURS", 10, minimum=1)
REST_KNOX = {
    "TOKEN_TTL": timedelta(hours=API_TOKEN_TTL_HOURS),
    "AUTH_HEADER_PREFIX": "Token",  # the header clients already send
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Vakt API",
    "DESCRIPTION": "Content moderation: images and feedback, analysed and reviewed.",
    "VERSION": "1",
}

CACHES = {
    "default": {
        # Shared by every web process: upload rate limits must hold across all of them.
        "BACKEND": "project.cache.RedisCache",
        "LOCATION": env_str("CACHE_URL", "redis://127.0.0.1:6379/1"),
    }
}

EMAIL_BACKEND = env_str("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "vakt@localhost")

SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
# The Content-Security-Policy and Permissions-Policy come from project/security.py.
if PRODUCTION:
    # Behind a TLS-terminating proxy that sets X-Forwarded-Proto.
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    # Load balancers and container health checks probe over plain HTTP.
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31_536_000, minimum=0)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    LANGUAGE_COOKIE_SECURE = True
    CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    # Django's own console handler would print every line a second time.
    "loggers": {"django": {"handlers": ["console"], "level": "INFO", "propagate": False}},
}
