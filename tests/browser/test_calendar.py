"""A ward's staff make their calendar link in the browser, a calendar program (urllib, no
login) reads it, and once they revoke it the feed answers 404."""

import datetime
import urllib.error
import urllib.request

import icalendar
import pytest
from django.utils import timezone
from playwright.sync_api import expect

from communes import roles
from inspections.models import Directive
from tests import factories
from tests.browser.signing import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _read(url):
    try:
        with urllib.request.urlopen(url, timeout=30) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, b""


def test_a_ward_makes_reads_and_revokes_its_calendar(live_server, page, settings):
    settings.SITE_URL = live_server.url  # the link shown is SITE_URL's
    province = factories.ProvinceFactory(code="20", name="Lạng Sơn")
    unit = factories.UnitFactory(province=province, name="Đông Kinh", kind="ward")
    ward = factories.profile(factories.UserFactory(username="dongkinh", role=roles.UNIT_STAFF),
                             province=province, unit=unit)
    session = factories.SessionFactory(group__round__province=province, units=[unit],
                                       date=timezone.localdate() + datetime.timedelta(days=2))
    directive = Directive.objects.create(session=session, text="Rà soát biên chế",
                                         due_date=timezone.localdate())
    directive.follow_ups.create(unit=unit)

    sign_in(page, live_server, ward.username)
    page.locator(".account-menu > summary").click()
    page.get_by_role("link", name="Lịch công tác (iCalendar)").click()
    expect(page.get_by_text("Đồng chí chưa có đường dẫn lịch.")).to_be_visible()
    page.get_by_role("button", name="Tạo đường dẫn").click()
    expect(page.get_by_text("Đề nghị sao chép ngay: đường dẫn chỉ hiển thị một lần này.")
           ).to_be_visible()
    link = page.get_by_label("Đường dẫn lịch").input_value()
    assert link.startswith(f"{live_server.url}/calendar/lc_") and link.endswith(".ics")

    status, body = _read(link)
    assert status == 200
    summaries = sorted(str(event["SUMMARY"]) for event in
                       icalendar.Calendar.from_ical(body).walk("VEVENT"))
    assert summaries == ["Hạn thực hiện nhiệm vụ: Rà soát biên chế",
                         f"Tổ công tác số {session.group.number} làm việc với Phường Đông Kinh "
                         "(buổi sáng)"]

    page.goto(f"{live_server.url}/calendar/")
    assert link not in page.content()  # never shown again
    expect(page.get_by_text("chưa đọc lần nào")).to_have_count(0)  # its last read is shown
    page.get_by_role("button", name="Thu hồi đường dẫn").click()
    expect(page.get_by_text("Đã thu hồi đường dẫn lịch")).to_be_visible()
    assert _read(link)[0] == 404
