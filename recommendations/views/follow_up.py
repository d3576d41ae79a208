"""The office's follow-up: what is late or nearly so across all departments, what waits for a
decision, and how each addressee is carrying out the directives."""

from urllib.parse import urlsplit

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from communes.decorators import office_required, read_only
from communes.exports import ID_FORMAT, Column, export
from inspections.models import DirectiveFollowUp, DirectiveReport
from inspections.services import directive_report_decide, directive_touch, session_touch

from .. import queries
from ..exports import directive_rows, recommendation_rows
from ..forms import FollowUpForm, ReportDecisionForm
from ..queries import FOLLOW_UP_SECTIONS, FOLLOW_UP_STATES


@read_only
@office_required
def follow_up(request):
    """One list at a time, each paginated: overdue and due-soon recommendations across all
    departments, extension requests waiting for a decision, and directives by addressee."""
    return _follow_up_page(request, request.GET)


def _follow_up_page(request, params, bound=None):
    """The follow-up page for the query `params`; `bound` is a follow-up form that was not
    saved, shown in its row with its errors and what was typed."""
    today = timezone.localdate()
    section = params.get("show") if params.get("show") in FOLLOW_UP_SECTIONS else "overdue"
    state = params.get("directives") if params.get("directives") in FOLLOW_UP_STATES \
        else "pending"
    counts, rows = queries.follow_up(request.user, section, state, today)
    exportable = bound is None and section in ("overdue", "due_soon", "extensions", "directives")
    exported = exportable and export(request, _follow_up_rows(section, rows),
                                     f"theo-doi-don-doc-{today:%Y%m%d}",
                                     *_follow_up_words(section, state))
    if exported:
        return exported
    page = Paginator(rows, 50).get_page(params.get("page"))
    page_url = reverse("recommendations:follow_up")
    if section == "directives":
        for item in page.object_list:
            item.form = bound if bound is not None and bound.instance.pk == item.pk else \
                FollowUpForm(instance=item, prefix=f"f{item.pk}")
    elif section == "unit_reports":
        for item in page.object_list:
            item.form = bound if bound is not None and bound.prefix == f"r{item.pk}" else \
                ReportDecisionForm(prefix=f"r{item.pk}")
    return render(request, "recommendations/follow_up.html", {
        "section": section, "state": state, "counts": counts, "today": today, "page": page,
        # Rendered at the address a row was posted to when it was not saved: every link and
        # the rows' way back lead to the follow-up page itself.
        "page_url": page_url, "query": params,
        "back": f"{page_url}?{params.urlencode()}" if params else page_url,
    }, status=400 if bound is not None else 200)


def _follow_up_words(section, state):
    """The title of a section's export, and what chose its rows, in words."""
    tabs = {"overdue": _("Overdue"), "due_soon": _("Due soon"),
            "extensions": _("Extension requests"), "directives": _("Directives, by addressee")}
    chosen = {
        "overdue": [f"{_('Deadline')}: {_('overdue')}"],
        "due_soon": [f"{_('Deadline')}: {_('due soon')}"],
        "extensions": [_("waiting for a decision")],
        "directives": [f"{_('Status')}: " + {"pending": _("Pending"), "overdue": _("Overdue"),
                                             "done": _("Done")}[state]],
    }
    return f"{_('Follow-up')} – {tabs[section]}", chosen[section]


def _follow_up_rows(section, rows):
    """The rows of the section being exported."""
    if section in ("overdue", "due_soon"):
        yield from recommendation_rows(rows)
    elif section == "extensions":
        yield [Column(_("Recommendation no."), ID_FORMAT), _("Recommendation"), _("Department"),
               _("Due date"), _("Proposed due date"), _("Reason")]
        for request in rows.iterator(chunk_size=2000):
            recommendation = request.recommendation
            yield [recommendation.pk, recommendation.text,
                   str(recommendation.lead_department or ""), request.current_due_date,
                   request.proposed_due_date, request.reason]
    else:
        yield from directive_rows(rows)


@require_POST
@office_required
def follow_up_update(request, pk):
    """The office records how an addressee carried out a directive."""
    follow_up = get_object_or_404(
        DirectiveFollowUp.objects.visible_to(request.user).select_related("directive"), pk=pk)
    form = FollowUpForm(request.POST, instance=follow_up, prefix=f"f{pk}")
    back = urlsplit(request.POST.get("next", ""))
    # Back to the follow-up page the row was on, never anywhere else (an address from the
    # form is not trusted: only its query string is kept).
    params = QueryDict(back.query) if back.path == reverse("recommendations:follow_up") \
        else QueryDict()
    if not form.is_valid():
        messages.error(request, _("Not saved: correct the row marked below."))
        return _follow_up_page(request, params, bound=form)
    form.save()
    session_touch(session_ids=[follow_up.directive.session_id])
    directive_touch(directive_ids=[follow_up.directive_id])
    messages.success(request, _("Saved: %(addressee)s.") % {"addressee": follow_up})
    return redirect(f"{reverse('recommendations:follow_up')}?{params.urlencode()}")


@require_POST
@office_required
def unit_report_decide(request, pk):
    """The office accepts a unit's report on a directive, or sends it back."""
    report = get_object_or_404(DirectiveReport.objects.visible_to(request.user), pk=pk)
    form = ReportDecisionForm(request.POST, prefix=f"r{pk}")
    params = QueryDict("show=unit_reports")
    if form.is_valid():
        try:
            directive_report_decide(report=report, by=request.user,
                                    accept=form.cleaned_data["decision"] == "accept",
                                    note=form.cleaned_data["note"])
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Saved: %(addressee)s.") % {
                "addressee": report.follow_up})
            return redirect(f"{reverse('recommendations:follow_up')}?{params.urlencode()}")
    messages.error(request, _("Not saved: correct the row marked below."))
    return _follow_up_page(request, params, bound=form)
