"""Writes to sessions that must keep the optimistic lock right, and what units send about
them: their reports before a session and their reports on the directives given to them."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.utils import bulk_create_with_history

from communes import roles
from communes.text import normalize

from . import notifications, signals
from .models import (
    Directive,
    DirectiveFollowUp,
    DirectiveReport,
    Session,
    SubmittedFigure,
    UnitSubmission,
)


class StaleSession(ValidationError):
    """Someone else saved the session after this user opened it."""

    message_text = _(
        "Someone else saved this session after you opened it. Your input is still below. Open "
        "the session in another tab to see their changes: saving this page again will replace "
        "them with what is on it."
    )


def session_touch(*, session_ids) -> None:
    """Move the sessions' version on by one: any change to a session or its items counts
    (and so the time of its last change, which the API's incremental sync reads)."""
    session_ids = {pk for pk in session_ids if pk is not None}
    if session_ids:
        Session.objects.filter(pk__in=session_ids).update(version=F("version") + 1,
                                                          updated_at=timezone.now())


def directive_touch(*, directive_ids) -> None:
    """A directive changes when one of its follow-ups does: the API shows them together."""
    directive_ids = {pk for pk in directive_ids if pk is not None}
    if directive_ids:
        Directive.objects.filter(pk__in=directive_ids).update(updated_at=timezone.now())


@transaction.atomic
def session_save(*, form, expected_version) -> Session:
    """Save a session form unless the session changed since `expected_version` was read."""
    session = form.instance
    if session.pk:
        current = Session.objects.select_for_update().values_list("version", flat=True).get(
            pk=session.pk)
        if expected_version is None or current != expected_version:
            raise StaleSession(StaleSession.message_text)
        session.version = current + 1
    created = session.pk is None
    saved = form.save()
    if created:
        notifications.notify_units_of_session(saved)
    return saved


def _sync_follow_ups(directive, units, departments):
    """One follow-up row per addressee: add the new ones, drop the removed pending ones.

    A follow-up already done keeps its record (note, completion date) even if its addressee is
    unticked: what was done stays done."""
    wanted_units = {u.pk for u in units}
    wanted_departments = {d.pk for d in departments}
    existing = list(directive.follow_ups.all())
    changed = False
    for follow_up in existing:
        unticked = (follow_up.unit_id and follow_up.unit_id not in wanted_units) or (
            follow_up.department_id and follow_up.department_id not in wanted_departments)
        if unticked and follow_up.status == DirectiveFollowUp.Status.PENDING:
            follow_up.delete()
            changed = True
    have_units = {f.unit_id for f in existing if f.unit_id}
    have_departments = {f.department_id for f in existing if f.department_id}
    new = ([DirectiveFollowUp(directive=directive, unit_id=pk)
            for pk in wanted_units - have_units]
           + [DirectiveFollowUp(directive=directive, department_id=pk)
              for pk in wanted_departments - have_departments])
    # With history, so the directive's timeline shows each addressee from the start.
    bulk_create_with_history(new, DirectiveFollowUp)
    if new:
        signals.written_in_bulk.send(DirectiveFollowUp, session_ids={directive.session_id})
    if changed or new:
        directive_touch(directive_ids=[directive.pk])


@transaction.atomic
def session_record_save(
    *, session, expected_version, formsets, by, conclusion=None, finalise=False
) -> Session:
    """Save everything the recording page holds, as one change of the session.

    Refused with StaleSession when someone saved the session (or one of its items, here or in
    admin) after `expected_version` was read. `formsets` may hold other apps' formsets of the
    page (the recommendations'): they are saved with the others.
    """
    current = Session.objects.select_for_update().get(pk=session.pk)
    if expected_version is None or current.version != expected_version:
        raise StaleSession(StaleSession.message_text)
    if current.status == Session.Status.FINAL:
        raise ValidationError(_("A final session is read-only; reopen it first."))
    for formset in formsets.values():
        formset.save()
    for form in formsets["directives"].forms:
        if form.instance.pk and form.has_changed() and not form.cleaned_data.get("DELETE"):
            _sync_follow_ups(form.instance, form.cleaned_data.get("units", []),
                             form.cleaned_data.get("departments", []))
    if conclusion is not None:
        current.unit_side = conclusion.cleaned_data["unit_side"]
        current.leader_assessment = conclusion.cleaned_data["leader_assessment"]
    current.version += 1
    if finalise:
        current.status = Session.Status.FINAL
        current._change_reason = "finalised"
    current.save()
    if finalise:
        # The conclusion is settled: each unit is told the tasks it was given.
        notifications.notify_units_of_directives(current)
    return current


@transaction.atomic
def session_reopen(*, session, by) -> Session:
    """Office staff reopen a final session for corrections; the history records who did."""
    current = Session.objects.select_for_update().get(pk=session.pk)
    if current.status != Session.Status.FINAL:
        raise ValidationError(_("Only a final session can be reopened."))
    current.status = Session.Status.DRAFT
    current.version += 1
    current._change_reason = "reopened"
    current.save()
    return current


def _require_unit_staff(by, unit_id):
    profile = getattr(by, "profile", None)
    if not (roles.is_unit_user(by) and profile is not None and profile.unit_id == unit_id):
        raise ValidationError(_("Only the staff of this unit may do this."))


def _require_office_of(by, province_id):
    profile = getattr(by, "profile", None)
    if not (by.is_superuser or (roles.OFFICE_STAFF in roles.role_names(by)
                                and profile is not None and profile.province_id == province_id)):
        raise ValidationError(_("Only the provincial office may do this."))


@transaction.atomic
def unit_submission_save(*, session, unit, by, report: dict, figures: list[dict],
                         months=None):
    """A unit's report and figures before a session: created, or replaced while the session
    is still a draft (each version is kept in the history).

    `figures` replace those the unit sent before for `months` (every month when None); what
    it sent for other months stays. A figure sent again as it was is not written again."""
    _require_unit_staff(by, unit.pk)
    current = Session.objects.select_for_update().get(pk=session.pk)
    if current.status == Session.Status.FINAL:
        raise ValidationError(_("The session is final: the office has recorded it."))
    if not current.units.filter(pk=unit.pk).exists():
        raise ValidationError(_("This unit does not attend this session."))
    submission, _created = UnitSubmission.objects.update_or_create(
        session=current, unit=unit,
        defaults={**report, "submitted_by": by, "submitted_at": timezone.now()})
    before = {(f.metric_id, f.month): f for f in submission.figures.all()}
    new = []
    for figure in figures:
        values = {"value": figure["value"], "approximate": figure.get("approximate", False),
                  "note": normalize(figure.get("note", ""))}
        sent = before.pop((figure["metric"].pk, figure["month"]), None)
        if sent is None:
            new.append(SubmittedFigure(submission=submission, metric=figure["metric"],
                                       month=figure["month"], **values))
        elif any(getattr(sent, name) != value for name, value in values.items()):
            for name, value in values.items():
                setattr(sent, name, value)
            sent.save(update_fields=list(values))
    for figure in before.values():
        if months is None or figure.month in months:
            figure.delete()  # one by one, so the history records each
    bulk_create_with_history(new, SubmittedFigure)
    return submission


@transaction.atomic
def directive_report_submit(*, follow_up, by, text: str, done_on=None):
    """A unit reports on a directive given to it: what it did, and the day it was done if it
    is done. The office then accepts the report or sends it back."""
    follow_up = DirectiveFollowUp.objects.select_for_update().get(pk=follow_up.pk)
    _require_unit_staff(by, follow_up.unit_id)
    if not text.strip():
        raise ValidationError(_("Say what was done."))
    if follow_up.status == DirectiveFollowUp.Status.DONE:
        raise ValidationError(_("The office has already recorded this task as done."))
    if done_on and done_on > timezone.localdate():
        raise ValidationError(_("The day it was done cannot be in the future."))
    return DirectiveReport.objects.create(follow_up=follow_up, text=text, done_on=done_on,
                                          submitted_by=by)


@transaction.atomic
def directive_report_decide(*, report, by, accept: bool, note: str = ""):
    """The office accepts a unit's report (a report of the task done marks it done, on the
    day the unit gave, unless the office has already recorded it done) or sends it back
    with a note."""
    report = DirectiveReport.objects.select_for_update().get(pk=report.pk)
    follow_up = DirectiveFollowUp.objects.select_for_update(of=("self",)).select_related(
        "directive__session__group__round").get(pk=report.follow_up_id)
    _require_office_of(by, follow_up.directive.session.group.round.province_id)
    if report.decision != DirectiveReport.Decision.PENDING:
        raise ValidationError(_("This report has already been decided."))
    if not accept and not note.strip():
        raise ValidationError(_("Say why the report is sent back."))
    report.decision = DirectiveReport.Decision.ACCEPTED if accept else \
        DirectiveReport.Decision.RETURNED
    report.decided_by, report.decided_at, report.decision_note = by, timezone.now(), note
    report.save()
    notifications.notify_unit_of_report_decision(report)
    # When the task was done is a fact: a task the office has already recorded as done keeps
    # its day and note, whatever a report decided after says.
    if accept and report.done_on and follow_up.status != DirectiveFollowUp.Status.DONE:
        follow_up.status = DirectiveFollowUp.Status.DONE
        follow_up.completed_on = report.done_on
        follow_up.note = report.text
        follow_up.save()
    session_touch(session_ids=[follow_up.directive.session_id])
    directive_touch(directive_ids=[follow_up.directive_id])
    return report
