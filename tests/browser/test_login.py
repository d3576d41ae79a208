from io import StringIO

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from recommendations.demo import DEMO_PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_office_staff_logs_in_and_sees_the_demo_round(live_server, page):
    call_command("load_demo", stdout=StringIO())
    page.goto(live_server.url)
    assert "/accounts/login/" in page.url
    page.get_by_label("Tên đăng nhập").fill("vanphong")
    page.get_by_label("Mật khẩu").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    page.wait_for_url(f"{live_server.url}/")
    assert page.get_by_role("heading", name="Các đợt kiểm tra").is_visible()
    assert page.get_by_text("Tổ công tác số 9").is_visible()
    # The round's 7 sessions, and the coming session of the demo's second round.
    assert page.locator("ul.sessions li").count() == 8
    page.get_by_role("button", name="English").click()
    expect(page.get_by_role("heading", name="Inspection rounds")).to_be_visible()
