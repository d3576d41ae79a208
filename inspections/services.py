"""Writes to sessions that must keep the optimistic lock right."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.utils import bulk_create_with_history

from .models import Directive, DirectiveFollowUp, Session


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
    return form.save()


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
        if form.instance.pk and not form.cleaned_data.get("DELETE"):
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
