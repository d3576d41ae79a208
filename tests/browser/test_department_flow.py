"""The whole path of a recommendation in real Chromium, with the demo's accounts."""

import re

import pytest
from django.core import mail
from django.core.management import call_command
from playwright.sync_api import expect

from communes.models import Department
from recommendations.demo import DEMO_PASSWORD
from recommendations.models import Recommendation, Status

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PDF = b"%PDF-1.4\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n"


def open_step(page, label):
    """Unfold the step's form (each step sits in a <details> block)."""
    page.locator("summary").filter(has_text=re.compile(f"^{label}$")).click()


def logged_in(browser, live_server, username):
    page = browser.new_context(locale="vi-VN").new_page()
    page.set_default_timeout(15_000)
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Tên đăng nhập").fill(username)
    page.get_by_label("Mật khẩu").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    page.wait_for_load_state()
    return page


def test_routed_assigned_answered_with_a_pdf_resolved_and_seen_by_the_office(
    live_server, browser, tmp_path
):
    call_command("load_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    mail.outbox.clear()
    text = "Bổ sung biên chế"
    recommendation = Recommendation.objects.get(text=text)
    assert recommendation.status == Status.NEW

    office = logged_in(browser, live_server, "vanphong")
    office.goto(f"{live_server.url}/rounds/{recommendation.session.group.round_id}/routing/")
    row = office.locator("fieldset.routing-row", has_text=text)
    sonoivu = Department.objects.get(short_code="SNV", province__code="20")
    expect(row.locator('select[name$="-lead_department"]')).to_have_value(str(sonoivu.pk))
    row.locator('input[name$="-selected"]').check()
    office.get_by_role("button", name="Chuyển xử lý các kiến nghị đã chọn").click()
    expect(office.get_by_text("Đã xử lý 1 kiến nghị.")).to_be_visible()
    routed_mail = [m for m in mail.outbox if "sonoivu@example.vn" in m.to]
    assert routed_mail and "được chuyển đến cơ quan" in routed_mail[0].subject

    head = logged_in(browser, live_server, "sonoivu")
    # The head's home shows the department's queues; the inbox is one click away.
    expect(head).to_have_url(f"{live_server.url}/")
    head.get_by_role("navigation", name="Chức năng chính").get_by_role(
        "link", name="Kiến nghị được giao").click()
    # The inbox opens on the demo's overdue items; what was just routed has time left.
    head.get_by_role("link", name=re.compile("^Chưa tiếp nhận")).click()
    head.get_by_role("link", name=f"#{recommendation.pk} {text}").click()
    open_step(head, "Tiếp nhận")
    head.get_by_role("button", name="Tiếp nhận").click()
    expect(head.get_by_text("Đã thực hiện: Tiếp nhận.")).to_be_visible()
    open_step(head, "Phân công chuyên viên")
    head.get_by_label("Phân công cho").select_option(label="Lý Thị Hoa")
    head.get_by_role("button", name="Phân công chuyên viên").click()
    expect(head.get_by_text("Đã thực hiện: Phân công chuyên viên.")).to_be_visible()

    staff = logged_in(browser, live_server, "sonoivu.cv")
    staff.goto(f"{live_server.url}/recommendations/{recommendation.pk}/")
    open_step(staff, "Trả lời")
    staff.locator('textarea[name="respond-text"]').fill(
        "Sở Nội vụ đã tham mưu UBND tỉnh bổ sung biên chế cho các xã.")
    pdf = tmp_path / "Công văn số 15-SNV.pdf"
    pdf.write_bytes(PDF)
    staff.locator('input[name="respond-files"]').set_input_files(str(pdf))
    staff.get_by_role("button", name="Trả lời").click()
    expect(staff.get_by_text("Đã thực hiện: Trả lời.")).to_be_visible()
    expect(staff.get_by_role("link", name="Công văn số 15-SNV.pdf")).to_be_visible()

    head.reload()
    open_step(head, "Xác nhận đã giải quyết")
    head.locator('textarea[name="resolve-answer"]').fill("Đã giải quyết theo Công văn số 15.")
    head.get_by_role("button", name="Xác nhận đã giải quyết").click()
    expect(head.get_by_text("Đã thực hiện: Xác nhận đã giải quyết.")).to_be_visible()

    office.goto(f"{live_server.url}/recommendations/{recommendation.pk}/")
    expect(office.locator("dl.facts")).to_contain_text("Đã giải quyết")
    timeline = office.locator("section.timeline")
    expect(timeline).to_contain_text("Đã giải quyết theo Công văn số 15.")
    expect(timeline).to_contain_text("Công văn số 15-SNV.pdf")
    expect(timeline).to_contain_text("Phân công cho Lý Thị Hoa")
    recommendation.refresh_from_db()
    assert recommendation.status == Status.RESOLVED
    to_office = [m for m in mail.outbox if m.to == ["vanphong@example.vn"]]
    assert {m.subject for m in to_office} >= {
        f"Kiến nghị số {recommendation.pk}: đã có nội dung trả lời",
        f"Kiến nghị số {recommendation.pk}: Đã giải quyết"}
    assigned = [m for m in mail.outbox if m.to == ["sonoivu.cv@example.vn"]
                and "phân công" in m.subject]
    assert assigned
