"""The official documents as LibreOffice prints them (tests/rendering.py): the conclusion
notice in both layouts, the round report of the demo and of a 38-unit round whose tables run
over several pages. Checked on the PDF: no table row split across pages, no header word broken,
everything within the text area, page numbers from page 2."""

import datetime
import itertools

import pytest
from django.test import override_settings
from django.urls import reverse

from communes import pdf
from recommendations.models import Status
from tests import factories
from tests.recommendations.test_documents import demo, download  # noqa: F401 (fixture)
from tests.rendering import (
    assert_renders_cleanly,
    assert_tables_print_whole_rows,
    keep_picture,
    require_libreoffice,
)

pytestmark = pytest.mark.django_db


@pytest.mark.render
@pytest.mark.slow
def test_the_demos_notice_and_round_report_print_cleanly_in_both_layouts(
        client, demo):  # noqa: F811
    # One test for the four: the demo takes longer to load than a document to render.
    for name in ("notice", "report"):
        for kind in ("party", "state"):
            try:
                rendered = assert_renders_cleanly(download(client, demo[name], kind))
                if name == "report":
                    assert assert_tables_print_whole_rows(rendered) >= 2
            except AssertionError as error:
                raise AssertionError(f"{name}, {kind} layout: {error}") from error
            keep_picture(rendered, f"{name}-{kind}")


# Long enough to take three or four lines in the table's widest column.
TEXTS = [
    "Đầu tư phát triển một số tuyến giao thông kết nối trung tâm xã với các thôn vùng sâu",
    "Bổ sung biên chế công chức cho phòng Kinh tế và phòng Văn hóa – Xã hội của xã",
    "Hướng dẫn thống nhất việc quản lý, sử dụng trụ sở dôi dư sau sắp xếp đơn vị hành chính",
    "Sớm ban hành quy định phân cấp quản lý đất đai, tài nguyên khoáng sản cho cấp xã",
    "Hỗ trợ kinh phí nâng cấp hệ thống phần mềm một cửa điện tử",
]
STATUSES = [Status.NEW, Status.ROUTED, Status.IN_PROGRESS, Status.RESOLVED,
            Status.PROPOSED_CENTRAL, Status.ANSWERED_ON_THE_SPOT]


@pytest.fixture
def large_round(client, province, office_user):
    """38 units over 8 working groups, each session with 10 recommendations: the report's
    tables run over pages."""
    inspection_round = factories.RoundFactory(province=province)
    units = [factories.UnitFactory(province=province, name=f"Xã Thử Nghiệm {n}")
             for n in range(38)]
    departments = [factories.DepartmentFactory(province=province,
                                               name=f"Sở Nông nghiệp và Môi trường {n}")
                   for n in range(4)]
    texts, statuses = itertools.cycle(TEXTS), itertools.cycle(STATUSES)
    for number, chunk in enumerate((units[i:i + 5] for i in range(0, 38, 5)), start=1):
        session = factories.SessionFactory(
            group=factories.GroupFactory(round=inspection_round, number=number),
            date=datetime.date(2025, 8, number), units=chunk)
        for index in range(10):
            status = next(statuses)
            recommendation = factories.RecommendationFactory(
                session=session, text=next(texts), status=status,
                central_body="Bộ Nội vụ" if status == Status.PROPOSED_CENTRAL else "",
                lead_department=departments[index % 4],
                due_date=datetime.date(2026, 12, 1 + index) if index % 3 else None)
            recommendation.units.set([chunk[index % len(chunk)]])
    client.force_login(office_user)
    return reverse("recommendations:round_report", args=[inspection_round.pk])


@pytest.mark.render
@pytest.mark.slow
@pytest.mark.parametrize("kind", ["party", "state"])
def test_a_38_unit_round_report_prints_whole_rows_on_every_page(client, large_round, kind):
    rendered = assert_renders_cleanly(download(client, large_round, kind))
    assert assert_tables_print_whole_rows(rendered) >= 5


@pytest.fixture
def notice_url(client, province, office_user):
    session = factories.SessionFactory(group__round__province=province,
                                       units=[factories.UnitFactory(province=province)])
    factories.RecommendationFactory(session=session, text="Bổ sung biên chế")
    client.force_login(office_user)
    return reverse("recommendations:session_notice", args=[session.pk])


@pytest.mark.render
def test_the_pdf_is_served_beside_the_docx(client, notice_url):
    page = client.get(notice_url).content.decode()
    assert 'name="format" value="docx"' in page
    response = client.get(notice_url, _filled(client, notice_url, format="pdf"))
    if response.status_code == 503:
        require_libreoffice()
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].endswith('.pdf"')
    assert response.content.startswith(b"%PDF")


@override_settings(LIBREOFFICE_PATH="/nonexistent/soffice")
def test_without_libreoffice_the_form_says_so_and_keeps_what_was_typed(client, notice_url):
    page = client.get(notice_url).content.decode()
    assert 'value="pdf"' not in page and "LibreOffice" in page
    response = client.get(notice_url, _filled(client, notice_url, format="pdf",
                                              summary="kết luận riêng"))
    assert response.status_code == 503
    assert "LibreOffice" in response.content.decode()
    assert response.context["form"]["summary"].value() == "kết luận riêng"
    # The DOCX still comes.
    assert client.get(notice_url, _filled(client, notice_url)).status_code == 200


def test_a_failed_conversion_answers_503_not_500(client, notice_url, monkeypatch):
    def fail(_data):
        raise pdf.PdfFailed("LibreOffice took longer than 45 s")

    monkeypatch.setattr(pdf, "docx_to_pdf", fail)
    monkeypatch.setattr(pdf, "available", lambda: True)
    response = client.get(notice_url, _filled(client, notice_url, format="pdf"))
    assert response.status_code == 503
    assert response.context["pdf_error"]


def _filled(client, url, **changes):
    form = client.get(url).context["form"]
    params = {name: form.initial.get(name, "") for name in form.fields}
    params.update(format="docx", date="05/08/2025")
    params.update(changes)
    return params


def test_another_provinces_office_gets_no_pdf(client, notice_url, other_office_user):
    params = _filled(client, notice_url, format="pdf")
    client.force_login(other_office_user)
    assert client.get(notice_url, params).status_code == 404
