"""View decorators shared by the portal's apps."""

from django.db import transaction
from django.views.decorators.http import require_GET


def read_only(view):
    """A view that answers GET only and writes nothing, so it needs no transaction:
    ATOMIC_REQUESTS would open one around it, two round trips to the database for nothing.
    (The session renewal and the cache write through their own connections' transactions.)"""
    return transaction.non_atomic_requests(require_GET(view))
