"""Production settings: behind nginx (or another TLS proxy), on PostgreSQL.

Refuses to start without SECRET_KEY, DATABASE_URL and ALLOWED_HOSTS, with a one-line reason
rather than a traceback, so a misconfigured service fails loudly and clearly.
"""

import os
import sys
from pathlib import Path

import environ

# The same .env that base.py reads counts for the check below.
environ.Env.read_env(Path(__file__).resolve().parent.parent.parent / ".env", overwrite=False)
_REQUIRED = ("SECRET_KEY", "DATABASE_URL", "ALLOWED_HOSTS")
_missing = [name for name in _REQUIRED if not os.environ.get(name)]
if _missing:
    sys.stderr.write(
        f"Refusing to start: set the environment variable(s) {', '.join(_missing)} "
        "(see the environment table in docs/configuration.md).\n"
    )
    raise SystemExit(1)

from .base import *  # noqa: E402, F403
from .base import env  # noqa: E402

DEBUG = False
DEMO_DATA_ALLOWED = False

# TLS ends at the proxy, which tells us the original scheme in X-Forwarded-Proto.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=60 * 60 * 24 * 365)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SESSION_COOKIE_HTTPONLY = True

# One nginx in front sets X-Forwarded-For: the client IP (axes' lockout) is read from it
# (communes/clientip.py).
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=1)

EMAIL_CONFIG = env.email("EMAIL_URL", default="smtp://localhost:25")
vars().update(EMAIL_CONFIG)
