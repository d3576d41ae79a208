"""Settings for a developer's machine and for `make run`: debug on, mail printed to the console."""

from .base import *  # noqa: F403
from .base import env

DEBUG = env.bool("DEBUG", default=True)
