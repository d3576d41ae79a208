"""Settings shared by every environment.

Every value that differs between machines comes from an environment variable read through the one
`env` below (django-environ); docs/configuration.md lists them all with their defaults.
"""

from pathlib import Path

import environ
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent.parent

env = environ.Env()
# A developer may keep variables in .env; real deployments set them in the service's environment.
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

SECRET_KEY = env("SECRET_KEY", default="insecure-local-development-key-do-not-use-in-production")
DEBUG = env.bool("DEBUG", default=False)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
SITE_URL = env("SITE_URL", default="http://127.0.0.1:8000")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "config.apps.AxesConfig",
    "simple_history",
    "django_tasks",
    "config.apps.TasksDatabaseConfig",
    "django_filters",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    # The second factor (communes/second_factor.py): django-otp's devices, TOTP for an
    # authenticator app and static (one-time recovery) codes.
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "communes",
    "inspections",
    "recommendations",
    "recommendations.webhooks",
    # config/ itself: connects its middleware to the login signal (config/apps.py).
    "config.apps.PortalConfig",
    # `make bench`'s tooling, for its `generate_scale` command (which refuses production
    # settings).
    "bench.apps.BenchConfig",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Pages compressed for a commune's weak connection (the page budget, docs/features.md,
    # "Communes on a weak connection"); whitenoise above serves the static files compressed
    # already.
    "config.middleware.PageGZipMiddleware",
    "csp.middleware.CSPMiddleware",
    "communes.cache.RequestVersionsMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "config.middleware.IdleSessionMiddleware",
    "config.middleware.ChosenLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # The request being answered, for the audit log's client address (communes/audit.py).
    "communes.audit.AuditRequestMiddleware",
    "config.middleware.PrivateResponsesMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # request.user.is_verified(): whether this session gave a second factor (django-otp); then
    # a user whose role requires one reaches nothing else until it has (communes/second_factor.py).
    "django_otp.middleware.OTPMiddleware",
    "communes.second_factor.SecondFactorMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Last, as django-axes requires, so it sees the outcome of authentication.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

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
                "config.context_processors.navigation",
                "communes.cache.template_context",
                "communes.pages.template_context",
            ],
        },
    },
]

# SQLite in the project folder unless DATABASE_URL names another database (PostgreSQL in
# production).
DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
# Every request runs in one transaction: a view that fails half-way writes nothing.
DATABASES["default"]["ATOMIC_REQUESTS"] = True
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # The task worker writes beside the web server: take the write lock when a transaction
    # starts (a request that reads, then writes, would otherwise fail with "database is
    # locked"), wait for it, and let readers go on beside a writer (WAL).
    DATABASES["default"].setdefault("OPTIONS", {}).update({
        "transaction_mode": "IMMEDIATE", "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    })
# A read replica (docs/operations.md, "Scaling out"): GET requests read from it, writes go to
# "default".
READ_REPLICA = bool(env("DATABASE_REPLICA_URL", default=""))
if READ_REPLICA:
    DATABASES["replica"] = {
        **env.db("DATABASE_REPLICA_URL"), "CONN_MAX_AGE": DATABASES["default"]["CONN_MAX_AGE"],
        "CONN_HEALTH_CHECKS": True, "TEST": {"MIRROR": "default"}}
    DATABASE_ROUTERS = ["config.routers.ReplicaRouter"]
    MIDDLEWARE.insert(1, "config.routers.ReplicaReadsMiddleware")
# After a write, a user's reads stay on the primary this long (longer than the replica lags).
REPLICA_LAG_SECONDS = env.int("REPLICA_LAG_SECONDS", default=10)

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Dashboard figures are cached until the data changes (communes/cache.py). The cache must be
# one that every process shares: the default keeps it in the database (`manage.py
# createcachetable` makes the table); redis://127.0.0.1:6379/1 is faster on a busy server.
# locmemcache:// is right only for one process (the development server).
CACHES = {"default": env.cache("CACHE_URL", default="dbcache://portal_cache")}
if CACHES["default"]["BACKEND"] == "django.core.cache.backends.redis.RedisCache":
    CACHES["default"]["BACKEND"] = "config.redis_cache.KeptClientRedisCache"
# After a write, a page's part is served as it was while one request computes it anew; that
# request's lock lasts at most this many seconds, should it die (communes/cache.py).
CACHE_STALE_SECONDS = env.int("CACHE_STALE_SECONDS", default=60)
# The national dashboard's figures (every province's) are counted at most once this many
# seconds; a province's after every write (recommendations/views/oversight.py).
DASHBOARD_NATIONAL_SECONDS = env.int("DASHBOARD_NATIONAL_SECONDS", default=60)
if CACHES["default"]["BACKEND"] == "django.core.cache.backends.db.DatabaseCache":
    # Counting the table for culling on one set in a hundred, not on each (config/db_cache.py).
    CACHES["default"]["BACKEND"] = "config.db_cache.RarelyCountingDatabaseCache"
    # Django's default of 300 entries would soon cull, by key order, the data version itself.
    CACHES["default"].setdefault("OPTIONS", {}).setdefault("MAX_ENTRIES", 100_000)

AUTHENTICATION_BACKENDS = [
    # First, so a locked-out username/IP pair is refused before any password is checked.
    "axes.backends.AxesStandaloneBackend",
    "communes.backends.ProfileModelBackend",
]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Admin's History pages are the audit trail: their Revert button is hidden, and the revert
# itself refused (communes.admin.HistoryAdmin), since it would rewrite read-only facts.
SIMPLE_HISTORY_REVERT_DISABLED = True

LOGIN_URL = "login"
# Also where the second factor's pages send a user who came from nowhere (communes/views.py).
LOGIN_REDIRECT_URL = "recommendations:home"
LOGOUT_REDIRECT_URL = "login"
# The API's documentation: under /api/, but a page of the portal, behind the second factor
# like the others (communes/second_factor.py, which does not name the API's URLs itself).
API_DOCS_URL = "api:docs"

# Sessions end after SESSION_IDLE_MINUTES without a request: a request renews the session when
# it was last renewed SESSION_RENEW_SECONDS ago or more (config.middleware.IdleSessionMiddleware),
# rather than writing the session row on every page view.
SESSION_COOKIE_AGE = env.int("SESSION_IDLE_MINUTES", default=60) * 60
# Sessions are kept in the database and read through the cache: a request reads its session
# from Redis (or the database cache) rather than the sessions table.
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
SESSION_RENEW_SECONDS = 60
SESSION_EXPIRE_AT_BROWSER_CLOSE = True

# Single sign-on with OpenID Connect (communes/sso.py, docs/operations.md "Single sign-on"):
# off unless OIDC_RP_CLIENT_ID is set. The provider's endpoints come from its discovery document
# (OIDC_OP_ISSUER + /.well-known/openid-configuration, read at the first sign-in, not at
# start-up, so the portal starts while the provider is down); any may be set explicitly.
OIDC_RP_CLIENT_ID = env("OIDC_RP_CLIENT_ID", default="")
OIDC_RP_CLIENT_SECRET = env("OIDC_RP_CLIENT_SECRET", default="")
OIDC_OP_ISSUER = env("OIDC_OP_ISSUER", default="")
OIDC_OP_AUTHORIZATION_ENDPOINT = env("OIDC_OP_AUTHORIZATION_ENDPOINT", default="")
OIDC_OP_TOKEN_ENDPOINT = env("OIDC_OP_TOKEN_ENDPOINT", default="")
OIDC_OP_USER_ENDPOINT = env("OIDC_OP_USER_ENDPOINT", default="")
OIDC_OP_JWKS_ENDPOINT = env("OIDC_OP_JWKS_ENDPOINT", default="")
OIDC_OP_END_SESSION_ENDPOINT = env("OIDC_OP_END_SESSION_ENDPOINT", default="")
OIDC_RP_SIGN_ALGO = env("OIDC_RP_SIGN_ALGO", default="RS256")
OIDC_RP_SCOPES = env("OIDC_RP_SCOPES", default="openid profile email")
# Which claim names the person, and which field of an existing user it must equal
# ("username" or "email", the latter compared without case and, by default, only when the
# provider says it verified the address). Nobody is ever created by signing in.
OIDC_USERNAME_CLAIM = env("OIDC_USERNAME_CLAIM", default="preferred_username")
OIDC_USER_FIELD = env("OIDC_USER_FIELD", default="username")
OIDC_EMAIL_MUST_BE_VERIFIED = env.bool("OIDC_EMAIL_MUST_BE_VERIFIED", default=True)
OIDC_CREATE_USER = False
OIDC_USE_PKCE = True
# Kept for the provider's sign-out (id_token_hint).
OIDC_STORE_ID_TOKEN = True
OIDC_OP_LOGOUT_URL_METHOD = "communes.sso.provider_logout_url"
OIDC_TIMEOUT = env.int("OIDC_TIMEOUT", default=10)
if OIDC_USER_FIELD not in ("username", "email"):
    raise ValueError("OIDC_USER_FIELD must be 'username' or 'email'")
if OIDC_RP_CLIENT_ID:
    AUTHENTICATION_BACKENDS.append("communes.sso.ProvinceOIDCBackend")

# Password guessing (django-axes): after AXES_FAILURE_LIMIT failures for one username from one
# client IP, that pair is locked for AXES_COOLOFF_MINUTES. Offices sit behind NAT, so locking a
# whole IP would lock a whole office; locking the username alone would let anyone lock out a
# colleague. An admin unlocks with `manage.py axes_reset_username USERNAME` or in Django admin.
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = env.int("AXES_COOLOFF_MINUTES", default=30) / 60
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False
# Axes keeps a failed attempt's POST for admin to read: never a second-factor code (a recovery
# code typed on the code page would stay there, usable), as never a password.
AXES_SENSITIVE_PARAMETERS = ["username", "ip_address", "code"]
# The real client IP (communes/clientip.py): with TRUSTED_PROXY_COUNT = 0 the socket address;
# behind N proxies (nginx in front: 1), the address just before their N hops, read from the
# right of X-Forwarded-For: what a client puts at its left is forgeable.
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)
AXES_CLIENT_IP_CALLABLE = "communes.clientip.client_ip"

# The second factor (communes/second_factor.py): the roles whose users must give a code from an
# authenticator app (TOTP) or a recovery code after their password, by key rather than by the
# groups' names (one of which holds commas): office, department_head, department_staff,
# leader, national, unit, and admin (superusers and staff). Empty: nobody is asked.
SECOND_FACTOR_ROLES = env.list("SECOND_FACTOR_ROLES",
                               default=["office", "leader", "national", "admin"])
# A session signed in through the province's identity provider (single sign-on, which sets
# session["signed_in_with"] = "oidc") counts as verified: that provider, which may broker
# VNeID, asks for its own second factor. False: such users give the portal's code as well.
OIDC_COUNTS_AS_SECOND_FACTOR = env.bool("OIDC_COUNTS_AS_SECOND_FACTOR", default=True)
# The name an authenticator app shows beside the user's code.
OTP_TOTP_ISSUER = env("OTP_TOTP_ISSUER", default="Cổng theo dõi kiểm tra")
# django-otp's own pause after a wrong code (1 s, doubled each time, per device), which holds
# across sign-ins, beside django-axes' lockout, which a correct password resets.
OTP_TOTP_THROTTLE_FACTOR = 1
OTP_STATIC_THROTTLE_FACTOR = 1

LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", _("Vietnamese")), ("en", _("English"))]
# locale/ is what makemessages maintains; config/django_locale/ holds our Vietnamese for some of
# Django's own strings, which makemessages would otherwise mark obsolete.
LOCALE_PATHS = [BASE_DIR / "locale", BASE_DIR / "config" / "django_locale"]
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_I18N = True
USE_TZ = True
# Django's vi locale has display formats but no input formats: ours are in config/formats/.
FORMAT_MODULE_PATH = ["config.formats"]
# Grouping digits everywhere would also print ids as "11.094" in links and form values;
# quantities are grouped where they are shown, with humanize's intcomma ("6.600").
USE_THOUSAND_SEPARATOR = False

STATIC_URL = "static/"
STATIC_ROOT = env.path("STATIC_ROOT", default=BASE_DIR / "staticfiles")
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "media/"
MEDIA_ROOT = env.path("MEDIA_ROOT", default=BASE_DIR / "media")
# Uploads go through Django's storage API only, so several app servers can share them: a
# MEDIA_ROOT on shared storage, or an S3-compatible bucket (docs/operations.md, "Scaling out").
STORAGES = {
    "default": {"BACKEND": env("MEDIA_STORAGE",
                               default="django.core.files.storage.FileSystemStorage"),
                "OPTIONS": env.json("MEDIA_STORAGE_OPTIONS", default={})},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

EMAIL_CONFIG = env.email("EMAIL_URL", default="consolemail://")
vars().update(EMAIL_CONFIG)
# A mail server that accepts the connection and never answers must not hold the task worker
# forever: the send fails after this many seconds and is tried again later.
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=30)
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="Cổng theo dõi kiểm tra <noreply@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# Every asset is served by the portal itself (it must work on an intranet without internet).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
    },
}
if OIDC_RP_CLIENT_ID and OIDC_OP_ISSUER:
    # Logging out is a form whose answer redirects to the provider's end_session_endpoint:
    # Chromium holds a form's redirects to form-action too.
    from urllib.parse import urlsplit as _urlsplit

    _issuer = _urlsplit(OIDC_OP_ISSUER)
    CONTENT_SECURITY_POLICY["DIRECTIVES"]["form-action"].append(
        f"{_issuer.scheme}://{_issuer.netloc}")
CSRF_FAILURE_VIEW = "config.views.csrf_failure"
X_FRAME_OPTIONS = "DENY"
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CONTENT_TYPE_NOSNIFF = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"stdout": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["stdout"], "level": env("LOG_LEVEL", default="INFO")},
    # 403s and 404s are answers, not faults: keep tracebacks for real errors.
    "loggers": {"django.db.backends": {"level": "WARNING"},
                "django.request": {"level": "ERROR"},
                # One line per login at INFO: kept for failures and lockouts only.
                "axes": {"level": "WARNING"}},
}

# The benchmark's floor page (bench/run.py sets it); never on otherwise.
BENCH_FLOOR = env.bool("BENCH_FLOOR", default=False)

# load_demo creates accounts with a known password; production settings turn this off.
DEMO_DATA_ALLOWED = True

# Background work (email) runs in `manage.py db_worker`, fed from a database table.
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
# A failed email is tried again this many times, minutes apart.
EMAIL_RETRIES = env.int("EMAIL_RETRIES", default=5)
EMAIL_RETRY_MINUTES = env.int("EMAIL_RETRY_MINUTES", default=10)

# Webhooks (recommendations/webhooks/delivery.py): each connect and read of a delivery waits
# this long at most; a failed try is tried again after WEBHOOK_RETRY_SECONDS × 2^(tries−1), up
# to WEBHOOK_MAX_ATTEMPTS tries (60 s and 8 tries: the last about two hours after the first); a
# subscription is paused, and its owner told, after this many failed tries in a row.
WEBHOOK_TIMEOUT_SECONDS = env.float("WEBHOOK_TIMEOUT_SECONDS", default=5)
WEBHOOK_RETRY_SECONDS = env.int("WEBHOOK_RETRY_SECONDS", default=60)
WEBHOOK_MAX_ATTEMPTS = env.int("WEBHOOK_MAX_ATTEMPTS", default=8)
WEBHOOK_PAUSE_AFTER_FAILURES = env.int("WEBHOOK_PAUSE_AFTER_FAILURES", default=20)
# Whether a subscription may name an address on a private, loopback or link-local network.
# Off by default, so that no subscriber can make the portal reach the machines beside it (a
# cloud's metadata address, a database's port); on where the province's integration platform
# (LGSP) sits on its intranet, as it usually does: an operator's decision, not a default.
WEBHOOK_ALLOW_PRIVATE = env.bool("WEBHOOK_ALLOW_PRIVATE", default=False)

# The PDF beside each DOCX is LibreOffice's rendering of that DOCX (communes/pdf.py): the path
# of its `soffice` (found on PATH when empty) and how long one conversion may take: it runs in
# the request, so less than gunicorn's GUNICORN_TIMEOUT (60 s), which would kill the worker
# instead of letting the page say the PDF could not be made. A conversion takes about 2 s.
LIBREOFFICE_PATH = env("LIBREOFFICE_PATH", default="")
LIBREOFFICE_TIMEOUT = env.int("LIBREOFFICE_TIMEOUT", default=45)

# Attachments: PDF, DOCX, XLSX, JPEG and PNG up to this size, checked from their content.
ATTACHMENT_MAX_MB = env.int("ATTACHMENT_MAX_MB", default=20)
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
# The recording page posts every editable row of a session at once: about ten fields a row,
# and a session may hold hundreds of recommendations. Django's default of 1,000 fields would
# refuse a session past about 120 of them; the body stays capped by the size above.
DATA_UPLOAD_MAX_NUMBER_FIELDS = env.int("DATA_UPLOAD_MAX_NUMBER_FIELDS", default=20_000)
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

# The register of outgoing documents (inspections/register.py): a signed PDF uploaded back is
# checked against these trust roots, paths of PEM files separated by commas (e.g. the root CA
# of the Ban Cơ yếu Chính phủ); a signature from any other root shows as "untrusted".
SIGNATURE_TRUST_ROOTS = env.list("SIGNATURE_TRUST_ROOTS", default=[])
# The largest signed PDF accepted.
SIGNED_PDF_MAX_MB = env.int("SIGNED_PDF_MAX_MB", default=20)

# The figures import (/rounds/<id>/figures/): the largest file, the most lines, and how large
# a workbook may unpack (an XLSX is a zip; the limit stops a "zip bomb" before it is read).
FIGURES_IMPORT_MAX_MB = env.int("FIGURES_IMPORT_MAX_MB", default=5)
FIGURES_IMPORT_MAX_ROWS = env.int("FIGURES_IMPORT_MAX_ROWS", default=20_000)
FIGURES_IMPORT_MAX_INFLATED_MB = env.int("FIGURES_IMPORT_MAX_INFLATED_MB", default=50)

# A recommendation is "due soon" this many working days before its due date.
DUE_SOON_WORKING_DAYS = env.int("DUE_SOON_WORKING_DAYS", default=3)

# Recommendations routed without an explicit due date are due this many working days later.
DEFAULT_DUE_WORKING_DAYS = env.int("DEFAULT_DUE_WORKING_DAYS", default=15)

# The read API (/api/v1/, recommendations/api/): Django REST framework, its OpenAPI schema by
# drf-spectacular, the documentation's Swagger UI served from the portal's own static files.
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # First, so a request without credentials is answered 401 with WWW-Authenticate.
        "recommendations.api.authentication.BearerTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["recommendations.api.permissions.SeesSomething"],
    "DEFAULT_THROTTLE_CLASSES": ["recommendations.api.throttling.TokenRateThrottle"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": [],
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "recommendations.api.pagination.IdCursorPagination",
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "recommendations.api.problems.exception_handler",
    "URL_FORMAT_OVERRIDE": None,
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
    "DATETIME_FORMAT": "iso-8601",
}
# Requests one API token (or one browser session) may make; more answer 429 with Retry-After.
API_THROTTLE_RATE = env("API_THROTTLE_RATE", default="300/minute")
# A personal API token stops working this many days after it is made (0: never), so one
# forgotten in a system nobody looks after does not work for ever.
API_TOKEN_MAX_AGE_DAYS = env.int("API_TOKEN_MAX_AGE_DAYS", default=180)
# A user's calendar feed (recommendations/calendar.py) holds deadlines from this many days
# before today to this many after, and at most this many events of each kind, nearest first.
CALENDAR_PAST_DAYS = env.int("CALENDAR_PAST_DAYS", default=30)
CALENDAR_FUTURE_DAYS = env.int("CALENDAR_FUTURE_DAYS", default=365)
CALENDAR_MAX_EVENTS = env.int("CALENDAR_MAX_EVENTS", default=500)
# The audit log's events are kept this many days; `manage.py audit_prune` (daily, cron)
# deletes older ones, the only way they leave.
AUDIT_RETENTION_DAYS = env.int("AUDIT_RETENTION_DAYS", default=730)
SPECTACULAR_SETTINGS = {
    "TITLE": "Inspections portal API",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    # No links to each operation inside its button: a link within a button is out of reach
    # of a keyboard and a screen reader (axe: nested-interactive, target-size). Code shown
    # plain: the highlighter's colours on its dark ground are too faint (axe: color-contrast).
    "SWAGGER_UI_SETTINGS": {"deepLinking": False, "syntaxHighlight": {"activated": False}},
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "ENUM_NAME_OVERRIDES": {
        "RecommendationStatusEnum": "recommendations.models.Status",
        "SessionStatusEnum": "inspections.models.Session.Status",
        "FollowUpStatusEnum": "inspections.models.DirectiveFollowUp.Status",
        "UnitKindEnum": "communes.models.AdministrativeUnit.Kind",
        "ResponseKindEnum": "recommendations.models.Response.Kind",
        "TaskKindEnum": "recommendations.tracking.KINDS",
    },
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "recommendations.api.schema.add_problem_responses",
    ],
}
