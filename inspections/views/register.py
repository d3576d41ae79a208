"""The register of outgoing documents (sổ đăng ký văn bản đi), the office's pages: the list
per issuing body and year, an entry with its files, its withdrawal and the upload of the
signed copy. Office staff and admins only (403 for other roles); another province's entries
answer 404. Numbers are given from the document pages (recommendations/views/documents.py)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from communes.decorators import office_required, read_only
from communes.timeline import history_entries

from ..forms import CiteForm, RegisterFilterForm, SignedCopyForm, WithdrawForm
from ..models import Directive, IssuedDocument, RegisterCounter
from ..services import directive_cite, document_attach_signed, document_withdraw

PAGE_SIZE = 50


def document_for(user, pk) -> IssuedDocument:
    return get_object_or_404(
        IssuedDocument.objects.visible_to(user).select_related(
            "issuing_body__province", "issued_by", "withdrawn_by", "signed_uploaded_by",
            "session__group__round", "round"), pk=pk)


@read_only
@office_required
def register_list(request):
    documents = IssuedDocument.objects.visible_to(request.user)
    years = sorted(set(RegisterCounter.objects.filter(
        issuing_body__in=_bodies(request.user)).values_list("year", flat=True)), reverse=True)
    filters = RegisterFilterForm(request.GET or None, years=years)
    documents = filters.apply(documents).select_related(
        "issuing_body__province", "issued_by").order_by("-year", "-number", "-pk")
    page = Paginator(documents, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "inspections/register_list.html", {
        "page": page, "filters": filters, "statuses": IssuedDocument.Status})


def _bodies(user):
    """The issuing bodies whose years the filter offers: the user's province's."""
    return IssuedDocument.objects.visible_to(user).values("issuing_body")


def _detail(request, document, *, withdraw=None, upload=None, status=200):
    entries = history_entries(document.history.select_related("history_user"))
    return render(request, "inspections/register_detail.html", {
        "document": document,
        "withdraw_form": withdraw or WithdrawForm(prefix="withdraw"),
        "upload_form": upload or SignedCopyForm(prefix="signed"),
        "timeline": sorted(entries, key=lambda entry: entry.at, reverse=True),
        "Signature": IssuedDocument.Signature,
    }, status=status)


@read_only
@office_required
def register_detail(request, pk):
    return _detail(request, document_for(request.user, pk))


@read_only
@office_required
def register_file(request, pk, which):
    """The DOCX issued or the signed PDF, under a name built from the number."""
    document = document_for(request.user, pk)
    stored = {"issued": document.file, "signed": document.signed_file}.get(which)
    if not stored:
        raise Http404
    extension = "docx" if which == "issued" else "pdf"
    name = f"{document.number:02d}-{document.year}-{which}.{extension}"
    try:
        handle = stored.open("rb")
    except FileNotFoundError as error:
        raise Http404 from error
    return FileResponse(handle, as_attachment=True, filename=name)


@require_POST
@office_required
def register_withdraw(request, pk):
    document = document_for(request.user, pk)
    form = WithdrawForm(request.POST, prefix="withdraw")
    if form.is_valid():
        try:
            document_withdraw(document=document, by=request.user,
                              reason=form.cleaned_data["reason"])
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The document was withdrawn; its number stays taken."))
            return redirect(document)
    return _detail(request, document, withdraw=form, status=400)


@require_POST
@office_required
def register_upload(request, pk):
    document = document_for(request.user, pk)
    form = SignedCopyForm(request.POST, request.FILES, prefix="signed")
    if form.is_valid():
        try:
            document = document_attach_signed(document=document, by=request.user,
                                              upload=form.cleaned_data["file"])
        except ValidationError as error:
            form.add_error("file", error)
        else:
            text = _("The signed copy was kept. Signature check: %(result)s.") % {
                "result": document.get_signature_display()}
            if document.signature_ok:
                messages.success(request, text)
            else:
                messages.warning(request, text)
            return redirect(document)
    return _detail(request, document, upload=form, status=400)


@require_POST
@office_required
def directive_cite_view(request, pk):
    """Set (or clear) the registered document a directive cites."""
    directive = get_object_or_404(
        Directive.objects.visible_to(request.user).select_related("session__group__round"),
        pk=pk)
    province_id = directive.session.group.round.province_id
    form = CiteForm(request.POST, province_id=province_id)
    if form.is_valid():
        try:
            directive_cite(directive=directive, by=request.user,
                           document=form.cleaned_data["cited_document"])
        except ValidationError as error:
            messages.error(request, error.messages[0])
        else:
            messages.success(request, _("The citation was saved."))
    else:
        messages.error(request, _("Choose a document in force from your province's register."))
    return redirect("inspections:directive_detail", pk=directive.pk)
