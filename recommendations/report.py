"""The synthesis report of a round, per working group, as DOCX in the official layout of its
issuing body (communes/documents.py: a Party body per Hướng dẫn 36-HD/VPTW, a state body per
Decree 30/2020/NĐ-CP), and as XLSX."""

import io
import itertools
from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Prefetch, Q
from django.utils import translation
from openpyxl import Workbook

from communes.documents import (
    PARTY,
    STATE,
    Letterhead,
    OfficialDocument,
    list_letter,
    sentence,
)
from communes.exports import cell_text
from inspections.models import Difficulty, Directive, ReportedFigure, Session, WorkingGroup

from .documents import (
    and_list,
    committee_recipient,
    issuer,
    leader_phrase,
    lower_first,
    province_leadership,
    short_date,
    standing_committee,
    units_phrase,
    upper_first,
)
from .models import OPEN_STATUSES, Recommendation, Status, is_overdue
from .notice import TO_FILL_IN

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


def default_layout(inspection_round) -> str:
    """A round convened by the People's Committee is reported in its layout; one of the
    Standing Committee (the usual case) in the Party's."""
    convened = inspection_round.convened_by.lower()
    return STATE if "ubnd" in convened or "ủy ban nhân dân" in convened else PARTY


# Where a recommendation stands on the report's date, in the completion split's columns.
RESOLVED, ON_TIME, OVERDUE, PROPOSED, UNASSIGNED = range(5)
SPLIT_HEADER = ["Tổng số", "Đã giải quyết", "Đang xử lý, trong hạn", "Quá hạn",
                "Đề xuất cấp trên", "Chưa giao xử lý"]


def _bucket(item, day) -> int:
    if item.status in (Status.RESOLVED, Status.ANSWERED_ON_THE_SPOT):
        return RESOLVED
    if item.status == Status.PROPOSED_CENTRAL:
        return PROPOSED
    if item.status in OPEN_STATUSES:
        return OVERDUE if is_overdue(item.status, item.due_date, day) else ON_TIME
    return UNASSIGNED


@dataclass
class ReportContent:
    """What the report says, read in a fixed number of queries whatever the round holds.

    A recommendation merged into another (`consolidated_into`) is listed as the one it was
    merged into, under every session that raised either, naming every unit that raised it:
    a session whose only recommendation was merged into another unit's keeps its list."""

    inspection_round: object
    day: object  # the report's date: what is overdue is overdue on it
    groups: list
    listed: dict  # session pk → the recommendations listed under it
    raised: int  # recommendations as raised, duplicates included

    @property
    def sessions(self) -> list:
        return [session for group in self.groups for session in group.sessions.all()]

    @property
    def recommendations(self) -> list:
        """Every recommendation the report lists, once."""
        found = {item.pk: item for items in self.listed.values() for item in items}
        return [found[pk] for pk in sorted(found)]

    def raising_units(self, item) -> list:
        """The units that raised `item` or a recommendation merged into it."""
        found = {}
        for raised in [item, *item.merged.all()]:
            units = raised.session.units.all() if raised.raised_jointly else raised.units.all()
            for unit in units:
                found[unit.pk] = unit
        return sorted(found.values(), key=lambda unit: unit.order_key)

    def raised_by(self, item, session=None) -> str:
        """Who raised `item`, as the row under `session` says it: "Các đơn vị" for what all
        of a several-unit session raised together, the units' names otherwise (and in a
        table of the whole round, `session` None)."""
        if session is not None and item.raised_jointly and item.session_id == session.pk \
                and not item.merged.all() and len(session.units.all()) > 1:
            return "Các đơn vị"
        return upper_first(units_phrase(self.raising_units(item)))


def report_content(inspection_round, day) -> ReportContent:
    sessions = Session.objects.prefetch_related(
        "units",
        Prefetch("difficulties", queryset=Difficulty.objects.select_related(
            "category").order_by("id")),
        Prefetch("directives", queryset=Directive.objects.prefetch_related(
            "follow_ups__unit", "follow_ups__department").order_by("id")),
        Prefetch("figures", queryset=ReportedFigure.objects.select_related("metric", "unit")),
    ).order_by("date", "id")
    groups = list(WorkingGroup.objects.filter(round=inspection_round).prefetch_related(
        Prefetch("sessions", queryset=sessions)).order_by("number"))
    in_round = Q(session__group__round=inspection_round)
    # The round's recommendations, and those (of any round) its duplicates were merged into.
    items = Recommendation.objects.filter(in_round | Q(pk__in=Recommendation.objects.filter(
        in_round).values("consolidated_into"))).select_related(
        "lead_department", "session").prefetch_related(
        "units", "cooperating_departments", "session__units",
        Prefetch("merged", queryset=Recommendation.objects.select_related(
            "session").prefetch_related("units", "session__units").order_by("id")),
    ).order_by("id")
    items = {item.pk: item for item in items}
    session_ids = {session.pk for group in groups for session in group.sessions.all()}
    listed, raised = defaultdict(dict), 0
    for item in items.values():
        if item.session_id not in session_ids:
            continue
        raised += 1
        shown = items[item.consolidated_into_id] if item.consolidated_into_id else item
        listed[item.session_id][shown.pk] = shown
    return ReportContent(
        inspection_round=inspection_round, day=day, groups=groups, raised=raised,
        listed={pk: [found[key] for key in sorted(found)] for pk, found in listed.items()})


def _figure_line(figure, units):
    if figure.unit:
        who = figure.unit.name
    elif len(units) == 1:
        who = units[0].name
    else:
        who = "số liệu chung của các đơn vị"
    value = figure.shown_value
    about = "khoảng " if figure.approximate else ""
    month = figure.month
    return f"{figure.metric.name} tháng {month.month}/{month.year} ({who}): {about}{value}"


def _lead(item) -> str:
    """The lead department and the co-operating ones; never the body an item was proposed
    to, which is no lead (that is the "Đề xuất cấp trên" table's column)."""
    if not item.lead_department:
        return "—"
    cooperating = ", ".join(d.name for d in item.cooperating_departments.all())
    return item.lead_department.name + (f" (phối hợp: {cooperating})" if cooperating else "")


def _progress(item, day) -> str:
    """"Đang xử lý, quá hạn (hạn 02/12/2026)", "Đã chuyển xử lý, hạn 15/12/2026",
    "Đã đề xuất Bộ Nội vụ"."""
    if item.status == Status.PROPOSED_CENTRAL:
        return f"Đã đề xuất {item.central_body or 'Trung ương'}"
    status = upper_first(item.get_status_display())
    if item.status not in OPEN_STATUSES or not item.due_date:
        return status
    # No-break spaces keep "quá hạn" and "hạn 02/12/2026" whole when the cell wraps.
    due = f"hạn{NBSP}{short_date(item.due_date)}"
    if is_overdue(item.status, item.due_date, day):
        return f"{status}, quá{NBSP}hạn ({due})"
    return f"{status}, {due}"


def _directive_progress(directive, day) -> str:
    follow_ups = list(directive.follow_ups.all())
    done = sum(1 for f in follow_ups if f.status == f.Status.DONE)
    notes = []
    if directive.due_date:
        late = done < len(follow_ups) or not follow_ups
        late = late and directive.due_date < day
        notes.append(f"hạn {short_date(directive.due_date)}"
                     + (", quá hạn" if late else ""))
    if follow_ups:
        notes.append(f"{done}/{len(follow_ups)} đơn vị đã hoàn thành")
    return "; ".join(notes)


NBSP = "\u00a0"
# Column shares of the text width. "Tình hình xử lý" is as wide as "Đang xử lý, quá hạn" in
# 12 pt plus the cell's padding, so that the header and a status keep to their words; "STT"
# keeps to one line.
RECOMMENDATION_COLUMNS = [0.08, 0.30, 0.16, 0.21, 0.25]
PROPOSAL_COLUMNS = [0.08, 0.42, 0.22, 0.28]
SPLIT_COLUMNS = [0.28] + [0.12] * 6


def _session_part(document, number, session, content: ReportContent):
    units = list(session.units.all())
    document.heading(f"{number}. Buổi làm việc ngày {short_date(session.date)} với "
                     f"{units_phrase(units)}")
    parts = []
    assessment = [line.strip() for line in session.leader_assessment.splitlines()
                  if line.strip()]
    if assessment:
        parts.append(("Đánh giá của đồng chí Tổ trưởng", assessment))
    figures = list(session.figures.all())
    if figures:
        parts.append(("Số liệu chủ yếu", [_figure_line(f, units) for f in figures]))
    difficulties = defaultdict(list)
    for difficulty in session.difficulties.all():
        difficulties[difficulty.category.name].append(difficulty.text.strip().rstrip(".;"))
    if difficulties:
        parts.append(("Khó khăn, vướng mắc",
                      [f"{category}: {'; '.join(texts)}" for category, texts in
                       difficulties.items()]))
    recommendations = content.listed.get(session.pk, [])
    directives = list(session.directives.all())
    letters = itertools.count()
    for label, lines in parts:
        document.paragraph(f"{list_letter(next(letters))} {label}:", italic=True)
        for line in lines:
            document.item(line)
    if recommendations:
        document.paragraph(f"{list_letter(next(letters))} Kiến nghị, đề xuất và tình hình "
                           "xử lý:", italic=True)
        rows = [[str(index), item.text, content.raised_by(item, session), _lead(item),
                 _progress(item, content.day)]
                for index, item in enumerate(recommendations, start=1)]
        document.table(["STT", "Kiến nghị, đề xuất", "Đơn vị nêu",
                        "Cơ quan chủ trì (phối hợp)", "Tình hình xử lý"], rows,
                       RECOMMENDATION_COLUMNS)
    if directives:
        document.paragraph(f"{list_letter(next(letters))} Kết luận, nhiệm vụ giao:",
                           italic=True)
        for directive in directives:
            notes = _directive_progress(directive, content.day)
            text = directive.text.strip().rstrip(".")
            document.item(f"{text} ({notes})" if notes else text)


def _split_rows(rows_by_key, names) -> list:
    return [[name, *[str(count) for count in counts]] for name, counts in
            ((names(key), rows_by_key[key]) for key in rows_by_key)]


def _count(into, key, bucket):
    counts = into.setdefault(key, [0] * 6)
    counts[0] += 1
    counts[1 + bucket] += 1


def _overall_part(document, content: ReportContent):
    """The round as a whole: the totals, the completion split by body and by unit, the
    directives' progress, the assessment and what was proposed to central level."""
    sessions = content.sessions
    units = {unit.pk for session in sessions for unit in session.units.all()}
    items = content.recommendations
    difficulties = sum(len(session.difficulties.all()) for session in sessions)
    directives = [d for session in sessions for d in session.directives.all()]
    day = short_date(content.day)
    document.section(1, "Kết quả chung")
    document.heading("1. Kết quả làm việc của các tổ công tác")
    merged = f" (sau khi hợp nhất các kiến nghị trùng nhau còn {len(items)})" \
        if content.raised != len(items) else ""
    document.paragraph(sentence(
        f"{len(content.groups)} tổ công tác đã tổ chức {len(sessions)} buổi làm việc với "
        f"{len(units)} đơn vị cấp xã. Các đơn vị đã nêu {difficulties} khó khăn, vướng mắc và "
        f"{content.raised} kiến nghị, đề xuất{merged}; các đồng chí Tổ trưởng đã kết luận, "
        f"giao {len(directives)} nhiệm vụ"))

    buckets = {item.pk: _bucket(item, content.day) for item in items}
    totals = [sum(1 for b in buckets.values() if b == bucket) for bucket in range(5)]
    document.heading(f"2. Tình hình giải quyết kiến nghị, đề xuất (đến ngày {day})")
    document.paragraph(sentence(
        f"Trong tổng số {len(items)} kiến nghị, đề xuất: đã giải quyết, trả lời "
        f"{totals[RESOLVED]}; đang xử lý trong hạn {totals[ON_TIME]}; quá hạn "
        f"{totals[OVERDUE]}; đã đề xuất cấp trên {totals[PROPOSED]}; chưa giao xử lý "
        f"{totals[UNASSIGNED]}"))
    by_body, by_unit = {}, {}
    for item in items:
        _count(by_body, item.lead_department, buckets[item.pk])
        for unit in content.raising_units(item):
            _count(by_unit, unit, buckets[item.pk])
    if items:
        document.paragraph("a) Theo cơ quan chủ trì:", italic=True)
        bodies = sorted(by_body, key=lambda d: (d is None, d.order_key if d else ()))
        rows = _split_rows({key: by_body[key] for key in bodies},
                           lambda d: d.name if d else "Chưa có cơ quan chủ trì")
        rows.append(["Tổng cộng", str(len(items)), *[str(t) for t in totals]])
        document.table(["Cơ quan chủ trì", *SPLIT_HEADER], rows, SPLIT_COLUMNS)
        document.paragraph("b) Theo đơn vị nêu (kiến nghị do nhiều đơn vị cùng nêu được tính "
                           "cho mỗi đơn vị):", italic=True)
        by_unit = {unit: by_unit[unit] for unit in sorted(by_unit, key=lambda u: u.order_key)}
        document.table(["Đơn vị", *SPLIT_HEADER],
                       _split_rows(by_unit, lambda unit: unit.name), SPLIT_COLUMNS)

    document.heading("3. Tình hình thực hiện kết luận, nhiệm vụ giao")
    follow_ups = [f for directive in directives for f in directive.follow_ups.all()]
    done = sum(1 for f in follow_ups if f.status == f.Status.DONE)
    late = sum(1 for directive in directives if "quá hạn" in _directive_progress(
        directive, content.day))
    document.paragraph(sentence(
        f"Các tổ công tác đã giao {len(directives)} nhiệm vụ; {done}/{len(follow_ups)} lượt "
        f"cơ quan, đơn vị được giao đã báo cáo hoàn thành; {late} nhiệm vụ đã quá hạn mà chưa "
        "hoàn thành"))

    document.heading("4. Đánh giá chung")
    # The round holds no assessment of its own (each session's is in its group's part):
    # the office writes it, as on a printed form.
    document.paragraph(TO_FILL_IN)

    proposals = [item for item in items if item.status == Status.PROPOSED_CENTRAL]
    document.heading("5. Các kiến nghị, đề xuất vượt thẩm quyền của tỉnh")
    if not proposals:
        document.paragraph("Không có kiến nghị, đề xuất phải đề xuất cấp trên.")
        return
    document.paragraph("Đề xuất cấp trên:", italic=True)
    rows = [[str(index), item.text, content.raised_by(item),
             item.central_body or "Cơ quan Trung ương"]
            for index, item in enumerate(proposals, start=1)]
    document.table(["STT", "Kiến nghị, đề xuất", "Đơn vị nêu", "Đề xuất cơ quan"], rows,
                   PROPOSAL_COLUMNS)


def _closing_part(document, number, content: ReportContent, letterhead):
    """What the report asks for. Signed on the Standing Committee's behalf ("T/M") the
    report is the Committee's own, which asks central level and directs the province's
    bodies; otherwise (the office by order, or the UBND) it proposes to the Committee."""
    province = content.inspection_round.province
    committee = standing_committee(province)
    items = content.recommendations
    overdue = sum(1 for item in items if _bucket(item, content.day) == OVERDUE)
    bodies = and_list(sorted({item.central_body or "các cơ quan Trung ương" for item in items
                              if item.status == Status.PROPOSED_CENTRAL}))
    proposed = sum(1 for item in items if item.status == Status.PROPOSED_CENTRAL)
    own = letterhead.kind == PARTY and letterhead.signer.strip().upper().startswith("T/M")
    document.section(number, "Kiến nghị, đề xuất")
    lines = []
    if own:
        if overdue:
            lines.append(f"{committee} yêu cầu các cơ quan chủ trì khẩn trương giải quyết dứt "
                         f"điểm {overdue} kiến nghị, đề xuất đã quá hạn, báo cáo kết quả")
        if proposed:
            lines.append(f"Đề nghị {bodies} quan tâm xem xét, giải quyết {proposed} kiến "
                         "nghị, đề xuất vượt thẩm quyền của tỉnh (mục I)")
        lines.append("Các đơn vị cấp xã tiếp tục thực hiện các nhiệm vụ được giao, báo cáo kết "
                     "quả theo thời hạn")
    else:
        if overdue:
            lines.append(f"Đề nghị {committee} chỉ đạo các cơ quan chủ trì khẩn trương giải "
                         f"quyết dứt điểm {overdue} kiến nghị, đề xuất đã quá hạn")
        if proposed:
            lines.append(f"Đề nghị {committee} báo cáo, kiến nghị {bodies} xem xét, giải quyết "
                         f"{proposed} kiến nghị, đề xuất vượt thẩm quyền của tỉnh (mục I)")
    for index, line in enumerate([*lines, TO_FILL_IN], start=1):
        document.paragraph(sentence(f"{index}. {line}"))
    document.paragraph(sentence(
        f"Trên đây là báo cáo kết quả {lower_first(content.inspection_round.title)}"))


# The report is a Vietnamese official document whatever language its reader's screen is in.
@translation.override("vi")
def docx_report(inspection_round, letterhead: Letterhead) -> bytes:
    document = OfficialDocument(letterhead)
    content = report_content(inspection_round, letterhead.date)
    units = {unit.pk for session in content.sessions for unit in session.units.all()}
    convened = f" của {inspection_round.convened_by}" if inspection_round.convened_by else ""
    document.paragraph(sentence(
        f"Thực hiện chủ trương{convened} về {lower_first(inspection_round.title)}, từ ngày "
        f"{short_date(inspection_round.period_start)} đến ngày "
        f"{short_date(inspection_round.period_end)}, {len(content.groups)} tổ công tác đã làm "
        f"việc với {len(units)} đơn vị cấp xã. Kết quả cụ thể như sau:"))
    _overall_part(document, content)
    for index, group in enumerate(content.groups, start=2):
        document.section(index, str(group))
        document.paragraph(sentence(f"Tổ trưởng: {leader_phrase(group)}"))
        for number, session in enumerate(group.sessions.all(), start=1):
            _session_part(document, number, session, content)
    _closing_part(document, len(content.groups) + 2, content, letterhead)
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
