from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.shortcuts import render
from django.views.decorators.http import require_GET

from communes import roles
from recommendations.models import Recommendation

from .models import InspectionRound, Session, WorkingGroup


@require_GET
@login_required
def home(request):
    """The rounds with their groups and sessions; for department users, what is routed to
    their department."""
    user = request.user
    context = {"is_department_user": roles.is_department_user(user)}
    if context["is_department_user"]:
        recommendations = (
            Recommendation.objects.visible_to(user)
            .select_related("category", "lead_department", "session__group")
            .order_by("due_date", "id")
        )
        context["page"] = Paginator(recommendations, 25).get_page(request.GET.get("page"))
    else:
        sessions = Session.objects.prefetch_related("units").order_by("date", "part_of_day")
        groups = WorkingGroup.objects.prefetch_related(Prefetch("sessions", queryset=sessions))
        rounds = (
            InspectionRound.objects.visible_to(user)
            .select_related("province")
            .prefetch_related(Prefetch("groups", queryset=groups))
        )
        context["page"] = Paginator(rounds, 10).get_page(request.GET.get("page"))
    return render(request, "inspections/home.html", context)
