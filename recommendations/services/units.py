"""What units send and receive: the answer the office sends the units that raised a
recommendation, their reading of it and their verdict (a request to reopen), and their reports
on the directives given to them."""

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from communes import roles
from communes.models import AdministrativeUnit
from inspections import notifications as inspection_notifications
from inspections import services as inspection_services

from .. import notifications
from ..models import AnswerReceipt, PublishedAnswer, Status
from .responses import attachments_save
from .shared import _locked, _record, _require, _require_text, _text
from .steps import OFFICE, TransitionNotAllowed, actor_kinds


def raising_units(recommendation) -> list:
    """The units that raised a recommendation, and those that raised a duplicate merged into
    it: they all receive its answer."""
    return list(AdministrativeUnit.objects.filter(
        Q(recommendations=recommendation) | Q(recommendations__consolidated_into=recommendation)
    ).distinct())


@transaction.atomic
def answer_publish(*, recommendation, by, text: str) -> PublishedAnswer:
    """The office sends the units that raised the recommendation the answer they are to
    read; each unit's staff can then say whether it is satisfied."""
    recommendation = _locked(recommendation)
    _require(actor_kinds(by, recommendation), {OFFICE},
             _("Only the provincial office sends answers to the units."))
    if recommendation.status in (Status.NEW, Status.RETURNED):
        raise TransitionNotAllowed(_("There is no answer to send yet."))
    _require_text(text, _("Write the answer the units will read."))
    answer = PublishedAnswer.objects.create(recommendation=recommendation, text=text,
                                            published_by=by)
    units = raising_units(recommendation)
    AnswerReceipt.objects.bulk_create(AnswerReceipt(answer=answer, unit=unit) for unit in units)
    _record(recommendation, by=by, note=format_lazy(
        _("Answer sent to the units: {units}"), units=", ".join(str(u) for u in units)))
    notifications.notify_units(units, recommendation, "recommendations/email/to_unit.txt",
                               _("an answer to your recommendation"))
    return answer


def _receipt_for(receipt, by):
    receipt = AnswerReceipt.objects.select_for_update(of=("self",)).select_related(
        "answer__recommendation").get(pk=receipt.pk)
    profile = getattr(by, "profile", None)
    if not (roles.is_unit_user(by) and profile is not None and profile.unit_id == receipt.unit_id):
        raise TransitionNotAllowed(_("Only the staff of this unit may do this."))
    return receipt


@transaction.atomic
def answer_read(*, receipt, by) -> AnswerReceipt:
    """The unit's staff have read the answer (the first reading is kept)."""
    receipt = _receipt_for(receipt, by)
    if receipt.read_at is None:
        receipt.read_at, receipt.read_by = timezone.now(), by
        receipt.save(update_fields=["read_at", "read_by"])
    return receipt


@transaction.atomic
def answer_respond(*, receipt, by, satisfied: bool, reason: str = "") -> AnswerReceipt:
    """The unit says whether the answer settles what it raised; "not satisfied", with its
    reason, asks the office to reopen the recommendation (the office decides)."""
    receipt = _receipt_for(receipt, by)
    if receipt.verdict:
        raise TransitionNotAllowed(_("Your unit has already given its view on this answer."))
    if not satisfied:
        _require_text(reason, _("Say why the answer does not settle it."))
    now = timezone.now()
    if receipt.read_at is None:
        receipt.read_at, receipt.read_by = now, by
    receipt.verdict = AnswerReceipt.Verdict.SATISFIED if satisfied else \
        AnswerReceipt.Verdict.NOT_SATISFIED
    receipt.reason, receipt.responded_by, receipt.responded_at = reason, by, now
    if not satisfied:
        receipt.decision = AnswerReceipt.Decision.PENDING
    receipt.save()
    recommendation = receipt.answer.recommendation
    _record(recommendation, by=by, note=format_lazy(
        _("{unit}: satisfied with the answer.") if satisfied else
        _("{unit}: not satisfied with the answer, asks to reopen: {reason}"),
        unit=receipt.unit, reason=reason))
    if not satisfied:
        notifications.notify_office_of_unit(recommendation, receipt.unit,
                                            _("not satisfied with the answer"))
    return receipt


def _decide_reopening_requests(recommendation, *, by, decision, note=""):
    pending = AnswerReceipt.objects.filter(answer__recommendation=recommendation,
                                           decision=AnswerReceipt.Decision.PENDING)
    units = [receipt.unit for receipt in pending.select_related("unit")]
    for receipt in pending:
        receipt.decision, receipt.decided_by = decision, by
        receipt.decided_at, receipt.decision_note = timezone.now(), _text(note)
        receipt.save()
    if units:
        notifications.notify_units(units, recommendation, "recommendations/email/to_unit.txt",
                                   _("the office's decision on reopening"))


@transaction.atomic
def reopening_decline(*, recommendation, by, note: str):
    """The office keeps the recommendation as it is, answering the units that asked to
    reopen it why."""
    recommendation = _locked(recommendation)
    _require(actor_kinds(by, recommendation), {OFFICE},
             _("Only the provincial office decides on reopening."))
    _require_text(note, _("Tell the unit why the recommendation stays as it is."))
    _decide_reopening_requests(recommendation, by=by, decision=AnswerReceipt.Decision.DECLINED,
                               note=note)
    _record(recommendation, by=by, note=format_lazy(_("Not reopened: {note}"), note=note))
    return recommendation


@transaction.atomic
def unit_directive_report(*, follow_up, by, text: str, done_on=None, files=(),
                          client_id=None):
    """A unit's report on a directive given to it, with its files."""
    report = inspection_services.directive_report_submit(
        follow_up=follow_up, by=by, text=text, done_on=done_on, client_id=client_id)
    attachments_save(files=files, by=by, directive_report=report)
    inspection_notifications.notify_office_of_unit_report(report)
    return report
