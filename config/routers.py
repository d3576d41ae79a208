"""Reads from a PostgreSQL read replica, when DATABASE_REPLICA_URL names one (docs/operations.md,
"Scaling out").

A GET or HEAD request reads from the replica; every write goes to the primary, and so does
every read of any other request (a POST reads what it is about to change). For
REPLICA_LAG_SECONDS after a user's write their reads stay on the primary too, so a page shown
after a save shows the save, however far the replica lags (a cookie marks the write).
"""

from contextvars import ContextVar

from django.conf import settings

REPLICA = "replica"
RECENT_WRITE_COOKIE = "wrote"
_reads_from_replica = ContextVar("reads_from_replica", default=False)


class ReplicaRouter:
    def db_for_read(self, model, **hints):
        return REPLICA if _reads_from_replica.get() else "default"

    def db_for_write(self, model, **hints):
        return "default"

    def allow_relation(self, obj1, obj2, **hints):
        return True  # the same data on both

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return db == "default"


class ReplicaReadsMiddleware:
    """Marks which requests may read from the replica (before any middleware that reads the
    database: first after SecurityMiddleware)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        safe = request.method in ("GET", "HEAD")
        token = _reads_from_replica.set(safe and RECENT_WRITE_COOKIE not in request.COOKIES)
        try:
            response = self.get_response(request)
        finally:
            _reads_from_replica.reset(token)
        if not safe:
            response.set_cookie(RECENT_WRITE_COOKIE, "1", max_age=settings.REPLICA_LAG_SECONDS,
                                secure=request.is_secure(), httponly=True, samesite="Lax")
        return response
