"""Django admin in the browser: its pages, History pages included, render under the portal's
Content-Security-Policy (no inline style or script refused)."""

import pytest
from django.urls import reverse

from communes import roles
from recommendations import services
from tests import factories

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "matkhau-thu-2025"


def test_admin_pages_and_history_pages_break_no_csp(live_server, page):
    province = factories.ProvinceFactory(code="20", name="Lạng Sơn")
    lead = factories.DepartmentFactory(province=province, name="Sở Nội vụ")
    other = factories.DepartmentFactory(province=province, name="Sở Tài chính")
    office = factories.profile(factories.UserFactory(username="office", role=roles.OFFICE_STAFF),
                              province=province)
    recommendation = factories.RecommendationFactory(session__group__round__province=province)
    services.recommendation_route(recommendation=recommendation, by=office,
                                  lead_department=lead, cooperating_departments=[other])
    factories.UserFactory(username="root", is_staff=True, is_superuser=True)
    refused = []
    page.on("console", lambda message: refused.append(f"{page.url}: {message.text}")
            if "Content Security Policy" in message.text else None)

    page.goto(f"{live_server.url}{reverse('admin:login')}")
    page.get_by_label("Tên đăng nhập").fill("root")
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    page.wait_for_url(f"{live_server.url}{reverse('admin:index')}")
    info = "admin:recommendations_recommendation"
    version = recommendation.history.latest("history_date").pk
    for url in (reverse(f"{info}_changelist"), reverse(f"{info}_change", args=[recommendation.pk]),
                reverse(f"{info}_history", args=[recommendation.pk]),
                reverse(f"{info}_simple_history", args=[recommendation.pk, version]),
                reverse(f"{info}_delete", args=[recommendation.pk])):
        assert page.goto(f"{live_server.url}{url}").status == 200, url
        page.wait_for_load_state("networkidle")
    page.goto(f"{live_server.url}{reverse(f'{info}_history', args=[recommendation.pk])}")
    assert page.get_by_text("Chuyển xử lý").first.is_visible()
    assert refused == []
