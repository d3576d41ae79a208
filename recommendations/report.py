"""The synthesis report of a round, per working group, as DOCX in the official layout of its
issuing body (communes/documents.py: a Party body per Hướng dẫn 36-HD/VPTW, a state body per
Decree 30/2020/NĐ-CP), and as XLSX."""

import io
import itertools
from collections import defaultdict

from django.db.models import Prefetch
from django.utils import translation
from openpyxl import Workbook

from communes.documents import PARTY, Letterhead, OfficialDocument, list_letter, sentence
from communes.exports import cell_text
from inspections.models import Difficulty, Directive, ReportedFigure, Session, WorkingGroup

from .documents import (
    committee_recipient,
    handled_by,
    issuer,
    leader_phrase,
    lower_first,
    province_leadership,
    short_date,
    units_phrase,
    upper_first,
)
from .models import Recommendation

DOC_TYPE, TYPE_CODE = "Báo cáo", "BC"


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


def _directive_status(directive):
    follow_ups = list(directive.follow_ups.all())
    done = sum(1 for f in follow_ups if f.status == f.Status.DONE)
    return f"{done}/{len(follow_ups)} đơn vị đã hoàn thành" if follow_ups else ""


@translation.override("vi")
def report_initial(inspection_round, kind) -> dict:
    """The header form's defaults for the layout: the province's issuer, a summary from the
    round's title, and recipients as that layout writes them."""
    province = inspection_round.province
    body = issuer(province, kind)
    title = lower_first(inspection_round.title)
    departments = "Các sở, ban, ngành liên quan"
    if kind == PARTY:
        recipients = [committee_recipient(province, kind), departments, body.filing_line]
    else:
        recipients = [committee_recipient(province, kind), province_leadership(province),
                      departments, body.filing_line]
    return {
        "summary": f"kết quả {title}" if kind == PARTY else f"Kết quả {title}",
        "recipients": "\n".join(recipients),
    }


def _figure_line(figure):
    who = figure.unit.name if figure.unit else "số liệu chung của các đơn vị"
    value = figure.shown_value
    about = "khoảng " if figure.approximate else ""
    return f"{figure.metric.name} tháng {figure.month:%m/%Y} ({who}): {about}{value}"


def _session_part(document, number, session):
    units = list(session.units.all())
    document.heading(f"{number}. Buổi làm việc ngày {short_date(session.date)} với "
                     f"{units_phrase(units)}")
    parts = []
    figures = list(session.figures.all())
    if figures:
        parts.append(("Số liệu chủ yếu", [_figure_line(f) for f in figures]))
    difficulties = defaultdict(list)
    for difficulty in session.difficulties.all():
        difficulties[difficulty.category.name].append(difficulty.text.strip().rstrip(".;"))
    if difficulties:
        parts.append(("Khó khăn, vướng mắc",
                      [f"{category}: {'; '.join(texts)}" for category, texts in
                       difficulties.items()]))
    recommendations = list(session.recommendations.all())
    directives = list(session.directives.all())
    letters = itertools.count()
    for label, lines in parts:
        document.paragraph(f"{list_letter(next(letters))} {label}:", italic=True)
        for line in lines:
            document.item(line)
    if recommendations:
        document.paragraph(f"{list_letter(next(letters))} Kiến nghị, đề xuất và tình hình "
                           "xử lý:", italic=True)
        rows = []
        for index, item in enumerate(recommendations, start=1):
            due = f", hạn {short_date(item.due_date)}" if item.due_date else ""
            rows.append([str(index), item.text, _raised_by(item), handled_by(item),
                         f"{upper_first(item.get_status_display())}{due}"])
        document.table(["STT", "Kiến nghị, đề xuất", "Đơn vị nêu",
                        "Cơ quan chủ trì (phối hợp)", "Tình hình xử lý"], rows,
                       [0.06, 0.38, 0.17, 0.22, 0.17])
    if directives:
        document.paragraph(f"{list_letter(next(letters))} Kết luận, nhiệm vụ giao:",
                           italic=True)
        for directive in directives:
            notes = [f"hạn {short_date(directive.due_date)}" if directive.due_date else "",
                     _directive_status(directive)]
            notes = "; ".join(note for note in notes if note)
            text = directive.text.strip().rstrip(".")
            document.item(f"{text} ({notes})" if notes else text)


# The report is a Vietnamese official document whatever language its reader's screen is in.
@translation.override("vi")
def docx_report(inspection_round, letterhead: Letterhead) -> bytes:
    document = OfficialDocument(letterhead)
    groups = list(round_content(inspection_round))
    units = {unit.pk for group in groups for session in group.sessions.all()
             for unit in session.units.all()}
    convened = f" của {inspection_round.convened_by}" if inspection_round.convened_by else ""
    document.paragraph(sentence(
        f"Thực hiện chủ trương{convened} về {lower_first(inspection_round.title)}, từ ngày "
        f"{short_date(inspection_round.period_start)} đến ngày "
        f"{short_date(inspection_round.period_end)}, {len(groups)} tổ công tác đã làm việc "
        f"với {len(units)} đơn vị cấp xã. Kết quả cụ thể như sau:"))
    for index, group in enumerate(groups, start=1):
        document.section(index, str(group))
        document.paragraph(sentence(f"Tổ trưởng: {leader_phrase(group)}"))
        for number, session in enumerate(group.sessions.all(), start=1):
            _session_part(document, number, session)
    return document.to_bytes()


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
