"""Who may open the inspection pages: a page the role may not use answers 403; an object of
another province answers 404, because the lookups go through `visible_to(user)`."""

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied

from communes import roles


def _role_required(test):
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
reader_required = _role_required(roles.is_reader)
office_required = _role_required(roles.is_office)
