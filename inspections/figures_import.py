"""Monthly figures for many units at once, from the XLSX or CSV template the portal offers.

All or nothing: every row is checked first; a file with any bad row saves nothing and the page
names each bad line. Rows left without a value are skipped, so the template can be returned
half-filled.
"""

import csv
import datetime
import io
import re
from dataclasses import dataclass

from django.db import transaction
from django.utils.translation import gettext as _
from openpyxl import Workbook, load_workbook

from communes.text import normalize

from .models import Metric, ReportedFigure, Session

COLUMNS = ["ma_don_vi", "ten_don_vi", "chi_tieu", "thang", "gia_tri", "uoc_tinh", "ghi_chu"]
HEADINGS = ["Mã đơn vị", "Tên đơn vị", "Mã chỉ tiêu", "Tháng (mm/yyyy)", "Giá trị",
            "Ước tính (có/không)", "Ghi chú"]
YES = {"có", "co", "x", "1", "yes", "true"}


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
    sheet.title = "So lieu"
    for row in template_rows(inspection_round):
        sheet.append(row)
    guide = workbook.create_sheet("Chi tieu")
    guide.append(["Mã chỉ tiêu", "Tên chỉ tiêu"])
    for metric in Metric.objects.all():
        guide.append([metric.code, metric.name])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def read_rows(uploaded) -> list[tuple[int, list[str]]]:
    """(line, cells) pairs of a CSV (UTF-8) or XLSX file, header excluded."""
    name = uploaded.name.lower()
    if name.endswith(".xlsx"):
        try:
            sheet = load_workbook(uploaded, read_only=True, data_only=True).worksheets[0]
        except Exception as error:  # openpyxl raises many kinds for a damaged file
            raise ValueError(_("The file is not a readable XLSX workbook.")) from error
        rows = [["" if cell is None else str(cell) for cell in row]
                for row in sheet.iter_rows(values_only=True)]
    elif name.endswith(".csv"):
        try:
            text = uploaded.read().decode("utf-8-sig")
        except UnicodeDecodeError as error:
            raise ValueError(_("The CSV file is not UTF-8: save it as “CSV UTF-8”.")) from error
        rows = list(csv.reader(io.StringIO(text)))
    else:
        raise ValueError(_("Send the template back as .xlsx or .csv."))
    return [(number, row) for number, row in enumerate(rows[1:], start=2)]


def _month(value: str):
    value = value.strip()
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}( 00:00:00)?", value):  # an Excel date cell
        value = value[:10]
        return datetime.date(int(value[:4]), int(value[5:7]), 1)
    match = re.fullmatch(r"(\d{1,2})[/.-](\d{4})", value)
    if not match or not 1 <= int(match.group(1)) <= 12:
        return None
    return datetime.date(int(match.group(2)), int(match.group(1)), 1)


def _value(value: str):
    """A whole number as typed ("6.600", "6 600") or as Excel gives it ("6600.0")."""
    value = value.strip()
    if re.fullmatch(r"\d+\.0", value):
        value = value[:-2]
    cleaned = re.sub(r"[.\s]", "", value)
    return int(cleaned) if re.fullmatch(r"\d{1,15}", cleaned, re.ASCII) else None


@transaction.atomic
def figures_import(*, inspection_round, rows, by) -> ImportResult:
    """Save the figures of `rows`, or raise ValueError with one message per bad line."""
    metrics = {m.code: m for m in Metric.objects.all()}
    sessions_by_unit = {}
    for session in Session.objects.filter(group__round=inspection_round).prefetch_related(
            "units").order_by("date"):
        for unit in session.units.all():
            sessions_by_unit[unit.code] = (session, unit)
    problems, wanted, seen = [], [], {}
    result = ImportResult()
    for line, cells in rows:
        cells = [normalize(str(c)) for c in cells] + [""] * len(COLUMNS)
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
        if metric_code not in metrics:
            row_problems.append(_("unknown metric code “%(code)s”") % {"code": metric_code})
        month = _month(month_text)
        if month is None:
            row_problems.append(_("the month “%(month)s” is not mm/yyyy") % {"month": month_text})
        value = _value(value_text)
        if value is None:
            row_problems.append(_("the value “%(value)s” is not a whole number")
                                % {"value": value_text})
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
        raise ValueError(problems)
    for session, unit, metric, month, value, approximate, note in wanted:
        _figure, created = ReportedFigure.objects.update_or_create(
            session=session, unit=unit, metric=metric, month=month,
            defaults={"value": value, "approximate": approximate, "note": note})
        result.created += created
        result.updated += not created
    from .services import session_touch

    session_touch(session_ids={session.pk for session, *_rest in wanted})
    return result
