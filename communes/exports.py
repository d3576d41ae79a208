"""Lists as CSV (UTF-8 with BOM, so Excel shows Vietnamese) and XLSX, and text made safe for
the XML inside DOCX and XLSX files.

The CSV is for other programs and quick looks: a header row, then the rows, dates written
dd/mm/yyyy. The XLSX is for working in Excel: title rows that say what the list is, which
filters made it and who exported it when; a bold header row, frozen, with an autofilter;
column widths; dates as date cells and numbers as number cells, shown the Vietnamese way by a
Vietnamese Excel (dd/mm/yyyy, 6.600, 87,76).

The CSV streams and the XLSX is written in write-only mode to a temporary file that is then
streamed, so a long export holds little memory. Callers pass rows they have already filtered
by permission: the first row is the header (strings, or `Column` where the cells' type alone
does not say how to show them), the others hold str, int, Decimal, float, date, datetime or
None.
"""

import csv
import datetime
import io
import re
import tempfile
from copy import copy
from dataclasses import dataclass
from decimal import Decimal
from itertools import chain, islice

from django.http import FileResponse, StreamingHttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter

from .audit import AuditEvent, audit_record, filter_in_words
from .text import shorten

DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

_FORMULA_START = ("=", "+", "-", "@")

# Number formats: codes are the same in every Excel; a Vietnamese one shows the groups with a
# dot and decimals with a comma (6.600; 87,76), as the portal's pages do.
DATE_FORMAT = "dd/mm/yyyy"
DATETIME_FORMAT = "dd/mm/yyyy hh:mm"
WHOLE_FORMAT = "#,##0"
DECIMAL_FORMAT = "#,##0.00"
# An identifier (a recommendation's number) is a number to sort by, not a quantity to group.
ID_FORMAT = "0"
# A month (the first day's date) shown as the month: 07/2025.
MONTH_FORMAT = "mm/yyyy"

# Column widths, in characters, guessed from the header and the first rows.
WIDTH_SAMPLE = 200
MIN_WIDTH, MAX_WIDTH = 8, 60


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


@dataclass(frozen=True)
class Column:
    """A header cell, and the number format of its column's cells where their type alone
    does not say it (ID_FORMAT for an identifier, MONTH_FORMAT for a month's dates)."""

    label: str
    number_format: str | None = None

    def __str__(self):
        return str(self.label)


def _local(value):
    """A datetime in the local time, without its zone (a spreadsheet has none)."""
    if timezone.is_aware(value):
        value = timezone.localtime(value)
    return value.replace(tzinfo=None)


def csv_value(value):
    """A cell of the CSV: dates as dd/mm/yyyy (hh:mm) text, numbers as they are."""
    if isinstance(value, datetime.datetime):
        return f"{_local(value):%d/%m/%Y %H:%M}"
    if isinstance(value, datetime.date):
        return f"{value:%d/%m/%Y}"
    return cell_text(str(value) if isinstance(value, Column) else value)


# The CSV is sent in pieces of about this many characters: one write to the socket per row
# would cost more than writing the row.
CSV_PIECE = 64 * 1024


def csv_response(rows, filename: str) -> StreamingHttpResponse:
    def pieces():
        buffer = io.StringIO()
        buffer.write("\ufeff")
        writer = csv.writer(buffer)
        for row in rows:
            writer.writerow([csv_value(value) for value in row])
            if buffer.tell() >= CSV_PIECE:
                yield buffer.getvalue()
                buffer.seek(0)
                buffer.truncate()
        yield buffer.getvalue()

    response = StreamingHttpResponse(pieces(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}.csv"'
    return response


def _shown_length(value) -> int:
    """About how many characters wide a value shows."""
    if isinstance(value, datetime.datetime):
        return 16
    if isinstance(value, datetime.date):
        return 10
    if isinstance(value, int | float | Decimal):
        return len(f"{value:,.2f}" if value != int(value) else f"{int(value):,}")
    return max((len(line) for line in str(value).splitlines()), default=0)


def _widths(header, sample) -> list[tuple[float, bool]]:
    """(width, wrapped) per column: wide enough for the header's longest word and for most
    values of the first rows; a column of long texts is as wide as allowed and wraps."""
    widths = []
    for index, label in enumerate(header):
        values = sorted(_shown_length(row[index]) for row in sample
                        if index < len(row) and row[index] not in (None, ""))
        # The 90th percentile: one very long value does not widen the column for all.
        typical = values[int(len(values) * .9)] if values else 0
        longest_word = max((len(word) for word in str(label).split()), default=0)
        width = max(MIN_WIDTH, longest_word + 2, min(typical + 2, MAX_WIDTH),
                    min(len(str(label)) + 2, 16))
        widths.append((width, typical + 2 > MAX_WIDTH))
    return widths


class _Styles:
    """The styles of an export's cells, made once: a cell takes a copy of one."""

    def __init__(self, sheet):
        def style(**attributes):
            cell = WriteOnlyCell(sheet)
            for name, value in attributes.items():
                setattr(cell, name, value)
            return cell._style

        thin = Side(style="thin", color="808080")
        self.title = style(font=Font(bold=True, size=14))
        self.bold = style(font=Font(bold=True))
        self.line = style(font=Font(italic=True, color="404040"))
        self.header = style(font=Font(bold=True), fill=PatternFill("solid", fgColor="DDE4EE"),
                            border=Border(top=thin, bottom=thin, left=thin, right=thin),
                            alignment=Alignment(wrap_text=True, vertical="center"))
        self.wrapped = style(alignment=Alignment(wrap_text=True, vertical="top"))
        self.formats = {number_format: style(number_format=number_format) for number_format in
                        (DATE_FORMAT, DATETIME_FORMAT, WHOLE_FORMAT, DECIMAL_FORMAT, ID_FORMAT,
                         MONTH_FORMAT)}


def _cell(sheet, value, style):
    cell = WriteOnlyCell(sheet, value)
    cell._style = copy(style)
    return cell


def _xlsx_cell(sheet, styles, value, named_format, wrapped):
    """A value as the XLSX cell for it: text as text (a formula kept as text), wrapped in a
    column of long texts; a date, a time or a number in its format."""
    if value == "":
        return None  # an empty cell, not an empty text
    if isinstance(value, str):
        value = cell_text(value)
        return _cell(sheet, value, styles.wrapped) if wrapped else value
    number_format = _number_format(value)
    if number_format is None:
        return value
    if isinstance(value, datetime.datetime):
        value = _local(value)
    elif named_format and number_format in (WHOLE_FORMAT, DECIMAL_FORMAT, DATE_FORMAT):
        number_format = named_format
    return _cell(sheet, value, styles.formats[number_format])


def _number_format(value) -> str | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, datetime.datetime):
        return DATETIME_FORMAT
    if isinstance(value, datetime.date):
        return DATE_FORMAT
    if isinstance(value, int):
        return WHOLE_FORMAT
    if isinstance(value, float | Decimal):
        return WHOLE_FORMAT if value == int(value) else DECIMAL_FORMAT
    return None


_SHEET_NAME_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")


def xlsx_file(rows, *, title: str, lines=(), frozen_columns: int = 0, sheet_name=None):
    """The rows as an XLSX workbook in a temporary file (at its start; the caller closes it).

    Above the header: `title` in large bold type and `lines` (filters, who and when) in
    italics. The header is bold, frozen with the `frozen_columns` first columns, filtered,
    and printed on every page. The sheet is named `sheet_name`, or the title cut short (a
    sheet's name has at most 31 characters)."""
    return xlsx_sheets([Sheet(rows, title=title, lines=lines, frozen_columns=frozen_columns,
                              name=sheet_name)])


@dataclass
class Sheet:
    """One sheet of a workbook of several (`xlsx_sheets`), as `xlsx_file` writes its one."""

    rows: object
    title: str
    lines: tuple = ()
    frozen_columns: int = 0
    name: str | None = None


def xlsx_sheets(sheets):
    """Several `Sheet`s in one workbook, each laid out as `xlsx_file` lays out its sheet, in a
    temporary file at its start (the caller closes it)."""
    workbook = Workbook(write_only=True)
    for sheet in sheets:
        _write_sheet(workbook, sheet)
    # Closed by FileResponse once sent (or by the caller).
    spool = tempfile.TemporaryFile()  # noqa: SIM115
    workbook.save(spool)
    spool.seek(0)
    return spool


def _write_sheet(workbook, spec: Sheet):
    title, lines = spec.title, spec.lines
    sheet = workbook.create_sheet(shorten(_SHEET_NAME_FORBIDDEN.sub(
        "-", str(spec.name or title)), 30))
    styles = _Styles(sheet)
    rows = iter(spec.rows)
    header = next(rows, [])
    # The first rows, read before any is written: the widths come before the rows in the file.
    sample = list(islice(rows, WIDTH_SAMPLE))
    widths = _widths(header, sample)
    for index, (width, _wrapped) in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    header_row = 2 + len(lines)
    sheet.freeze_panes = f"{get_column_letter(spec.frozen_columns + 1)}{header_row + 1}"
    sheet.print_title_rows = f"{header_row}:{header_row}"
    sheet.page_setup.orientation = "landscape"

    sheet.append([_cell(sheet, cell_text(str(title)), styles.title)])
    for line in lines:
        sheet.append([_cell(sheet, cell_text(str(line)), styles.line)])
    sheet.append([_cell(sheet, cell_text(str(label)), styles.header) for label in header])
    # Per column: the number format its header names (an identifier's), and whether it wraps.
    columns = [(getattr(label, "number_format", None), wraps)
               for label, (_width, wraps) in zip(header, widths, strict=True)]
    last_row = header_row
    for row in chain(sample, rows):
        sheet.append([_xlsx_cell(sheet, styles, value,
                                 *(columns[index] if index < len(columns) else (None, False)))
                      for index, value in enumerate(row)])
        last_row += 1
    if header:
        sheet.auto_filter.ref = f"A{header_row}:{get_column_letter(len(header))}{last_row}"


def xlsx_response(rows, filename: str, title: str, *, lines=(),
                  frozen_columns: int = 0) -> FileResponse:
    spool = xlsx_file(rows, title=title, lines=lines, frozen_columns=frozen_columns)
    return FileResponse(
        spool, as_attachment=True, filename=f"{filename}.xlsx", content_type=XLSX_TYPE)


def export_lines(user, filters=()) -> list[str]:
    """The lines under an export's title: the filters that made the list, in words, and who
    exported it when."""
    now = timezone.localtime()
    return [
        _("Filters: %(filters)s.") % {"filters": "; ".join(str(f) for f in filters)} if filters
        else _("Filters: none – everything you may see."),
        _("Exported at %(time)s on %(date)s by %(name)s.") % {
            "time": f"{now:%H:%M}", "date": f"{now:%d/%m/%Y}",
            "name": user.get_full_name() or user.username},
    ]


def export(request, rows, filename, title, filters=()):
    """The CSV or XLSX the request asks for (?format=csv|xlsx), or None. `filters`: the
    filters applied, in words ("Trạng thái: Quá hạn"), for the XLSX's title rows; or a
    function that says them (a FilterSet's `in_words`), called only for an XLSX."""
    kind = request.GET.get("format")
    if kind in ("csv", "xlsx"):
        # Which list left the portal, with which filter, is a security event.
        audit_record(AuditEvent.Kind.EXPORT, actor=request.user, request=request,
                     list=request.path, file=filename, format=kind,
                     filter=filter_in_words(request))
    if kind == "csv":
        return csv_response(rows, filename)
    if kind == "xlsx":
        return xlsx_response(rows, filename, title, lines=export_lines(
            request.user, filters() if callable(filters) else filters))
    return None
