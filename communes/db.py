"""What the database says about two writers meeting."""

from django.db import OperationalError

# PostgreSQL's SQLSTATEs for a transaction cancelled because another one crossed it: a
# deadlock (40P01) or a serialization failure (40001). Trying again succeeds.
CONCURRENT_CHANGE = {"40P01", "40001"}


def concurrent_change(error: OperationalError) -> bool:
    """Whether `error` is PostgreSQL cancelling us for another writer's sake (not a fault of
    ours or of the server)."""
    cause = error.__cause__
    return (getattr(cause, "sqlstate", None) or getattr(cause, "pgcode", None)) \
        in CONCURRENT_CHANGE
