"""Dates are typed and shown dd/mm/yyyy in every form, whatever the browser's language, with a
calendar served by the portal (no inline script or style, so the CSP lets it run)."""

import datetime

import pytest
from playwright.sync_api import expect

from communes import roles
from inspections.models import InspectionRound
from tests import factories
from tests.browser.audit import axe_source, axe_violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "matkhau-thu-2025"


@pytest.fixture
def office_page(live_server, browser):
    province = factories.ProvinceFactory(code="20", name="Lạng Sơn")
    user = factories.UserFactory(username="vanphong.ngay", role=roles.OFFICE_STAFF)
    factories.profile(user, province=province)
    # An English-speaking browser: the dates must not follow its month-first order.
    context = browser.new_context(locale="en-US")
    context.add_init_script(script=axe_source())
    page = context.new_page()
    refused = []
    page.on("console", lambda m: refused.append(m.text) if "Content Security" in m.text else None)
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Tên đăng nhập").fill(user.username)
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    page.wait_for_url(f"{live_server.url}/")
    yield page
    assert not refused
    context.close()


def test_a_date_typed_without_separators_is_read_day_first(live_server, office_page):
    page = office_page
    page.goto(f"{live_server.url}/rounds/new/")
    page.get_by_label("Tiêu đề").fill("Đợt kiểm tra tháng 8")
    start = page.get_by_label("Từ ngày")
    start.fill("05082025")
    start.press("Tab")
    expect(start).to_have_value("05/08/2025")

    # The calendar: opened by a click, on the month typed, a day picked from it.
    end = page.get_by_label("Đến ngày")
    end.fill("1/8/2025")
    end.click()
    picker = page.locator(".datepicker.active")
    expect(picker).to_be_visible()
    expect(picker.locator(".view-switch")).to_have_text("Tháng 8 2025")
    assert not axe_violations(page)
    picker.locator(".datepicker-cell.day:not(.prev):not(.next)", has_text="29").click()
    expect(end).to_have_value("29/08/2025")
    expect(picker).to_be_hidden()

    page.get_by_role("button", name="Lưu").click()
    expect(page.get_by_role("heading", name="Đợt kiểm tra tháng 8")).to_be_visible()
    created = InspectionRound.objects.get()
    assert (created.period_start, created.period_end) == (
        datetime.date(2025, 8, 5), datetime.date(2025, 8, 29))


def test_a_date_the_picker_cannot_read_is_kept_for_the_server_to_refuse(live_server,
                                                                        office_page):
    page = office_page
    page.goto(f"{live_server.url}/rounds/new/")
    page.get_by_label("Tiêu đề").fill("Đợt kiểm tra tháng 9")
    start = page.get_by_label("Từ ngày")
    start.fill("31/02/2025")
    start.press("Tab")
    expect(start).to_have_value("31/02/2025")
    page.get_by_label("Đến ngày").fill("30/09/2025")
    page.get_by_role("button", name="Lưu").click()
    expect(page.locator("#id_period_start_error")).to_contain_text("ngày hợp lệ")
    expect(page.get_by_label("Từ ngày")).to_have_value("31/02/2025")
    expect(page.get_by_label("Từ ngày")).to_have_attribute("aria-describedby",
                                                           "id_period_start_error")
    assert not InspectionRound.objects.exists()
