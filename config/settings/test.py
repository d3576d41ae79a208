"""Settings for pytest: fast password hashing, mail kept in memory, plain static storage."""

import os
import tempfile
from pathlib import Path

from .base import *  # noqa: F403
from .base import env

DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
# Tests render templates without running collectstatic first.
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Tasks run at once, in the request's process, so tests see their effects (and mail).
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
MEDIA_ROOT = tempfile.mkdtemp(prefix="inspections-test-media-")
# Test transactions never commit, so cached figures would never be invalidated: no cache,
# except in the tests of caching itself (tests/test_cache.py), which run the commit callbacks.
CACHES = {"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}
# SQLite's test database in a file rather than in memory: browser tests serve pages from
# live_server's threads while the page's service worker fetches beside them, and an in-memory
# database shared between threads fails a reader beside a writer at once ("table is locked")
# where a file in WAL mode, as in production, lets it wait (base.py). One file per process.
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":  # noqa: F405
    DATABASES["default"]["TEST"] = {"NAME": str(  # noqa: F405
        Path(tempfile.gettempdir()) / f"inspections-test-{os.getpid()}.sqlite3")}
# No role is asked for a second factor unless a test says so (override_settings): the tests
# sign in with a password alone, as they did before it existed (tests/communes/
# test_second_factor.py switches it on).
SECOND_FACTOR_ROLES = env.list("SECOND_FACTOR_ROLES", default=[])
# The webhook tests' receivers listen on 127.0.0.1 (tests/webhooks/receiver.py).
WEBHOOK_ALLOW_PRIVATE = env.bool("WEBHOOK_ALLOW_PRIVATE", default=True)
