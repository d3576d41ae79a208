"""View decorators shared by the portal's apps: the method and login rule of a page, and which
roles may open it (the rules: communes/whomay.py).

A page the role may not use answers 403; an object outside the user's scope answers 404,
because every lookup goes through `visible_to(user)` (communes/scope.py).
"""

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ImproperlyConfigured, PermissionDenied
from django.db import transaction
from django.views.decorators.http import require_GET

from . import whomay


def read_only(view):
    """A view that answers GET only and writes nothing, so it needs no transaction:
    ATOMIC_REQUESTS would open one around it, two round trips to the database for nothing.
    (The session renewal and the cache write through their own connections' transactions.)"""
    return transaction.non_atomic_requests(require_GET(view))


def role_required(rule, *, step_argument=None):
    """Log in first; then 403 unless the user passes `rule`: a rule of communes/whomay.py
    (PAGES), or a test of the user. The view carries its rule (whomay.rule_of), so a test can
    ask the rules what every URL should answer. `step_argument`: the URL argument that names
    the lifecycle step the view takes (whomay.expect)."""
    if isinstance(rule, str) and rule not in whomay.PAGES:
        # A misspelt rule would otherwise refuse every request with a server error.
        raise ImproperlyConfigured(f"No page rule {rule!r} in communes/whomay.py (PAGES).")

    def decorator(view):
        @wraps(view)
        @login_required
        def wrapped(request, *args, **kwargs):
            if not whomay.page(request.user, rule):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return whomay.declare(wrapped, rule, step_argument=step_argument)

    return decorator


# Office staff and admins record; leaders and national viewers read; departments neither.
reader_required = role_required(whomay.READER)
office_required = role_required(whomay.OFFICE)
department_required = role_required(whomay.DEPARTMENT)
# Pages that show only what the user's scope holds (lists, search): readers and departments.
scoped_reader_required = role_required(whomay.SCOPED_READER)
# The API and its tokens (visible_to decides what each sees).
api_user_required = role_required(whomay.API)
# The work calendar's page (recommendations/views/calendar.py): everyone with a scope.
calendar_user_required = role_required(whomay.CALENDAR)
# A unit's own pages (recommendations/views/unit.py).
unit_required = role_required(whomay.UNIT)
# Any logged-in user: the page shows what their rows hold (communes.whomay.LOGIN).
login_page = role_required(whomay.LOGIN)
