"""Sessions as the inspections app keeps them: their creation and edit (date, venue, units),
their history, their reopening, and the directives given at them. The pages that show and
record a session with its recommendations are recommendations.views.sessions."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from communes import roles
from communes.decorators import office_required, read_only, reader_required
from communes.timeline import Entry, history_entries

from .. import links
from ..forms import CiteForm, SessionForm
from ..models import (
    Difficulty,
    Directive,
    DirectiveFollowUp,
    DirectiveReport,
    FieldVisit,
    ReportedFigure,
    Session,
    UnitReport,
)
from ..queries import group_for, session_for
from ..services import StaleSession, session_reopen, session_save


@require_http_methods(["GET", "POST"])
@office_required
def session_create(request, group_pk):
    group = group_for(request.user, group_pk)
    form = SessionForm(request.POST or None, group=group)
    if form.is_valid():
        session = session_save(form=form, expected_version=None)
        messages.success(request, _("The session was created; now record what it produced."))
        return redirect(links.url("session_record", session.pk))
    return render(request, "inspections/form.html",
                  {"form": form, "title": _("New session"), "back": group})


@require_http_methods(["GET", "POST"])
@office_required
def session_edit(request, pk):
    session = session_for(request.user, pk)
    if session.status == Session.Status.FINAL:
        messages.error(request, _("A final session is read-only."))
        return redirect(session)
    form = SessionForm(request.POST or None, instance=session, group=session.group)
    if form.is_valid():
        try:
            session_save(form=form, expected_version=form.cleaned_data["version"])
        except StaleSession as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The session was saved."))
            return redirect(session)
    return render(request, "inspections/form.html",
                  {"form": form, "title": _("Edit the session"), "back": session})


@read_only
@reader_required
def session_history(request, pk):
    session = session_for(request.user, pk)
    return render(request, "inspections/session_history.html", {
        "session": session, "timeline": _session_timeline(session)})


def _session_timeline(session):
    """The session's own changes and those of everything recorded at it, newest first."""
    entries = history_entries(session.history.select_related("history_user"))
    for model in (UnitReport, ReportedFigure, Difficulty, Directive, FieldVisit):
        records = model.history.filter(session_id=session.pk).select_related("history_user")
        entries += history_entries(records, label=capfirst(model._meta.verbose_name))
    return sorted(entries, key=lambda entry: entry.at, reverse=True)


@read_only
@reader_required
def directive_detail(request, pk):
    """A directive, how each addressee is carrying it out, and its history."""
    directive = get_object_or_404(
        Directive.objects.visible_to(request.user).select_related(
            "session__group__round", "cited_document"), pk=pk)
    follow_ups = directive.follow_ups.select_related("unit", "department")
    entries = history_entries(directive.history.select_related("history_user"))
    entries += history_entries(
        DirectiveFollowUp.history.filter(directive_id=directive.pk).select_related(
            "history_user"), label=capfirst(DirectiveFollowUp._meta.verbose_name))
    entries += report_entries(DirectiveReport.objects.filter(
        follow_up__directive=directive).select_related(
        "follow_up__unit", "submitted_by", "decided_by").prefetch_related("attachments"))
    # The office may point the directive at the registered document that gave or settled it.
    cite_form = CiteForm(
        initial={"cited_document": directive.cited_document_id},
        province_id=directive.session.group.round.province_id,
    ) if roles.is_office(request.user) else None
    return render(request, "inspections/directive_detail.html", {
        "directive": directive, "follow_ups": follow_ups, "cite_form": cite_form,
        "timeline": sorted(entries, key=lambda entry: entry.at, reverse=True),
    })


def report_entries(reports) -> list[Entry]:
    """A unit's reports on a directive, and the office's decisions on them, as timeline
    entries."""
    entries = []
    for report in reports:
        done = _(" Done on %(day)s.") % {"day": f"{report.done_on:%d/%m/%Y}"} \
            if report.done_on else ""
        entries.append(Entry(at=report.submitted_at, actor=report.submitted_by, kind="response",
                             title=_("%(unit)s reported") % {"unit": report.follow_up.unit},
                             text=report.text + done, attachments=list(report.attachments.all())))
        if report.decided_at:
            entries.append(Entry(at=report.decided_at, actor=report.decided_by, kind="step",
                                 title=report.get_decision_display(), text=report.decision_note))
    return entries


@require_POST
@office_required
def session_reopen_view(request, pk):
    session = session_for(request.user, pk)
    try:
        session_reopen(session=session, by=request.user)
    except ValidationError as error:
        messages.error(request, error.messages[0])
    else:
        messages.success(request, _("The session was reopened for corrections."))
    return redirect(session)
