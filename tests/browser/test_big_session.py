"""A session of 500 recommendations saves and finalises through the recording page: past
Django's default 1,000 fields a page, and with its rows edited in the browser."""

import pytest
from playwright.sync_api import expect

from communes import roles
from inspections.models import Session
from recommendations.models import Recommendation
from tests import factories

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "matkhau-thu-2025"


def test_a_session_of_500_recommendations_saves_and_finalises(live_server, page, province):
    office = factories.profile(factories.UserFactory(username="vanphong.lon",
                                                     role=roles.OFFICE_STAFF), province=province)
    units = [factories.UnitFactory(province=province) for _ in range(4)]
    session = factories.SessionFactory(group__round__province=province, units=units)
    category = factories.CategoryFactory()
    Recommendation.objects.bulk_create(
        Recommendation(session=session, province=province, category=category,
                       text=f"Kiến nghị số {n} của buổi làm việc") for n in range(500))
    through = Recommendation.units.through
    through.objects.bulk_create(
        through(recommendation_id=pk, administrativeunit_id=unit.pk)
        for pk in Recommendation.objects.filter(session=session).values_list("pk", flat=True)
        for unit in units)

    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Tên đăng nhập").fill(office.username)
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    page.goto(f"{live_server.url}/sessions/{session.pk}/record/", timeout=60_000)
    last = page.locator('[name="recommendation-499-text"]')
    last.fill("Kiến nghị số 499, sửa trên trang")
    page.get_by_role("button", name="Lưu và hoàn tất").click()
    page.wait_for_url(f"{live_server.url}/sessions/{session.pk}/?saved=1", timeout=60_000)
    expect(page.get_by_text("Đã lưu và hoàn tất buổi làm việc.")).to_be_visible()
    assert Session.objects.get(pk=session.pk).status == Session.Status.FINAL
    assert Recommendation.objects.filter(session=session).count() == 500
    assert Recommendation.objects.filter(text="Kiến nghị số 499, sửa trên trang").exists()
