"""View decorators shared by the portal's apps: the method and login rule of a page, and which
roles may open it.

A page the role may not use answers 403; an object outside the user's scope answers 404,
because every lookup goes through `visible_to(user)` (communes/scope.py).
"""

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.views.decorators.http import require_GET

from . import roles
from .scope import has_calendar, uses_api


def read_only(view):
    """A view that answers GET only and writes nothing, so it needs no transaction:
    ATOMIC_REQUESTS would open one around it, two round trips to the database for nothing.
    (The session renewal and the cache write through their own connections' transactions.)"""
    return transaction.non_atomic_requests(require_GET(view))


def role_required(test):
    """Log in first; then 403 unless `test(user)` holds."""

    def decorator(view):
        @wraps(view)
        @login_required
        def wrapped(request, *args, **kwargs):
            if not test(request.user):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


# Office staff and admins record; leaders and national viewers read; departments neither.
reader_required = role_required(roles.is_reader)
office_required = role_required(roles.is_office)
department_required = role_required(roles.is_department_user)
# Pages that show only what the user's scope holds (lists, search): readers and departments.
scoped_reader_required = role_required(
    lambda user: roles.is_reader(user) or roles.is_department_user(user))
# The API and its tokens (communes.scope.uses_api; visible_to decides what each sees).
api_user_required = role_required(uses_api)
# The work calendar's page (recommendations/views/calendar.py): everyone with a scope.
calendar_user_required = role_required(has_calendar)
