"""The office's follow-up: what is late or nearly so across all departments, what waits for a
decision, and how each addressee is carrying out the directives."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from communes.decorators import office_required, read_only
from communes.exports import export
from inspections.models import DirectiveFollowUp
from inspections.services import directive_touch, session_touch

from ..exports import recommendation_rows
from ..forms import FollowUpForm
from ..models import ExtensionRequest, Recommendation, deadlines

FOLLOW_UP_STATES = {
    "pending": Q(status=DirectiveFollowUp.Status.PENDING),
    "overdue": Q(status=DirectiveFollowUp.Status.PENDING),  # and due before today, below
    "done": Q(status=DirectiveFollowUp.Status.DONE),
}


SECTIONS = ("overdue", "due_soon", "extensions", "directives")


@read_only
@office_required
def follow_up(request):
    """One list at a time, each paginated: overdue and due-soon recommendations across all
    departments, extension requests waiting for a decision, and directives by addressee."""
    today = timezone.localdate()
    soon, overdue = deadlines(today)
    visible = Recommendation.objects.visible_to(request.user)
    counts = visible.aggregate(overdue=Count("id", filter=overdue),
                               due_soon=Count("id", filter=soon))
    extensions = ExtensionRequest.objects.filter(
        decision=ExtensionRequest.Decision.PENDING, recommendation__in=visible)
    counts["extensions"] = extensions.count()
    section = request.GET.get("show") if request.GET.get("show") in SECTIONS else "overdue"
    state = request.GET.get("directives") if request.GET.get("directives") in FOLLOW_UP_STATES \
        else "pending"
    if section in ("overdue", "due_soon"):
        rows = visible.filter(overdue if section == "overdue" else soon).select_related(
            "category", "lead_department", "session__group").order_by("due_date", "id")
    elif section == "extensions":
        rows = extensions.select_related(
            "recommendation__lead_department", "requested_by").order_by("requested_at")
    else:
        rows = DirectiveFollowUp.objects.visible_to(request.user).filter(
            FOLLOW_UP_STATES[state])
        if state == "overdue":
            rows = rows.filter(directive__due_date__lt=today)
        rows = rows.select_related("unit", "department", "directive__session__group").order_by(
            "directive__due_date", "directive_id", "id")
    exported = export(request, _follow_up_rows(section, rows),
                      f"theo-doi-don-doc-{today:%Y%m%d}", str(_("Follow-up")))
    if exported:
        return exported
    return render(request, "recommendations/follow_up.html", {
        "section": section, "state": state, "counts": counts, "today": today,
        "page": Paginator(rows, 50).get_page(request.GET.get("page")),
    })


def _follow_up_rows(section, rows):
    """The rows of the section being exported."""
    if section in ("overdue", "due_soon"):
        yield from recommendation_rows(rows)
    elif section == "extensions":
        yield [_("Recommendation"), _("Department"), _("Due date"), _("Proposed due date"),
               _("Reason")]
        for request in rows.iterator(chunk_size=2000):
            yield [request.recommendation.text, str(request.recommendation.lead_department),
                   f"{request.current_due_date:%d/%m/%Y}" if request.current_due_date else "",
                   f"{request.proposed_due_date:%d/%m/%Y}", request.reason]
    else:
        yield [_("Directive"), _("Working group"), _("Addressee"), _("Due date"), _("Status"),
               _("Note")]
        for item in rows.iterator(chunk_size=2000):
            due = item.directive.due_date
            yield [item.directive.text, str(item.directive.session.group),
                   str(item.unit or item.department), f"{due:%d/%m/%Y}" if due else "",
                   item.get_status_display(), item.note]


@require_POST
@office_required
def follow_up_update(request, pk):
    """The office records how an addressee carried out a directive."""
    follow_up = get_object_or_404(
        DirectiveFollowUp.objects.visible_to(request.user).select_related("directive"), pk=pk)
    form = FollowUpForm(request.POST, instance=follow_up, prefix=f"f{pk}")
    if form.is_valid():
        form.save()
        session_touch(session_ids=[follow_up.directive.session_id])
        directive_touch(directive_ids=[follow_up.directive_id])
        messages.success(request, _("Saved: %(addressee)s.") % {"addressee": follow_up})
    else:
        messages.error(request, _("Not saved: %(errors)s") % {
            "errors": "; ".join(e for errors in form.errors.values() for e in errors)})
    back = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()},
                                           require_https=request.is_secure()):
        back = reverse("recommendations:follow_up")
    return redirect(back)
