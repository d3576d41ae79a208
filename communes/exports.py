"""Lists as CSV (UTF-8 with BOM, so Excel shows Vietnamese) and XLSX, and text made safe for
the XML inside DOCX and XLSX files.

The CSV streams and the XLSX is written in write-only mode, so a long export holds little
memory. Callers pass rows they have already filtered by permission.
"""

import csv
import io
import tempfile

from django.http import FileResponse, StreamingHttpResponse
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

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
        content_type=XLSX_TYPE)


def export(request, rows, filename, title):
    """The CSV or XLSX the request asks for (?format=csv|xlsx), or None."""
    if request.GET.get("format") == "csv":
        return csv_response(rows, filename)
    if request.GET.get("format") == "xlsx":
        return xlsx_response(rows, filename, title)
    return None
