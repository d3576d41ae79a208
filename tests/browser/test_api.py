"""A department's head makes an API token in the browser, another program reads the API with
it, and the head revokes it; the API's documentation renders under the portal's CSP, in
Vietnamese, and passes axe."""

import json
import urllib.error
import urllib.request

import pytest
from playwright.sync_api import expect

from communes import roles
from recommendations import services
from tests import factories
from tests.browser.audit import axe_source, axe_violations
from tests.browser.signing import FACTORY_PASSWORD as PASSWORD
from tests.browser.signing import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _api(url, token):
    request = urllib.request.Request(url, headers={"Authorization": f"Bearer {token}"})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


def test_a_head_makes_uses_and_revokes_a_token(live_server, page):
    province = factories.ProvinceFactory(code="20", name="Lạng Sơn")
    department = factories.DepartmentFactory(province=province, name="Sở Nội vụ")
    office = factories.profile(factories.UserFactory(username="office",
                                                     role=roles.OFFICE_STAFF),
                               province=province)
    head = factories.profile(factories.UserFactory(username="head", role=roles.DEPARTMENT_HEAD),
                             province=province, department=department)
    session = factories.SessionFactory(group__round__province=province)
    recommendation = factories.RecommendationFactory(session=session, text="Bổ sung biên chế")
    services.recommendation_route(recommendation=recommendation, by=office,
                                  lead_department=department)

    sign_in(page, live_server, head.username)
    # The account's own items are in the menu under the user's name.
    page.locator(".account-menu > summary").click()
    page.get_by_role("link", name="Mã truy cập API").click()
    page.get_by_label("Tên").fill("Kho dữ liệu của tỉnh")
    page.get_by_role("button", name="Tạo mã").click()
    expect(page.get_by_text("Đề nghị sao chép ngay: mã chỉ hiển thị một lần này.")).to_be_visible()
    token = page.locator("[data-new-token]").input_value()

    status, body = _api(f"{live_server.url}/api/v1/recommendations/", token)
    assert status == 200
    assert [row["text"] for row in body["results"]] == ["Bổ sung biên chế"]

    page.goto(f"{live_server.url}/api-tokens/")
    row = page.locator("tr", has_text="Kho dữ liệu của tỉnh")
    assert "chưa dùng" not in row.inner_text()  # its last use is shown
    assert token not in page.content()  # never shown again
    row.get_by_role("button", name="Thu hồi").click()
    expect(page.get_by_text("Đã thu hồi mã “Kho dữ liệu của tỉnh”")).to_be_visible()
    status, body = _api(f"{live_server.url}/api/v1/recommendations/", token)
    assert status == 401 and body["title"] == "Chưa xác thực"


def test_the_documentation_is_a_page_in_vietnamese_that_passes_axe(live_server, browser):
    """Logged in, in the portal's layout, Swagger UI drawn under the CSP with its words in
    Vietnamese; axe finds nothing at 1366 and 375 px wide, with an operation opened and
    tried, and nothing is wider than a phone's screen."""
    province = factories.ProvinceFactory(code="20", name="Lạng Sơn")
    factories.profile(factories.UserFactory(username="office", role=roles.OFFICE_STAFF),
                      province=province)
    for width in (1366, 375):
        context = browser.new_context(locale="en-US", viewport={"width": width, "height": 900})
        context.add_init_script(script=axe_source())
        page = context.new_page()
        page.set_default_timeout(15_000)
        blocked = []
        page.on("console", lambda message, blocked=blocked: blocked.append(message.text)
                if "Content Security Policy" in message.text else None)
        page.goto(f"{live_server.url}/api/v1/docs/")
        assert "/accounts/login/" in page.url
        page.get_by_label("Tên đăng nhập").fill("office")
        page.get_by_label("Mật khẩu").fill(PASSWORD)
        page.get_by_role("button", name="Đăng nhập").click()
        page.locator(".opblock").first.wait_for()
        assert page.locator(".opblock").count() > 20
        assert page.get_by_role("heading", name="Tài liệu API").is_visible()
        assert page.get_by_role("button", name="Xác thực", exact=True).first.is_visible()
        assert axe_violations(page) == [], width
        page.locator(".opblock-summary-control").first.click()
        page.get_by_role("button", name="Thử gọi").click()
        page.get_by_role("button", name="Gửi yêu cầu").click()
        page.get_by_text("Kết quả máy chủ trả về").wait_for()
        assert axe_violations(page) == [], width
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        assert blocked == []
        context.close()
