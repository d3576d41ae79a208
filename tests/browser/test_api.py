"""A department's head makes an API token in the browser, another program reads the API with
it, and the head revokes it; the API's documentation renders under the portal's CSP."""

import json
import urllib.error
import urllib.request

import pytest

from communes import roles
from recommendations import services
from tests import factories

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "matkhau-thu-2025"


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

    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Tên đăng nhập").fill(head.username)
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    page.get_by_role("link", name="Mã truy cập API").click()
    page.get_by_label("Tên").fill("Kho dữ liệu của tỉnh")
    page.get_by_role("button", name="Tạo mã").click()
    assert page.get_by_text("Hãy sao chép ngay: mã chỉ hiển thị một lần này.").is_visible()
    token = page.locator("[data-new-token]").input_value()

    status, body = _api(f"{live_server.url}/api/v1/recommendations/", token)
    assert status == 200
    assert [row["text"] for row in body["results"]] == ["Bổ sung biên chế"]

    page.goto(f"{live_server.url}/api-tokens/")
    row = page.locator("tr", has_text="Kho dữ liệu của tỉnh")
    assert "chưa dùng" not in row.inner_text()  # its last use is shown
    assert token not in page.content()  # never shown again
    row.get_by_role("button", name="Thu hồi").click()
    assert page.get_by_text("Đã thu hồi mã “Kho dữ liệu của tỉnh”").is_visible()
    status, body = _api(f"{live_server.url}/api/v1/recommendations/", token)
    assert status == 401 and body["title"] == "Chưa xác thực"


def test_the_documentation_renders_without_breaking_the_csp(live_server, page):
    blocked = []
    page.on("console", lambda message: blocked.append(message.text)
            if "Content Security Policy" in message.text else None)
    page.goto(f"{live_server.url}/api/v1/docs/")
    page.locator(".opblock").first.wait_for()
    assert page.locator(".opblock").count() > 20
    assert page.get_by_text("Open311").first.is_visible()
    assert blocked == []
