"""Asking for a later due date, and the office's decision on it."""

from django.db import transaction
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from communes.events import Event, emit

from .. import notifications
from ..models import OPEN_STATUSES, ExtensionRequest
from .shared import _locked, _record, _require, _require_text, _require_working_day
from .steps import LEAD_HEAD, LEAD_STAFF, OFFICE, TransitionNotAllowed, actor_kinds


@transaction.atomic
def extension_request(*, recommendation, by, proposed_due_date, reason: str) -> ExtensionRequest:
    """The lead department asks for a later due date."""
    recommendation = _locked(recommendation)
    _require(actor_kinds(by, recommendation), {LEAD_HEAD, LEAD_STAFF},
             _("Only the lead department asks for more time."))
    _require_text(reason, _("Give the reason for asking for more time."))
    _require_working_day(proposed_due_date)
    if proposed_due_date <= max(filter(None, [recommendation.due_date,
                                              timezone.localdate()])):
        raise TransitionNotAllowed(_("Propose a date after today and after the current due "
                                     "date."))
    if recommendation.extension_requests.filter(
            decision=ExtensionRequest.Decision.PENDING).exists():
        raise TransitionNotAllowed(_("An extension request is already waiting."))
    request = ExtensionRequest.objects.create(
        recommendation=recommendation, requested_by=by, proposed_due_date=proposed_due_date,
        current_due_date=recommendation.due_date, reason=reason)
    _record(recommendation, by=by, note=format_lazy(
        _("Asked for the due date to move to {date}: {reason}"),
        date=f"{proposed_due_date:%d/%m/%Y}", reason=reason))
    notifications.notify_office(recommendation, _("asked for more time"))
    emit(Event.EXTENSION_REQUESTED, recommendation, extension={
        "id": request.pk, "proposed_due_date": proposed_due_date.isoformat(),
        "reason": reason})
    return request


@transaction.atomic
def extension_decide(*, request: ExtensionRequest, by, approve: bool, note: str = ""):
    """The office approves (the due date moves) or refuses an extension request."""
    request = ExtensionRequest.objects.select_for_update().get(pk=request.pk)
    recommendation = _locked(request.recommendation)
    _require(actor_kinds(by, recommendation), {OFFICE},
             _("Only the office decides on extension requests."))
    if request.decision != ExtensionRequest.Decision.PENDING:
        raise TransitionNotAllowed(_("This request has already been decided."))
    if recommendation.status not in OPEN_STATUSES:
        raise TransitionNotAllowed(_("The recommendation is no longer with a department."))
    if approve:
        # The calendar may have been corrected since the request.
        _require_working_day(request.proposed_due_date)
    request.decision = (ExtensionRequest.Decision.APPROVED if approve
                        else ExtensionRequest.Decision.REFUSED)
    request.decided_by, request.decided_at, request.decision_note = by, timezone.now(), note
    request.save()
    if approve:
        recommendation.due_date = request.proposed_due_date
        recommendation.save(update_fields=["due_date", "updated_at"])
    decision = (format_lazy(_("Extension approved: due {date}."),
                            date=f"{request.proposed_due_date:%d/%m/%Y}")
                if approve else _("Extension refused."))
    _record(recommendation, by=by, note=format_lazy("{decision}{note}", decision=decision,
                                                    note=f" {note}" if note else ""))
    notifications.notify_departments(
        recommendation, _("extension approved") if approve else _("extension refused"))
    emit(Event.EXTENSION_DECIDED, recommendation, extension={
        "id": request.pk, "proposed_due_date": request.proposed_due_date.isoformat(),
        "decision": request.decision, "note": note})
    return request
