"""The office makes a webhook subscription in the browser, copies its secret (shown once), and
finds in the subscription's log the delivery of an item it routed, received and signed; and it
manages one from the menu to its deletion: a failed delivery sent again, a pause whose event
waits for the resumption, a new secret that signs what follows, an edit, a deletion."""

import contextlib

import pytest
from playwright.sync_api import expect

from communes import roles
from recommendations import services
from tests import factories
from tests.browser.signing import sign_in
from tests.webhooks import receiver as receivers

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@contextlib.contextmanager
def receiving(answers=()):
    """A receiver on loopback for the test's deliveries, stopped after it."""
    receiver = receivers.Receiver(answers=list(answers))
    server = receivers.start(receiver)
    try:
        yield receiver
    finally:
        server.shutdown()
        server.server_close()


def lang_son_office():
    """Lạng Sơn's office, its Sở Nội vụ and a session of a round of the province."""
    province = factories.ProvinceFactory(code="20", name="Lạng Sơn")
    department = factories.DepartmentFactory(province=province, name="Sở Nội vụ")
    office = factories.profile(factories.UserFactory(username="office", role=roles.OFFICE_STAFF),
                               province=province)
    return office, department, factories.SessionFactory(group__round__province=province)


def test_the_office_subscribes_and_sees_a_delivery_in_the_log(live_server, page):
    with receiving() as receiver:
        office, department, session = lang_son_office()
        recommendation = factories.RecommendationFactory(session=session,
                                                         text="Bổ sung biên chế")

        sign_in(page, live_server, office.username)
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


def test_the_office_manages_a_subscription_from_the_menu_to_its_deletion(live_server, page):
    with receiving(answers=[500]) as receiver:  # the first try fails
        office, department, session = lang_son_office()
        first, second, third = (factories.RecommendationFactory(session=session)
                                for _n in range(3))

        def route(recommendation):
            services.recommendation_route(recommendation=recommendation, by=office,
                                          lead_department=department)

        sign_in(page, live_server, office.username)
        menu = page.get_by_role("navigation", name="Chức năng chính")
        menu.get_by_role("link", name="Webhook", exact=True).click()
        page.locator("#id_name").fill("LGSP")
        page.locator("#id_url").fill(receiver.url + "/lgsp")
        page.locator('input[name="events"][value="recommendation.routed"]').check()
        page.get_by_role("button", name="Tạo đăng ký").click()
        secret = page.locator("[data-new-secret]").input_value()
        page.get_by_role("link", name="LGSP").click()

        route(first)  # answered 500: waits for its next try
        page.reload()
        outcome = page.locator("[data-deliveries] tbody tr [data-outcome]")
        expect(outcome).to_have_attribute("data-outcome", "pending")
        page.get_by_role("button", name="Gửi lại").click()
        expect(outcome).to_have_attribute("data-outcome", "delivered")
        assert len(receiver.received) == 2 and receiver.received[1].signed_with(secret)

        page.get_by_role("button", name="Tạm dừng").click()
        expect(page.get_by_role("button", name="Tiếp tục")).to_be_visible()
        route(second)  # kept while paused
        assert len(receiver.received) == 2
        page.get_by_role("button", name="Tiếp tục").click()
        expect(page.get_by_role("button", name="Tạm dừng")).to_be_visible()
        assert receiver.events().count("recommendation.routed") == 3

        page.get_by_role("button", name="Tạo khóa bí mật mới").click()
        new_secret = page.locator("[data-new-secret]").input_value()
        assert new_secret != secret
        route(third)
        assert receiver.received[-1].signed_with(new_secret)
        assert not receiver.received[-1].signed_with(secret)

        page.go_back()
        page.reload()
        page.locator("#id_name").fill("LGSP tỉnh")
        page.get_by_role("button", name="Lưu", exact=True).click()
        expect(page.locator("h1")).to_have_text("LGSP tỉnh")

        page.get_by_role("button", name="Xóa đăng ký").click()
        page.get_by_role("button", name="Xóa", exact=True).click()
        expect(page.get_by_role("link", name="LGSP tỉnh")).to_have_count(0)
        expect(page.get_by_text("Chưa có đăng ký nhận sự kiện nào.")).to_be_visible()
