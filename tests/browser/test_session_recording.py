"""Recording a session in real Chromium: the scenario's Working Group 9, a dropped connection,
and two people saving the same session."""

import json
import re

import pytest
from playwright.sync_api import expect

from communes import roles
from communes.models import Province
from inspections.models import Category, Directive, InspectionRound, Session
from recommendations.demo import SCENARIO_FILE, reference_load_langson
from recommendations.models import Recommendation, Status
from tests import factories
from tests.browser.signing import FACTORY_PASSWORD as PASSWORD
from tests.browser.signing import sign_in

pytestmark = [pytest.mark.browser,
              pytest.mark.django_db(transaction=True)]


@pytest.fixture
def langson_office():
    reference_load_langson()
    user = factories.UserFactory(username="vanphong.test", first_name="Lan",
                                 role=roles.OFFICE_STAFF)
    return factories.profile(user, province=Province.objects.get(code="20"))


def log_in(page, live_server, username):
    sign_in(page, live_server, username, PASSWORD)
    page.wait_for_url(f"{live_server.url}/")


def group_9():
    scenario = json.loads(SCENARIO_FILE.read_text(encoding="utf-8"))
    return next(g for g in scenario["working_groups"] if g["number"] == 9)


def test_office_records_working_group_9_and_routes_its_recommendations(
    live_server, page, langson_office
):
    data = group_9()
    log_in(page, live_server, langson_office.username)
    page.goto(f"{live_server.url}/rounds/")
    page.get_by_role("link", name="Tạo đợt kiểm tra mới").click()
    page.get_by_label("Tiêu đề").fill("Kiểm tra mô hình chính quyền địa phương 2 cấp")
    page.get_by_label("Từ ngày").fill("01/08/2025")
    page.get_by_label("Đến ngày").fill("31/08/2025")
    page.get_by_role("button", name="Lưu").click()
    expect(page.get_by_role("heading", name="Kiểm tra mô hình chính quyền địa phương 2 cấp")
           ).to_be_visible()

    page.get_by_role("link", name="Thêm tổ công tác").click()
    page.get_by_label("Số:", exact=True).fill("9")
    page.get_by_label("Tổ trưởng:", exact=True).fill(data["leader"]["name"])
    page.get_by_label("Chức vụ của tổ trưởng").fill(data["leader"]["title_vi"])
    for commune in data["communes"]:
        page.get_by_label(f"Xã {commune['name']}", exact=True).check()
    page.get_by_role("button", name="Lưu").click()
    expect(page.get_by_role("heading", name="Tổ công tác số 9")).to_be_visible()

    page.get_by_role("link", name="Thêm buổi làm việc").click()
    page.get_by_label("Ngày:", exact=True).fill("12/08/2025")
    page.get_by_label("Địa điểm").fill("Hội trường UBND xã Đình Lập")
    page.get_by_role("button", name="Lưu").click()
    expect(page.get_by_role("heading", name=re.compile("Ghi nhận buổi làm việc"))).to_be_visible()

    categories = {c.code: c.name for c in Category.objects.all()}
    for index, item in enumerate(data["recommendations"]):
        page.get_by_role("button", name="Thêm kiến nghị").click()
        row = f"recommendation-{index}"
        page.locator(f'[name="{row}-category"]').select_option(label=categories[item["category"]])
        page.locator(f'[name="{row}-text"]').fill(item["text_vi"])
        page.locator(f'[name="{row}-raised_jointly"]').check()
    for index, text in enumerate(data["directives_vi"]):
        page.get_by_role("button", name="Thêm nhiệm vụ").click()
        row = page.locator("[data-formset=directive] fieldset.item").nth(index)
        row.locator(f'[name="directive-{index}-text"]').fill(text)
        for box in row.locator(f'[name="directive-{index}-units"]').all():
            box.check()
    page.get_by_role("button", name="Lưu nháp").click()
    expect(page.get_by_text("Đã lưu buổi làm việc.")).to_be_visible()

    session = Session.objects.get(group__number=9)
    assert sorted(u.name for u in session.units.all()) == sorted(
        c["name"] for c in data["communes"])
    assert session.recommendations.count() == 4
    assert Directive.objects.filter(session=session).count() == 3
    assert all(d.follow_ups.count() == 4 for d in Directive.objects.filter(session=session))

    round_id = InspectionRound.objects.get().pk
    page.goto(f"{live_server.url}/rounds/{round_id}/routing/")
    for box in page.locator('input[name$="-selected"]').all():
        box.check()
    page.get_by_role("button", name="Chuyển xử lý các kiến nghị đã chọn").click()
    expect(page.get_by_text("Mọi kiến nghị của các buổi làm việc này")).to_be_visible()

    routed = {r.text: r for r in Recommendation.objects.select_related("lead_department")}
    assert all(r.status == Status.ROUTED and r.due_date for r in routed.values())
    expected_lead = {"facilities": "STC", "admin_procedures": "VPUBND", "training": "SNV",
                     "staffing": "SNV"}
    for item in data["recommendations"]:
        assert routed[item["text_vi"]].lead_department.short_code == \
            expected_lead[item["category"]]
    facilities = routed[data["recommendations"][0]["text_vi"]]
    assert [d.short_code for d in facilities.cooperating_departments.all()] == ["SXD"]
    assert all(r.events.get().actor == langson_office for r in routed.values())


@pytest.fixture
def draft_session(langson_office):
    units = list(langson_office.profile.province.units.all()[:3])
    return factories.SessionFactory(group__round__province=langson_office.profile.province,
                                    group__number=9, units=units)


def test_typed_input_survives_a_dropped_connection(live_server, browser, langson_office,
                                                   draft_session):
    context = browser.new_context(locale="vi-VN")
    page = context.new_page()
    log_in(page, live_server, langson_office.username)
    url = f"{live_server.url}/sessions/{draft_session.pk}/record/"
    page.goto(url)
    page.get_by_role("button", name="Thêm khó khăn").click()
    page.locator('[name="difficulty-0-text"]').fill("Mạng bị nghẽn làm chậm xử lý văn bản")
    page.locator('[name="report-0-achievements"]').fill("Bộ máy vận hành thông suốt")

    context.set_offline(True)
    page.get_by_role("button", name="Lưu nháp").click()
    expect(page.get_by_text("Không lưu được")).to_be_visible()
    expect(page.locator('[name="difficulty-0-text"]')).to_have_value(
        "Mạng bị nghẽn làm chậm xử lý văn bản")
    page.close()

    context.set_offline(False)
    page = context.new_page()
    page.goto(url)
    expect(page.locator("[data-draft-banner]")).to_be_visible()
    page.get_by_role("button", name="Khôi phục nội dung đã nhập").click()
    expect(page.locator('[name="difficulty-0-text"]')).to_have_value(
        "Mạng bị nghẽn làm chậm xử lý văn bản")
    expect(page.locator('[name="report-0-achievements"]')).to_have_value(
        "Bộ máy vận hành thông suốt")
    page.locator('[name="difficulty-0-category"]').select_option(index=1)
    page.locator('[name="difficulty-0-raised_jointly"]').check()
    page.get_by_role("button", name="Lưu nháp").click()
    expect(page.get_by_text("Đã lưu buổi làm việc.")).to_be_visible()
    assert draft_session.difficulties.get().text == "Mạng bị nghẽn làm chậm xử lý văn bản"
    # A successful save clears the draft: reopening the page offers nothing.
    page.goto(url)
    expect(page.locator("[data-draft-banner]")).to_be_hidden()
    context.close()


def test_the_second_of_two_saves_is_refused_and_keeps_its_text(live_server, browser,
                                                                langson_office, draft_session):
    pages = []
    for _ in range(2):
        context = browser.new_context(locale="vi-VN")
        page = context.new_page()
        log_in(page, live_server, langson_office.username)
        page.goto(f"{live_server.url}/sessions/{draft_session.pk}/record/")
        pages.append(page)
    first, second = pages
    first.locator('[name="report-0-achievements"]').fill("Nội dung của người thứ nhất")
    second.locator('[name="report-0-achievements"]').fill("Nội dung của người thứ hai")
    first.get_by_role("button", name="Lưu nháp").click()
    expect(first.get_by_text("Đã lưu buổi làm việc.")).to_be_visible()
    second.get_by_role("button", name="Lưu nháp").click()
    expect(second.get_by_text("Người khác đã lưu buổi làm việc này")).to_be_visible()
    expect(second.locator('[name="report-0-achievements"]')).to_have_value(
        "Nội dung của người thứ hai")
    assert draft_session.unit_reports.get().achievements == "Nội dung của người thứ nhất"
