"""Every date box of every form: a date typed that does not exist, sent with the focus still in
the box (Enter, as a clerk does), is refused with the box's own message, stays as typed, and
nothing is saved. The boxes are not listed here: each role's pages come from the permission
matrix (through the accessibility test's `pages_for`), so a new form with a date is walked too.

The date picker used to put its last good date back, or clear the box, when Enter was pressed
or the box lost focus: the form then sent a date nobody typed and said it was saved.
"""

import re
from io import StringIO
from itertools import product

import pytest
from django.apps import apps
from django.core.management import call_command
from django.urls import reverse
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import expect

from recommendations.demo import DEMO_PASSWORD
from recommendations.models import Recommendation, Status
from tests.browser.test_accessibility import ACCOUNTS, demo_objects, pages_for

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# The roles that fill in forms with dates: the office (rounds, sessions, routing, directives,
# notices, follow-up), a department head (steps with a due date, extensions) and a ward's
# staff (the day a task was done).
ROLES = ("office", "head_a", "ward_a")
NOT_A_DAY = "31/02/2025"
# Every date box of every form on the page, as (form index, box name); a form's rows still in
# their <template> are not on the page yet.
DATE_BOXES = """() => Array.from(document.querySelectorAll("main form")).flatMap((form, index) =>
  Array.from(form.querySelectorAll("input[data-datepicker]"))
    .filter(box => !box.closest("template")).map(box => [index, box.name]))"""
# A row's own tick box, for forms that act on the rows ticked (routing): never "DELETE".
TICK_ROW = """box => { const row = box.closest("tr, [data-row]");
  if (row) row.querySelectorAll("input[type=checkbox]:not([name$=DELETE])")
    .forEach(tick => { tick.checked = true; });
  for (let open = box.closest("details"); open; open = open.parentElement.closest("details"))
    open.open = true; }"""
# The box after the page came back: its value and the text of the messages it points at.
BOX_STATE = """box => ({value: box.value, message: (box.getAttribute("aria-describedby") || "")
  .split(" ").filter(Boolean).map(id => (document.getElementById(id) || {}).textContent || "")
  .join(" ") + " "
  + ((box.closest(".has-error, td.error, [data-row]") || {}).textContent || "")})"""


def fingerprint():
    """The number of rows of every model of the portal, history included: any save adds a
    row (a new object, or a historical record of a change)."""
    return {model._meta.label: model._base_manager.count() for model in apps.get_models()
            if model._meta.app_label in {"communes", "inspections", "recommendations", "auth"}}


@pytest.fixture
def demo(live_server):
    call_command("load_demo", stdout=StringIO())
    return demo_objects()


def log_in(browser, live_server, role):
    context = browser.new_context(locale="vi-VN", viewport={"width": 1366, "height": 900})
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Tên đăng nhập").fill(ACCOUNTS[role])
    page.get_by_label("Mật khẩu").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    page.wait_for_url(lambda url: "/accounts/login/" not in url)
    return page


# Forms the matrix's pages hold only in another state or tab: a directive's follow-up, and the
# reopening of a resolved recommendation (with its new due date).
def extra_pages(role):
    if role != "office":
        return []
    resolved = Recommendation.objects.filter(status=Status.RESOLVED).first()
    return [reverse("recommendations:follow_up") + "?show=directives",
            reverse("recommendations:detail", kwargs={"pk": resolved.pk})]


def send(page, form, box, way):
    """Send the form the way a clerk does with the focus still in the box: Enter, or a click
    on the form's button (the box loses focus only as the button is pressed); then wait for
    the page that comes back. Pages come back three ways: a navigation, a unit's form that
    first keeps a copy on the device (static/js/offline.js), and the recording page, which
    posts through fetch and writes the answer over the page (static/js/portal.js) only once
    its body is read. A mark on the page sent is gone only once a new document replaced it."""
    page.evaluate("document.documentElement.dataset.sent = 'yes'")
    if way == "Enter":
        box.press("Enter")
    else:
        form.locator("button[type=submit], button:not([type]), input[type=submit]") \
            .first.click()
    expect(page.locator("html[data-sent]")).to_have_count(0, timeout=15_000)
    page.wait_for_load_state()


def test_a_date_that_does_not_exist_is_refused_in_every_date_box(live_server, browser, demo):
    checked, problems = [], []
    for role in ROLES:
        page = log_in(browser, live_server, role)
        for url in [url for _name, url in pages_for(role, demo)] + extra_pages(role):
            try:
                page.goto(f"{live_server.url}{url}")
            except PlaywrightError as error:  # a download (an attachment) is no page
                if "Download is starting" in str(error):
                    continue
                raise
            # One box of each kind: a row's box stands for the same box of the other rows.
            kinds = {re.sub(r"[0-9]+", "#", name): (index, name)
                     for index, name in reversed(page.evaluate(DATE_BOXES))}
            for (form_index, name), way in product(kinds.values(), ("Enter", "click")):
                label = f"{role} {url} {name} ({way})"
                page.goto(f"{live_server.url}{url}")
                form = page.locator("main form").nth(form_index)
                box = form.locator(f'input[name="{name}"]')
                box.evaluate(TICK_ROW)
                posted = form.evaluate("form => form.method.toLowerCase()") == "post"
                before = fingerprint()
                box.focus()  # from the keyboard: the calendar stays closed
                box.press("Control+A")
                box.press_sequentially(NOT_A_DAY)
                send(page, form, box, way)
                again = page.locator(f'main input[name="{name}"]')
                if not again.count():
                    problems.append(f"{label}: the page that came back has no such box")
                    continue
                state = again.first.evaluate(BOX_STATE)
                checked.append(label)
                if state["value"] != NOT_A_DAY:
                    problems.append(f"{label}: came back as {state['value']!r}")
                if "hợp lệ" not in state["message"]:
                    problems.append(f"{label}: no message of its own ({state['message']!r})")
                if posted and fingerprint() != before:
                    problems.append(f"{label}: something was saved")
        page.context.close()
    assert not problems, "\n".join(problems)
    # Rounds, sessions, the recording page's directives, routing, the notice, the report, the
    # follow-up, reopening, an extension, a ward's report, the lists' and dashboard's period.
    boxes = {label.rsplit(" (", 1)[0] for label in checked}
    assert len(boxes) >= 15, sorted(boxes)
