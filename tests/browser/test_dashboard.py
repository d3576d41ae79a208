"""A leader reads the dashboard, follows a number to its list and downloads the report."""

import io
from io import StringIO

import pytest
from django.core.management import call_command
from docx import Document
from playwright.sync_api import expect

from recommendations.demo import DEMO_PASSWORD
from recommendations.models import Recommendation

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_leader_follows_an_overdue_count_and_downloads_the_synthesis_report(live_server, page):
    call_command("load_demo", stdout=StringIO())
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Tên đăng nhập").fill("lanhdao")
    page.get_by_label("Mật khẩu").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    page.get_by_role("navigation", name="Chức năng chính").get_by_role(
        "link", name="Tổng hợp", exact=True).click()
    expect(page.get_by_role("heading", name="Tổng hợp")).to_be_visible()
    expect(page.locator(".cards")).to_contain_text("22")

    row = page.locator("table.scorecard tbody tr").filter(
        has=page.locator("a.overdue-link:not(:text-is('0'))")).first
    department = row.locator("th").inner_text()
    overdue = int(row.locator("a.overdue-link").inner_text())
    row.locator("a.overdue-link").click()
    expect(page.get_by_role("heading", name="Kiến nghị, đề xuất", exact=True)).to_be_visible()
    assert "deadline=overdue" in page.url
    rows = page.locator("table.list tbody tr")
    expect(rows).to_have_count(overdue)
    for index in range(overdue):
        expect(rows.nth(index)).to_contain_text(department)

    round_id = Recommendation.objects.first().session.group.round_id
    page.goto(f"{live_server.url}/rounds/{round_id}/report/")
    with page.expect_download() as download_info:
        page.get_by_role("button", name="Tải về dạng DOCX").click()
    document = Document(io.BytesIO(download_info.value.path().read_bytes()))
    cells = [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    assert "ĐẢNG CỘNG SẢN VIỆT NAM" in " ".join(cells)
    assert sum(r.text in cells for r in Recommendation.objects.all()) == 22


def test_dashboard_list_and_unit_profile_fit_a_phone_and_print_cleanly(live_server, browser):
    call_command("load_demo", stdout=StringIO())
    context = browser.new_context(locale="vi-VN", viewport={"width": 375, "height": 800})
    page = context.new_page()
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Tên đăng nhập").fill("lanhdao")
    page.get_by_label("Mật khẩu").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    # The filters fold behind one button on a phone, and open from it.
    page.goto(f"{live_server.url}/recommendations/")
    expect(page.locator("form.filters")).to_be_hidden()
    page.get_by_text("Bộ lọc", exact=True).click()
    expect(page.get_by_label("Trạng thái")).to_be_visible()
    page.get_by_label("Trạng thái").select_option(label="Đã chuyển xử lý")
    page.get_by_role("button", name="Xem").click()
    # Once a filter is set the form stays open, with a way to clear it.
    expect(page.locator("form.filters")).to_be_visible()
    expect(page.get_by_role("link", name="Bỏ lọc")).to_be_visible()
    unit = Recommendation.objects.filter(raised_jointly=False).first().units.first()
    for path in ("/dashboard/", "/recommendations/", f"/units/{unit.pk}/"):
        page.goto(f"{live_server.url}{path}")
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 376, (path, width)
        page.emulate_media(media="print")
        expect(page.locator(".site-header nav")).to_be_hidden()
        if page.locator("form.filters").count():
            expect(page.locator("form.filters")).to_be_hidden()
        page.emulate_media(media="screen")
    context.close()


def test_the_charts_fit_1366_and_375_pass_axe_and_break_no_policy(live_server, browser):
    """The dashboard's charts at a desk and on a phone: no wider than the screen, every link
    at least 24 px high, axe finds nothing, the Content-Security-Policy refuses nothing; on a
    phone the sections fold and its table of contents opens the one it leads to."""
    from tests.browser.audit import axe_source, axe_violations

    call_command("load_demo", stdout=StringIO())
    for width in (1366, 375):
        context = browser.new_context(locale="vi-VN", viewport={"width": width, "height": 900})
        context.add_init_script(script=axe_source())
        page = context.new_page()
        refused = []
        page.on("console", lambda message, refused=refused: refused.append(message.text)
                if "Content Security Policy" in message.text else None)
        page.goto(f"{live_server.url}/accounts/login/")
        page.get_by_label("Tên đăng nhập").fill("lanhdao")
        page.get_by_label("Mật khẩu").fill(DEMO_PASSWORD)
        page.get_by_role("button", name="Đăng nhập").click()
        page.goto(f"{live_server.url}/dashboard/")
        chart = page.locator("svg.chart.months")
        expect(chart).to_be_visible()
        assert chart.get_attribute("role") == "img"
        assert page.locator("#chart-months-title").text_content().startswith("Kiến nghị")
        assert page.evaluate("document.documentElement.scrollWidth") <= width, width
        if width == 375:
            # Folded but the first; the table of contents opens the one it names.
            assert page.evaluate("document.documentElement.scrollHeight") < 4000
            expect(page.locator("#dash-raised")).not_to_have_attribute("open", "")
            page.locator(".dash-toc a[href='#dash-raised']").click()
            expect(page.locator("#dash-raised")).to_have_attribute("open", "")
            page.evaluate("document.querySelectorAll('details[data-dash-section]')"
                          ".forEach(d => d.open = true)")
        small = page.evaluate("""Array.from(document.querySelectorAll('main a'))
            .filter(a => { const r = a.getBoundingClientRect();
                           return r.height > 0 && r.height < 24; })
            .map(a => a.textContent.trim())""")
        assert small == [], (width, small)
        assert axe_violations(page) == [], width
        assert refused == [], refused
        context.close()
