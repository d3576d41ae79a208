"""A commune's or ward's profile: what it raised and reported across rounds."""

from django.db.models import Q
from django.shortcuts import get_object_or_404, render

from communes.decorators import read_only, reader_required
from communes.models import AdministrativeUnit
from inspections.models import Difficulty, DirectiveFollowUp, ReportedFigure, Session

from ..models import Recommendation


@read_only
@reader_required
def unit_profile(request, pk):
    """A commune's record across rounds: sessions, figures over time, difficulties,
    recommendations and directives."""
    user = request.user
    unit = get_object_or_404(AdministrativeUnit.objects.visible_to(user).select_related(
        "province").prefetch_related("predecessors"), pk=pk)
    sessions = Session.objects.visible_to(user).filter(units=unit).select_related(
        "group__round").order_by("-date")
    figures = list(ReportedFigure.objects.visible_to(user).filter(
        session__in=sessions).filter(Q(unit=unit) | Q(unit__isnull=True))
        .select_related("metric").order_by("metric__position", "month"))
    return render(request, "recommendations/unit_profile.html", {
        "unit": unit, "sessions": sessions,
        "figure_series": figure_series(figures),
        "difficulties": Difficulty.objects.visible_to(user).filter(units=unit).select_related(
            "category", "session__group__round"),
        "recommendations": Recommendation.objects.visible_to(user).filter(units=unit)
        .select_related("category", "lead_department", "session__group__round"),
        "follow_ups": DirectiveFollowUp.objects.visible_to(user).filter(unit=unit)
        .select_related("directive__session__group__round"),
    })


def figure_series(figures):
    """Per metric, its monthly values with bar heights for a small chart (joint figures are
    marked, since they cover all units of the session)."""
    series = {}
    for figure in figures:
        series.setdefault(figure.metric, []).append(figure)
    charts = []
    for metric, points in series.items():
        top = max(point.value for point in points) or 1
        bars = []
        for index, point in enumerate(points):
            height = round(90 * point.value / top, 1)
            bars.append({"figure": point, "height": height, "y": 100 - height, "x": index * 12})
        charts.append({"metric": metric, "bars": bars, "width": max(len(bars) * 12, 12)})
    return charts
