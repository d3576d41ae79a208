"""The official documents: a session's conclusion notice and the round's synthesis report, in
both layouts, read back and checked against their regulations (tests/layout.py)."""

import datetime
import io
import re
import shutil
import subprocess
import tempfile
from pathlib import Path
from xml.etree import ElementTree

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.urls import reverse

from communes.models import IssuingBody
from inspections.models import DirectiveFollowUp, Session
from recommendations.demo import SECOND_ROUND_TITLE
from recommendations.documents import short_date
from recommendations.models import Status
from tests import factories
from tests.layout import assert_official_layout

pytestmark = pytest.mark.django_db


def download(client, url, kind, **changes):
    """The DOCX of `url` in layout `kind`, from the form's own defaults plus `changes`."""
    page = client.get(url, {"issuer_kind": kind})
    assert page.status_code == 200
    form = page.context["form"]
    params = {name: form.initial.get(name, "") for name in form.fields}
    params.update(format="docx", date="05/08/2025", **changes)
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
            # Decree 30: "ỦY BAN NHÂN DÂN TỈNH LẠNG SƠN" on one line, "Số: …/TB-UBND",
            # the notice "TL. CHỦ TỊCH / CHÁNH VĂN PHÒNG", the report "TM. ỦY BAN NHÂN DÂN /
            # KT. CHỦ TỊCH / PHÓ CHỦ TỊCH", "- Lưu: VT, TH.".
            assert "ỦY BAN NHÂN DÂN TỈNH LẠNG SƠN" in lines
            assert layout.number == f"Số: \u00a0\u00a0\u00a0\u00a0\u00a0\u00a0/{code}-UBND"
            assert layout.signer == (
                ["TL. CHỦ TỊCH", "CHÁNH VĂN PHÒNG"] if name == "notice"
                else ["TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH"])
            assert layout.recipients[0] == "- Ban Thường vụ Tỉnh ủy (để báo cáo);"
            assert layout.recipients[-1] == "- Lưu: VT, TH."
            assert layout.summary[0].startswith("Kết ")


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


def _pdf_lines(pdf):
    """The words of each printed line of the PDF's first page, left to right: words that
    poppler reads at the same height (whatever block it puts them in) share a line."""
    xml = subprocess.run(["pdftotext", "-bbox", "-f", "1", "-l", "1", str(pdf), "-"],
                         check=True, capture_output=True, text=True).stdout
    root = ElementTree.fromstring(re.sub(r"<!DOCTYPE[^>]*>", "", xml))
    lines = {}
    for word in root.iter():
        if word.tag.endswith("word"):
            lines.setdefault(round(float(word.get("yMax"))), []).append(
                (float(word.get("xMin")), word.text))
    return [[text for _x, text in sorted(words)] for _y, words in sorted(lines.items())]


def _on_one_line(text, lines):
    words = text.split()
    return any(line[i:i + len(words)] == words for line in lines
               for i in range(len(line) - len(words) + 1))


@pytest.mark.slow
@pytest.mark.skipif(not (shutil.which("libreoffice") and shutil.which("pdftotext")),
                    reason="needs LibreOffice and poppler-utils (CI installs neither)")
def test_rendered_by_libreoffice_each_header_line_keeps_to_one_line(documents):
    with tempfile.TemporaryDirectory() as folder:
        folder = Path(folder)
        for (name, kind), content in documents.items():
            (folder / f"{name}-{kind}.docx").write_bytes(content)
        subprocess.run(["libreoffice", "--headless", f"-env:UserInstallation=file://{folder}/lo",
                        "--convert-to", "pdf", "--outdir", str(folder),
                        *sorted(str(p) for p in folder.glob("*.docx"))],
                       check=True, capture_output=True, timeout=300)
        for (name, kind), content in documents.items():
            lines = _pdf_lines(folder / f"{name}-{kind}.pdf")
            layout = assert_official_layout(content, kind)
            for text, _width in layout.header_lines:
                assert _on_one_line(text.replace("\u00a0", " "), lines), (name, kind, text)


def test_the_form_starts_from_the_chosen_layouts_defaults_and_the_provinces_settings(
        client, office_user, province):
    session = factories.SessionFactory(group__round__province=province,
                                       units=[factories.UnitFactory(province=province)])
    IssuingBody.objects.create(province=province, kind=IssuingBody.Kind.STATE,
                               notice_signer_name="Nguyễn Văn Bình")
    client.force_login(office_user)
    url = reverse("recommendations:session_notice", args=[session.pk])
    party = client.get(url).context["form"].initial
    state = client.get(url, {"issuer_kind": "state"}).context["form"].initial
    assert (party["issuer_kind"], party["issuing_body"], party["symbol"]) == (
        "party", "Tỉnh ủy Lạng Sơn", "TU")
    assert (state["issuer_kind"], state["issuing_body"], state["symbol"]) == (
        "state", "Ủy ban nhân dân tỉnh Lạng Sơn", "UBND")
    # What the province set is used; what it left empty is derived.
    assert state["signer_name"] == "Nguyễn Văn Bình" and party["signer_name"] == ""
    assert state["signer"] == "TL. CHỦ TỊCH\nCHÁNH VĂN PHÒNG"
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
