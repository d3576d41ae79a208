"""The recommendation lists' rows, for the CSV and XLSX exports (communes/exports.py).

Rows are read in chunks, so a long export holds little memory. Callers pass an already
permission-filtered queryset.
"""

import tempfile

from django.db.models.functions import TruncDate
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.utils import get_column_letter

from communes.exports import ID_FORMAT, Column, _cell, _Styles, _xlsx_cell, cell_text
from communes.models import AdministrativeUnit, Department, ordering_through
from communes.text import shorten

from .models import Recommendation, Status
from .tracking import CELL_LABELS, KIND_LABELS

# Rows read, and named, per round trip: memory stays flat, queries few (2 per chunk).
CHUNK = 5000


def recommendation_rows(recommendations):
    """The header, then one row per recommendation, read CHUNK at a time: plain values rather
    than model instances, and the units and co-operating departments of each chunk in one
    query each. Dates are dates and the number a number: the CSV writes them as text, the
    XLSX as cells Excel sorts and filters."""
    yield [Column(_("Recommendation no."), ID_FORMAT), _("Recommendation"), _("Category"),
           _("Round"), _("Working group"), _("Session date"), _("Raised by"), _("Status"),
           _("Lead department"), _("Co-operating departments"), _("Due date"),
           _("Resolved on")]
    statuses = {value: str(label) for value, label in Status.choices}
    rows = recommendations.prefetch_related(None).values_list(
        "pk", "text", "category__name", "session__group__round__title",
        "session__group__number", "session__date", "status", "lead_department__name",
        "due_date", TruncDate("resolved_at"))
    chunk = []
    for row in rows.iterator(chunk_size=CHUNK):
        chunk.append(row)
        if len(chunk) == CHUNK:
            yield from _chunk_rows(chunk, statuses)
            chunk = []
    yield from _chunk_rows(chunk, statuses)


def _names(through, ids, related, model):
    """recommendation id → the names of its `related` (units, departments), in the order of
    their lists: units in Vietnamese order, bodies in the province's protocol order."""
    names = {}
    for recommendation_id, value in through.objects.filter(recommendation_id__in=ids).order_by(
            *ordering_through(related, model)).values_list("recommendation_id",
                                                           f"{related}__name"):
        names.setdefault(recommendation_id, []).append(value)
    return {key: ", ".join(values) for key, values in names.items()}


def _chunk_rows(chunk, statuses):
    if not chunk:
        return
    ids = [row[0] for row in chunk]
    units = _names(Recommendation.units.through, ids, "administrativeunit", AdministrativeUnit)
    cooperating = _names(Recommendation.cooperating_departments.through, ids, "department",
                         Department)
    for pk, text, category, round_title, group, day, status, lead, due, resolved in chunk:
        yield [pk, text, category, round_title, group, day, units.get(pk, ""),
               statuses[status], lead or "", cooperating.get(pk, ""), due, resolved]


def directive_rows(follow_ups):
    """The header, then one row per addressee of a directive (a unit or a body): what it was
    given, by which group at which session, by when, where it stands and the day it was done.
    `follow_ups` is an already permission-filtered queryset of DirectiveFollowUp."""
    yield [_("Directive"), _("Working group"), _("Session date"), _("Addressee"), _("Due date"),
           _("Status"), _("Completed on"), _("Note")]
    for item in follow_ups.select_related(
            "unit", "department", "directive__session__group").iterator(chunk_size=2000):
        directive = item.directive
        yield [directive.text, str(directive.session.group), directive.session.date,
               str(item.unit or item.department), directive.due_date,
               item.get_status_display(), item.completed_on, item.note]


# The task-tracking report (tracking.py): the layout offices report with ----------------------

# Column widths of the report's sheet, in characters: the summary's columns and the detail's
# share the sheet, so each column is wide enough for the wider of the two.
TRACKING_WIDTHS = (6, 16, 50, 16, 12, 30, 30, 30, 12, 14, 18, 28)


def _tracking_summary_header():
    return [
        ["", "", "", "", _("Completed"), "", "", _("Not completed"), "", "", ""],
        [_("No."), "", _("Lead body"), _("Total tasks"), _("Total"),
         _("On time"), _("Late"), _("Total"), _("Within the deadline"), _("Overdue"),
         _("No deadline")],
    ]


def _tracking_detail_header():
    return [
        ["", "", "", _("Issuing document"), "", "", "", "", "", "", "", ""],
        [_("No."), _("Kind of task"), _("Task"), _("Number"), _("Date"), _("Issued by"),
         _("Lead body"), _("Co-operating bodies"), _("Deadline"), _("Completed on"),
         _("Status"), _("Completion")],
    ]


def tracking_xlsx(*, heading, parts, tasks):
    """The task-tracking report as an XLSX workbook in a temporary file (at its start; the
    caller closes it), one sheet in the layout of an office's report: the title block
    (`heading`: the body, the title, the period, the day of the figures, who exported it),
    the summary (per kind of task, per lead body: the four cells of the split, their sums and
    the tasks without a deadline, then the total), then one row per task (`tasks`, from
    tracking.task_rows, read as they come: memory stays flat)."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(shorten(_("Task tracking"), 30))
    styles = _Styles(sheet)
    for index, width in enumerate(TRACKING_WIDTHS, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.page_setup.orientation = "landscape"

    def text_row(values, style):
        sheet.append([_cell(sheet, cell_text(str(value)), style) if value != "" else None
                      for value in values])

    first, *others = heading
    text_row([first], styles.title)
    for line in others:
        text_row([line], styles.line)
    sheet.append([])
    text_row([_("I. SUMMARY")], styles.title)
    for part in parts:
        text_row([part.label], styles.bold)
        for header in _tracking_summary_header():
            text_row(header, styles.header)
        for number, row in enumerate([*part.rows, part.totals], start=1):
            is_total = number > len(part.rows)
            counts = [row.total, row.completed, row.on_time, row.late, row.not_completed,
                      row.pending, row.overdue, row.no_deadline]
            style = styles.bold if is_total else None
            cells = ["" if is_total else number, "", row.name, *counts]
            sheet.append([
                _cell(sheet, cell_text(value) if isinstance(value, str) else value, style)
                if style and value != "" else _xlsx_cell(sheet, styles, value, None, False)
                for value in cells])
        sheet.append([])
    text_row([_("II. DETAIL")], styles.title)
    for header in _tracking_detail_header():
        text_row(header, styles.header)
    for number, task in enumerate(tasks, start=1):
        sheet.append([_xlsx_cell(sheet, styles, value, None, wrapped) for value, wrapped in (
            (number, False), (str(KIND_LABELS[task.kind]), False), (task.text, True),
            (task.document_number, False), (task.document_date, False),
            (task.document_issuer, True), (task.lead, True), (task.cooperating, True),
            (task.deadline, False), (task.completed_on, False), (task.status, False),
            (str(CELL_LABELS.get(task.cell, "")), False))])
    spool = tempfile.TemporaryFile()  # noqa: SIM115 (closed by FileResponse)
    workbook.save(spool)
    spool.seek(0)
    return spool
