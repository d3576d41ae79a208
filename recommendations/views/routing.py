from django.contrib import messages
from django.core.paginator import Paginator
from django.db import OperationalError, transaction
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from communes.db import concurrent_change
from communes.decorators import office_required
from communes.models import Department
from communes.params import id_param
from inspections.models import Session
from inspections.queries import round_for

from .. import queries, services
from ..forms import RoutingFormSet
from ..models import Recommendation
from ..similarity import likely_duplicates

ACTIONS = {
    "route": gettext_lazy("Route the selected"),
    "answer": gettext_lazy("Mark the selected answered on the spot"),
    "propose_central": gettext_lazy("Propose the selected to central level"),
    "merge": gettext_lazy("Merge the selected into one"),
}
ROWS_PER_PAGE = 50


@require_http_methods(["GET", "POST"])
@office_required
def routing(request, round_pk):
    """Route what a round's sessions raised: to a lead department (with co-operating ones and a
    due date), answered on the spot, proposed to central level, or merged with its duplicates.
    """
    inspection_round = round_for(request.user, round_pk)
    sessions = Session.objects.filter(group__round=inspection_round).select_related("group")
    chosen_sessions = [int(pk) for pk in request.GET.getlist("session") if id_param(pk)]
    pending = (
        Recommendation.objects.awaiting_routing()
        .filter(session__group__round=inspection_round)
        .select_related("category", "session__group")
        .prefetch_related("units", "events")
        .order_by("session__date", "session__group__number", "id")
    )
    if chosen_sessions:
        pending = pending.filter(session__in=chosen_sessions)
    page = Paginator(pending, ROWS_PER_PAGE).get_page(request.GET.get("page"))
    departments = Department.objects.filter(province=inspection_round.province, is_active=True)
    form_kwargs = {"departments": departments,
                   "department_choices": [(d.pk, d.name) for d in departments]}
    if request.method == "POST":
        formset = RoutingFormSet(request.POST, form_kwargs=form_kwargs)
        # Rows are matched by the id each one carries, never by position: a colleague may
        # have routed some of them since this page was opened.
        submitted = [_int(form["recommendation"].value()) for form in formset]
        still_pending = pending.in_bulk([pk for pk in submitted if pk])
        rows = [(form, still_pending.get(pk)) for form, pk in zip(formset, submitted, strict=True)]
        gone = sum(1 for _form, recommendation in rows if recommendation is None)
        if gone:
            messages.warning(request, _(
                "%(count)d of these recommendations were handled by someone else meanwhile "
                "and are left out.") % {"count": gone})
        rows = [(form, recommendation) for form, recommendation in rows if recommendation]
        if formset.is_valid():
            action = request.POST.get("action")
            selected = [(form, r) for form, r in rows if form.cleaned_data.get("selected")]
            if action not in ACTIONS:
                messages.error(request, _("Choose what to do with the selected recommendations."))
            elif not selected:
                messages.error(request, _("Select at least one recommendation."))
            elif done := _apply(request, action, selected):
                messages.success(request, _("%(count)d recommendation(s) handled.")
                                 % {"count": done})
                return redirect(request.get_full_path())
    else:
        rows = list(page.object_list)
        formset = RoutingFormSet(initial=queries.routing_initial(inspection_round.province, rows),
                                 form_kwargs=form_kwargs)
        rows = list(zip(formset.forms, rows, strict=True))
    similar = likely_duplicates(Recommendation.objects.awaiting_routing().filter(
        session__group__round=inspection_round).select_related("session__group"))
    return render(request, "recommendations/routing.html", {
        "round": inspection_round, "sessions": sessions, "chosen_sessions": chosen_sessions,
        "rows": rows, "formset": formset, "page": page,
        "actions": ACTIONS, "similar": similar,
    }, status=400 if request.method == "POST" else 200)


def _int(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


class _RowsIncomplete(Exception):
    """Some selected rows lack what the action needs: nothing is saved."""


def _apply(request, action, selected) -> int:
    """Carry out `action` on every selected row, all or nothing; 0 if any row was refused."""
    try:
        with transaction.atomic():
            if action == "merge":
                target, *others = sorted((r for _form, r in selected), key=lambda r: r.pk)
                services.recommendation_merge(target=target, others=others, by=request.user)
                return len(selected)
            # Every row's lock first, in the order merge takes them: one at a time, in the
            # page's order, could wait for a merge that waits for us.
            services.lock_in_order(r.pk for _form, r in selected)
            ok = True
            for form, recommendation in selected:
                data = form.cleaned_data
                # A due date left empty is the usual one (DEFAULT_DUE_WORKING_DAYS).
                if action == "route" and form.require("lead_department"):
                    services.recommendation_route(
                        recommendation=recommendation, by=request.user,
                        lead_department=data["lead_department"],
                        cooperating_departments=data["cooperating_departments"],
                        due_date=data["due_date"])
                elif action == "answer" and form.require("answered_by", "answer"):
                    services.recommendation_answer_on_the_spot(
                        recommendation=recommendation, by=request.user,
                        answered_by=data["answered_by"], answer=data["answer"])
                elif action == "propose_central" and form.require("central_body"):
                    services.recommendation_propose_central(
                        recommendation=recommendation, by=request.user,
                        central_body=data["central_body"])
                ok = ok and not form.errors
            if not ok:
                # The page's error summary says so, above the rows marked: no message too.
                raise _RowsIncomplete
            return len(selected)
    except _RowsIncomplete:
        return 0
    except services.TransitionNotAllowed as error:
        messages.error(request, error.messages[0])
        return 0
    except OperationalError as error:
        if not concurrent_change(error):
            raise
        # Ordered locks leave no deadlock between our own services; this is the last line
        # should another writer (the admin, a command) cross them: the page again, with what
        # was filled in, rather than a server error.
        messages.error(request, _("Someone else changed these items at the same moment; try "
                                  "again."))
        return 0
