"""A session's conclusion notice (Thông báo kết luận), the document that carries the tasks:
who met whom, the leader's assessment, the directives to each unit with their due dates, and
the recommendations with who takes each one up. DOCX in the official layout
(communes/documents.py)."""

import itertools
from dataclasses import dataclass

from django.db.models import Prefetch
from django.utils import translation

from communes.documents import PARTY, Letterhead, OfficialDocument, list_letter, sentence
from inspections.models import DirectiveFollowUp, Session

from .documents import (
    and_list,
    committee_recipient,
    issuer,
    leader_phrase,
    lower_first,
    province_leadership,
    short_date,
    units_list,
    units_phrase,
)
from .models import Recommendation, Response

DOC_TYPE, TYPE_CODE = "Thông báo", "TB"
_PART_OF_DAY = {Session.PartOfDay.MORNING: "Sáng ngày", Session.PartOfDay.AFTERNOON: "Chiều ngày",
                Session.PartOfDay.FULL_DAY: "Ngày"}
# Left for the clerk to fill in, as a printed form leaves a dotted line.
TO_FILL_IN = "…" * 40


@dataclass
class NoticeContent:
    """What the notice says, read in a fixed number of queries whatever the session holds."""

    session: Session
    units: list
    members: list
    directives: list
    recommendations: list
    difficulties: list
    field_visits: list

    @property
    def departments(self) -> list:
        """The departments concerned: those that lead or co-operate on a recommendation and
        those a directive addresses, in the province's protocol order."""
        found = {}
        for item in self.recommendations:
            for department in [item.lead_department, *item.cooperating_departments.all()]:
                if department is not None:
                    found[department.pk] = department
        for directive in self.directives:
            for follow_up in directive.follow_ups.all():
                if follow_up.department is not None:
                    found[follow_up.department.pk] = follow_up.department
        return sorted(found.values(), key=lambda d: d.order_key)


def notice_content(session) -> NoticeContent:
    recommendations = session.recommendations.filter(consolidated_into=None).select_related(
        "lead_department").prefetch_related(
        "units", "cooperating_departments",
        Prefetch("responses", queryset=Response.objects.filter(kind=Response.Kind.ON_THE_SPOT),
                 to_attr="answers_on_the_spot")).order_by("id")
    directives = session.directives.prefetch_related(Prefetch(
        "follow_ups", queryset=DirectiveFollowUp.objects.select_related(
            "unit", "department"))).order_by("id")
    return NoticeContent(
        session=session, units=list(session.units.all()),
        members=list(session.group.members.all()),
        directives=list(directives), recommendations=list(recommendations),
        difficulties=list(session.difficulties.order_by("id")),
        field_visits=list(session.field_visits.order_by("id")))


@translation.override("vi")
def notice_initial(content: NoticeContent, kind) -> dict:
    """The header form's defaults for the layout: the summary naming the leader and the units,
    and the recipients: the Standing Committee, the group, the departments concerned and the
    units, then the copy kept."""
    session = content.session
    group = session.group
    province = group.round.province
    body = issuer(province, kind)
    summary = (f"kết luận của {leader_phrase(group)}, Tổ trưởng Tổ công tác số {group.number} "
               f"tại buổi làm việc với {units_phrase(content.units)}")
    units = units_list(content.units)
    departments = [department.name for department in content.departments]
    if kind == PARTY:
        recipients = [committee_recipient(province, kind),
                      f"Các đồng chí thành viên Tổ công tác số {group.number}", *departments,
                      f"Đảng ủy {units}", body.filing_line]
    else:
        recipients = [committee_recipient(province, kind), province_leadership(province),
                      f"Các thành viên Tổ công tác số {group.number}", *departments,
                      f"UBND {units}", body.filing_line]
    return {"summary": summary, "recipients": "\n".join(recipients)}


def _addressees(directive, units) -> tuple:
    """Who a directive is addressed to: its follow-ups' units and departments, or all the
    session's units when it names none."""
    follow_ups = list(directive.follow_ups.all())
    if not follow_ups:
        return tuple(units), ()
    # In the order the rest of the notice names them, so equal sets read the same.
    return (tuple(sorted((f.unit for f in follow_ups if f.unit), key=lambda u: u.order_key)),
            tuple(sorted((f.department for f in follow_ups if f.department),
                         key=lambda d: d.order_key)))


def _addressee_phrase(units, departments) -> str:
    names = [units_phrase(units)] if units else []
    names += [department.name for department in departments]
    return and_list(names)


def _due(day) -> str:
    return f"hoàn thành trước ngày {short_date(day)}" if day else ""


def _with_notes(text, *notes) -> str:
    notes = "; ".join(note for note in notes if note)
    text = text.strip().rstrip(".;")
    return f"{text} ({notes})" if notes else text


def _recommendation_groups(recommendations):
    """The recommendations in the order the notice lists them: answered on the spot; each
    lead department's; each central body's; those still to be routed."""
    on_the_spot, by_department, by_central_body, unrouted = [], {}, {}, []
    for item in recommendations:
        if item.status == Recommendation.Status.ANSWERED_ON_THE_SPOT:
            on_the_spot.append(item)
        elif item.status == Recommendation.Status.PROPOSED_CENTRAL:
            by_central_body.setdefault(item.central_body, []).append(item)
        elif item.lead_department is not None:
            by_department.setdefault(item.lead_department, []).append(item)
        else:
            unrouted.append(item)
    groups = []
    if on_the_spot:
        groups.append(("Các kiến nghị đã được trả lời trực tiếp tại buổi làm việc:", [
            _with_notes(item.text, f"{item.answered_by} trả lời" if item.answered_by else "")
            for item in on_the_spot]))
    for department in sorted(by_department, key=lambda d: d.order_key):
        groups.append((f"Giao {department.name} chủ trì nghiên cứu, giải quyết:", [
            _with_notes(item.text, _raised_by(item), _cooperating(item), _due(item.due_date))
            for item in by_department[department]]))
    for body, items in by_central_body.items():
        groups.append((f"Đề xuất {body or 'cơ quan Trung ương'} xem xét, giải quyết (vượt "
                       "thẩm quyền của tỉnh):", [
                           _with_notes(item.text, _raised_by(item)) for item in items]))
    if unrouted:
        groups.append(("Các kiến nghị cần tổng hợp, tham mưu phân công cơ quan chủ trì giải "
                       "quyết:", [_with_notes(item.text, _raised_by(item)) for item in unrouted]))
    return groups


def _raised_by(item) -> str:
    if item.raised_jointly:
        return ""
    return f"{units_phrase(item.units.all())} đề nghị"


def _cooperating(item) -> str:
    names = [d.name for d in item.cooperating_departments.all()]
    return f"phối hợp: {', '.join(names)}" if names else ""


@translation.override("vi")
def docx_notice(content: NoticeContent, letterhead: Letterhead) -> bytes:
    session, group = content.session, content.session.group
    inspection_round = group.round
    document = OfficialDocument(letterhead)
    units = units_phrase(content.units)
    convened = f" của {inspection_round.convened_by}" if inspection_round.convened_by else ""
    venue = f" tại {session.venue}" if session.venue else ""
    document.paragraph(sentence(
        f"{_PART_OF_DAY.get(session.part_of_day, 'Ngày')} {short_date(session.date)}, Tổ công "
        f"tác số {group.number}{convened} do {leader_phrase(group)} làm Tổ trưởng đã làm việc "
        f"với {units}{venue} về {lower_first(inspection_round.title)}"))
    if content.members:
        members = "; ".join(f"{m.name}, {m.title}" if m.title else m.name
                            for m in content.members)
        document.paragraph(sentence(f"Tham dự có các đồng chí thành viên Tổ công tác: "
                                    f"{members}"))
    if session.unit_side:
        document.paragraph(sentence(f"Về phía các đơn vị: {session.unit_side}"))
    visited = and_list([visit.place for visit in content.field_visits])
    visits = f", khảo sát thực tế tại {visited}" if visited else ""
    document.paragraph(f"Sau khi nghe báo cáo của các đơn vị{visits}, ý kiến của các thành viên "
                       "Tổ công tác, đồng chí Tổ trưởng kết luận như sau:")

    parts = itertools.count(1)
    document.heading(f"{next(parts)}. Đánh giá chung")
    assessment = [line for line in session.leader_assessment.splitlines() if line.strip()]
    for line in assessment or [TO_FILL_IN]:
        document.paragraph(sentence(line))
    if content.difficulties:
        document.paragraph("Bên cạnh kết quả đạt được, các đơn vị còn một số khó khăn, vướng "
                           "mắc:")
        for difficulty in content.difficulties:
            document.item(difficulty.text)

    if content.directives:
        document.heading(f"{next(parts)}. Nhiệm vụ thời gian tới")
        # Directives addressed to the same units and departments are listed together, so four
        # wards given the same four tasks read them once.
        by_addressees = {}
        for directive in content.directives:
            by_addressees.setdefault(_addressees(directive, content.units), []).append(directive)
        for index, ((units_of, departments), directives) in enumerate(by_addressees.items()):
            document.paragraph(f"{list_letter(index)} Đối với "
                               f"{_addressee_phrase(units_of, departments)}:")
            for directive in directives:
                document.item(_with_notes(directive.text, _due(directive.due_date)))

    groups = _recommendation_groups(content.recommendations)
    if groups:
        document.heading(f"{next(parts)}. Về các kiến nghị, đề xuất của các đơn vị")
        for index, (label, items) in enumerate(groups):
            document.paragraph(f"{list_letter(index)} {label}")
            for item in items:
                document.item(item)

    document.paragraph(sentence(
        f"Trên đây là kết luận của đồng chí Tổ trưởng Tổ công tác số {group.number} tại buổi "
        f"làm việc với {units}; đề nghị các cơ quan, đơn vị liên quan triển khai thực hiện"))
    return document.to_bytes()
