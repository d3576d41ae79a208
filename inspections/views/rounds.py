"""The inspection rounds: their list, their pages and edits, and the import of
the monthly figures of their units."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import FileResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from communes import roles
from communes.decorators import office_required, read_only, reader_required
from communes.exports import XLSX_TYPE, csv_response

from .. import figures_import
from ..forms import InspectionRoundForm
from ..models import InspectionRound, Session
from ..queries import round_for


@read_only
@reader_required
def round_list(request):
    rounds = (
        InspectionRound.objects.visible_to(request.user).select_related("province")
        .annotate(group_count=Count("groups", distinct=True),
                  session_count=Count("groups__sessions", distinct=True))
        .order_by("-period_start", "title")  # Meta.ordering does not apply to GROUP BY queries
    )
    page = Paginator(rounds, 25).get_page(request.GET.get("page"))
    return render(request, "inspections/round_list.html",
                  {"page": page, "can_edit": roles.is_office(request.user)})


def _round_page(request, inspection_round, *, title, saved):
    """Create or edit a round."""
    form = InspectionRoundForm(request.POST or None, instance=inspection_round)
    if form.is_valid():
        inspection_round = form.save()
        messages.success(request, saved)
        return redirect(inspection_round)
    return render(request, "inspections/form.html", {
        "form": form, "title": title, "back": inspection_round if inspection_round.pk else None})


@require_http_methods(["GET", "POST"])
@office_required
def round_create(request):
    province = getattr(getattr(request.user, "profile", None), "province", None)
    if province is None:
        raise PermissionDenied  # an admin without a province records through Django admin
    return _round_page(request, InspectionRound(province=province),
                       title=_("New inspection round"), saved=_("The round was created."))


@require_http_methods(["GET", "POST"])
@office_required
def round_edit(request, pk):
    return _round_page(request, round_for(request.user, pk), title=_("Edit the round"),
                       saved=_("The round was saved."))


@read_only
@reader_required
def round_detail(request, pk):
    inspection_round = round_for(request.user, pk)
    groups = (
        inspection_round.groups.annotate(
            session_count=Count("sessions", distinct=True),
            final_count=Count("sessions", filter=Q(sessions__status=Session.Status.FINAL),
                              distinct=True),
            unit_count=Count("units", distinct=True))
        .order_by("number")
    )
    return render(request, "inspections/round_detail.html", {
        "round": inspection_round, "groups": groups, "can_edit": roles.is_office(request.user),
    })


@require_http_methods(["GET", "POST"])
@office_required
def figures_import_view(request, pk):
    """Import monthly figures of the round's units from the template, all or nothing."""
    inspection_round = round_for(request.user, pk)
    template = request.GET.get("template")
    if template == "xlsx":
        return FileResponse(figures_import.template_xlsx(inspection_round, request.user),
                            as_attachment=True, filename=f"mau-so-lieu-{pk}.xlsx",
                            content_type=XLSX_TYPE)
    if template == "csv":
        return csv_response(figures_import.template_rows(inspection_round), f"mau-so-lieu-{pk}")
    problems, status = [], 200
    if request.method == "POST":
        uploaded = request.FILES.get("file")
        try:
            if uploaded is None:
                raise ValueError(_("Choose the filled-in template to import."))
            result = figures_import.figures_import(
                inspection_round=inspection_round, rows=figures_import.read_rows(uploaded),
                by=request.user)
        except ValueError as error:
            detail = error.args[0]
            problems = detail if isinstance(detail, list) else [detail]
            status = 400
        else:
            messages.success(request, _(
                "Figures imported: %(created)d new, %(updated)d updated, %(skipped)d rows "
                "without a value skipped.") % result.__dict__)
            return redirect(inspection_round)
    return render(request, "inspections/figures_import.html", {
        "round": inspection_round, "problems": problems}, status=status)
