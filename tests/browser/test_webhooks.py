"""The office makes a webhook subscription in the browser, copies its secret (shown once), and
finds in the subscription's log the delivery of an item it routed, received and signed."""

import pytest
from playwright.sync_api import expect

from communes import roles
from recommendations import services
from tests import factories
from tests.webhooks import receiver as receivers

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "matkhau-thu-2025"


def test_the_office_subscribes_and_sees_a_delivery_in_the_log(live_server, page):
    receiver = receivers.Receiver()
    server = receivers.start(receiver)
    try:
        province = factories.ProvinceFactory(code="20", name="Lạng Sơn")
        department = factories.DepartmentFactory(province=province, name="Sở Nội vụ")
        office = factories.profile(factories.UserFactory(username="office",
                                                         role=roles.OFFICE_STAFF),
                                   province=province)
        session = factories.SessionFactory(group__round__province=province)
        recommendation = factories.RecommendationFactory(session=session,
                                                         text="Bổ sung biên chế")

        page.goto(f"{live_server.url}/accounts/login/")
        page.get_by_label("Tên đăng nhập").fill(office.username)
        page.get_by_label("Mật khẩu").fill(PASSWORD)
        page.get_by_role("button", name="Đăng nhập").click()
        expect(page.locator("h1")).to_be_visible()
        page.goto(f"{live_server.url}/webhooks/")
        page.locator("#id_name").fill("Nền tảng LGSP của tỉnh")
        page.locator("#id_url").fill(receiver.url + "/lgsp")
        page.locator('input[name="events"][value="recommendation.routed"]').check()
        page.locator("form.narrow button[type=submit]").click()
        secret_box = page.locator("[data-new-secret]")
        expect(secret_box).to_be_visible()
        secret = secret_box.input_value()
        assert secret.startswith("whsec_")

        page.goto(f"{live_server.url}/webhooks/")
        expect(page.get_by_role("link", name="Nền tảng LGSP của tỉnh")).to_be_visible()
        assert page.locator("[data-new-secret]").count() == 0
        assert secret not in page.content()

        # The office routes the item (its transaction commits: the delivery is queued, and
        # the tests' queue sends it at once).
        services.recommendation_route(recommendation=recommendation, by=office,
                                      lead_department=department)
        [received] = receiver.received
        assert received.signed_with(secret)
        assert received.json["data"]["text"] == "Bổ sung biên chế"

        page.get_by_role("link", name="Nền tảng LGSP của tỉnh").click()
        row = page.locator("[data-deliveries] tbody tr")
        expect(row).to_have_count(1)
        expect(row.locator("[data-outcome]")).to_have_attribute("data-outcome", "delivered")
        expect(row).to_contain_text("recommendation.routed")
        expect(row).to_contain_text("200")
    finally:
        server.shutdown()
        server.server_close()
