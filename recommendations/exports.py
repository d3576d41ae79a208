"""Lists as CSV (UTF-8 with BOM, so Excel shows Vietnamese) and XLSX.

Both read the rows in chunks (prefetching per chunk) and the CSV streams, so a long export
holds little memory. Callers pass an already permission-filtered queryset.
"""

import csv
import tempfile

from django.http import FileResponse, StreamingHttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

CHUNK = 2000


def recommendation_rows(recommendations):
    yield [_("No."), _("Recommendation"), _("Category"), _("Round"), _("Working group"),
           _("Session date"), _("Raised by"), _("Status"), _("Lead department"),
           _("Co-operating departments"), _("Due date"), _("Resolved")]
    queryset = recommendations.select_related(
        "category", "session__group__round", "lead_department").prefetch_related(
        "units", "cooperating_departments")
    for r in queryset.iterator(chunk_size=CHUNK):
        yield [
            r.pk, r.text, r.category.name, r.session.group.round.title,
            r.session.group.number, f"{r.session.date:%d/%m/%Y}",
            ", ".join(u.name for u in r.units.all()), r.get_status_display(),
            r.lead_department.name if r.lead_department else "",
            ", ".join(d.name for d in r.cooperating_departments.all()),
            f"{r.due_date:%d/%m/%Y}" if r.due_date else "",
            f"{timezone.localtime(r.resolved_at):%d/%m/%Y}" if r.resolved_at else "",
        ]


_FORMULA_START = ("=", "+", "-", "@")


def xml_text(value):
    """Text without the characters XML (DOCX, XLSX) forbids."""
    return ILLEGAL_CHARACTERS_RE.sub("", value) if isinstance(value, str) else value


def cell_text(value):
    """A value safe to put in a spreadsheet: XML-safe, and text that a spreadsheet would run
    as a formula ("=HYPERLINK(…)") kept as text."""
    value = xml_text(value)
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


class _Echo:
    def write(self, value):
        return value


def csv_response(rows, filename: str) -> StreamingHttpResponse:
    writer = csv.writer(_Echo())

    def lines():
        yield "\ufeff"
        for row in rows:
            yield writer.writerow([cell_text(value) for value in row])

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}.csv"'
    return response


def xlsx_response(rows, filename: str, title: str) -> FileResponse:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(str(title)[:31])
    for row in rows:
        sheet.append([cell_text(value) for value in row])
    # Closed by FileResponse once sent.
    spool = tempfile.TemporaryFile()  # noqa: SIM115
    workbook.save(spool)
    spool.seek(0)
    return FileResponse(
        spool, as_attachment=True, filename=f"{filename}.xlsx",
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")


def export(request, rows, filename, title):
    """The CSV or XLSX the request asks for (?format=csv|xlsx), or None."""
    if request.GET.get("format") == "csv":
        return csv_response(rows, filename)
    if request.GET.get("format") == "xlsx":
        return xlsx_response(rows, filename, title)
    return None
