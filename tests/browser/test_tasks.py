"""Real tasks, done as the people who do them would, with a ceiling on the clicks and keys
they take. `Hands` drives the page and counts what a person would do: clicks, keys pressed,
texts typed (a text counts as one).

Other task tests: the commune's figures and the recording page from the keyboard
(tests/browser/test_figures_grid.py), routing with the defaults (test_routing_task.py)."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.db.models import Count
from django.utils import timezone
from playwright.sync_api import expect

from recommendations.demo import DEMO_PASSWORD
from recommendations.models import Recommendation, deadlines

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


class Hands:
    """A person at the keyboard and mouse: each click, key and typed text is counted."""

    def __init__(self, page):
        self.page, self.clicks, self.keys = page, 0, 0

    def click(self, locator):
        self.clicks += 1
        locator.click()

    def type(self, locator, text):
        self.keys += 1
        locator.fill(text)

    def press(self, locator, key):
        self.keys += 1
        locator.press(key)


def signed_in(browser, live_server, username):
    """A page of `username`'s own home, after logging in (not counted: it is not the task)."""
    page = browser.new_context(locale="vi-VN", viewport={"width": 1366, "height": 900}) \
        .new_page()
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Tên đăng nhập").fill(username)
    page.get_by_label("Mật khẩu").fill(DEMO_PASSWORD)
    page.get_by_label("Mật khẩu").press("Enter")
    page.wait_for_url(f"{live_server.url}/")
    return page


@pytest.fixture
def demo(live_server):
    call_command("load_demo", stdout=StringIO())


def test_a_department_head_opens_the_oldest_overdue_item_from_home_in_two_clicks(
        live_server, browser, demo):
    today = timezone.localdate()
    oldest = Recommendation.objects.filter(
        deadlines(today).overdue, lead_department__short_code="SNV",
        consolidated_into=None).order_by("due_date", "id").first()
    assert oldest is not None, "the demo has an overdue item at Sở Nội vụ"
    page = signed_in(browser, live_server, "sonoivu")
    hands = Hands(page)
    overdue = page.get_by_role("region", name="Quá hạn")
    hands.click(overdue.get_by_role("link").nth(1))  # the first item, under the count
    page.wait_for_url(f"{live_server.url}/recommendations/{oldest.pk}/")
    assert hands.clicks <= 2
    page.context.close()


def test_a_leader_sees_from_home_which_body_has_the_most_overdue_items(live_server, browser,
                                                                      demo):
    today = timezone.localdate()
    most = (Recommendation.objects.filter(deadlines(today).overdue, consolidated_into=None)
            .values("lead_department__name").annotate(n=Count("id"))
            .order_by("-n", "lead_department__sort_name").first())
    page = signed_in(browser, live_server, "lanhdao")
    behind = page.locator(".behind-first")
    assert behind.is_visible()
    assert f"{most['lead_department__name']}, {most['n']} kiến nghị quá hạn" in \
        behind.inner_text()
    # In view without scrolling, at a desk and on a phone.
    for width in (1366, 375):
        page.set_viewport_size({"width": width, "height": 900 if width > 400 else 812})
        page.evaluate("window.scrollTo(0, 0)")
        assert behind.evaluate("e => e.getBoundingClientRect().bottom <= innerHeight"), width
    page.context.close()


def test_the_office_routes_ten_items_with_their_defaults_in_two_clicks_beyond_ticking(
        live_server, browser, demo):
    from inspections.models import CategoryRouting, Session
    from recommendations.models import Status
    from tests import factories

    session = Session.objects.filter(status=Session.Status.FINAL).order_by("date").first()
    routing = CategoryRouting.objects.filter(
        province=session.group.round.province, lead_department__isnull=False).first()
    made = [factories.RecommendationFactory(session=session, category=routing.category,
                                            text=f"Kiến nghị cần chuyển số {n}")
            for n in range(1, 11)]
    page = signed_in(browser, live_server, "vanphong")
    hands = Hands(page)
    queue = page.get_by_role("region", name="Kiến nghị chờ chuyển xử lý")
    hands.click(queue.get_by_role("link", name="Mở màn hình chuyển xử lý"))
    for item in made:  # ticking is the choice itself, not counted
        page.get_by_label(f"#{item.pk} ·", exact=False).check()
    hands.click(page.get_by_role("button", name="Chuyển xử lý các kiến nghị đã chọn"))
    page.wait_for_load_state()
    assert hands.clicks <= 3
    routed = {r.pk: r for r in Recommendation.objects.filter(pk__in=[m.pk for m in made])}
    assert {r.status for r in routed.values()} == {Status.ROUTED}
    assert {r.lead_department_id for r in routed.values()} == {routing.lead_department_id}
    assert all(r.due_date for r in routed.values())
    page.context.close()


def test_the_account_menu_opens_and_closes_as_a_menu_does(live_server, browser, demo):
    page = signed_in(browser, live_server, "vanphong")
    menu = page.locator("details.account-menu")
    summary = menu.locator("summary")
    summary.click()
    expect(page.get_by_role("link", name="Đổi mật khẩu")).to_be_visible()
    page.locator("main h1").click()  # elsewhere
    expect(page.get_by_role("link", name="Đổi mật khẩu")).to_be_hidden()
    summary.press("Enter")
    expect(page.get_by_role("link", name="Đổi mật khẩu")).to_be_visible()
    page.get_by_role("link", name="Đổi mật khẩu").press("Escape")
    expect(page.get_by_role("link", name="Đổi mật khẩu")).to_be_hidden()
    assert page.evaluate("document.activeElement.tagName") == "SUMMARY"
    page.context.close()
