"""The pages of a commune's or ward's staff: what needs their unit's action, the sessions it
prepares for, the recommendations it raised with the answers the office sent, and the tasks it
was given. Everything is looked up within the unit's scope: another unit's objects are 404."""

import uuid

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Exists, OuterRef, Prefetch
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from communes.decorators import read_only, unit_required
from communes.models import AdministrativeUnit
from communes.numbers import format_number
from inspections.figure_forms import (
    MonthChoiceForm,
    UnitFiguresForm,
    month_label,
    previous_month,
    usual_month,
)
from inspections.forms import UnitSubmissionForm
from inspections.models import (
    DeviceSend,
    DirectiveFollowUp,
    DirectiveReport,
    Metric,
    ReportedFigure,
    Session,
    UnitSubmission,
)
from inspections.queries import unit_figures_of
from inspections.services import SendRepeated, SendTooLate, unit_submission_save

from .. import services
from ..forms import DirectiveReportForm, VerdictForm
from ..models import AnswerReceipt, PublishedAnswer, Recommendation
from .offline import kept_offline

# The status of a send that came after the office closed what it was for: the page the
# device's queue reads (static/js/offline.js) tells it from a form to correct (400).
TOO_LATE = 409


def _client_id(request):
    """The id the clerk's device gave this send (static/js/offline.js), if it is one."""
    try:
        return uuid.UUID(request.POST.get("client_id", ""))
    except ValueError:
        return None


def _already_received(request, received_at):
    messages.info(request, _("This was received already, on %(when)s: it was not saved "
                             "again.") % {"when": formats.date_format(
                                 timezone.localtime(received_at), "SHORT_DATETIME_FORMAT")})


def _received_before(request):
    """When this send was received before, if it was: a copy that arrives after the office
    closed what it was for is still the one received, not a refusal."""
    client_id = _client_id(request)
    return client_id and DeviceSend.objects.filter(client_id=client_id).values_list(
        "received_at", flat=True).first()


def _sent_too_late(request, message, url_name, pk):
    """A send to what the office has closed (a recorded session, a task done): a copy of one
    received before is still received (the redirect returned); any other is refused with
    `message` (None returned: the page answers TOO_LATE)."""
    if received := _received_before(request):
        _already_received(request, received)
        return redirect(url_name, pk=pk)
    messages.error(request, message)
    return None


def _unit(user) -> AdministrativeUnit:
    return get_object_or_404(AdministrativeUnit.objects.visible_to(user))


@read_only
@unit_required
@kept_offline
def unit_home(request):
    """What needs the unit's action, with counts: tasks due, answers to read, sessions to
    prepare; then the recommendations it raised."""
    user = request.user
    unit = _unit(user)
    today = timezone.localdate()
    tasks = DirectiveFollowUp.objects.visible_to(user).filter(
        status=DirectiveFollowUp.Status.PENDING).select_related(
        "directive__session__group__round").order_by("directive__due_date", "id")
    tasks_shown = tasks.prefetch_related(Prefetch(
        "reports", queryset=DirectiveReport.objects.order_by("submitted_at", "id"),
        to_attr="report_list"))
    answers = AnswerReceipt.objects.visible_to(user).filter(read_at__isnull=True).select_related(
        "answer__recommendation").order_by("-answer__published_at")
    sent = UnitSubmission.objects.filter(session=OuterRef("pk"), unit=unit)
    sessions = Session.objects.visible_to(user).filter(
        status=Session.Status.DRAFT, date__gte=today).annotate(sent=Exists(sent)).select_related(
        "group__round").order_by("date")
    recommendations = Recommendation.objects.visible_to(user).select_related(
        "session__group__round", "lead_department").order_by("-created_at", "-id")
    return render(request, "recommendations/unit_home.html", {
        "unit": unit, "today": today, "tasks": tasks_shown[:50], "answers": answers[:50],
        "sessions": sessions[:20],
        "counts": {"tasks": tasks.count(), "overdue": tasks.filter(
            directive__due_date__lt=today).count(), "answers": answers.count(),
            "sessions": sessions.filter(sent=False).count()},
        "page": Paginator(recommendations, 25).get_page(request.GET.get("page")),
    })


def _asked_month(request):
    """The month of ?month= (2025-07 or 07/2025), if it is one a unit may report."""
    form = MonthChoiceForm(request.GET)
    return form.cleaned_data["month"] if "month" in request.GET and form.is_valid() else None


@require_http_methods(["GET", "POST"])
@unit_required
@kept_offline
def unit_session(request, pk):
    """A session of the unit, and the report and figures it sends before it."""
    user = request.user
    unit = _unit(user)
    session = get_object_or_404(Session.objects.visible_to(user).select_related(
        "group__round"), pk=pk)
    submission = UnitSubmission.objects.filter(session=session, unit=unit).prefetch_related(
        "figures__metric").first()
    sent = {}
    for figure in submission.figures.all() if submission else []:
        sent.setdefault(figure.month, {})[figure.metric_id] = figure
    # The month of the table: the one asked for (?month=2025-07, from the links to the other
    # months sent), else the last one the unit sent, or the month before the session's.
    month = _asked_month(request) or (max(sent) if sent else usual_month(session.date))
    data = request.POST if request.method == "POST" else None
    form = UnitSubmissionForm(data, instance=submission or UnitSubmission(session=session,
                                                                          unit=unit))
    figures = UnitFiguresForm(
        data, prefix="figure", unit=unit, metrics=list(Metric.objects.all()), sent=sent,
        month=month, earlier=unit_figures_of(unit, previous_month(month)))
    can_send = session.status == Session.Status.DRAFT
    status = 400 if request.method == "POST" else 200
    if request.method == "POST" and not can_send:
        if answer := _sent_too_late(request, _("The session is final: the office has recorded "
                                               "it."), "recommendations:unit_session", session.pk):
            return answer
        status = TOO_LATE
    elif request.method == "POST" and form.is_valid() and figures.is_valid():
        try:
            unit_submission_save(
                session=session, unit=unit, by=user, client_id=_client_id(request),
                report={name: form.cleaned_data[name] for name in UnitSubmissionForm.Meta.fields},
                figures=figures.figures(), months=figures.months())
        except SendRepeated as repeated:
            _already_received(request, repeated.received_at)
            return redirect("recommendations:unit_session", pk=session.pk)
        except ValidationError as error:
            messages.error(request, error.messages[0])
            status = TOO_LATE if isinstance(error, SendTooLate) else status
        else:
            messages.success(request, _("Your unit's report was sent to the provincial office."))
            # Back on the table of the month just sent.
            sent_month = figures.cleaned_data.get("month")
            return redirect(reverse("recommendations:unit_session", args=[session.pk])
                            + (f"?month={sent_month:%Y-%m}" if sent_month else ""))
    return render(request, "recommendations/unit_session.html", {
        "unit": unit, "session": session, "form": form, "figures": figures,
        "submission": submission, "can_send": can_send,
        # Sent for other months than the table's: kept as sent, each with a link that opens
        # its table.
        "other_months": [(month_label(other), f"{other:%Y-%m}", [
            (figure.metric.name, format_number(figure.value), figure.approximate, figure.note)
            for figure in cells.values()]) for other, cells in sorted(sent.items())
            if other != month],
        "month_form": MonthChoiceForm(initial={"month": month}),
        "recorded": ReportedFigure.objects.visible_to(user).filter(session=session)
        .select_related("metric", "unit") if not can_send else [],
    }, status=status)


@require_http_methods(["GET", "POST"])
@unit_required
@kept_offline
def unit_recommendation(request, pk):
    """A recommendation the unit raised: where it stands, and the answers the office sent,
    which the unit's staff mark read and say whether they settle it."""
    user = request.user
    unit = _unit(user)
    recommendation = get_object_or_404(Recommendation.objects.visible_to(user).select_related(
        "session__group", "lead_department", "category"), pk=pk)
    receipts = {r.answer_id: r for r in AnswerReceipt.objects.visible_to(user).filter(
        answer__recommendation=recommendation)}
    answers = list(PublishedAnswer.objects.filter(recommendation=recommendation))
    bound = None
    if request.method == "POST":
        receipt = receipts.get(_int(request.POST.get("answer")))
        if receipt is None:
            messages.error(request, _("This answer was not sent to your unit."))
            return redirect("recommendations:unit_recommendation", pk=pk)
        try:
            if request.POST.get("action") == "read":
                services.answer_read(receipt=receipt, by=user)
                return redirect("recommendations:unit_recommendation", pk=pk)
            bound = (receipt.answer_id, VerdictForm(request.POST, prefix=f"a{receipt.answer_id}"))
            if bound[1].is_valid():
                services.answer_respond(
                    receipt=receipt, by=user,
                    satisfied=bound[1].cleaned_data["verdict"] == "satisfied",
                    reason=bound[1].cleaned_data["reason"])
                messages.success(request, _("Your unit's view was sent to the provincial office."))
                return redirect("recommendations:unit_recommendation", pk=pk)
        except ValidationError as error:
            messages.error(request, error.messages[0])
    shown = [(answer, receipts.get(answer.pk),
              bound[1] if bound and bound[0] == answer.pk else
              VerdictForm(prefix=f"a{answer.pk}")) for answer in answers]
    return render(request, "recommendations/unit_recommendation.html", {
        "unit": unit, "recommendation": recommendation, "answers": shown,
    }, status=400 if bound else 200)


@require_http_methods(["GET", "POST"])
@unit_required
@kept_offline
def unit_directive(request, pk):
    """A task given to the unit: what the directive says, the unit's reports on it and the
    office's decisions, and a form to report (with files)."""
    user = request.user
    follow_up = get_object_or_404(DirectiveFollowUp.objects.visible_to(user).select_related(
        "directive__session__group"), pk=pk)
    reports = follow_up.reports.select_related("submitted_by").prefetch_related(
        Prefetch("attachments")).order_by("-submitted_at")
    form = DirectiveReportForm(request.POST or None, request.FILES or None)
    can_report = follow_up.status == DirectiveFollowUp.Status.PENDING
    status = 400 if request.method == "POST" else 200
    if request.method == "POST" and not can_report:
        if answer := _sent_too_late(request, _("The office has already recorded this task as "
                                               "done."), "recommendations:unit_directive",
                                    follow_up.pk):
            return answer
        status = TOO_LATE
    elif request.method == "POST" and form.is_valid():
        try:
            services.unit_directive_report(
                follow_up=follow_up, by=user, text=form.cleaned_data["text"],
                done_on=form.cleaned_data["done_on"], files=form.cleaned_data["files"],
                client_id=_client_id(request))
        except SendRepeated as repeated:
            _already_received(request, repeated.received_at)
            return redirect("recommendations:unit_directive", pk=follow_up.pk)
        except ValidationError as error:
            form.add_error(None, error)
            status = TOO_LATE if isinstance(error, SendTooLate) else status
        else:
            messages.success(request, _("Your report was sent to the provincial office."))
            return redirect("recommendations:unit_directive", pk=follow_up.pk)
    return render(request, "recommendations/unit_directive.html", {
        "follow_up": follow_up, "reports": reports, "form": form, "can_report": can_report,
        "pending": DirectiveReport.Decision.PENDING,
    }, status=status)


def _int(value):
    return int(value) if isinstance(value, str) and value.isdecimal() and len(value) < 18 \
        else None

