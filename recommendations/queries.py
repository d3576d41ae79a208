"""Deadline conditions shared by the inbox, the office's follow-up and later the dashboard."""

from django.conf import settings
from django.db.models import Q

from communes.workdays import add_working_days

from .models import OPEN_STATUSES


def deadline_filters(today):
    """(due soon, overdue) conditions on open recommendations, in working days."""
    soon_until = add_working_days(today, settings.DUE_SOON_WORKING_DAYS)
    open_ = Q(status__in=OPEN_STATUSES)
    return (open_ & Q(due_date__gte=today, due_date__lte=soon_until),
            open_ & Q(due_date__lt=today))
