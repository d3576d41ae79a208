"""Deadline conditions and list filters shared by the inbox, the recommendation list, the
office's follow-up and the dashboard."""

from django.conf import settings
from django.db.models import Q
from django.utils.translation import get_language

from communes import roles
from communes.cache import cached
from communes.workdays import add_working_days

from .models import OPEN_STATUSES


def deadline_filters(today):
    """(due soon, overdue) conditions on open recommendations, in working days."""
    soon_until = cached("due-soon-until", (today, settings.DUE_SOON_WORKING_DAYS),
                        lambda: add_working_days(today, settings.DUE_SOON_WORKING_DAYS))
    open_ = Q(status__in=OPEN_STATUSES)
    return (open_ & Q(due_date__gte=today, due_date__lte=soon_until),
            open_ & Q(due_date__lt=today))


# GET parameter → lookup of the recommendation lists' filters; each is backed by an index.
LIST_FILTERS = {
    "province": "province_id",
    "status": "status",
    "department": "lead_department_id",
    # A kind of department in every province (national viewers: "SNV" for every Sở Nội vụ).
    "department_type": "lead_department__short_code",
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
        if name == "status":
            valid = value in Status.values
        elif name == "department_type":
            valid = value.isascii() and value.isalnum() and len(value) <= 20
        else:
            valid = id_param(value)
        if valid:
            recommendations = recommendations.filter(**{LIST_FILTERS[name]: value})
            chosen[name] = value
    return recommendations, chosen


FILTER_KINDS = ("rounds", "groups", "departments", "categories", "units")


def filter_choices(user, kinds=FILTER_KINDS) -> dict:
    """The options of the lists' filters, as (value, label) pairs: the rounds, working groups,
    departments and units of the user's province (nationally: every round and department,
    no groups or units, thousands of them), and the categories. Read once per data version
    and language (communes/cache.py), since every list page shows them."""
    from communes.models import AdministrativeUnit, Department
    from inspections.models import Category, InspectionRound, WorkingGroup

    national = roles.sees_all_provinces(user)
    province_id = getattr(getattr(user, "profile", None), "province_id", None)

    def read_all():
        rounds = InspectionRound.objects.all() if national else \
            InspectionRound.objects.filter(province_id=province_id)
        departments = Department.objects.all() if national else \
            Department.objects.filter(province_id=province_id)
        groups = WorkingGroup.objects.none() if national else \
            WorkingGroup.objects.filter(round__in=rounds).select_related("round")
        units = AdministrativeUnit.objects.none() if national else \
            AdministrativeUnit.objects.filter(province_id=province_id)
        read = {
            "rounds": lambda: [(str(r.pk), str(r)) for r in rounds],
            "groups": lambda: [(str(g.pk), f"{g} – {g.round}") for g in groups],
            "departments": lambda: [(str(d.pk), str(d)) for d in departments],
            "categories": lambda: [(str(c.pk), str(c)) for c in Category.objects.all()],
            "units": lambda: [(str(u.pk), str(u)) for u in units],
        }
        return {kind: read[kind]() for kind in kinds}

    return cached("filter-choices",
                  ("all" if national else province_id, get_language(), tuple(kinds)), read_all)
