"""A session's conclusion notice (Thông báo kết luận), the document that carries the tasks:
who met whom, the leader's assessment, the directives to each unit with their due dates, and
the recommendations with who takes each one up. DOCX in the official layout
(communes/documents.py)."""

import itertools
from dataclasses import dataclass

from django.db.models import Prefetch
from django.utils import translation

from communes.documents import PARTY, STATE, Letterhead, OfficialDocument, list_letter, sentence
from communes.models import IssuingBody, party_committee
from inspections.models import DirectiveFollowUp, Session

from .documents import (
    and_list,
    committee_recipient,
    issuer,
    leader_phrase,
    lower_first,
    people_committee,
    province_leadership,
    short_date,
    standing_committee,
    state_leader_title,
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


def stated_due_dates(content: NoticeContent) -> list:
    """Every due date the notice prints: the directives' and those of the recommendations
    given to a lead department."""
    return [item.due_date for item in [*content.directives, *[
        r for r in content.recommendations if _is_given_to_department(r)]] if item.due_date]


# Who speaks in the notice. The Standing Committee announces its group's conclusions (Party
# layout). In the state layout the People's Committee cannot announce a Party group's
# conclusions as its own: it announces those of its own leader when they lead the group, and
# otherwise issues a document that implements the group's conclusions and gives the tasks.
PARTY_VOICE, STATE_LEADER_VOICE, IMPLEMENTING_VOICE = "party", "state_leader", "implementing"


def notice_voice(group, kind) -> str:
    if kind != STATE:
        return PARTY_VOICE
    return STATE_LEADER_VOICE if state_leader_title(group) else IMPLEMENTING_VOICE


def _state_leader_phrase(group) -> str:
    """"đồng chí Hồ Tiến Thiệu, Chủ tịch UBND tỉnh": the leader as the UBND's own leader."""
    return f"đồng chí {group.leader_name}, {state_leader_title(group)}"


@translation.override("vi")
def notice_initial(content: NoticeContent, kind) -> dict:
    """The header form's defaults for the layout: the summary naming the leader and the units,
    and the recipients: the Standing Committee, the group, the departments concerned and the
    units, then the copy kept."""
    session = content.session
    group = session.group
    province = group.round.province
    body = issuer(province, kind)
    voice = notice_voice(group, kind)
    leader = _state_leader_phrase(group) if voice == STATE_LEADER_VOICE else leader_phrase(group)
    summary = (f"kết luận của {leader}, Tổ trưởng Tổ công tác số {group.number} "
               f"tại buổi làm việc với {units_phrase(content.units)}")
    signature = {}
    if voice == IMPLEMENTING_VOICE:
        summary = f"triển khai thực hiện {summary}"
        # The UBND gives the departments and units tasks in its own name here, which the
        # office head signing by order ("TL. CHỦ TỊCH / CHÁNH VĂN PHÒNG") may not do: a
        # provincial office issues such a document on the committee's behalf, signed by a
        # vice-chairman for the chairman ("TM. ỦY BAN NHÂN DÂN / KT. CHỦ TỊCH / PHÓ CHỦ
        # TỊCH"), as the province signs its reports (Decree 30/2020, Appendix I).
        signer, signer_name = body.signature(IssuingBody.REPORT)
        signature = {"signer": signer, "signer_name": signer_name}
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
    return {"summary": summary, "recipients": "\n".join(recipients), **signature}


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


def _is_given_to_department(item) -> bool:
    return item.status not in (Recommendation.Status.ANSWERED_ON_THE_SPOT,
                               Recommendation.Status.PROPOSED_CENTRAL) \
        and item.lead_department is not None


def _recommendation_groups(recommendations):
    """The recommendations in the order the notice lists them: answered on the spot; each
    lead department's; each central body's; those still to be routed."""
    on_the_spot, by_department, by_central_body, unrouted = [], {}, {}, []
    for item in recommendations:
        if item.status == Recommendation.Status.ANSWERED_ON_THE_SPOT:
            on_the_spot.append(item)
        elif item.status == Recommendation.Status.PROPOSED_CENTRAL:
            by_central_body.setdefault(item.central_body, []).append(item)
        elif _is_given_to_department(item):
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


def _closing(voice, letterhead, group, units) -> str:
    """The last paragraph: who announces the conclusions to whom. Signed by order ("T/L",
    "TL.") the office announces them; otherwise the issuing body itself."""
    province = group.round.province
    by_order = letterhead.signer.strip().upper().startswith(("T/L", "TL."))
    level = people_committee(province).removeprefix("Ủy ban nhân dân ")
    if voice == IMPLEMENTING_VOICE and by_order:
        # Signed by order all the same: the office announces, it gives no tasks.
        return (f"Văn phòng UBND {level} thông báo để các cơ quan, đơn vị liên quan biết, "
                f"thực hiện; báo cáo kết quả về {people_committee(province)}")
    if voice == IMPLEMENTING_VOICE:
        committee = people_committee(province)
        return (f"{committee} yêu cầu các cơ quan, đơn vị liên quan triển khai thực hiện; báo "
                f"cáo kết quả về {committee} để tổng hợp, báo cáo "
                f"{standing_committee(province)}")
    if voice == STATE_LEADER_VOICE:
        announcer = f"Văn phòng UBND {level}" if by_order else people_committee(province)
        return (f"Trên đây là kết luận của đồng chí {state_leader_title(group)} tại buổi làm "
                f"việc với {units}; {announcer} thông báo để các cơ quan, đơn vị liên quan "
                "biết, thực hiện")
    committee = party_committee(province)
    announcer = f"Văn phòng {committee}" if by_order else standing_committee(province)
    return (f"Trên đây là kết luận của đồng chí Tổ trưởng Tổ công tác số {group.number} tại "
            f"buổi làm việc với {units}; {announcer} thông báo để các cơ quan, đơn vị liên quan "
            "biết, thực hiện")


@translation.override("vi")
def docx_notice(content: NoticeContent, letterhead: Letterhead) -> bytes:
    session, group = content.session, content.session.group
    inspection_round = group.round
    document = OfficialDocument(letterhead)
    province = inspection_round.province
    voice = notice_voice(group, letterhead.kind)
    units = units_phrase(content.units)
    convened = f" của {inspection_round.convened_by}" if inspection_round.convened_by else ""
    venue = f" tại {session.venue}" if session.venue else ""
    when = f"{_PART_OF_DAY.get(session.part_of_day, 'Ngày')} {short_date(session.date)}"
    about = f"về {lower_first(inspection_round.title)}"
    if voice == STATE_LEADER_VOICE:
        document.paragraph(sentence(
            f"{when}, {_state_leader_phrase(group)}, Tổ trưởng Tổ công tác số {group.number}"
            f"{convened} đã làm việc với {units}{venue} {about}"))
    else:
        document.paragraph(sentence(
            f"{when}, Tổ công tác số {group.number}{convened} do {leader_phrase(group)} làm "
            f"Tổ trưởng đã làm việc với {units}{venue} {about}"))
    if content.members:
        members = "; ".join(f"{m.name}, {m.title}" if m.title else m.name
                            for m in content.members)
        document.paragraph(sentence(f"Tham dự có các đồng chí thành viên Tổ công tác: "
                                    f"{members}"))
    if session.unit_side:
        document.paragraph(sentence(f"Về phía các đơn vị: {session.unit_side}"))
    visited = and_list([visit.place for visit in content.field_visits])
    visits = f", khảo sát thực tế tại {visited}" if visited else ""
    by_order = letterhead.signer.strip().upper().startswith(("T/L", "TL."))
    if voice == IMPLEMENTING_VOICE and by_order:
        # An office head signing by order announces the conclusions; only the UBND itself
        # (TM., KT. CHỦ TỊCH) gives tasks in its name.
        level = people_committee(province).removeprefix("Ủy ban nhân dân ")
        document.paragraph(f"Sau khi nghe báo cáo của các đơn vị{visits}, ý kiến của các "
                           "thành viên Tổ công tác, đồng chí Tổ trưởng đã kết luận. Văn phòng "
                           f"UBND {level} thông báo nội dung kết luận như sau:")
    elif voice == IMPLEMENTING_VOICE:
        document.paragraph(f"Sau khi nghe báo cáo của các đơn vị{visits}, ý kiến của các "
                           "thành viên Tổ công tác, đồng chí Tổ trưởng đã kết luận. Thực hiện "
                           f"kết luận của đồng chí Tổ trưởng, {people_committee(province)} "
                           "thông báo nội dung kết luận và giao nhiệm vụ như sau:")
    else:
        speaker = f"đồng chí {state_leader_title(group)}" if voice == STATE_LEADER_VOICE \
            else "đồng chí Tổ trưởng"
        document.paragraph(f"Sau khi nghe báo cáo của các đơn vị{visits}, ý kiến của các "
                           f"thành viên Tổ công tác, {speaker} kết luận như sau:")

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

    document.paragraph(sentence(_closing(voice, letterhead, group, units)))
    return document.to_bytes()
