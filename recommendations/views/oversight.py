"""Leaders' and office's oversight: the dashboard and the recommendation list behind it."""

import datetime

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import render
from django.utils import timezone
from django.utils.dateparse import parse_date
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext as _

from communes import roles
from communes.cache import page_part_key
from communes.decorators import read_only
from communes.params import id_param
from inspections.models import InspectionRound
from inspections.permissions import reader_required

from .. import dashboard
from ..exports import export, recommendation_rows
from ..models import OPEN_STATUSES, Recommendation, Status
from ..queries import deadline_filters, filter_choices, filtered


def _date(value):
    try:
        return parse_date(value) if value else None
    except ValueError:
        return None


def scoped(request, recommendations):
    """Apply the round and date-range filters shared by the dashboard and the list."""
    chosen = {}
    round_id = request.GET.get("round", "")
    if id_param(round_id):
        recommendations = recommendations.filter(session__group__round_id=round_id)
        chosen["round"] = round_id
    for name, lookup in (("date_from", "session__date__gte"), ("date_to", "session__date__lte")):
        day = _date(request.GET.get(name, ""))
        if day:
            recommendations = recommendations.filter(**{lookup: day})
            chosen[name] = day.isoformat()
    return recommendations, chosen


@read_only
@reader_required
def dashboard_view(request):
    """The figures are computed, and their part of the page rendered, once per data version
    (communes/cache.py): the template caches that part under the key below, and the lazy
    figures are read only when it is not in the cache."""
    user = request.user
    recommendations, chosen = scoped(request, Recommendation.objects.visible_to(user))
    rounds = InspectionRound.objects.visible_to(user)
    national = roles.sees_all_provinces(user)
    return render(request, "recommendations/dashboard.html", {
        "figures": SimpleLazyObject(
            lambda: dashboard.figures(recommendations, by_province=national)),
        "recurring": SimpleLazyObject(lambda: dashboard.recurring_difficulties(rounds)),
        "choices": filter_choices(user, ("rounds",)), "chosen": chosen, "national": national,
        "cache_key": page_part_key(user, sorted(chosen.items())),
    })


@read_only
@login_required
def recommendation_list(request):
    """Every recommendation the user may see, filtered as the dashboard's numbers link to it;
    as CSV or XLSX with ?format=csv|xlsx."""
    user = request.user
    if not (roles.is_reader(user) or roles.is_department_user(user)):
        raise PermissionDenied
    # Merged duplicates appear once, as the recommendation they were merged into.
    recommendations, chosen = scoped(
        request, Recommendation.objects.visible_to(user).filter(consolidated_into=None))
    recommendations, applied = filtered(recommendations, request.GET)
    chosen.update(applied)
    if request.GET.get("unrouted") == "1":
        recommendations = recommendations.filter(lead_department__isnull=True)
        chosen["unrouted"] = "1"
    deadline = request.GET.get("deadline")
    if deadline in ("overdue", "due_soon"):
        soon, overdue = deadline_filters(timezone.localdate())
        recommendations = recommendations.filter(overdue if deadline == "overdue" else soon)
        chosen["deadline"] = deadline
    recommendations = recommendations.order_by("due_date", "id")
    exported = export(request, recommendation_rows(recommendations),
                      f"kien-nghi-{datetime.date.today():%Y%m%d}", _("Recommendations"))
    if exported:
        return exported
    page_number = request.GET.get("page", "")
    return render(request, "recommendations/list.html", {
        # Read only when the list's part of the page is not in the cache (communes/cache.py).
        "page": SimpleLazyObject(lambda: Paginator(
            recommendations.select_related("category", "lead_department",
                                           "session__group__round")
            .prefetch_related("units"), 25).get_page(page_number)),
        "cache_key": page_part_key(user, sorted(chosen.items()), page_number),
        "page_params": chosen,
        "chosen": chosen, "statuses": Status.choices, "choices": filter_choices(user),
        "today": timezone.localdate(), "open_statuses": [s.value for s in OPEN_STATUSES],
    })
