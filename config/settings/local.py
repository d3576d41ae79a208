"""Settings for a developer's machine and for `make run`: debug on, mail printed to the console."""

from .base import *  # noqa: F403
from .base import env

DEBUG = env.bool("DEBUG", default=True)
# The cache stays base's database table, not the server's memory: `make run` runs the task
# worker beside the server, and management commands run in processes of their own, and what
# they write must clear what the server keeps (figures, a changed password's user).
# `make run`'s demo accounts sign in with their password alone unless the variable asks
# for a second factor (e.g. SECOND_FACTOR_ROLES=office,leader,national,admin).
SECOND_FACTOR_ROLES = env.list("SECOND_FACTOR_ROLES", default=[])
