"""The synthesis report of a round, per working group, as DOCX in the official layout of its
issuing body, and as XLSX.

A Party body (Tỉnh ủy, a Party committee) writes per Hướng dẫn 36-HD/VPTW: the issuing body
and "*" top left, "ĐẢNG CỘNG SẢN VIỆT NAM" top right. A state body writes per Decree
30/2020/NĐ-CP: the national motto "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM / Độc lập - Tự do - Hạnh
phúc" top right. Both have number, place and date, title, body, recipients and signature.
"""

import datetime
import io
from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Prefetch
from django.utils import translation
from docx import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Cm, Pt
from openpyxl import Workbook

from communes.exports import cell_text, xml_text
from inspections.models import Difficulty, Directive, ReportedFigure, Session, WorkingGroup

from .models import Recommendation

PARTY, STATE = "party", "state"


@dataclass
class Header:
    issuer_kind: str
    issuing_body: str
    parent_body: str
    number: str
    place: str
    date: datetime.date
    title: str
    recipients: str
    signer_title: str
    signer_name: str


def round_content(inspection_round):
    """The groups of the round with everything the report lists, in few queries."""
    # Merged duplicates are listed once, as the recommendation they were merged into.
    recommendations = Recommendation.objects.filter(consolidated_into=None).select_related(
        "category", "lead_department").prefetch_related("units", "cooperating_departments")
    sessions = Session.objects.prefetch_related(
        "units",
        Prefetch("recommendations", queryset=recommendations.order_by("id")),
        Prefetch("difficulties", queryset=Difficulty.objects.select_related(
            "category").prefetch_related("units")),
        Prefetch("directives", queryset=Directive.objects.prefetch_related(
            "follow_ups__unit", "follow_ups__department")),
        Prefetch("figures", queryset=ReportedFigure.objects.select_related("metric", "unit")),
    ).order_by("date")
    return WorkingGroup.objects.filter(round=inspection_round).prefetch_related(
        Prefetch("sessions", queryset=sessions)).order_by("number")


def _raised_by(item):
    return "Các đơn vị" if item.raised_jointly else ", ".join(u.name for u in item.units.all())


def _handled_by(item):
    """Who handles it: the central body it was proposed to, or the lead department and the
    co-operating ones."""
    if item.status == item.Status.PROPOSED_CENTRAL or not item.lead_department:
        return item.central_body or "—"
    cooperating = ", ".join(d.name for d in item.cooperating_departments.all())
    return item.lead_department.name + (f" (phối hợp: {cooperating})" if cooperating else "")


def _directive_status(directive):
    follow_ups = list(directive.follow_ups.all())
    done = sum(1 for f in follow_ups if f.status == f.Status.DONE)
    return f"{done}/{len(follow_ups)} đơn vị đã hoàn thành" if follow_ups else "—"


def _paragraph(document, text="", *, bold=False, italic=False, underline=False, size=13,
               align=None, space_after=0):
    paragraph = document.add_paragraph()
    run = paragraph.add_run(xml_text(text))
    run.bold, run.italic, run.underline = bold, italic, underline
    run.font.size = Pt(size)
    if align is not None:
        paragraph.alignment = align
    paragraph.paragraph_format.space_after = Pt(space_after)
    return paragraph


def _cell_lines(cell, lines):
    """Lines in a header cell: (text, bold, italic, underline, size)."""
    cell.paragraphs[0].text = ""
    for index, (text, bold, italic, underline, size) in enumerate(lines):
        paragraph = cell.paragraphs[0] if index == 0 else cell.add_paragraph()
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        paragraph.paragraph_format.space_after = Pt(0)
        run = paragraph.add_run(xml_text(text))
        run.bold, run.italic, run.underline = bold, italic, underline
        run.font.size = Pt(size)


def _date_line(header):
    """"Lạng Sơn, ngày 05 tháng 8 năm 2025": a leading zero for days below 10 and for
    January and February only (Decree 30/2020, Hướng dẫn 36)."""
    day = header.date
    month = f"{day.month:02d}" if day.month <= 2 else str(day.month)
    return f"{header.place}, ngày {day.day:02d} tháng {month} năm {day.year}"


# The report is a Vietnamese official document whatever language its reader's screen is in.
@translation.override("vi")
def docx_report(inspection_round, header: Header) -> bytes:
    document = Document()
    section = document.sections[0]
    section.page_width, section.page_height = Cm(21), Cm(29.7)
    section.left_margin, section.right_margin = Cm(3), Cm(2)
    section.top_margin, section.bottom_margin = Cm(2), Cm(2)
    style = document.styles["Normal"]
    style.font.name = "Times New Roman"
    style.font.size = Pt(14)

    table = document.add_table(rows=1, cols=2)
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    left, right = table.rows[0].cells
    if header.issuer_kind == PARTY:
        _cell_lines(left, [(header.issuing_body.upper(), True, False, False, 14),
                           ("*", False, False, False, 14),
                           (header.number, False, False, False, 14)])
        _cell_lines(right, [("ĐẢNG CỘNG SẢN VIỆT NAM", True, False, True, 15),
                            ("", False, False, False, 8),
                            (_date_line(header), False, True, False, 14)])
    else:
        lines = [(header.parent_body.upper(), False, False, False, 13)] if header.parent_body \
            else []
        lines += [(header.issuing_body.upper(), True, False, True, 13),
                  (header.number, False, False, False, 13)]
        _cell_lines(left, lines)
        _cell_lines(right, [("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", True, False, False, 13),
                            ("Độc lập - Tự do - Hạnh phúc", True, False, True, 14),
                            ("", False, False, False, 8),
                            (_date_line(header), False, True, False, 14)])

    _paragraph(document, "")
    title_lines = header.title.splitlines() or [""]
    _paragraph(document, title_lines[0].upper(), bold=True, size=14,
               align=WD_ALIGN_PARAGRAPH.CENTER)
    for line in title_lines[1:]:
        _paragraph(document, line, bold=True, size=14, align=WD_ALIGN_PARAGRAPH.CENTER)
    _paragraph(document, "-----", align=WD_ALIGN_PARAGRAPH.CENTER, space_after=6)

    for group in round_content(inspection_round):
        _paragraph(document, str(group).upper(), bold=True, space_after=2)
        leader = f"{group.leader_name}, {group.leader_title}" if group.leader_title \
            else group.leader_name
        _paragraph(document, f"Tổ trưởng: {leader}.", italic=True)
        for session in group.sessions.all():
            units = ", ".join(str(unit) for unit in session.units.all())
            _paragraph(document, f"Buổi làm việc ngày {session.date:%d/%m/%Y} với: {units}.",
                       space_after=4)
            figures = list(session.figures.all())
            if figures:
                _paragraph(document, "Số liệu chủ yếu:", bold=True)
                for figure in figures:
                    who = figure.unit.name if figure.unit else "số liệu chung của các đơn vị"
                    value = figure.shown_value
                    _paragraph(document, f"- {figure.metric.name} tháng {figure.month:%m/%Y} "
                                         f"({who}): {'khoảng ' if figure.approximate else ''}"
                                         f"{value}.")
            difficulties = defaultdict(list)
            for difficulty in session.difficulties.all():
                difficulties[difficulty.category.name].append(difficulty.text)
            if difficulties:
                _paragraph(document, "Khó khăn, vướng mắc:", bold=True)
                for category, texts in difficulties.items():
                    _paragraph(document, f"- {category}: {'; '.join(texts)}.")
            recommendations = list(session.recommendations.all())
            if recommendations:
                _paragraph(document, "Kiến nghị, đề xuất và tình hình xử lý:", bold=True)
                rows = document.add_table(rows=1, cols=4)
                rows.style = "Table Grid"
                for cell, text in zip(rows.rows[0].cells,
                                      ["Kiến nghị", "Đơn vị nêu", "Cơ quan chủ trì (phối hợp)",
                                       "Tình hình xử lý"], strict=True):
                    cell.text = text
                    cell.paragraphs[0].runs[0].bold = True
                for item in recommendations:
                    cells = rows.add_row().cells
                    cells[0].text = xml_text(item.text)
                    cells[1].text = _raised_by(item)
                    cells[2].text = _handled_by(item)
                    due = f", hạn {item.due_date:%d/%m/%Y}" if item.due_date else ""
                    cells[3].text = f"{item.get_status_display()}{due}"
            directives = list(session.directives.all())
            if directives:
                _paragraph(document, "Kết luận, nhiệm vụ giao:", bold=True)
                for directive in directives:
                    _paragraph(document, f"- {directive.text} ({_directive_status(directive)}).")

    _paragraph(document, "")
    signature = document.add_table(rows=1, cols=2)
    recipients_cell, signer_cell = signature.rows[0].cells
    recipients = [("Nơi nhận:", True, True, False, 12)] + [
        (line, False, False, False, 11) for line in header.recipients.splitlines()]
    _cell_lines(recipients_cell, recipients)
    for paragraph in recipients_cell.paragraphs:
        paragraph.alignment = WD_ALIGN_PARAGRAPH.LEFT
    _cell_lines(signer_cell, [(line.upper(), True, False, False, 14)
                              for line in header.signer_title.splitlines()]
                + [("", False, False, False, 14)] * 3
                + [(header.signer_name, True, False, False, 14)])
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _append(sheet, row):
    sheet.append([cell_text(value) for value in row])


@translation.override("vi")
def xlsx_report(inspection_round) -> bytes:
    workbook = Workbook(write_only=True)
    recommendations = workbook.create_sheet("Kiến nghị")
    _append(recommendations, ["Tổ công tác", "Ngày làm việc", "Kiến nghị", "Lĩnh vực",
                            "Đơn vị nêu", "Cơ quan chủ trì", "Cơ quan phối hợp", "Trạng thái",
                            "Hạn xử lý"])
    difficulties = workbook.create_sheet("Khó khăn")
    _append(difficulties, ["Tổ công tác", "Ngày làm việc", "Lĩnh vực", "Khó khăn, vướng mắc",
                         "Đơn vị nêu"])
    directives = workbook.create_sheet("Kết luận")
    _append(directives, ["Tổ công tác", "Ngày làm việc", "Kết luận, nhiệm vụ", "Hạn",
                       "Tình hình thực hiện"])
    figures = workbook.create_sheet("Số liệu")
    _append(figures, ["Tổ công tác", "Ngày làm việc", "Chỉ tiêu", "Tháng", "Đơn vị", "Giá trị",
                    "Ước tính"])
    for group in round_content(inspection_round):
        for session in group.sessions.all():
            day = f"{session.date:%d/%m/%Y}"
            for item in session.recommendations.all():
                _append(recommendations, [
                    group.number, day, item.text, item.category.name, _raised_by(item),
                    item.central_body if item.status == item.Status.PROPOSED_CENTRAL
                    or not item.lead_department else item.lead_department.name,
                    ", ".join(d.name for d in item.cooperating_departments.all()),
                    item.get_status_display(),
                    f"{item.due_date:%d/%m/%Y}" if item.due_date else ""])
            for item in session.difficulties.all():
                _append(difficulties, [group.number, day, item.category.name, item.text,
                                     _raised_by(item)])
            for item in session.directives.all():
                _append(directives, [group.number, day, item.text,
                                   f"{item.due_date:%d/%m/%Y}" if item.due_date else "",
                                   _directive_status(item)])
            for item in session.figures.all():
                _append(figures, [group.number, day, item.metric.name, f"{item.month:%m/%Y}",
                                item.unit.name if item.unit else "Các đơn vị (chung)",
                                item.value, "có" if item.approximate else ""])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
