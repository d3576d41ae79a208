"""Monthly figures for many units at once, from the XLSX or CSV template the portal offers.

The template has a row per unit and month and a column per metric, headed by the metric's
Vietnamese name; the XLSX has title rows above its header, which is found by its headings.
A file in the template of before (a row per unit and metric, the metric's code in the third
column) is still read.

All or nothing: every row is checked first; a file with any bad row saves nothing and the page
names each bad line. Rows left without a value are skipped, so the template can be returned
half-filled.
"""

import csv
import datetime
import io
import re
import zipfile
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from openpyxl import load_workbook

from communes.exports import export_lines, xlsx_file
from communes.numbers import number_from_cell
from communes.text import fold, normalize

from .figure_forms import figure_kind_problem, month_problem, previous_month
from .models import Metric, ReportedFigure, Session
from .services import session_touch

# The template (one row per unit and month, a column per metric headed by its Vietnamese
# name): the columns before the metrics and after them. The headings are the file's format,
# in Vietnamese whatever the language of the page, as the metrics' names are.
UNIT_CODE, UNIT_NAME, MONTH = "Mã đơn vị", "Tên đơn vị", "Tháng (tháng/năm)"
APPROXIMATE, NOTE = "Ước tính (có/không)", "Ghi chú"
# The template's other columns, by the start of their heading without diacritics.
_OWN_COLUMNS = {"ma don vi": "code", "ten don vi": "name", "thang": "month",
                "uoc tinh": "approximate", "ghi chu": "note"}
# The template before issue 25, still read: one row per unit and metric, with these columns
# in this order (the metric's code in the third, the value in the fifth).
OLD_COLUMNS = ["Mã đơn vị", "Tên đơn vị", "Mã chỉ tiêu", "Tháng (tháng/năm)", "Giá trị",
               "Ước tính (có/không)", "Ghi chú"]
YES = {"có", "co", "x", "1", "yes", "true"}
# How many bad lines the page names; the rest are counted.
PROBLEMS_SHOWN = 100
# The header is looked for in the first lines, below the XLSX template's title rows.
HEADER_SEARCHED = 15
# Columns read beyond the template's (a note typed to the right of the last one).
SPARE_COLUMNS = 5


@dataclass
class ImportResult:
    created: int = 0
    updated: int = 0
    skipped: int = 0


def metric_heading(metric) -> str:
    """A metric's column heading in the template: its name, with "(%)" for a rate."""
    return f"{metric.name} (%)" if metric.kind == Metric.Kind.PERCENT else metric.name


def template_rows(inspection_round):
    """The header, then one row per unit of the round's sessions, with the month before its
    session's filled in (the month a unit reports before a session) and the figures blank."""
    metrics = list(Metric.objects.all())
    yield [UNIT_CODE, UNIT_NAME, MONTH, *(metric_heading(m) for m in metrics), APPROXIMATE,
           NOTE]
    seen = set()
    sessions = Session.objects.filter(group__round=inspection_round).prefetch_related("units")
    for session in sessions.order_by("date"):
        month = previous_month(session.date)
        for unit in session.units.all():
            if unit.pk in seen:
                continue
            seen.add(unit.pk)
            yield [unit.code, str(unit), f"{month:%m/%Y}", *([""] * len(metrics)), "", ""]


def template_xlsx(inspection_round, user):
    """The template as an XLSX workbook in a temporary file, ready to fill in: what it is and
    how to fill it in above a frozen, filtered header, the units' code and name kept in view
    while the metrics scroll by."""
    return xlsx_file(template_rows(inspection_round), frozen_columns=2,
                     sheet_name=_("Figures"), title=_(
        "Monthly figures of the units – %(round)s") % {"round": inspection_round}, lines=[
        _("One row per unit and month: each figure under its metric, a count as a whole "
          "number (6.600), a rate in per cent (87,76); a cell without a figure is left empty."),
        _("The month filled in is the one before the unit's session (mm/yyyy): change it if "
          "need be, and copy a unit's row for another month."),
        _("Under “Ước tính”, “có” when the row's figures are estimates; a note is kept with "
          "every figure of its row."),
        *export_lines(user)[1:]])


def _limits():
    return (settings.FIGURES_IMPORT_MAX_MB, settings.FIGURES_IMPORT_MAX_ROWS,
            settings.FIGURES_IMPORT_MAX_INFLATED_MB)


def _check_package(uploaded, inflated_limit_mb):
    """An XLSX is a zip: refuse one whose parts would inflate beyond the limit (a "zip bomb"
    of a few kilobytes can hold gigabytes) before any part of it is read."""
    try:
        with zipfile.ZipFile(uploaded) as package:
            inflated = sum(member.file_size for member in package.infolist())
    except zipfile.BadZipFile as error:
        raise ValueError(_("The file could not be read: check that it is the template, "
                           "saved as .xlsx or .csv.")) from error
    finally:
        uploaded.seek(0)
    if inflated > inflated_limit_mb * 1024 * 1024:
        raise ValueError(_("The workbook unpacks to more than %(limit)d MB, far more than the "
                           "template: send the template itself.") % {"limit": inflated_limit_mb})


def _bounded(rows, max_rows):
    """The rows, refusing a file with more than `max_rows` of them as soon as it shows."""
    for count, row in enumerate(rows):
        if count > max_rows:  # the header is not counted
            raise ValueError(_("The file has more than %(limit)s lines: import it in parts "
                               "(a round's template has far fewer).")
                             % {"limit": f"{max_rows:,}".replace(",", ".")})
        yield row


def read_rows(uploaded) -> list[tuple[int, list]]:
    """(line, cells) pairs of a CSV (UTF-8, comma or semicolon) or XLSX file, every line
    from the first (the title rows and the header too).

    Raises ValueError with a message for a file that cannot be read, or that is larger, longer
    or (a workbook) unpacks larger than the limits; XLSX cells keep their type (numbers stay
    numbers)."""
    max_mb, max_rows, inflated_mb = _limits()
    columns = len(OLD_COLUMNS) + Metric.objects.count() + SPARE_COLUMNS
    name = uploaded.name.lower()
    if uploaded.size > max_mb * 1024 * 1024:
        raise ValueError(_("The file is larger than %(limit)d MB: send the template, filled in.")
                         % {"limit": max_mb})
    try:
        if name.endswith(".xlsx"):
            _check_package(uploaded, inflated_mb)
            sheet = load_workbook(uploaded, read_only=True, data_only=True).worksheets[0]
            rows = [list(row) for row in _bounded(
                sheet.iter_rows(values_only=True, max_col=columns), max_rows)]
        elif name.endswith(".csv"):
            text = uploaded.read().decode("utf-8-sig")
            # Excel in a Vietnamese locale saves CSV with semicolons.
            header = text.split("\n", 1)[0]
            delimiter = ";" if header.count(";") > header.count(",") else ","
            rows = [row[:columns] for row in _bounded(
                csv.reader(io.StringIO(text), delimiter=delimiter), max_rows)]
        else:
            raise ValueError(_("Send the template back as .xlsx or .csv."))
    except UnicodeDecodeError as error:
        raise ValueError(_("The CSV file is not UTF-8: save it as “CSV UTF-8”.")) from error
    except ValueError:
        raise
    except Exception as error:  # a damaged workbook or CSV raises many kinds of error
        raise ValueError(_("The file could not be read: check that it is the template, "
                           "saved as .xlsx or .csv.")) from error
    return list(enumerate(rows, start=1))


def shown_problems(problems: list[str]) -> list[str]:
    """The first PROBLEMS_SHOWN problems, and how many more there are: a file with thousands
    of bad lines gets a page that can be read, not one of megabytes."""
    if len(problems) <= PROBLEMS_SHOWN:
        return problems
    rest = len(problems) - PROBLEMS_SHOWN
    return [*problems[:PROBLEMS_SHOWN],
            ngettext("…and %(count)s more line with problems.",
                     "…and %(count)s more lines with problems.", rest)
            % {"count": f"{rest:,}".replace(",", ".")}]


def _month(value):
    if isinstance(value, datetime.datetime | datetime.date):  # an Excel date cell
        return datetime.date(value.year, value.month, 1)
    match = re.fullmatch(r"(\d{1,2})[/.-](\d{4})", str(value).strip())
    if not match or not 1 <= int(match.group(1)) <= 12 or int(match.group(2)) < 1:
        return None  # (year 0 is no date; years before 2000 are month_problem's)
    return datetime.date(int(match.group(2)), int(match.group(1)), 1)


@dataclass
class _Line:
    """A line of the file, read in either layout: its unit, month and figures (each with the
    metric it is of, or None for a code that names none, and how the line names it)."""

    number: int
    code: str
    month: object  # a cell: text, or a date cell
    month_text: str
    figures: list  # (metric or None, metric's name in the file, value cell, value as text)
    approximate: bool
    note: str
    by_column: bool = True  # in the template's layout: a line holds the figures of a month


def _cells(raw, width) -> tuple[list, list[str]]:
    """A line's cells (None made empty) and their text, padded to `width`."""
    raw = [("" if cell is None else cell) for cell in raw] + [""] * width
    return raw, [normalize(str(cell)) for cell in raw]


def _heading_key(text) -> str:
    return fold(re.sub(r"\s*\(%\)\s*$", "", normalize(str(text or ""))))


def _find_header(rows, metrics):
    """(index of the header in `rows`, {column: metric or own column name}), or None for
    the template of before: the header is the first line that has a unit code column and
    a metric's column (by its name or code) among the first HEADER_SEARCHED."""
    by_heading = {}
    for metric in metrics.values():
        by_heading[_heading_key(metric.name)] = metric
        by_heading[_heading_key(metric.code)] = metric
    for index, (_number, raw) in enumerate(rows[:HEADER_SEARCHED]):
        keys = [_heading_key(cell) for cell in raw]
        if "ma don vi" not in keys or not any(key in by_heading for key in keys):
            continue
        columns, problems = {}, []
        for column, (key, cell) in enumerate(zip(keys, raw, strict=True)):
            own = next((name for start, name in _OWN_COLUMNS.items() if key.startswith(start)),
                       None)
            found = by_heading.get(key) or own
            if found is None and key:
                problems.append(_("column “%(heading)s” is not a metric of the portal: "
                                  "download the template again") % {"heading": cell})
            elif found is not None and found in columns.values():
                problems.append(_("column “%(heading)s” is there twice") % {"heading": cell})
            elif found is not None:
                columns[column] = found
        if "month" not in columns.values():
            problems.append(_("no “%(heading)s” column") % {"heading": MONTH})
        if problems:
            raise ValueError([_("line %(line)d: %(problems)s") % {
                "line": rows[index][0], "problems": "; ".join(problems)}])
        return index, columns
    return None


def _lines(rows, metrics):
    """The lines of figures of the file, in either layout, blank ones left out."""
    header = _find_header(rows, metrics)
    if header is None:  # the template of before: its header is the first line
        for number, raw in rows[1:]:
            raw, cells = _cells(raw, len(OLD_COLUMNS))
            code, _name, metric_code, month_text, value_text, approximate, note = cells[:7]
            if any(cells[:7]):
                yield _Line(number, code, raw[3], month_text,
                            [(metrics.get(metric_code), metric_code, raw[4], value_text)]
                            if value_text else [], approximate.lower() in YES, note,
                            by_column=False)
        return
    index, columns = header
    own = {name: column for column, name in columns.items() if isinstance(name, str)}
    for number, raw in rows[index + 1:]:
        raw, cells = _cells(raw, max(columns) + 1)
        if not any(cells[column] for column in columns):
            continue
        yield _Line(
            number, cells[own["code"]], raw[own["month"]], cells[own["month"]],
            [(metric, metric.name, raw[column], cells[column])
             for column, metric in columns.items()
             if not isinstance(metric, str) and cells[column]],
            cells[own["approximate"]].lower() in YES if "approximate" in own else False,
            cells[own["note"]] if "note" in own else "")


@transaction.atomic
def figures_import(*, inspection_round, rows, by) -> ImportResult:
    """Save the figures of `rows` (read_rows: every line of the file, numbered), or raise
    ValueError with one message per bad line."""
    metrics = {m.code: m for m in Metric.objects.all()}
    sessions_by_unit = {}
    # Locked: a session finalised while the file is read must not take its figures after. In
    # id order, as the tally's refresh locks sessions: in date order the two could deadlock.
    sessions = Session.objects.filter(group__round=inspection_round)
    list(sessions.select_for_update(of=("self",)).order_by("pk").values_list("pk", flat=True))
    for session in sessions.prefetch_related("units").order_by("date"):
        for unit in session.units.all():
            sessions_by_unit[unit.code] = (session, unit)
    problems, wanted, seen = [], [], {}
    result = ImportResult()
    for line in _lines(rows, metrics):
        code = line.code
        if code.isdigit() and len(code) < 5:  # a spreadsheet drops the leading zeros
            code = code.zfill(5)
        if not line.figures:
            result.skipped += 1
            continue
        row_problems = []
        if code not in sessions_by_unit:
            row_problems.append(_("unit %(code)s did not attend a session of this round")
                                % {"code": code or "—"})
        elif sessions_by_unit[code][0].status == Session.Status.FINAL:
            row_problems.append(
                _("the session of %(date)s with unit %(code)s is final: reopen it first")
                % {"date": date_format(sessions_by_unit[code][0].date, "SHORT_DATE_FORMAT"),
                   "code": code})
        month = _month(line.month if not isinstance(line.month, str) else line.month_text)
        if month is None:
            row_problems.append(_("the month “%(month)s” is not mm/yyyy")
                                % {"month": line.month_text})
        elif month_problem(month):
            row_problems.append(month_problem(month))
        figures = []
        for metric, heading, cell, text in line.figures:
            figure_problems = []
            if metric is None:
                figure_problems.append(_("unknown metric code “%(code)s”") % {"code": heading})
            value = None
            try:
                value = number_from_cell(cell if not isinstance(cell, str) else text,
                                         decimal_places=2)
            except ValidationError as error:
                # A line of the template holds many figures: the metric's name says which.
                figure_problems.append(_("%(metric)s: %(problem)s") % {
                    "metric": heading, "problem": error.messages[0]} if line.by_column
                    else error.messages[0])
            problem = figure_kind_problem(metric, value)
            if problem:
                figure_problems.append(problem)
            key = (code, metric.code if metric else heading, month)
            if not figure_problems and not row_problems and key in seen:
                figure_problems.append(_("the same figure is on line %(line)d")
                                       % {"line": seen[key]})
            row_problems += figure_problems
            figures.append((key, metric, value))
        if row_problems:
            problems.append(_("line %(line)d: %(problems)s")
                            % {"line": line.number, "problems": "; ".join(row_problems)})
            continue
        session, unit = sessions_by_unit[code]
        for key, metric, value in figures:
            seen[key] = line.number
            wanted.append((session, unit, metric, month, value, line.approximate, line.note))
    if problems:
        raise ValueError(shown_problems(problems))
    if not wanted:
        raise ValueError([_("The file holds no figure to import: fill in the metrics' "
                            "columns (and check that the file is the template).")])
    for session, unit, metric, month, value, approximate, note in wanted:
        _figure, created = ReportedFigure.objects.update_or_create(
            session=session, unit=unit, metric=metric, month=month,
            defaults={"value": value, "approximate": approximate, "note": note})
        result.created += created
        result.updated += not created
    session_touch(session_ids={session.pk for session, *_rest in wanted})
    return result
