"""The synthesis report of a round, per working group, as DOCX in the official layout of its
issuing body (communes/documents.py: a Party body per Hướng dẫn 36-HD/VPTW, a state body per
Decree 30/2020/NĐ-CP), and as XLSX."""

import itertools
from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Prefetch, Q
from django.utils import timezone, translation

from communes.documents import (
    PARTY,
    STATE,
    Letterhead,
    OfficialDocument,
    list_letter,
    sentence,
)
from communes.exports import MONTH_FORMAT, Column, Sheet, xlsx_sheets
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
            "category").prefetch_related("units").order_by("id")),
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
        "lead_department", "session", "category").prefetch_related(
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


def _completion(follow_ups) -> str:
    """"1/3 đơn vị đã hoàn thành", worded when none or all have."""
    done = sum(1 for f in follow_ups if f.status == f.Status.DONE)
    if not follow_ups:
        return ""
    if done == 0:
        return "chưa hoàn thành"
    if done == len(follow_ups):
        return "đã hoàn thành"
    return f"{done}/{len(follow_ups)} đơn vị đã hoàn thành"


def _directive_progress(directive, day) -> str:
    """"hạn 30/11/2026, quá hạn; 1/3 đơn vị đã hoàn thành". Late as the follow-up page
    counts it (Directive.is_late): an addressee has not done it by the due date."""
    notes = []
    if directive.due_date:
        notes.append(f"hạn {short_date(directive.due_date)}"
                     + (", quá hạn" if directive.is_late(day) else ""))
    notes.append(_completion(list(directive.follow_ups.all())))
    return "; ".join(note for note in notes if note)


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


def _counted(count, what) -> str:
    return f"{count} {what}"


def _raised_sentence(difficulties, raised, merged) -> str:
    """"Các đơn vị đã nêu 2 khó khăn, vướng mắc và 3 kiến nghị, đề xuất", saying "không
    nêu" of what they raised none of rather than "0 …"."""
    said = [_counted(difficulties, "khó khăn, vướng mắc") if difficulties else "",
            _counted(raised, "kiến nghị, đề xuất") + merged if raised else ""]
    unsaid = [what for count, what in ((difficulties, "khó khăn, vướng mắc"),
                                       (raised, "kiến nghị, đề xuất")) if not count]
    if not unsaid:
        return f"Các đơn vị đã nêu {and_list(said)}"
    if len(unsaid) == 2:
        return "Các đơn vị không nêu khó khăn, vướng mắc, kiến nghị, đề xuất"
    return f"Các đơn vị đã nêu {and_list(said)}; không nêu {unsaid[0]}"


def _split_sentence(total, totals) -> str:
    """"Trong tổng số 2 kiến nghị, đề xuất: quá hạn 1; đã đề xuất cấp trên 1": the columns
    with none left out."""
    names = {RESOLVED: "đã giải quyết, trả lời", ON_TIME: "đang xử lý trong hạn",
             OVERDUE: "quá hạn", PROPOSED: "đã đề xuất cấp trên",
             UNASSIGNED: "chưa giao xử lý"}
    parts = [f"{names[bucket]} {count}" for bucket, count in enumerate(totals) if count]
    return f"Trong tổng số {total} kiến nghị, đề xuất: {'; '.join(parts)}"


def _directives_sentence(directives, day) -> str:
    """The directives' progress, as the follow-up page counts it (Directive.is_late),
    worded without "0 …" or "0/0"."""
    if not directives:
        return "Các tổ công tác không giao nhiệm vụ cụ thể"
    follow_ups = [f for directive in directives for f in directive.follow_ups.all()]
    done = sum(1 for f in follow_ups if f.status == f.Status.DONE)
    late = sum(1 for directive in directives if directive.is_late(day))
    parts = [f"Các tổ công tác đã giao {len(directives)} nhiệm vụ"]
    if follow_ups and done == len(follow_ups):
        parts.append("các cơ quan, đơn vị được giao đã báo cáo hoàn thành tất cả")
    elif follow_ups and done:
        parts.append(f"{done}/{len(follow_ups)} lượt cơ quan, đơn vị được giao đã báo cáo "
                     "hoàn thành")
    elif follow_ups:
        parts.append("chưa có cơ quan, đơn vị được giao nào báo cáo hoàn thành")
    if late:
        parts.append(f"{late} nhiệm vụ đã quá hạn mà chưa hoàn thành")
    elif follow_ups and done < len(follow_ups):
        parts.append("chưa có nhiệm vụ quá hạn")
    return "; ".join(parts)


def _overall_part(document, content: ReportContent) -> str:
    """The round as a whole: the totals, the completion split by body and by unit, the
    directives' progress, the assessment and what was proposed to central level. Returns
    how the closing part cites the last ("điểm 5 mục I")."""
    sessions = content.sessions
    units = {unit.pk for session in sessions for unit in session.units.all()}
    items = content.recommendations
    difficulties = sum(len(session.difficulties.all()) for session in sessions)
    directives = [d for session in sessions for d in session.directives.all()]
    day = short_date(content.day)
    points = itertools.count(1)
    document.section(1, "Kết quả chung")
    document.heading(f"{next(points)}. Kết quả làm việc của các tổ công tác")
    merged = f" (sau khi hợp nhất các kiến nghị trùng nhau còn {len(items)})" \
        if content.raised != len(items) else ""
    if sessions:
        concluded = (f"các đồng chí Tổ trưởng đã kết luận, giao {len(directives)} nhiệm vụ"
                     if directives else "các đồng chí Tổ trưởng đã kết luận")
        document.paragraph(sentence(
            f"{len(content.groups)} tổ công tác đã tổ chức {len(sessions)} buổi làm việc với "
            f"{len(units)} đơn vị cấp xã. "
            f"{_raised_sentence(difficulties, content.raised, merged)}; {concluded}"))
    else:
        document.paragraph(sentence(
            f"{len(content.groups)} tổ công tác chưa tổ chức buổi làm việc nào"))

    buckets = {item.pk: _bucket(item, content.day) for item in items}
    totals = [sum(1 for b in buckets.values() if b == bucket) for bucket in range(5)]
    document.heading(f"{next(points)}. Tình hình giải quyết kiến nghị, đề xuất (đến ngày "
                     f"{day})")
    document.paragraph(sentence(_split_sentence(len(items), totals) if items
                                else "Các đơn vị không nêu kiến nghị, đề xuất"))
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

    document.heading(f"{next(points)}. Tình hình thực hiện kết luận, nhiệm vụ giao")
    document.paragraph(sentence(_directives_sentence(directives, content.day)))

    document.heading(f"{next(points)}. Đánh giá chung")
    # The round holds no assessment of its own (each session's is in its group's part):
    # the office writes it, as on a printed form.
    document.paragraph(TO_FILL_IN)

    proposals = [item for item in items if item.status == Status.PROPOSED_CENTRAL]
    point = next(points)
    document.heading(f"{point}. Các kiến nghị, đề xuất vượt thẩm quyền của tỉnh")
    cited = f"điểm {point} mục I"
    if not proposals:
        document.paragraph("Không có kiến nghị, đề xuất vượt thẩm quyền của tỉnh.")
        return cited
    document.paragraph("Đề xuất cấp trên:", italic=True)
    rows = [[str(index), item.text, content.raised_by(item),
             item.central_body or "Cơ quan Trung ương"]
            for index, item in enumerate(proposals, start=1)]
    document.table(["STT", "Kiến nghị, đề xuất", "Đơn vị nêu", "Đề xuất cơ quan"], rows,
                   PROPOSAL_COLUMNS)
    return cited


def _closing_part(document, number, content: ReportContent, letterhead, cited):
    """What the report asks for, citing the proposals upward where part I lists them
    (`cited`). Signed on the Standing Committee's behalf ("T/M") the report is the
    Committee's own, which asks central level and directs the province's bodies; otherwise
    (the office by order, or the UBND) it proposes to the Committee."""
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
                         f"nghị, đề xuất vượt thẩm quyền của tỉnh ({cited})")
        lines.append("Các đơn vị cấp xã tiếp tục thực hiện các nhiệm vụ được giao, báo cáo kết "
                     "quả theo thời hạn")
    else:
        if overdue:
            lines.append(f"Đề nghị {committee} chỉ đạo các cơ quan chủ trì khẩn trương giải "
                         f"quyết dứt điểm {overdue} kiến nghị, đề xuất đã quá hạn")
        if proposed:
            lines.append(f"Đề nghị {committee} báo cáo, kiến nghị {bodies} xem xét, giải quyết "
                         f"{proposed} kiến nghị, đề xuất vượt thẩm quyền của tỉnh ({cited})")
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
    worked = f"đã làm việc với {len(units)} đơn vị cấp xã" if units \
        else "chưa làm việc với đơn vị cấp xã nào"
    document.paragraph(sentence(
        f"Thực hiện chủ trương{convened} về {lower_first(inspection_round.title)}, từ ngày "
        f"{short_date(inspection_round.period_start)} đến ngày "
        f"{short_date(inspection_round.period_end)}, {len(content.groups)} tổ công tác "
        f"{worked}. Kết quả cụ thể như sau:"))
    cited = _overall_part(document, content)
    for index, group in enumerate(content.groups, start=2):
        document.section(index, str(group))
        document.paragraph(sentence(f"Tổ trưởng: {leader_phrase(group)}"))
        for number, session in enumerate(group.sessions.all(), start=1):
            _session_part(document, number, session, content)
    _closing_part(document, len(content.groups) + 2, content, letterhead, cited)
    return document.to_bytes()


def _recommendation_rows(content: ReportContent):
    """One row per recommendation under each session that lists it, as the DOCX lists them
    (a merged one under every session that raised it, naming every unit). What was proposed
    upward names the body proposed to in its own column, with no lead department: that body
    does not lead it."""
    yield ["Tổ công tác", "Ngày làm việc", "Kiến nghị, đề xuất", "Lĩnh vực", "Đơn vị nêu",
           "Cơ quan chủ trì", "Cơ quan phối hợp", "Đề xuất cấp trên", "Trạng thái",
           "Hạn xử lý", "Quá hạn"]
    for group in content.groups:
        for session in group.sessions.all():
            for item in content.listed.get(session.pk, []):
                upward = item.status == Status.PROPOSED_CENTRAL
                yield [group.number, session.date, item.text, item.category.name,
                       content.raised_by(item, session),
                       "" if upward or not item.lead_department else item.lead_department.name,
                       "" if upward else ", ".join(
                           d.name for d in item.cooperating_departments.all()),
                       (item.central_body or "Trung ương") if upward else "",
                       item.get_status_display(), None if upward else item.due_date,
                       "Quá hạn" if _bucket(item, content.day) == OVERDUE else ""]


def _difficulty_rows(content: ReportContent):
    yield ["Tổ công tác", "Ngày làm việc", "Lĩnh vực", "Khó khăn, vướng mắc", "Đơn vị nêu"]
    for group in content.groups:
        for session in group.sessions.all():
            for item in session.difficulties.all():
                units = session.units.all() if item.raised_jointly else item.units.all()
                yield [group.number, session.date, item.category.name, item.text,
                       upper_first(units_phrase(sorted(units, key=lambda u: u.order_key)))]


def _directive_rows(content: ReportContent):
    yield ["Tổ công tác", "Ngày làm việc", "Kết luận, nhiệm vụ", "Hạn", "Nơi được giao",
           "Đã hoàn thành", "Quá hạn"]
    for group in content.groups:
        for session in group.sessions.all():
            for item in session.directives.all():
                follow_ups = list(item.follow_ups.all())
                done = sum(1 for f in follow_ups if f.status == f.Status.DONE)
                yield [group.number, session.date, item.text, item.due_date, len(follow_ups),
                       done, "Quá hạn" if item.is_late(content.day) else ""]


def _figure_rows(content: ReportContent):
    yield ["Tổ công tác", "Ngày làm việc", "Chỉ tiêu", Column("Tháng", MONTH_FORMAT),
           "Đơn vị", "Giá trị", "Ước tính"]
    for group in content.groups:
        for session in group.sessions.all():
            units = list(session.units.all())
            for item in session.figures.all():
                unit = item.unit or (units[0] if len(units) == 1 else None)
                yield [group.number, session.date, item.metric.name, item.month,
                       unit.name if unit else "Các đơn vị (chung)", item.value,
                       "có" if item.approximate else ""]


# The report is a Vietnamese document whatever language its reader's screen is in.
@translation.override("vi")
def xlsx_report(inspection_round, day=None) -> bytes:
    """The report's lists as a workbook, read from what the DOCX says (report_content) on
    `day` (today): one sheet each for the recommendations, the difficulties, the
    directives and the figures, laid out as the portal's other XLSX exports."""
    day = day or timezone.localdate()
    content = report_content(inspection_round, day)
    title = f"Kết quả {lower_first(inspection_round.title)}"
    lines = [f"Số liệu đến ngày {day:%d/%m/%Y}; kiến nghị trùng nhau đã hợp nhất được ghi "
             "dưới mỗi buổi làm việc đã nêu."]
    sheets = [Sheet(rows(content), title=f"{title} – {name}", lines=lines, name=name)
              for name, rows in (("Kiến nghị", _recommendation_rows),
                                 ("Khó khăn", _difficulty_rows), ("Kết luận", _directive_rows),
                                 ("Số liệu", _figure_rows))]
    with xlsx_sheets(sheets) as spool:
        return spool.read()
