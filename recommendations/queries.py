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


# GET parameter → lookup of the recommendation lists' filters; each is backed by an index.
LIST_FILTERS = {
    "status": "status",
    "department": "lead_department_id",
    "category": "category_id",
    "unit": "units",
    "group": "session__group_id",
    "round": "session__group__round_id",
}


def filtered(recommendations, params, names=tuple(LIST_FILTERS)):
    """Apply the filters named in `names` that `params` (request.GET) sets to a valid value;
    returns the queryset and the filters applied, for links and forms."""
    from communes.params import id_param

    from .models import Status

    chosen = {}
    for name in names:
        value = params.get(name, "")
        if value in Status.values if name == "status" else id_param(value):
            recommendations = recommendations.filter(**{LIST_FILTERS[name]: value})
            chosen[name] = value
    return recommendations, chosen
