"""Figures typed as a grid, in real Chromium, counting what the tasks take: a commune sends a
month's 11 figures in one send; the office fills and saves an 8-unit × 11-metric session
from the keyboard alone; a block pasted from Excel lands in its cells; a figure that could be
read two ways is refused and kept; on a phone the save bar stays in view."""

import datetime
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from communes import roles
from inspections.models import Metric, ReportedFigure, SubmittedFigure
from tests import factories
from tests.browser.audit import axe_source, axe_violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "matkhau-thu-2025"
# Months of the tests' sessions (4 August 2025): figures of July 2025.
JULY = datetime.date(2025, 7, 1)


class Hands:
    """The user's clicks and keystrokes, counted: navigation keys apart from the characters
    typed, so that a ceiling says what moving around the page costs."""

    def __init__(self, page):
        self.page, self.clicks, self.keys, self.typed = page, 0, 0, 0

    def click(self, locator):
        self.clicks += 1
        locator.click()

    def press(self, key, times=1):
        for _ in range(times):
            self.keys += 1
            self.page.keyboard.press(key)

    def type(self, text):
        self.typed += len(text)
        self.page.keyboard.type(text)


def log_in(browser, live_server, username, **context):
    page = browser.new_context(locale="vi-VN", **context).new_page()
    page.set_default_timeout(15_000)
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Tên đăng nhập").fill(username)
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    page.wait_for_url(f"{live_server.url}/**")
    return page


@pytest.fixture
def office(province):
    return factories.profile(factories.UserFactory(username="vanphong.bang",
                                                   role=roles.OFFICE_STAFF), province=province)


def session_of(province, count):
    units = [factories.UnitFactory(province=province, name=f"Thử Nghiệm {n + 1}")
             for n in range(count)]
    return factories.SessionFactory(group__round__province=province, units=units), units


def count_value(row, column):
    """The figure typed for a unit (row) and a count metric (column), the Vietnamese way."""
    return f"{row + 1}.{column:03d}", Decimal(f"{row + 1}{column:03d}")


def rate_value(row, column):
    return f"{80 + row},{column:02d}", Decimal(f"{80 + row}.{column:02d}")


def test_a_commune_sends_11_figures_for_a_month_in_one_send(live_server, browser, province):
    session, (unit,) = session_of(province, 1)
    factories.profile(factories.UserFactory(username="xa.thu", role=roles.UNIT_STAFF),
                      province=province, unit=unit)
    metrics = list(Metric.objects.all())
    assert len(metrics) == 11
    page = log_in(browser, live_server, "xa.thu")
    page.goto(f"{live_server.url}/unit/sessions/{session.pk}/")
    sends = []
    page.on("request", lambda request: sends.append(request.url) if request.method == "POST"
            else None)
    hands = Hands(page)
    # The month is the one before the session's, already filled in.
    expect(page.locator("#id_figure-month")).to_have_value("07/2025")
    hands.click(page.locator(f"[name=figure-vu_{metrics[0].pk}]"))
    expected = {}
    for index, metric in enumerate(metrics):
        typed, value = (count_value(0, index) if metric.kind == "count"
                        else rate_value(0, index))
        hands.type(typed)
        expected[metric.pk] = value
        if index < len(metrics) - 1:
            hands.press("Enter")  # down to the next metric; never sends the form
    assert sends == []
    hands.click(page.get_by_role("button", name="Gửi Văn phòng"))
    expect(page.get_by_text("Đã gửi báo cáo của đơn vị đến Văn phòng.")).to_be_visible()

    assert len(sends) == 1, sends  # one send for the whole month
    assert hands.clicks <= 2 and hands.keys <= 10, (hands.clicks, hands.keys)
    sent = SubmittedFigure.objects.filter(submission__session=session)
    assert {f.metric_id: f.value for f in sent} == expected
    assert {f.month for f in sent} == {JULY}
    # What was sent is shown back in the month's table.
    expect(page.locator(f"[name=figure-vu_{metrics[0].pk}]")).to_have_value("1.000")
    expect(page.locator(f"[name=figure-vu_{metrics[-1].pk}]")).to_have_value("80,1")


def test_an_8_unit_session_is_filled_and_saved_from_the_keyboard_alone(live_server, browser,
                                                                       province, office):
    session, units = session_of(province, 8)
    metrics = list(Metric.objects.all())
    page = log_in(browser, live_server, office.username, viewport={"width": 1366, "height": 900})
    page.goto(f"{live_server.url}/sessions/{session.pk}/record/")
    hands = Hands(page)
    # From the top of the page: to the parts' link to the figures, then into the grid.
    for _ in range(60):
        hands.press("Tab")
        if page.evaluate("document.activeElement.getAttribute('href')") == "#part-figure":
            break
    hands.press("Enter")
    hands.press("Tab")  # the grid's month
    assert page.evaluate("document.activeElement.name") == "figure-0-month"
    hands.press("Tab")  # its first cell
    to_grid, expected = hands.keys, {}
    for row, unit in enumerate(units):
        for column, metric in enumerate(metrics):
            assert page.evaluate("document.activeElement.name") == \
                f"figure-0-v{unit.pk}_{metric.pk}"
            typed, value = (count_value(row, column) if metric.kind == "count"
                            else rate_value(row, column))
            hands.type(typed)
            expected[(unit.pk, metric.pk)] = value
            # Tab along the unit's row; at its end Enter starts the next unit's, as in Excel.
            hands.press("Tab" if column < len(metrics) - 1 else "Enter")
    in_grid = hands.keys - to_grid
    # Past the joint row and the rest of the page to the save button, and press it.
    for _ in range(80):
        if page.evaluate("document.activeElement.name") == "save":
            break
        hands.press("Tab")
    hands.press("Enter")
    expect(page.get_by_text("Đã lưu buổi làm việc.")).to_be_visible()

    assert hands.clicks == 0
    # One key per cell typed (Tab along a unit's row, Enter to the next unit's), about twenty
    # to reach the grid from the top of the page and as many from it to the save button.
    assert in_grid == 88
    to_save = hands.keys - to_grid - in_grid
    assert to_grid <= 30 and to_save <= 30, (to_grid, to_save)
    saved = ReportedFigure.objects.filter(session=session)
    assert saved.count() == 88
    assert {(f.unit_id, f.metric_id): f.value for f in saved} == expected
    assert {f.month for f in saved} == {JULY}


def test_a_block_pasted_from_excel_lands_in_its_cells(live_server, browser, province, office):
    session, units = session_of(province, 3)
    metrics = list(Metric.objects.all())
    page = log_in(browser, live_server, office.username)
    page.goto(f"{live_server.url}/sessions/{session.pk}/record/")
    first = page.locator(f"[name=figure-0-v{units[0].pk}_{metrics[6].pk}]")
    first.focus()
    # Two units' rows as Excel copies them: tab-separated, the rates with "%", one value too
    # many for the table's width.
    block = "1.200\t800\t87,76%\t99\t65,5\n6 600\t6.000\t90,1%\t98,50\t70\t123\n"
    page.evaluate("""([target, text]) => {
        const data = new DataTransfer();
        data.setData("text/plain", text);
        document.querySelector(`[name="${target}"]`).dispatchEvent(
            new ClipboardEvent("paste", {clipboardData: data, bubbles: true, cancelable: true}));
    }""", [f"figure-0-v{units[0].pk}_{metrics[6].pk}", block])
    row = {(unit, column): page.locator(f"[name=figure-0-v{units[unit].pk}_{metrics[column].pk}]")
           for unit in range(2) for column in range(6, 11)}
    for (unit, column), text in zip(sorted(row), ["1.200", "800", "87,76", "99", "65,5",
                                                  "6 600", "6.000", "90,1", "98,50", "70"],
                                    strict=True):
        expect(row[(unit, column)]).to_have_value(text)
    expect(page.locator(f"[name=figure-0-v{units[0].pk}_{metrics[5].pk}]")).to_have_value("")
    expect(page.locator(f"[name=figure-0-v{units[2].pk}_{metrics[6].pk}]")).to_have_value("")
    expect(page.locator("[data-grid-status]")).to_contain_text("10")
    page.get_by_role("button", name="Lưu nháp").click()
    expect(page.get_by_text("Đã lưu buổi làm việc.")).to_be_visible()
    saved = {(f.unit_id, f.metric.code): f.value
             for f in ReportedFigure.objects.filter(session=session).select_related("metric")}
    assert saved == {
        (units[0].pk, "with_fee"): Decimal("1200"), (units[0].pk, "paid_online"): 800,
        (units[0].pk, "online_rate"): Decimal("87.76"), (units[0].pk, "on_time_rate"): 99,
        (units[0].pk, "online_payment_rate"): Decimal("65.5"),
        (units[1].pk, "with_fee"): 6600, (units[1].pk, "paid_online"): 6000,
        (units[1].pk, "online_rate"): Decimal("90.1"), (units[1].pk, "on_time_rate"): Decimal(
            "98.5"), (units[1].pk, "online_payment_rate"): 70}


def test_a_count_written_the_english_way_is_refused_and_kept(live_server, browser, province,
                                                             office):
    session, units = session_of(province, 3)
    received = Metric.objects.get(code="received_total")
    context = browser.new_context(locale="vi-VN")
    context.add_init_script(script=axe_source())
    page = context.new_page()
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Tên đăng nhập").fill(office.username)
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    page.wait_for_url(f"{live_server.url}/**")
    page.goto(f"{live_server.url}/sessions/{session.pk}/record/")
    cell = page.locator(f"[name=figure-0-v{units[1].pk}_{received.pk}]")
    cell.fill("6,600")
    page.locator(f"[name=figure-0-v{units[0].pk}_{received.pk}]").fill("1.500")
    page.get_by_role("button", name="Lưu nháp").click()
    expect(page.locator(".error-summary")).to_be_visible()
    cell = page.locator(f"[name=figure-0-v{units[1].pk}_{received.pk}]")
    expect(cell).to_have_value("6,600")
    expect(cell).to_be_focused()
    expect(cell).to_have_attribute("aria-invalid", "true")
    expect(page.locator(f"#{cell.get_attribute('id')}_error")).to_contain_text(
        "Số hàng nghìn ghi bằng dấu chấm")
    expect(page.locator(f"[name=figure-0-v{units[0].pk}_{received.pk}]")).to_have_value("1.500")
    assert not ReportedFigure.objects.exists()
    assert axe_violations(page) == []
    context.close()


def test_a_units_figures_from_its_report_are_marked_for_the_office(live_server, browser,
                                                                   province, office):
    session, units = session_of(province, 2)
    received = Metric.objects.get(code="received_total")
    submission = session.submissions.create(unit=units[0], submitted_by=office)
    SubmittedFigure.objects.create(submission=submission, metric=received, month=JULY,
                                   value=6600)
    # The unit's figure of the month before, recorded at an earlier session: a hint.
    earlier = factories.SessionFactory(group=session.group, units=units)
    ReportedFigure.objects.create(session=earlier, unit=units[0], metric=received,
                                  month=datetime.date(2025, 6, 1), value=6450)
    page = log_in(browser, live_server, office.username)
    page.goto(f"{live_server.url}/sessions/{session.pk}/record/")
    cell = page.locator(f"[name=figure-0-v{units[0].pk}_{received.pk}]")
    expect(cell).to_have_value("6.600")
    expect(cell).to_have_accessible_description(
        "Tháng 06/2025: 6.450 số liệu do đơn vị gửi trước buổi làm việc")
    expect(page.locator("td.from-unit .mark-unit")).to_be_visible()
    cell.fill("6.601")  # changed by the office: no longer the unit's
    expect(page.locator("td.from-unit")).to_have_count(0)


@pytest.mark.parametrize("path", ["record", "unit"])
def test_on_a_phone_the_page_fits_and_the_save_bar_stays_in_view(live_server, browser,
                                                                 province, office, path):
    session, units = session_of(province, 3)
    username = office.username
    if path == "unit":
        factories.profile(factories.UserFactory(username="xa.thu", role=roles.UNIT_STAFF),
                          province=province, unit=units[0])
        username = "xa.thu"
    page = log_in(browser, live_server, username, viewport={"width": 375, "height": 740},
                  is_mobile=True, has_touch=True)
    url = (f"/sessions/{session.pk}/record/" if path == "record"
           else f"/unit/sessions/{session.pk}/")
    page.goto(f"{live_server.url}{url}")
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    if path == "record":
        save = page.get_by_role("button", name="Lưu nháp")
        for y in (0, 1500, 3000):
            page.evaluate(f"window.scrollTo(0, {y})")
            box = save.bounding_box()
            assert box["y"] >= 0 and box["y"] + box["height"] <= 740, (y, box)
        # Nothing is entered yet: the parts' links show no count.
        expect(page.locator(".record-parts .count")).to_have_count(0)


def test_the_grid_is_kept_in_the_draft_across_a_dropped_connection(live_server, browser,
                                                                     province, office):
    session, units = session_of(province, 2)
    received = Metric.objects.get(code="received_total")
    cell = f"figure-0-v{units[1].pk}_{received.pk}"
    context = browser.new_context(locale="vi-VN")
    page = context.new_page()
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Tên đăng nhập").fill(office.username)
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    page.wait_for_url(f"{live_server.url}/**")
    url = f"{live_server.url}/sessions/{session.pk}/record/"
    page.goto(url)
    page.locator(f"[name={cell}]").fill("6.600")
    page.get_by_text("Ước tính và ghi chú").click()
    page.get_by_role("checkbox", name=f"{units[1]} – Hồ sơ tiếp nhận ước tính").check()
    context.set_offline(True)
    page.get_by_role("button", name="Lưu nháp").click()
    expect(page.get_by_text("Không lưu được")).to_be_visible()
    page.close()

    context.set_offline(False)
    page = context.new_page()
    page.goto(url)
    page.get_by_role("button", name="Khôi phục nội dung đã nhập").click()
    expect(page.locator(f"[name={cell}]")).to_have_value("6.600")
    expect(page.locator("td.estimate")).to_have_count(1)  # its mark follows the draft
    page.get_by_role("button", name="Lưu nháp").click()
    expect(page.get_by_text("Đã lưu buổi làm việc.")).to_be_visible()
    figure = ReportedFigure.objects.get()
    assert (figure.unit, figure.value, figure.approximate) == (units[1], 6600, True)
    context.close()


def test_enter_never_sends_the_recording_page_from_its_grid(live_server, browser, province,
                                                           office):
    session, units = session_of(province, 2)
    received = Metric.objects.get(code="received_total")
    page = log_in(browser, live_server, office.username)
    page.goto(f"{live_server.url}/sessions/{session.pk}/record/")
    posts = []
    page.on("request", lambda request: posts.append(request) if request.method == "POST"
            else None)
    page.get_by_label("Tháng").first.focus()
    page.keyboard.press("Enter")  # from the month to the first cell
    first = f"figure-0-v{units[0].pk}_{received.pk}"
    assert page.evaluate("document.activeElement.name") == first
    page.keyboard.type("12")
    page.keyboard.press("Enter")
    page.keyboard.press("Enter")  # the joint row, the last one: Enter stays
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.name") == f"figure-0-vj_{received.pk}"
    page.get_by_text("Ước tính và ghi chú").click()
    note = page.get_by_role("textbox", name=f"{units[0]} – Hồ sơ tiếp nhận Ghi chú")
    note.fill("theo báo cáo của xã")
    note.press("Enter")
    page.wait_for_timeout(300)
    assert posts == []
