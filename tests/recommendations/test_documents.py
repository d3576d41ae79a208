"""The official documents: a session's conclusion notice and the round's synthesis report, in
both layouts, read back and checked against their regulations (tests/layout.py)."""

import datetime
import io
import re

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.urls import reverse

from communes.exports import DOCX_TYPE
from communes.models import IssuingBody
from inspections.models import DirectiveFollowUp, Metric, ReportedFigure, Session
from recommendations.demo import SECOND_ROUND_TITLE
from recommendations.documents import short_date
from recommendations.models import Status
from tests import factories
from tests.layout import assert_official_layout
from tests.rendering import render

pytestmark = pytest.mark.django_db


def download(client, url, kind, **changes):
    """The DOCX of `url` in layout `kind`, from the form's own defaults plus `changes`."""
    page = client.get(url, {"issuer_kind": kind})
    assert page.status_code == 200
    form = page.context["form"]
    params = {name: form.initial.get(name, "") for name in form.fields}
    params.update(format="docx", **{"date": "05/08/2025", **changes})
    response = client.get(url, params)
    assert response.status_code == 200, response.context and response.context["form"].errors
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    return response.content


@pytest.fixture
def demo(client):
    call_command("load_demo", stdout=io.StringIO())
    client.force_login(get_user_model().objects.get(username="vanphong"))
    session = Session.objects.exclude(group__round__title=SECOND_ROUND_TITLE).get(group__number=1)
    return {
        "session": session, "round": session.group.round,
        "notice": reverse("recommendations:session_notice", args=[session.pk]),
        "report": reverse("recommendations:round_report",
                          args=[session.group.round.pk]),
    }


@pytest.fixture
def documents(client, demo):
    """The demo's group 1 notice and the round's report, in both layouts."""
    return {(name, kind): download(client, demo[name], kind)
            for name in ("notice", "report") for kind in ("party", "state")}


@pytest.mark.slow
def test_the_notice_and_the_report_pass_their_layout_in_both_variants(documents):
    for (name, kind), content in documents.items():
        layout = assert_official_layout(content, kind)
        lines = [text for text, _width in layout.header_lines]
        assert layout.doc_type == ("THÔNG BÁO" if name == "notice" else "BÁO CÁO")
        assert layout.date == "Lạng Sơn, ngày 05 tháng 8 năm 2025"
        code = "TB" if name == "notice" else "BC"
        if kind == "party":
            # Hướng dẫn 36: "TỈNH ỦY LẠNG SƠN", "Số …-TB/TU", signed on behalf of the
            # Standing Committee, which is therefore no recipient "để báo cáo".
            assert "TỈNH ỦY LẠNG SƠN" in lines
            assert layout.number == f"Số \u00a0\u00a0\u00a0\u00a0\u00a0\u00a0-{code}/TU"
            # The Văn phòng signs the notice of a group's conclusions by the Committee's order;
            # a deputy secretary signs the Committee's report on its behalf.
            assert layout.signer == (["T/L BAN THƯỜNG VỤ", "CHÁNH VĂN PHÒNG"]
                                     if name == "notice" else ["T/M BAN THƯỜNG VỤ", "PHÓ BÍ THƯ"])
            assert layout.recipients[0] == "- Các đồng chí Ủy viên Ban Thường vụ Tỉnh ủy,"
            assert not any("để báo cáo" in line for line in layout.recipients)
            assert layout.recipients[-1] == "- Lưu Văn phòng Tỉnh ủy."
            assert layout.summary[0].startswith("kết ")
        else:
            # Decree 30: "ỦY BAN NHÂN DÂN / TỈNH LẠNG SƠN" (on one line it would reach into
            # the left margin beside the national name), "Số: …/TB-UBND", both signed
            # "TM. ỦY BAN NHÂN DÂN / KT. CHỦ TỊCH / PHÓ CHỦ TỊCH" (the notice implements a
            # Party group's conclusions and gives tasks in the UBND's name, which the office
            # head signing by order may not), "- Lưu: VT, TH.".
            assert lines[2:4] == ["ỦY BAN NHÂN DÂN", "TỈNH LẠNG SƠN"]
            assert layout.number == f"Số: \u00a0\u00a0\u00a0\u00a0\u00a0\u00a0/{code}-UBND"
            assert layout.signer == ["TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH"]
            assert layout.recipients[0] == "- Ban Thường vụ Tỉnh ủy (để báo cáo);"
            assert layout.recipients[-1] == "- Lưu: VT, TH."
            # A Party group's conclusions, which the UBND implements.
            assert layout.summary[0].startswith(
                "Triển khai thực hiện kết " if name == "notice" else "Kết ")


@pytest.mark.slow
def test_the_notice_carries_the_sessions_conclusions_and_tasks(client, demo):
    session = demo["session"]
    layout = assert_official_layout(download(client, demo["notice"], "state"), "state")
    body = "\n".join(layout.body)
    summary = " ".join(layout.summary)
    assert "Hoàng Văn Nghiệm" in summary and "Tổ công tác số 1" in summary
    assert "các phường Đông Kinh, Kỳ Lừa, Lương Văn Tri và Tam Thanh" in summary
    # Who met whom, with whom attending, and what was visited.
    assert body.startswith("Sáng ngày 04/8/2025, Tổ công tác số 1 của Ban Thường vụ Tỉnh ủy")
    assert "Về phía các đơn vị: Đồng chí Phùng Quang Hội" in body
    assert "Trung tâm Phục vụ hành chính công phường Tam Thanh" in body
    assert session.leader_assessment in body
    # Every directive once, under its addressees, with its due date.
    assert "a) Đối với các phường Đông Kinh, Kỳ Lừa, Lương Văn Tri và Tam Thanh:" in body
    for directive in session.directives.all():
        due = short_date(directive.due_date)
        assert body.count(f"- {directive.text} (hoàn thành trước ngày {due}).") == 1
    # Every recommendation, under who takes it up.
    for item in session.recommendations.select_related("lead_department"):
        assert item.text in body
        if item.status == Status.ANSWERED_ON_THE_SPOT:
            assert f"{item.text} ({item.answered_by} trả lời)" in body
        elif item.lead_department:
            assert f"Giao {item.lead_department.name} chủ trì nghiên cứu, giải quyết:" in body
    assert "Sở Tài chính chủ trì" in body and "phối hợp: Sở Xây dựng" in body
    # Recipients: the Standing Committee, the group, the departments concerned, the units.
    departments = {d.name for item in session.recommendations.all()
                   for d in [item.lead_department, *item.cooperating_departments.all()] if d}
    for name in departments:
        assert f"- {name};" in layout.recipients
    assert "- UBND các phường: Đông Kinh, Kỳ Lừa, Lương Văn Tri, Tam Thanh;" in \
        layout.recipients
    assert "- Các thành viên Tổ công tác số 1;" in layout.recipients


def _pdf_lines(rendered):
    """The words of each printed line of the PDF's first page, left to right: words at the
    same height (whatever block LibreOffice put them in) share a line."""
    lines = {}
    for word in next(rendered.pages()).extract_words():
        lines.setdefault(round(word["bottom"]), []).append((word["x0"], word["text"]))
    return [[text for _x, text in sorted(words)] for _y, words in sorted(lines.items())]


def _on_one_line(text, lines):
    words = text.split()
    return any(line[i:i + len(words)] == words for line in lines
               for i in range(len(line) - len(words) + 1))


@pytest.mark.slow
@pytest.mark.render
def test_rendered_by_libreoffice_each_header_line_keeps_to_one_line(documents):
    for (name, kind), content in documents.items():
        lines = _pdf_lines(render(content))
        layout = assert_official_layout(content, kind)
        for text, _width in layout.header_lines:
            assert _on_one_line(text.replace("\u00a0", " "), lines), (name, kind, text)


def test_the_form_starts_from_the_chosen_layouts_defaults_and_the_provinces_settings(
        client, office_user, province):
    session = factories.SessionFactory(group__round__province=province,
                                       units=[factories.UnitFactory(province=province)])
    IssuingBody.objects.create(province=province, kind=IssuingBody.Kind.STATE,
                               notice_signer_name="Nguyễn Văn Bình",
                               report_signer_name="Lê Văn Cường")
    client.force_login(office_user)
    url = reverse("recommendations:session_notice", args=[session.pk])
    party = client.get(url).context["form"].initial
    state = client.get(url, {"issuer_kind": "state"}).context["form"].initial
    assert (party["issuer_kind"], party["issuing_body"], party["symbol"]) == (
        "party", "Tỉnh ủy Lạng Sơn", "TU")
    assert (state["issuer_kind"], state["issuing_body"], state["symbol"]) == (
        "state", "Ủy ban nhân dân tỉnh Lạng Sơn", "UBND")
    # What the province set is used; what it left empty is derived.
    # A Party-led group's notice in the state layout gives tasks in the UBND's name: signed
    # as the UBND's report is, by whom the province set for it.
    assert state["signer_name"] == "Lê Văn Cường" and party["signer_name"] == ""
    assert state["signer"] == "TM. ỦY BAN NHÂN DÂN\nKT. CHỦ TỊCH\nPHÓ CHỦ TỊCH"
    # A UBND leader's own conclusions go out by order, under the office head's signature.
    session.group.leader_title = "Chủ tịch UBND tỉnh"
    session.group.save()
    led = client.get(url).context["form"].initial
    assert led["signer_name"] == "Nguyễn Văn Bình"
    assert led["signer"] == "TL. CHỦ TỊCH\nCHÁNH VĂN PHÒNG"
    session.group.leader_title = "Bí thư Tỉnh ủy"
    session.group.save()
    # An unknown layout is the default one: a group led by a Party leader, the Party's.
    assert client.get(url, {"issuer_kind": "x"}).context["form"].initial["issuer_kind"] == \
        "party"


def test_a_bad_number_is_refused_with_a_message_and_nothing_typed_is_lost(
        client, office_user, province):
    session = factories.SessionFactory(group__round__province=province,
                                       units=[factories.UnitFactory(province=province)])
    client.force_login(office_user)
    url = reverse("recommendations:session_notice", args=[session.pk])
    form = client.get(url).context["form"]
    params = {name: form.initial.get(name, "") for name in form.fields}
    params.update(format="docx", date="05/08/2025", number="12a", summary="kết luận riêng")
    response = client.get(url, params)
    assert response.status_code == 400
    assert "chỉ ghi bằng chữ số" in response.content.decode()
    assert response.context["form"]["summary"].value() == "kết luận riêng"
    params.update(number="7", date="31/02/2025")
    assert client.get(url, params).status_code == 400
    params.update(date="05/02/2025")
    layout = assert_official_layout(client.get(url, params).content, "party")
    assert layout.number.startswith("Số 07-TB/")
    assert layout.date.endswith("ngày 05 tháng 02 năm 2025")


def test_the_notice_reads_a_fixed_number_of_queries_whatever_the_session_holds(
        client, office_user, province, department_a, department_b, count_queries):
    units = [factories.UnitFactory(province=province) for _ in range(6)]
    session = factories.SessionFactory(group__round__province=province, units=units)

    def add(recommendations, directives):
        for _ in range(recommendations):
            factories.RecommendationFactory(
                session=session, status=Status.ROUTED, lead_department=department_a,
                due_date=datetime.date(2025, 9, 1), raised_jointly=False).units.set(units[:2])
        for index in range(directives):
            directive = session.directives.create(text=f"Nhiệm vụ {index}",
                                                  due_date=datetime.date(2025, 9, 15))
            DirectiveFollowUp.objects.create(directive=directive, unit=units[index % 6])
            DirectiveFollowUp.objects.create(directive=directive, department=department_b)

    client.force_login(office_user)
    url = reverse("recommendations:session_notice", args=[session.pk])
    add(1, 1)
    form = client.get(url).context["form"]
    params = {name: form.initial.get(name, "") for name in form.fields}
    params.update(format="docx", date="05/08/2025")
    few = count_queries(lambda: client.get(url, params))
    add(39, 29)
    response = None

    def download_many():
        nonlocal response
        response = client.get(url, params)

    assert count_queries(download_many) == few
    layout = assert_official_layout(response.content, "party")
    assert sum(line.startswith("- Nhiệm vụ ") for line in layout.body) == 30
    assert sum(line.startswith("- Kiến nghị số ") for line in layout.body) == 40
    assert f"- {department_b.name}," in layout.recipients


def test_the_session_page_links_to_its_notice(client, office_user, province):
    session = factories.SessionFactory(group__round__province=province,
                                       units=[factories.UnitFactory(province=province)])
    client.force_login(office_user)
    page = client.get(session.get_absolute_url()).content.decode()
    assert reverse("recommendations:session_notice", args=[session.pk]) in page


def test_dates_in_the_body_are_written_as_officials_write_them():
    assert short_date(datetime.date(2025, 8, 4)) == "04/8/2025"
    assert short_date(datetime.date(2025, 12, 15)) == "15/12/2025"
    # January and February keep their leading zero, as in the date line.
    assert short_date(datetime.date(2026, 2, 5)) == "05/02/2026"


def _body_tables(layout):
    """The body's tables (neither the header nor the signature), each as rows of texts."""
    return [[[cell.text.replace("\u00a0", " ") for cell in row.cells] for row in table.rows]
            for table in layout.document.tables[1:-1]]


def _notice_session(province, leader_title):
    unit = factories.UnitFactory(province=province)
    session = factories.SessionFactory(
        group__round__province=province, group__leader_name="Hồ Tiến Thiệu",
        group__leader_title=leader_title, group__round__convened_by="Ban Thường vụ Tỉnh ủy",
        units=[unit])
    directive = session.directives.create(text="Rà soát bộ máy",
                                          due_date=datetime.date(2025, 9, 1))
    DirectiveFollowUp.objects.create(directive=directive, unit=unit)
    return session


@pytest.mark.parametrize("title, kind", [
    ("Phó Bí thư Tỉnh ủy, Chủ tịch UBND tỉnh", "state"),
    ("Ủy viên Ban Thường vụ Tỉnh ủy, Phó Chủ tịch Thường trực UBND tỉnh", "state"),
    ("Phó Chủ tịch Ủy ban nhân dân tỉnh", "state"),
    ("Bí thư Tỉnh ủy", "party"),
    ("Phó Bí thư Thường trực Tỉnh ủy, Chủ tịch HĐND tỉnh", "party"),
    ("Ủy viên Ban Thường vụ Tỉnh ủy, Chủ tịch Ủy ban MTTQ Việt Nam tỉnh", "party"),
])
def test_the_notice_starts_in_the_layout_of_who_leads_the_group(
        client, office_user, province, title, kind):
    session = _notice_session(province, title)
    client.force_login(office_user)
    url = reverse("recommendations:session_notice", args=[session.pk])
    page = client.get(url)
    assert page.context["kind"] == kind
    assert page.context["form"].initial["issuer_kind"] == kind
    # The office may still choose the other layout.
    other = "party" if kind == "state" else "state"
    assert client.get(url, {"issuer_kind": other}).context["kind"] == other


def test_the_ubnd_announces_its_own_leaders_conclusions(client, office_user, province):
    session = _notice_session(province, "Phó Bí thư Tỉnh ủy, Chủ tịch UBND tỉnh")
    client.force_login(office_user)
    url = reverse("recommendations:session_notice", args=[session.pk])
    layout = assert_official_layout(download(client, url, "state"), "state")
    body = "\n".join(layout.body)
    assert " ".join(layout.summary).startswith(
        "Kết luận của đồng chí Hồ Tiến Thiệu, Chủ tịch UBND tỉnh, Tổ trưởng Tổ công tác số")
    assert body.startswith("Sáng ngày 04/8/2025, đồng chí Hồ Tiến Thiệu, Chủ tịch UBND tỉnh, "
                           "Tổ trưởng Tổ công tác số")
    assert "đồng chí Chủ tịch UBND tỉnh kết luận như sau:" in body
    # Signed by the chairman's order, so the UBND's office announces them.
    assert layout.signer == ["TL. CHỦ TỊCH", "CHÁNH VĂN PHÒNG"]
    assert layout.body[-1].endswith("Văn phòng UBND tỉnh thông báo để các cơ quan, đơn vị liên "
                                    "quan biết, thực hiện.")


def test_in_the_state_layout_a_party_groups_conclusions_are_implemented_not_announced(
        client, office_user, province):
    session = _notice_session(province, "Bí thư Tỉnh ủy")
    client.force_login(office_user)
    url = reverse("recommendations:session_notice", args=[session.pk])
    state = assert_official_layout(download(client, url, "state"), "state")
    body = "\n".join(state.body)
    assert " ".join(state.summary).startswith("Triển khai thực hiện kết luận của đồng chí Hồ "
                                              "Tiến Thiệu, Bí thư Tỉnh ủy, Tổ trưởng")
    assert "Thực hiện kết luận của đồng chí Tổ trưởng, Ủy ban nhân dân tỉnh thông báo nội " \
        "dung kết luận và giao nhiệm vụ như sau:" in body
    assert "kết luận như sau" not in body
    assert state.body[-1].startswith("Ủy ban nhân dân tỉnh yêu cầu các cơ quan, đơn vị")
    # The UBND gives tasks in its own name: signed on its behalf by a vice-chairman, not by
    # the office head by order.
    assert state.signer == ["TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH"]
    # Signed by order all the same, the office only announces the conclusions.
    by_order = assert_official_layout(download(
        client, url, "state", signer="TL. CHỦ TỊCH\nCHÁNH VĂN PHÒNG"), "state")
    text = "\n".join(by_order.body)
    assert "giao nhiệm vụ" not in text and "yêu cầu" not in text
    assert "Văn phòng UBND tỉnh thông báo nội dung kết luận như sau:" in text
    assert by_order.body[-1].startswith("Văn phòng UBND tỉnh thông báo để các cơ quan")
    # The Party notice: the Standing Committee's, announced by its office by order.
    party = assert_official_layout(download(client, url, "party"), "party")
    assert "đồng chí Tổ trưởng kết luận như sau:" in "\n".join(party.body)
    assert party.signer == ["T/L BAN THƯỜNG VỤ", "CHÁNH VĂN PHÒNG"]
    assert party.body[-1].endswith("Văn phòng Tỉnh ủy thông báo để các cơ quan, đơn vị liên "
                                   "quan biết, thực hiện.")
    # Signed on the Committee's behalf instead, the Committee announces them.
    signed = assert_official_layout(download(
        client, url, "party", signer="T/M BAN THƯỜNG VỤ\nPHÓ BÍ THƯ"), "party")
    assert "Ban Thường vụ Tỉnh ủy thông báo để" in signed.body[-1]


def test_the_notice_form_warns_when_its_date_is_after_a_due_date_it_states(
        client, office_user, province, department_a):
    session = _notice_session(province, "Bí thư Tỉnh ủy")
    factories.RecommendationFactory(session=session, status=Status.ROUTED,
                                    lead_department=department_a,
                                    due_date=datetime.date(2025, 8, 20))
    # Not printed with a due date (answered on the spot): no warning about it.
    factories.RecommendationFactory(session=session, status=Status.ANSWERED_ON_THE_SPOT,
                                    due_date=datetime.date(2025, 8, 1))
    client.force_login(office_user)
    url = reverse("recommendations:session_notice", args=[session.pk])
    page = client.get(url)  # dated today, long after both deadlines
    assert len(page.context["warnings"]) == 1
    warning = page.context["warnings"][0]
    assert "20/08/2025" in warning and "01/09/2025" in warning and "01/08/2025" not in warning
    assert warning in page.content.decode()
    form = page.context["form"]
    params = {name: form.initial.get(name, "") for name in form.fields}
    # Only the deadlines before the date are named; an invalid form still warns.
    params.update(format="docx", date="25/08/2025", number="x")
    refused = client.get(url, params)
    assert refused.status_code == 400
    assert "20/08/2025" in refused.context["warnings"][0]
    assert "01/09/2025" not in refused.context["warnings"][0]
    params.update(date="04/08/2025")
    assert client.get(url, params).context["warnings"] == []
    # The warning never stops the download.
    params.update(number="", date="07/12/2026")
    response = client.get(url, params)
    assert response.status_code == 200 and response["Content-Type"] == DOCX_TYPE


def _report_round(province, department_a, department_b, *, sessions=1, items=1):
    """A round whose report has every case: a recommendation overdue, one proposed to
    central level, one merged from a one-unit session into another session's, and a
    one-unit session's figures."""
    metric = Metric.objects.order_by("position").first() or Metric.objects.create(
        code="received_total", name="Hồ sơ tiếp nhận")
    inspection_round = factories.RoundFactory(province=province, convened_by="")
    group = factories.GroupFactory(round=inspection_round, number=1, leader_name="Nguyễn Văn A")
    for index in range(sessions):
        wards = [factories.UnitFactory(province=province, name=f"Đông Kinh {index}-{n}",
                                       kind="ward") for n in range(2)]
        commune = factories.UnitFactory(province=province, name=f"Hữu Lũng {index}")
        joint = factories.SessionFactory(group=group, date=datetime.date(2025, 8, 4),
                                         units=wards)
        alone = factories.SessionFactory(group=group, date=datetime.date(2025, 9, 18),
                                         units=[commune])
        for _ in range(items):
            target = factories.RecommendationFactory(
                session=joint, status=Status.IN_PROGRESS, lead_department=department_a,
                due_date=datetime.date(2026, 12, 2), text=f"Bổ sung biên chế {index}")
            target.cooperating_departments.set([department_b])
            factories.RecommendationFactory(
                session=joint, status=Status.PROPOSED_CENTRAL, central_body="Bộ Nội vụ",
                due_date=datetime.date(2026, 12, 30), text=f"Sửa quy định {index}")
            factories.RecommendationFactory(
                session=alone, status=Status.IN_PROGRESS, consolidated_into=target,
                lead_department=department_a, raised_jointly=False,
                text=f"Tăng biên chế {index}").units.set([commune])
            directive = alone.directives.create(text=f"Rà soát {index}",
                                                due_date=datetime.date(2026, 11, 30))
            DirectiveFollowUp.objects.create(directive=directive, unit=commune)
        joint.difficulties.create(text="Thiếu cán bộ", category=factories.CategoryFactory())
        ReportedFigure.objects.create(session=alone, metric=metric, unit=None, value=120,
                                      month=datetime.date(2025, 7, 1))
    return inspection_round


def test_the_report_has_an_overall_section_proposals_apart_merged_items_and_a_closing_part(
        client, office_user, province, department_a, department_b):
    inspection_round = _report_round(province, department_a, department_b)
    client.force_login(office_user)
    url = reverse("recommendations:round_report", args=[inspection_round.pk])
    layout = assert_official_layout(download(client, url, "party", date="07/12/2026"),
                                    "party")
    body = layout.body
    text = "\n".join(body)
    # Signed on behalf of the Standing Committee: a report of the Committee itself.
    assert layout.signer == ["T/M BAN THƯỜNG VỤ", "PHÓ BÍ THƯ"]
    # The overall section first, then the group, then the closing part.
    headings = [line for line in body if re.match(r"^[IVX]+- ", line)]
    assert headings == ["I- KẾT QUẢ CHUNG", "II- TỔ CÔNG TÁC SỐ 1", "III- KIẾN NGHỊ, ĐỀ XUẤT"]
    assert "1 tổ công tác đã tổ chức 2 buổi làm việc với 3 đơn vị cấp xã" in text
    assert "1 khó khăn, vướng mắc và 3 kiến nghị, đề xuất (sau khi hợp nhất các kiến nghị " \
        "trùng nhau còn 2)" in text
    assert "giao 1 nhiệm vụ" in text
    # The columns with none are left out of the sentence, not written "0".
    assert "Trong tổng số 2 kiến nghị, đề xuất: quá hạn 1; đã đề xuất cấp trên 1." in text
    assert "1 nhiệm vụ đã quá hạn mà chưa hoàn thành" in text
    assert body[body.index("4. Đánh giá chung") + 1].startswith("……")
    tables = _body_tables(layout)
    by_body, by_unit, proposals, first, second = tables
    assert by_body[0][:5] == ["Cơ quan chủ trì", "Tổng số", "Đã giải quyết",
                              "Đang xử lý, trong hạn", "Quá hạn"]
    assert ["Sở Nội vụ", "1", "0", "0", "1", "0", "0"] in by_body
    assert by_body[-1] == ["Tổng cộng", "2", "0", "0", "1", "1", "0"]
    # The commune whose recommendation was merged counts it too.
    assert ["Hữu Lũng 0", "1", "0", "0", "1", "0", "0"] in by_unit
    # Proposed upward: in their own table, with the body proposed to; never as a lead.
    assert proposals == [["STT", "Kiến nghị, đề xuất", "Đơn vị nêu", "Đề xuất cơ quan"],
                         ["1", "Sửa quy định 0", "Các phường Đông Kinh 0-0 và Đông Kinh 0-1",
                          "Bộ Nội vụ"]]
    assert first[0] == ["STT", "Kiến nghị, đề xuất", "Đơn vị nêu",
                        "Cơ quan chủ trì (phối hợp)", "Tình hình xử lý"]
    merged = ["1", "Bổ sung biên chế 0",
              "Phường Đông Kinh 0-0, phường Đông Kinh 0-1 và xã Hữu Lũng 0",
              "Sở Nội vụ (phối hợp: Sở Khoa học và Công nghệ)",
              "Đang xử lý, quá hạn (hạn 02/12/2026)"]
    assert first[1] == merged
    # "quá hạn" and "hạn 02/12/2026" never split when the cell wraps.
    assert layout.document.tables[4].rows[1].cells[4].text == \
        "Đang xử lý, quá\u00a0hạn (hạn\u00a002/12/2026)"
    assert first[2] == ["2", "Sửa quy định 0", "Các đơn vị", "—", "Đã đề xuất Bộ Nội vụ"]
    # The one-unit session whose only recommendation was merged keeps its section.
    assert second == [first[0], merged]
    # A one-unit session's figures name the unit.
    assert "- Hồ sơ tiếp nhận tháng 7/2025 (Hữu Lũng 0): 120." in body
    assert "số liệu chung của các đơn vị" not in text
    assert "- Rà soát 0 (hạn 30/11/2026, quá hạn; chưa hoàn thành)." in body
    assert "Không có kiến nghị, đề xuất phải" not in text
    closing = body[body.index("III- KIẾN NGHỊ, ĐỀ XUẤT"):]
    assert any("1 kiến nghị, đề xuất đã quá hạn" in line for line in closing)
    # The proposals are cited where part I lists them, in its point 5.
    assert body.index("5. Các kiến nghị, đề xuất vượt thẩm quyền của tỉnh") < body.index(
        "II- TỔ CÔNG TÁC SỐ 1")
    assert any("Đề nghị Bộ Nội vụ quan tâm xem xét" in line and "(điểm 5 mục I)" in line
               for line in closing)
    assert closing[-1].startswith("Trên đây là báo cáo kết quả")
    # The state layout (the UBND's report) proposes to the Standing Committee.
    state = assert_official_layout(download(client, url, "state", date="07/12/2026"), "state")
    assert any(line.startswith("2. Đề nghị Ban Thường vụ Tỉnh ủy báo cáo, kiến nghị Bộ Nội vụ")
               for line in state.body)


def test_the_report_reads_a_fixed_number_of_queries_whatever_the_round_holds(
        client, office_user, province, department_a, department_b, count_queries):
    small = _report_round(province, department_a, department_b)
    large = _report_round(province, department_a, department_b, sessions=6, items=5)
    client.force_login(office_user)

    def params(inspection_round):
        url = reverse("recommendations:round_report", args=[inspection_round.pk])
        form = client.get(url).context["form"]
        values = {name: form.initial.get(name, "") for name in form.fields}
        values.update(format="docx", date="07/12/2026")
        return url, values

    few = count_queries(lambda: client.get(*params(small)))
    many = count_queries(lambda: client.get(*params(large)))
    assert many == few
    url, values = params(large)
    layout = assert_official_layout(client.get(url, values).content, "party")
    assert sum(1 for line in layout.body if line.startswith("II- ")) == 1
    assert len(_body_tables(layout)) == 3 + 12


def test_the_report_words_what_there_is_none_of_and_counts_late_directives_as_followed(
        client, office_user, province):
    """No "0 …" or "0/0" in the text; a directive is late as the follow-up page counts it:
    an addressee has not done it by its due date (none named, or all done: not late)."""
    inspection_round = factories.RoundFactory(province=province, convened_by="")
    group = factories.GroupFactory(round=inspection_round, number=1)
    session = factories.SessionFactory(group=group, date=datetime.date(2025, 8, 4),
                                       units=[factories.UnitFactory(province=province)])
    past = datetime.date(2026, 11, 30)
    session.directives.create(text="Không ai được giao", due_date=past)
    done = session.directives.create(text="Đã xong", due_date=past)
    DirectiveFollowUp.objects.create(directive=done, unit=session.units.get(),
                                     status=DirectiveFollowUp.Status.DONE,
                                     completed_on=datetime.date(2026, 12, 5))
    client.force_login(office_user)
    url = reverse("recommendations:round_report", args=[inspection_round.pk])
    text = "\n".join(assert_official_layout(
        download(client, url, "party", date="07/12/2026"), "party").body)
    assert "Các tổ công tác đã giao 2 nhiệm vụ; các cơ quan, đơn vị được giao đã báo cáo " \
        "hoàn thành tất cả." in text
    assert "quá hạn" not in text.lower()
    assert "Các đơn vị không nêu khó khăn, vướng mắc, kiến nghị, đề xuất" in text
    assert "Các đơn vị không nêu kiến nghị, đề xuất." in text
    assert "Không có kiến nghị, đề xuất vượt thẩm quyền của tỉnh." in text
    assert not re.search(r"(?<![\d/])0(/0)? [^\d]", text), text

    session.directives.all().delete()
    text = "\n".join(assert_official_layout(
        download(client, url, "party", date="07/12/2026"), "party").body)
    assert "Các tổ công tác không giao nhiệm vụ cụ thể." in text
    assert "giao 0" not in text and "0/0" not in text


def test_a_late_directive_is_late_by_the_follow_up_pages_rule(province):
    from recommendations.filters import _directive_completion
    today = datetime.date.today()
    session = factories.SessionFactory(group__round__province=province)
    unit = session.units.first() or factories.UnitFactory(province=province)
    for due, status in ((today - datetime.timedelta(days=1), "pending"),
                        (today - datetime.timedelta(days=1), "done"),
                        (today, "pending"), (None, "pending")):
        directive = session.directives.create(text="x", due_date=due)
        DirectiveFollowUp.objects.create(directive=directive, unit=unit, status=status)
    session.directives.create(text="no one", due_date=today - datetime.timedelta(days=9))
    follow_ups = DirectiveFollowUp.objects.select_related("directive")
    overdue = set(_directive_completion(follow_ups, None, "overdue"))
    assert overdue == {f for f in follow_ups if f.is_late(today)} and len(overdue) == 1
    late = [d for d in session.directives.prefetch_related("follow_ups") if d.is_late(today)]
    assert [d.follow_ups.get() for d in late] == list(overdue)


def test_the_report_xlsx_lists_what_the_docx_lists(
        client, office_user, province, department_a, department_b, count_queries):
    from openpyxl import load_workbook
    small = _report_round(province, department_a, department_b)
    client.force_login(office_user)
    url = reverse("recommendations:round_report", args=[small.pk])
    workbook = load_workbook(io.BytesIO(client.get(url, {"format": "xlsx"}).content))
    assert workbook.sheetnames == ["Kiến nghị", "Khó khăn", "Kết luận", "Số liệu"]
    sheet = workbook["Kiến nghị"]
    assert sheet.freeze_panes == "A4"
    header = [cell.value for cell in sheet[3]]
    assert all(cell.font.b for cell in sheet[3])
    assert header == ["Tổ công tác", "Ngày làm việc", "Kiến nghị, đề xuất", "Lĩnh vực",
                      "Đơn vị nêu", "Cơ quan chủ trì", "Cơ quan phối hợp", "Đề xuất cấp trên",
                      "Trạng thái", "Hạn xử lý", "Quá hạn"]
    rows = [[cell.value for cell in row] for row in sheet.iter_rows(min_row=4)]
    assert sheet.auto_filter.ref == f"A3:K{3 + len(rows)}"
    merged_units = "Phường Đông Kinh 0-0, phường Đông Kinh 0-1 và xã Hữu Lũng 0"
    merged = [row for row in rows if row[2] == "Bổ sung biên chế 0"]
    # Under the joint session and the one-unit session whose item was merged into it.
    assert [row[1] for row in merged] == [datetime.datetime(2025, 8, 4),
                                          datetime.datetime(2025, 9, 18)]
    # Overdue on the day of the export (the round's items fall due in December 2026).
    today = datetime.date.today()
    assert all(row[4] == merged_units and row[5] == "Sở Nội vụ"
               and row[10] == ("Quá hạn" if today > datetime.date(2026, 12, 2) else None)
               and row[9] == datetime.datetime(2026, 12, 2) for row in merged)
    assert sheet.cell(4, 2).number_format == "dd/mm/yyyy"
    (upward,) = [row for row in rows if row[2] == "Sửa quy định 0"]
    assert upward[5] is None and upward[7] == "Bộ Nội vụ" and upward[9] is None
    directives = [[c.value for c in row] for row in workbook["Kết luận"].iter_rows(min_row=4)]
    assert directives[0][2:] == ["Rà soát 0", datetime.datetime(2026, 11, 30), 1, 0,
                                 "Quá hạn" if today > datetime.date(2026, 11, 30) else None]
    figures = workbook["Số liệu"]
    assert figures.cell(4, 4).number_format == "mm/yyyy"
    assert figures.cell(4, 5).value == "Hữu Lũng 0"

    large = _report_round(province, department_a, department_b, sessions=6, items=5)
    few = count_queries(lambda: client.get(url, {"format": "xlsx"}))
    many = count_queries(lambda: client.get(
        reverse("recommendations:round_report", args=[large.pk]), {"format": "xlsx"}))
    assert many == few
