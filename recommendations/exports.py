"""Lists as CSV (UTF-8 with BOM, so Excel shows Vietnamese) and XLSX.

Both read the rows in chunks and the CSV streams, so a long export
holds little memory. Callers pass an already permission-filtered queryset.
"""

import csv
import io
import tempfile

from django.db.models.functions import TruncDate
from django.http import FileResponse, StreamingHttpResponse
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

# Rows read, and named, per round trip: memory stays flat, queries few (2 per chunk).
CHUNK = 5000


def recommendation_rows(recommendations):
    """The header, then one row per recommendation, read CHUNK at a time: plain values rather
    than model instances, and the units and co-operating departments of each chunk in one
    query each."""
    from .models import Recommendation, Status

    yield [_("No."), _("Recommendation"), _("Category"), _("Round"), _("Working group"),
           _("Session date"), _("Raised by"), _("Status"), _("Lead department"),
           _("Co-operating departments"), _("Due date"), _("Resolved")]
    statuses = {value: str(label) for value, label in Status.choices}
    rows = recommendations.prefetch_related(None).values_list(
        "pk", "text", "category__name", "session__group__round__title",
        "session__group__number", "session__date", "status", "lead_department__name",
        "due_date", TruncDate("resolved_at"))
    chunk = []
    for row in rows.iterator(chunk_size=CHUNK):
        chunk.append(row)
        if len(chunk) == CHUNK:
            yield from _chunk_rows(chunk, statuses, Recommendation)
            chunk = []
    yield from _chunk_rows(chunk, statuses, Recommendation)


def _names(through, ids, related):
    """recommendation id → the names of its `related` (units, departments), in Vietnamese
    order."""
    names = {}
    for recommendation_id, value in through.objects.filter(recommendation_id__in=ids).order_by(
            f"{related}__sort_name").values_list("recommendation_id", f"{related}__name"):
        names.setdefault(recommendation_id, []).append(value)
    return {key: ", ".join(values) for key, values in names.items()}


def _chunk_rows(chunk, statuses, Recommendation):
    if not chunk:
        return
    ids = [row[0] for row in chunk]
    units = _names(Recommendation.units.through, ids, "administrativeunit")
    cooperating = _names(Recommendation.cooperating_departments.through, ids, "department")
    for pk, text, category, round_title, group, day, status, lead, due, resolved in chunk:
        yield [pk, text, category, round_title, group, f"{day:%d/%m/%Y}", units.get(pk, ""),
               statuses[status], lead or "", cooperating.get(pk, ""),
               f"{due:%d/%m/%Y}" if due else "", f"{resolved:%d/%m/%Y}" if resolved else ""]


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


# The CSV is sent in pieces of about this many characters: one write to the socket per row
# would cost more than writing the row.
CSV_PIECE = 64 * 1024


def csv_response(rows, filename: str) -> StreamingHttpResponse:
    def pieces():
        buffer = io.StringIO()
        buffer.write("\ufeff")
        writer = csv.writer(buffer)
        for row in rows:
            writer.writerow([cell_text(value) for value in row])
            if buffer.tell() >= CSV_PIECE:
                yield buffer.getvalue()
                buffer.seek(0)
                buffer.truncate()
        yield buffer.getvalue()

    response = StreamingHttpResponse(pieces(), content_type="text/csv; charset=utf-8")
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
