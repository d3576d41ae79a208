"""A ward's whole loop in real Chromium: it sends its report and figures before the session, the
office records the session from them, a directive is given, the ward reports it done with a
file, the office accepts it; the ward's recommendation is routed, answered and the answer sent
to it; the ward is not satisfied and the office reopens the recommendation."""

import datetime
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from communes import roles
from communes.models import AdministrativeUnit, Department, Province
from communes.workdays import add_working_days
from inspections.models import (
    Category,
    DirectiveFollowUp,
    Metric,
    ReportedFigure,
    Session,
    UnitReport,
)
from recommendations.demo import reference_load_langson
from recommendations.models import AnswerReceipt, Recommendation, Status
from tests import factories

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "matkhau-thu-2025"


def logged_in(browser, live_server, username):
    page = browser.new_context(locale="vi-VN").new_page()
    page.set_default_timeout(15_000)
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Tên đăng nhập").fill(username)
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    page.wait_for_url(f"{live_server.url}/**")
    return page


def act(page, name, fill=None):
    """Open a step of the recommendation page, fill it in, take it."""
    panel = page.locator("details.action").filter(has=page.locator(f'[name="submit-{name}"]'))
    panel.locator("summary").click()
    for field, value in (fill or {}).items():
        panel.locator(f'[name="{name}-{field}"]').fill(value)
    panel.locator(f'[name="submit-{name}"]').click()


def test_a_ward_closes_the_loop(live_server, browser, tmp_path):
    reference_load_langson()
    province = Province.objects.get(code="20")
    ward = AdministrativeUnit.objects.get(province=province, name="Đông Kinh")
    office_user = factories.profile(factories.UserFactory(
        username="vanphong.vong", role=roles.OFFICE_STAFF), province=province)
    ward_user = factories.profile(factories.UserFactory(
        username="phuongdongkinh.test", role=roles.UNIT_STAFF), province=province, unit=ward)
    snv = Department.objects.get(province=province, short_code="SNV")
    factories.profile(factories.UserFactory(username="sonoivu.vong",
                                            role=roles.DEPARTMENT_HEAD),
                      province=province, department=snv)
    today = datetime.date.today()
    session = factories.SessionFactory(
        group__round__province=province, group__number=1,
        group__round__period_start=today, group__round__period_end=today + datetime.timedelta(
            days=60), date=add_working_days(today, 5), units=[ward])

    # The ward sends its report and figures before the session.
    unit_page = logged_in(browser, live_server, ward_user.username)
    unit_page.goto(f"{live_server.url}/unit/")
    unit_page.get_by_role("link", name=str(session)).click()
    unit_page.locator('[name="achievements"]').fill("Tiếp nhận 6.600 hồ sơ trong tháng")
    received = Metric.objects.get(code="received_total")
    unit_page.get_by_role("textbox", name="Hồ sơ tiếp nhận Giá trị").fill("6.600")
    unit_page.get_by_role("button", name="Gửi Văn phòng").click()
    expect(unit_page.get_by_text("Đã gửi báo cáo của đơn vị đến Văn phòng.")).to_be_visible()

    # The office records the session from it, gives a directive and notes a recommendation.
    office = logged_in(browser, live_server, office_user.username)
    office.goto(f"{live_server.url}/sessions/{session.pk}/record/")
    expect(office.locator('[name="report-0-achievements"]')).to_have_value(
        "Tiếp nhận 6.600 hồ sơ trong tháng")
    expect(office.locator(f'[name="figure-0-v{ward.pk}_{received.pk}"]')).to_have_value("6.600")
    office.get_by_role("button", name="Thêm nhiệm vụ").click()
    office.locator('[name="directive-0-text"]').fill("Bố trí đủ máy tính cho bộ phận một cửa")
    office.locator('[name="directive-0-units"]').first.check()
    office.get_by_role("button", name="Thêm kiến nghị").click()
    office.locator('[name="recommendation-0-category"]').select_option(
        label=Category.objects.get(code="staffing").name)
    office.locator('[name="recommendation-0-text"]').fill("Bổ sung biên chế công chức")
    office.locator('[name="recommendation-0-raised_jointly"]').check()
    office.get_by_role("button", name="Lưu và hoàn tất").click()
    expect(office.get_by_text("Đã lưu và hoàn tất buổi làm việc.")).to_be_visible()
    assert Session.objects.get(pk=session.pk).status == Session.Status.FINAL
    assert UnitReport.objects.get(unit=ward).achievements == "Tiếp nhận 6.600 hồ sơ trong tháng"
    assert ReportedFigure.objects.get(unit=ward).value == Decimal("6600")

    # The ward reports the task done, with a file; the office accepts it.
    evidence = tmp_path / "Biên bản bàn giao máy tính.pdf"
    evidence.write_bytes(b"%PDF-1.4 bien ban")
    unit_page.goto(f"{live_server.url}/unit/")
    unit_page.get_by_role("link", name="Bố trí đủ máy tính cho bộ phận một cửa").click()
    unit_page.locator('[name="text"]').fill("Đã bố trí 5 máy tính")
    unit_page.locator('[name="done_on"]').fill(f"{today:%d/%m/%Y}")
    unit_page.locator('[name="files"]').set_input_files(str(evidence))
    unit_page.get_by_role("button", name="Gửi báo cáo").click()
    expect(unit_page.get_by_text("Đã gửi báo cáo đến Văn phòng.")).to_be_visible()
    office.goto(f"{live_server.url}/follow-up/?show=unit_reports")
    row = office.locator("tr", has_text="Đã bố trí 5 máy tính")
    expect(row.get_by_role("link", name="Biên bản bàn giao máy tính.pdf")).to_be_visible()
    row.get_by_label("Công nhận hoàn thành").check()
    row.get_by_role("button", name="Lưu").click()
    expect(office.get_by_text("Đã lưu")).to_be_visible()
    follow_up = DirectiveFollowUp.objects.get(unit=ward)
    assert (follow_up.status, follow_up.completed_on) == ("done", today)

    # The recommendation is routed, resolved, and the answer sent to the ward.
    recommendation = Recommendation.objects.get(text="Bổ sung biên chế công chức")
    office.goto(f"{live_server.url}/rounds/{session.group.round_id}/routing/")
    office.locator('input[name$="-selected"]').first.check()
    office.get_by_role("button", name="Chuyển xử lý các kiến nghị đã chọn").click()
    expect(office.get_by_text("Đã xử lý 1 kiến nghị.")).to_be_visible()
    head = logged_in(browser, live_server, "sonoivu.vong")
    head.goto(f"{live_server.url}/recommendations/{recommendation.pk}/")
    act(head, "accept")
    act(head, "resolve", {"answer": "Sở Nội vụ đã tham mưu bổ sung 02 biên chế."})
    expect(head.get_by_text("Đã thực hiện")).to_be_visible()
    office.goto(f"{live_server.url}/recommendations/{recommendation.pk}/")
    act(office, "publish", {"text": "Tỉnh đã bổ sung 02 biên chế cho phường."})
    expect(office.get_by_text("Đã thực hiện")).to_be_visible()

    # The ward reads it and is not satisfied; the office reopens the recommendation.
    unit_page.goto(f"{live_server.url}/unit/")
    unit_page.get_by_role("link", name=f"#{recommendation.pk} Bổ sung biên chế công chức"
                          ).first.click()
    expect(unit_page.get_by_text("Tỉnh đã bổ sung 02 biên chế cho phường.")).to_be_visible()
    unit_page.get_by_label("Không – đơn vị chưa thống nhất").check()
    unit_page.get_by_label("Nếu chưa, nêu lý do").fill("Mới có 01 biên chế được giao")
    unit_page.get_by_role("button", name="Gửi ý kiến của đơn vị").click()
    expect(unit_page.get_by_text("Đã gửi ý kiến của đơn vị đến Văn phòng.")).to_be_visible()
    office.goto(f"{live_server.url}/follow-up/?show=reopening")
    expect(office.get_by_text("Mới có 01 biên chế được giao")).to_be_visible()
    office.goto(f"{live_server.url}/recommendations/{recommendation.pk}/")
    act(office, "reopen", {"reason": "Phường báo mới có 01 biên chế"})
    expect(office.get_by_text("Đã thực hiện")).to_be_visible()
    recommendation.refresh_from_db()
    assert recommendation.status == Status.REOPENED
    assert AnswerReceipt.objects.get(unit=ward).decision == AnswerReceipt.Decision.REOPENED
    unit_page.goto(f"{live_server.url}/unit/recommendations/{recommendation.pk}/")
    expect(unit_page.get_by_text("Ý kiến của Văn phòng: Đã mở lại")).to_be_visible()
