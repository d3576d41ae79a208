"""Monthly figures for many units at once, from the XLSX or CSV template the portal offers.

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
from openpyxl import Workbook, load_workbook

from communes.numbers import number_from_cell
from communes.text import normalize

from .figure_forms import figure_kind_problem, month_problem
from .models import Metric, ReportedFigure, Session
from .services import session_touch

COLUMNS = ["ma_don_vi", "ten_don_vi", "chi_tieu", "thang", "gia_tri", "uoc_tinh", "ghi_chu"]
HEADINGS = ["Mã đơn vị", "Tên đơn vị", "Mã chỉ tiêu", "Tháng (tháng/năm)", "Giá trị",
            "Ước tính (có/không)", "Ghi chú"]
YES = {"có", "co", "x", "1", "yes", "true"}
# How many bad lines the page names; the rest are counted.
PROBLEMS_SHOWN = 100


@dataclass
class ImportResult:
    created: int = 0
    updated: int = 0
    skipped: int = 0


def template_rows(inspection_round):
    """One row per unit of the round's sessions and metric, with the values left blank."""
    yield HEADINGS
    metrics = list(Metric.objects.all())
    seen = set()
    sessions = Session.objects.filter(group__round=inspection_round).prefetch_related("units")
    for session in sessions.order_by("date"):
        for unit in session.units.all():
            if unit.pk in seen:
                continue
            seen.add(unit.pk)
            for metric in metrics:
                yield [unit.code, str(unit), metric.code, "", "", "", ""]


def template_xlsx(inspection_round) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Số liệu"
    for row in template_rows(inspection_round):
        sheet.append(row)
    guide = workbook.create_sheet("Chỉ tiêu")
    guide.append(["Mã chỉ tiêu", "Tên chỉ tiêu"])
    for metric in Metric.objects.all():
        guide.append([metric.code, metric.name])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


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
    """(line, cells) pairs of a CSV (UTF-8, comma or semicolon) or XLSX file, header excluded.

    Raises ValueError with a message for a file that cannot be read, or that is larger, longer
    or (a workbook) unpacks larger than the limits; XLSX cells keep their type (numbers stay
    numbers)."""
    max_mb, max_rows, inflated_mb = _limits()
    name = uploaded.name.lower()
    if uploaded.size > max_mb * 1024 * 1024:
        raise ValueError(_("The file is larger than %(limit)d MB: send the template, filled in.")
                         % {"limit": max_mb})
    try:
        if name.endswith(".xlsx"):
            _check_package(uploaded, inflated_mb)
            sheet = load_workbook(uploaded, read_only=True, data_only=True).worksheets[0]
            rows = [list(row) for row in _bounded(
                sheet.iter_rows(values_only=True, max_col=len(COLUMNS)), max_rows)]
        elif name.endswith(".csv"):
            text = uploaded.read().decode("utf-8-sig")
            # Excel in a Vietnamese locale saves CSV with semicolons.
            header = text.split("\n", 1)[0]
            delimiter = ";" if header.count(";") > header.count(",") else ","
            rows = [row[:len(COLUMNS)] for row in _bounded(
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
    return [(number, row) for number, row in enumerate(rows[1:], start=2)]


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


@transaction.atomic
def figures_import(*, inspection_round, rows, by) -> ImportResult:
    """Save the figures of `rows`, or raise ValueError with one message per bad line."""
    metrics = {m.code: m for m in Metric.objects.all()}
    sessions_by_unit = {}
    # Locked: a session finalised while the file is read must not take its figures after.
    for session in Session.objects.select_for_update(of=("self",)).filter(
            group__round=inspection_round).prefetch_related("units").order_by("date"):
        for unit in session.units.all():
            sessions_by_unit[unit.code] = (session, unit)
    problems, wanted, seen = [], [], {}
    result = ImportResult()
    for line, raw in rows:
        raw = [("" if cell is None else cell) for cell in raw] + [""] * len(COLUMNS)
        cells = [normalize(str(cell)) for cell in raw]
        code, _unit_name, metric_code, month_text, value_text, approximate, note = cells[:7]
        if not any(cells[:7]):
            continue
        if code.isdigit() and len(code) < 5:  # a spreadsheet drops the leading zeros
            code = code.zfill(5)
        if not value_text:
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
        if metric_code not in metrics:
            row_problems.append(_("unknown metric code “%(code)s”") % {"code": metric_code})
        month = _month(raw[3] if not isinstance(raw[3], str) else month_text)
        if month is None:
            row_problems.append(_("the month “%(month)s” is not mm/yyyy") % {"month": month_text})
        elif month_problem(month):
            row_problems.append(month_problem(month))
        value = None
        try:
            value = number_from_cell(raw[4] if not isinstance(raw[4], str) else value_text,
                                     decimal_places=2)
        except ValidationError as error:
            row_problems.append(error.messages[0])
        problem = figure_kind_problem(metrics.get(metric_code), value)
        if problem:
            row_problems.append(problem)
        key = (code, metric_code, month)
        if not row_problems and key in seen:
            row_problems.append(_("the same figure is on line %(line)d") % {"line": seen[key]})
        if row_problems:
            problems.append(_("line %(line)d: %(problems)s")
                            % {"line": line, "problems": "; ".join(row_problems)})
            continue
        seen[key] = line
        session, unit = sessions_by_unit[code]
        wanted.append((session, unit, metrics[metric_code], month, value,
                       approximate.lower() in YES, note))
    if problems:
        raise ValueError(shown_problems(problems))
    if not wanted:
        raise ValueError([_("The file holds no value to import: fill in the “Giá trị” column "
                            "(and check that its columns are those of the template).")])
    for session, unit, metric, month, value, approximate, note in wanted:
        _figure, created = ReportedFigure.objects.update_or_create(
            session=session, unit=unit, metric=metric, month=month,
            defaults={"value": value, "approximate": approximate, "note": note})
        result.created += created
        result.updated += not created
    session_touch(session_ids={session.pk for session, *_rest in wanted})
    return result
