"""Office staff draft a session's conclusion notice from the session's page, in the state
layout, and download it."""

from io import StringIO

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from inspections.models import Session
from recommendations.demo import DEMO_PASSWORD, SECOND_ROUND_TITLE
from tests.layout import assert_official_layout

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_office_downloads_a_sessions_conclusion_notice_in_the_state_layout(live_server, page):
    call_command("load_demo", stdout=StringIO())
    session = Session.objects.exclude(group__round__title=SECOND_ROUND_TITLE).get(group__number=1)
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Tên đăng nhập").fill("vanphong")
    page.get_by_label("Mật khẩu").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    page.wait_for_url(f"{live_server.url}/")
    page.goto(f"{live_server.url}{session.get_absolute_url()}")
    page.get_by_role("link", name="Soạn Thông báo kết luận").click()
    expect(page.get_by_role("heading", name="Thông báo kết luận")).to_be_visible()
    expect(page.get_by_label("Ký hiệu cơ quan ban hành")).to_have_value("TU")

    # Switching the layout starts the form from the state body's defaults.
    page.get_by_role("link", name="Văn bản hành chính nhà nước (Nghị định 30/2020/NĐ-CP)").click()
    expect(page.get_by_label("Ký hiệu cơ quan ban hành")).to_have_value("UBND")
    expect(page.get_by_label("Cơ quan ban hành:", exact=True)).to_have_value(
        "Ủy ban nhân dân tỉnh Lạng Sơn")
    page.get_by_label("Số văn bản").fill("12a")
    page.get_by_role("button", name="Tải về dạng DOCX").click()
    expect(page.locator(".error-summary")).to_contain_text("chỉ ghi bằng chữ số")
    page.get_by_label("Số văn bản").fill("12")
    page.get_by_label("Ngày:", exact=True).fill("05/08/2025")
    with page.expect_download() as download_info:
        page.get_by_role("button", name="Tải về dạng DOCX").click()
    layout = assert_official_layout(download_info.value.path().read_bytes(), "state")
    assert layout.number == "Số: 12/TB-UBND"
    assert layout.date == "Lạng Sơn, ngày 05 tháng 8 năm 2025"
    assert "Hoàng Văn Nghiệm" in " ".join(layout.summary)
