"""Writes to sessions that must keep the optimistic lock right, and what units send about
them: their reports before a session and their reports on the directives given to them; the
register of outgoing documents (numbers given, withdrawals, signed copies)."""

import dataclasses
from collections.abc import Callable

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.utils import bulk_create_with_history

from communes import roles
from communes.audit import AuditEvent, audit_record
from communes.documents import Letterhead, number_line
from communes.events import Event, emit
from communes.models import IssuingBody
from communes.text import normalize

from . import notifications, signals, signatures
from .models import (
    DeviceSend,
    Directive,
    DirectiveFollowUp,
    DirectiveReport,
    InspectionRound,
    IssuedDocument,
    RegisterCounter,
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
        emit(Event.SESSION_FINALISED, current)
        for directive in current.directives.order_by("pk"):
            emit(Event.DIRECTIVE_GIVEN, directive)
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


def is_office_of(by, province_id) -> bool:
    """The province's own office (or an admin): a national viewer who is also office staff
    elsewhere reads the province, and acts only for their own."""
    profile = getattr(by, "profile", None)
    return by.is_superuser or (roles.OFFICE_STAFF in roles.role_names(by)
                               and profile is not None and profile.province_id == province_id)


def _require_office_of(by, province_id):
    if not is_office_of(by, province_id):
        raise ValidationError(_("Only the provincial office may do this."))


class SendRepeated(Exception):  # noqa: N818 — not an error: the send arrived before
    """A send from a unit's device whose id was received already: nothing is saved again."""

    def __init__(self, received_at):
        super().__init__(received_at)
        self.received_at = received_at


class SendTooLate(ValidationError):
    """A unit's send that came after the office closed what it was for (the session
    recorded, the task done): refused, and the device keeps what the clerk wrote."""


def _device_send_claim(client_id, by):
    """Take a device's send id for this transaction, or raise SendRepeated when it came
    before. Two copies at the very same moment: the second's insert fails on the unique id."""
    if client_id is None:
        return
    earlier = DeviceSend.objects.filter(client_id=client_id).first()
    if earlier is None:
        try:
            with transaction.atomic():
                DeviceSend.objects.create(client_id=client_id, sent_by=by)
            return
        except IntegrityError:
            earlier = DeviceSend.objects.get(client_id=client_id)
    raise SendRepeated(earlier.received_at)


@transaction.atomic
def unit_submission_save(*, session, unit, by, report: dict, figures: list[dict],
                         months=None, client_id=None):
    """A unit's report and figures before a session: created, or replaced while the session
    is still a draft (each version is kept in the history).

    `figures` replace those the unit sent before for `months` (every month when None); what
    it sent for other months stays. A figure sent again as it was is not written again.
    `client_id` is the device's id of the send (SendRepeated when it came before)."""
    _require_unit_staff(by, unit.pk)
    current = Session.objects.select_for_update().get(pk=session.pk)
    _device_send_claim(client_id, by)
    if current.status == Session.Status.FINAL:
        raise SendTooLate(_("The session is final: the office has recorded it."))
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
def directive_report_submit(*, follow_up, by, text: str, done_on=None, client_id=None):
    """A unit reports on a directive given to it: what it did, and the day it was done if it
    is done. The office then accepts the report or sends it back. `client_id` is the device's
    id of the send (SendRepeated when it came before)."""
    follow_up = DirectiveFollowUp.objects.select_for_update().get(pk=follow_up.pk)
    _require_unit_staff(by, follow_up.unit_id)
    _device_send_claim(client_id, by)
    if not text.strip():
        raise ValidationError(_("Say what was done."))
    if follow_up.status == DirectiveFollowUp.Status.DONE:
        raise SendTooLate(_("The office has already recorded this task as done."))
    if done_on and done_on > timezone.localdate():
        raise ValidationError(_("The day it was done cannot be in the future."))
    report = DirectiveReport.objects.create(follow_up=follow_up, text=text, done_on=done_on,
                                            submitted_by=by)
    emit(Event.DIRECTIVE_REPORTED, follow_up.directive, report=_report_details(report))
    return report


def _report_details(report) -> dict:
    """A unit's report on a directive, as a webhook's body carries it beside the directive."""
    return {"id": report.pk, "follow_up": report.follow_up_id,
            "unit": report.follow_up.unit_id, "text": report.text,
            "done_on": report.done_on.isoformat() if report.done_on else None,
            "decision": report.decision}


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
    if accept:
        emit(Event.DIRECTIVE_ACCEPTED, follow_up.directive, report=_report_details(report))
    return report


# The register of outgoing documents (inspections/register.py).

def _next_number(issuing_body: IssuingBody, year: int) -> int:
    """Take the body's next number of the year. The counter row is locked until the
    transaction ends, so a second office issuing at the same moment waits, then takes the
    number after; the counter never goes down, so no number is given twice."""
    counters = RegisterCounter.objects.select_for_update().filter(
        issuing_body=issuing_body, year=year)
    counter = counters.first()
    if counter is None:
        # The body's first document of the year. Two creating the counter at once both
        # succeed (the second insert waits for the first, then is ignored) and queue on the
        # lock.
        RegisterCounter.objects.bulk_create(
            [RegisterCounter(issuing_body=issuing_body, year=year)], ignore_conflicts=True)
        counter = counters.get()
    counter.last_number += 1
    counter.save(update_fields=["last_number"])
    return counter.last_number


def next_number_preview(*, province, kind: str, year: int) -> int:
    """The number the body would give now (another office may take it first)."""
    last = RegisterCounter.objects.filter(
        issuing_body__province=province, issuing_body__kind=kind, year=year,
    ).values_list("last_number", flat=True).first()
    return (last or 0) + 1


class AlreadyIssued(Exception):  # noqa: N818 — not an error: the entry exists
    """The confirmation was sent before and its document is in the register already."""

    def __init__(self, document):
        super().__init__(document)
        self.document = document


@transaction.atomic
def document_issue(
    *, province, letterhead: Letterhead, write: Callable[[Letterhead], bytes], by,
    filename: str, session: Session | None = None,
    inspection_round: InspectionRound | None = None, token=None,
) -> IssuedDocument:
    """Give the document the issuing body's next number of its year, write it with that
    number, and record it in the register with the exact file written. `token` is the
    confirmation's: sent again, it raises AlreadyIssued with the entry it made (two at the
    very same moment: the second's insert fails on the unique token and takes nothing)."""
    _require_office_of(by, province.pk)
    if token is not None:
        existing = IssuedDocument.objects.filter(issue_token=token).first()
        if existing is not None:
            raise AlreadyIssued(existing)
    # The body's row holds the sequence; a province that never changed its settings gets one
    # with every field empty, which keeps the defaults read from the province's name.
    issuing_body, _created = IssuingBody.objects.get_or_create(
        province=province, kind=letterhead.kind)
    year = letterhead.date.year
    number = _next_number(issuing_body, year)
    # The symbol printed with the number is the body's whose sequence gave it, not a typed one.
    symbol = IssuingBody.for_province(province, letterhead.kind).symbol
    letterhead = dataclasses.replace(letterhead, number=str(number), symbol=symbol)
    content = write(letterhead)
    document = IssuedDocument(
        issuing_body=issuing_body, year=year, number=number,
        number_text=number_line(letterhead.kind, str(number), letterhead.type_code,
                                letterhead.symbol),
        issuer_name=" ".join(letterhead.issuer.split()),
        date=letterhead.date, doc_type=letterhead.doc_type, summary=letterhead.summary,
        signer="\n".join(filter(None, [letterhead.signer.strip(), letterhead.signer_name])),
        recipients=letterhead.recipients, issued_by=by, issued_at=timezone.now(),
        session=session, round=inspection_round, issue_token=token)
    # A failed transaction leaves the file behind, unreferenced; never a number without it.
    document.file.save(f"{filename}.docx", ContentFile(content), save=False)
    document.save()
    audit_record(AuditEvent.Kind.DOCUMENT_ISSUED, actor=by, obj=document, province=province,
                 number=document.number_text)
    return document


@transaction.atomic
def document_withdraw(*, document: IssuedDocument, by, reason: str) -> IssuedDocument:
    """Withdraw an issued document (thu hồi). Its number stays taken: the register keeps the
    entry, marked, with who withdrew it, when and why."""
    _require_office_of(by, document.issuing_body.province_id)
    reason = normalize(reason or "")
    if not reason:
        raise ValidationError(_("Give the reason for withdrawing the document."))
    document = IssuedDocument.objects.select_for_update().get(pk=document.pk)
    if document.withdrawn:
        raise ValidationError(_("This document has already been withdrawn."))
    document.status = IssuedDocument.Status.WITHDRAWN
    document.withdrawn_reason = reason
    document.withdrawn_by = by
    document.withdrawn_at = timezone.now()
    document.save(update_fields=["status", "withdrawn_reason", "withdrawn_by", "withdrawn_at"])
    audit_record(AuditEvent.Kind.DOCUMENT_WITHDRAWN, actor=by, obj=document,
                 province=document.issuing_body.province_id, number=document.number_text,
                 reason=reason)
    return document


def check_signed_upload(upload) -> None:
    """Refuse what is too large or not a PDF, before anything is read into memory."""
    limit = settings.SIGNED_PDF_MAX_MB * 1024 * 1024
    if upload.size > limit:
        raise ValidationError(
            _("“%(name)s” is larger than %(limit)d MB.")
            % {"name": upload.name, "limit": settings.SIGNED_PDF_MAX_MB})
    upload.seek(0)
    head = upload.read(1024)
    upload.seek(0)
    # The header may follow a little junk (ISO 32000 allows readers to look for it).
    if b"%PDF-" not in head:
        raise ValidationError(_("“%(name)s” is not a PDF file.") % {"name": upload.name})


# A withdrawn document is not in force: a signed copy of it would read as if it were.
_WITHDRAWN_UNSIGNED = _("This document has been withdrawn: no signed copy is kept for it.")


@transaction.atomic
def document_attach_signed(*, document: IssuedDocument, upload, by) -> IssuedDocument:
    """Keep the signed PDF the office uploads back, with what the check of its signature
    found. An unsigned or altered file is kept all the same, marked so."""
    _require_office_of(by, document.issuing_body.province_id)
    if document.withdrawn:
        raise ValidationError(_WITHDRAWN_UNSIGNED)
    check_signed_upload(upload)
    data = upload.read()
    upload.seek(0)
    check = signatures.check_pdf(data)
    document = IssuedDocument.objects.select_for_update().get(pk=document.pk)
    # Withdrawn while the file was checked: the withdrawal stands.
    if document.withdrawn:
        raise ValidationError(_WITHDRAWN_UNSIGNED)
    document.signed_file.save(f"{document.year}-{document.number}.pdf", ContentFile(data),
                              save=False)
    document.signed_uploaded_by = by
    document.signed_uploaded_at = timezone.now()
    document.signature = check.status
    document.signature_subject = check.subject[:500]
    document.signature_time = check.signed_at
    document.signature_detail = check.detail
    document.save()
    return document


def require_citable(document: IssuedDocument | None, province_id: int) -> None:
    """A citation names a document in force of the same province's register."""
    if document is not None and (document.issuing_body.province_id != province_id
                                 or document.withdrawn):
        raise ValidationError(_("Choose a document in force from your province's register."))


@transaction.atomic
def directive_cite(*, directive: Directive, document: IssuedDocument | None, by) -> Directive:
    """Point a directive at the registered document that gave or settled it (or at none)."""
    province_id = directive.session.group.round.province_id
    _require_office_of(by, province_id)
    require_citable(document, province_id)
    directive.cited_document = document
    directive.save(update_fields=["cited_document", "updated_at"])
    return directive
