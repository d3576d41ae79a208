"""The official documents: the round's synthesis report (recommendations/report.py) and a
session's conclusion notice (recommendations/notice.py). Each page is a form for the
document's header, in the layout chosen first, then the DOCX."""

import datetime
import logging
import uuid

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods

from communes import pdf
from communes.decorators import office_required, read_only, reader_required
from communes.documents import PARTY, STATE
from communes.exports import DOCX_TYPE, XLSX_TYPE
from communes.forms import LetterheadForm
from communes.models import IssuingBody
from inspections.models import IssuedDocument
from inspections.queries import round_for, session_for
from inspections.services import (
    AlreadyIssued,
    document_issue,
    is_office_of,
    next_number_preview,
)

from .. import notice, report
from ..documents import default_layout

logger = logging.getLogger(__name__)

LAYOUTS = ((PARTY, _("Party document (Hướng dẫn 36-HD/VPTW)")),
           (STATE, _("State document (Decree 30/2020/NĐ-CP)")))


def _official_document(request, *, province, document, default_kind, initial, write, doc_type,
                       type_code, filename, template, context, warnings=lambda day: []):
    """The header form of a document in the layout the request chose (`default_kind` unless
    it says otherwise), filled with that layout's defaults and the signature the province set
    for this `document` (IssuingBody.NOTICE or REPORT); the DOCX once the form is sent, or its
    PDF (communes/pdf.py) when the form asks for format=pdf. `warnings(day)` says what the
    clerk should check about a document of that date; they are shown, and never stop the
    download."""
    kind = request.GET.get("issuer_kind")
    kind = kind if kind in (PARTY, STATE) else default_kind
    today = timezone.localdate()
    file_format = request.GET.get("format")
    form = LetterheadForm(
        request.GET if file_format in ("docx", "pdf") else None,
        initial={**LetterheadForm.initial_for(province, kind, today, document),
                 **initial(kind)})
    pdf_error = None
    if form.is_bound and form.is_valid():
        letterhead = form.letterhead(doc_type=doc_type, type_code=type_code)
        name = f"{filename}-{today:%Y%m%d}"
        if file_format != "pdf":
            return HttpResponse(write(letterhead), headers={
                "Content-Type": DOCX_TYPE,
                "Content-Disposition": f'attachment; filename="{name}.docx"'})
        content, pdf_error = _pdf(write(letterhead))
        if content is not None:
            return HttpResponse(content, headers={
                "Content-Type": "application/pdf",
                "Content-Disposition": f'attachment; filename="{name}.pdf"'})
    day = form.initial["date"]
    if form.is_bound and "date" not in form.errors:
        day = form.cleaned_data.get("date") or day
    # Without LibreOffice the form comes back as filled in, saying why (503: the server
    # lacks something, nothing the user typed is wrong).
    return render(request, template, {
        **context, "form": form, "kind": kind, "layouts": LAYOUTS,
        "warnings": warnings(day), "may_issue": is_office_of(request.user, province.pk),
        "pdf_available": pdf.available(), "pdf_error": pdf_error,
    }, status=503 if pdf_error else 400 if form.is_bound else 200)


def _pdf(docx):
    """The PDF of `docx`, or None and what to tell the user."""
    try:
        return pdf.docx_to_pdf(docx), None
    except pdf.PdfUnavailable:
        return None, _("The PDF cannot be made: LibreOffice is not installed on the server. "
                       "Download the DOCX instead, or ask the administrator to install it.")
    except pdf.PdfFailed:
        logger.exception("PDF conversion failed")
        return None, _("The PDF could not be made this time. Download the DOCX, or try "
                       "again in a moment.")


@read_only
@reader_required
def round_report(request, pk):
    """The synthesis report of a round: DOCX in an official layout, or XLSX."""
    inspection_round = round_for(request.user, pk)
    if request.GET.get("format") == "xlsx":
        return HttpResponse(report.xlsx_report(inspection_round), headers={
            "Content-Type": XLSX_TYPE,
            "Content-Disposition": f'attachment; filename="bao-cao-{inspection_round.pk}-'
                                   f'{timezone.localdate():%Y%m%d}.xlsx"'})
    return _official_document(
        request, province=inspection_round.province, document=IssuingBody.REPORT,
        default_kind=report.default_layout(inspection_round),
        initial=lambda kind: report.report_initial(inspection_round, kind),
        write=lambda letterhead: report.docx_report(inspection_round, letterhead),
        doc_type=report.DOC_TYPE, type_code=report.TYPE_CODE,
        filename=f"bao-cao-{inspection_round.pk}", template="recommendations/report.html",
        context={"round": inspection_round,
                 "issue_url": reverse("recommendations:round_report_issue",
                                      args=[inspection_round.pk])})


def _late_notice_warnings(content, day) -> list[str]:
    """A notice dated after a due date it states gives the units a task already late."""
    passed = sorted({due for due in notice.stated_due_dates(content) if day and due < day})
    if not passed:
        return []
    return [ngettext(
        "The notice is dated %(date)s, after a due date it states (%(dues)s). Check the "
        "date or the due date before the notice is signed.",
        "The notice is dated %(date)s, after due dates it states (%(dues)s). Check the date "
        "or the due dates before the notice is signed.", len(passed)) % {
        "date": date_format(day, "SHORT_DATE_FORMAT"),
        "dues": ", ".join(date_format(due, "SHORT_DATE_FORMAT") for due in passed)}]


@read_only
@reader_required
def session_notice(request, pk):
    """A session's conclusion notice (Thông báo kết luận), DOCX in an official layout."""
    session = session_for(request.user, pk)
    content = notice.notice_content(session)
    return _official_document(
        request, province=session.group.round.province, document=IssuingBody.NOTICE,
        default_kind=default_layout(session.group),
        warnings=lambda day: _late_notice_warnings(content, day),
        initial=lambda kind: notice.notice_initial(content, kind),
        write=lambda letterhead: notice.docx_notice(content, letterhead),
        doc_type=notice.DOC_TYPE, type_code=notice.TYPE_CODE,
        filename=f"thong-bao-ket-luan-{session.pk}", template="recommendations/notice.html",
        context={"session": session,
                 "issue_url": reverse("recommendations:session_notice_issue", args=[session.pk])})


def _issue(request, *, province, write, doc_type, type_code, filename, template, context,
           source):
    """Give the document its number in the register (inspections/register.py). GET, from the
    document's form: the header as typed, and which number it will take, to confirm; POST:
    the number is taken, the DOCX written with it is kept in the register's entry, and the
    entry's page opens, where it is downloaded. Only the province's own office issues: an
    office user who also reads every province (national viewer) opens another's session, and
    is refused here rather than by the service (403, not a 500)."""
    if not is_office_of(request.user, province.pk):
        raise PermissionDenied
    form = LetterheadForm(request.POST if request.method == "POST" else request.GET)
    if form.is_valid():
        _check_issue(form, province)
    if not form.is_valid():
        kind = form.data.get("issuer_kind")
        return render(request, template, {
            **context, "form": form, "kind": kind if kind in (PARTY, STATE) else PARTY,
            "layouts": LAYOUTS, "may_issue": True, "issue_url": request.path,
            "pdf_available": pdf.available()}, status=400)
    letterhead = form.letterhead(doc_type=doc_type, type_code=type_code)
    token = _token(request.POST.get("issue_token")) if request.method == "POST" else None
    if token is not None:
        try:
            document = document_issue(province=province, letterhead=letterhead, write=write,
                                      by=request.user, filename=filename, token=token,
                                      **source)
        except AlreadyIssued as repeated:
            return _already_issued(request, repeated.document)
        except IntegrityError:
            # The same confirmation at the very same moment: the other request made the
            # entry, and this one's insert of the same token was refused, taking nothing.
            existing = IssuedDocument.objects.filter(issue_token=token).first()
            if existing is None:
                raise
            return _already_issued(request, existing)
        messages.success(request, gettext(
            "%(number)s was given and recorded in the register. Download the document below.")
            % {"number": document.number_text})
        return redirect(document)
    # The confirmation (again, when a POST came without a valid token): the token it carries
    # lets its POST be sent twice and give one number.
    return render(request, "recommendations/issue_confirm.html", {
        **context, "form": form, "letterhead": letterhead,
        "issuer": " ".join(letterhead.issuer.split()),
        "form_url": request.path.removesuffix("issue/"), "issue_token": uuid.uuid4(),
        "next_number": next_number_preview(province=province, kind=letterhead.kind,
                                           year=letterhead.date.year),
    }, status=400 if request.method == "POST" else 200)


# How far ahead of today a document may be dated when its number is taken: one signed over a
# long weekend carries the day it goes out, not a day months away.
DAYS_AHEAD = 7


def _check_issue(form, province):
    """What the register refuses in a header the download accepts: a date outside this year
    (a number of last year's sequence, or a typo, is for the registry to decide, not a clerk's
    click), or far ahead; a symbol other than the issuing body's, whose sequence gives the
    number."""
    data = form.cleaned_data
    today = timezone.localdate()
    day = data["date"]
    if day.year != today.year:
        form.add_error("date", gettext(
            "A number is given in this year's sequence: date the document in %(year)d. A "
            "document of another year is registered by the registry, not from this page.")
            % {"year": today.year})
    elif day > today + datetime.timedelta(days=DAYS_AHEAD):
        form.add_error("date", gettext(
            "The date is more than %(days)d days ahead. Date the document the day it is "
            "issued.") % {"days": DAYS_AHEAD})
    issuer = IssuingBody.for_province(province, data["issuer_kind"])
    if data["symbol"] != issuer.symbol:
        form.add_error("symbol", gettext(
            "The number is given in the sequence of %(issuer)s, whose symbol is “%(symbol)s”. "
            "Write that symbol, or change it in the province's document settings.")
            % {"issuer": " ".join(issuer.name.split()), "symbol": issuer.symbol})


def _token(value):
    try:
        return uuid.UUID(value or "")
    except ValueError:
        return None


def _already_issued(request, document):
    messages.info(request, gettext(
        "This document was already issued as %(number)s; no other number was taken.")
        % {"number": document.number_text})
    return redirect(document)


@require_http_methods(["GET", "POST"])
@office_required
def session_notice_issue(request, pk):
    """Issue the conclusion notice under the register's next number."""
    session = session_for(request.user, pk)
    content = notice.notice_content(session)
    return _issue(
        request, province=session.group.round.province,
        write=lambda letterhead: notice.docx_notice(content, letterhead),
        doc_type=notice.DOC_TYPE, type_code=notice.TYPE_CODE,
        filename=f"thong-bao-ket-luan-{session.pk}", template="recommendations/notice.html",
        context={"session": session, "back": session.get_absolute_url()},
        source={"session": session})


@require_http_methods(["GET", "POST"])
@office_required
def round_report_issue(request, pk):
    """Issue the round's synthesis report under the register's next number."""
    inspection_round = round_for(request.user, pk)
    return _issue(
        request, province=inspection_round.province,
        write=lambda letterhead: report.docx_report(inspection_round, letterhead),
        doc_type=report.DOC_TYPE, type_code=report.TYPE_CODE,
        filename=f"bao-cao-{inspection_round.pk}", template="recommendations/report.html",
        context={"round": inspection_round, "back": inspection_round.get_absolute_url()},
        source={"inspection_round": inspection_round})
