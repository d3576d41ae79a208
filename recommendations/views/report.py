"""The synthesis report of a round (recommendations/report.py writes it)."""

from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone

from communes.decorators import read_only, reader_required
from communes.exports import DOCX_TYPE, XLSX_TYPE
from inspections.queries import round_for

from ..forms import ReportForm
from ..report import Header, docx_report, xlsx_report


@read_only
@reader_required
def round_report(request, pk):
    """The synthesis report of a round: a form for its header, then DOCX or XLSX."""
    inspection_round = round_for(request.user, pk)
    stamp = f"bao-cao-{inspection_round.pk}-{timezone.localdate():%Y%m%d}"
    if request.GET.get("format") == "xlsx":
        return HttpResponse(xlsx_report(inspection_round), headers={
            "Content-Type": XLSX_TYPE,
            "Content-Disposition": f'attachment; filename="{stamp}.xlsx"'})
    form = ReportForm(request.GET if "format" in request.GET else None,
                      initial=ReportForm.defaults(inspection_round, timezone.localdate()))
    if request.GET.get("format") == "docx" and form.is_valid():
        document = docx_report(inspection_round, Header(**form.cleaned_data))
        return HttpResponse(document, headers={
            "Content-Type": DOCX_TYPE,
            "Content-Disposition": f'attachment; filename="{stamp}.docx"'})
    return render(request, "recommendations/report.html", {"round": inspection_round, "form": form})
