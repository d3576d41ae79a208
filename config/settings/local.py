"""Settings for a developer's machine and for `make run`: debug on, mail printed to the console."""

from .base import *  # noqa: F403
from .base import env

DEBUG = env.bool("DEBUG", default=True)
# The cache stays base's database table, not the server's memory: `make run` runs the task
# worker beside the server, and management commands run in processes of their own, and what
# they write must clear what the server keeps (figures, a changed password's user).
