"""Settings for a developer's machine and for `make run`: debug on, mail printed to the console."""

from .base import *  # noqa: F403
from .base import env

DEBUG = env.bool("DEBUG", default=True)
# One process (runserver): the cache may live in its memory.
CACHES = {"default": env.cache("CACHE_URL", default="locmemcache://")}
