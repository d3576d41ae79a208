"""Tabbing through the recording page of a long session: no focused element is hidden behind
another one (the sticky save bar, a picker), WCAG 2.2 success criterion 2.4.11."""

from io import StringIO

import pytest
from django.core.management import call_command

from inspections.models import Session
from recommendations.demo import DEMO_PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# What covers the focused element's centre, if anything but itself or its own label does.
COVERED = """() => {
  const el = document.activeElement;
  if (!el || el === document.body) return null;
  // A link that wraps onto two lines has a box per line: the first line's is checked.
  const box = el.getClientRects()[0] || el.getBoundingClientRect();
  const x = box.left + box.width / 2, y = box.top + box.height / 2;
  const describe = e => e.tagName.toLowerCase() + (e.id ? "#" + e.id : "")
    + (e.name ? "[name=" + e.name + "]" : "") + (e.className ? "." + e.className : "");
  if (y < 0 || y > innerHeight || x < 0 || x > innerWidth) return describe(el) + " is off screen";
  const hit = document.elementFromPoint(x, y);
  if (!hit || hit === el || el.contains(hit)) return null;
  const label = hit.closest("label");
  if (label && label.control === el) return null;
  return describe(el) + " is covered by " + describe(hit);
}"""


def test_tabbing_through_the_recording_page_never_hides_the_focus(live_server, browser):
    call_command("load_demo", stdout=StringIO())
    # The demo's largest session, open for editing, with its rows and the save bar.
    session = max(Session.objects.all(), key=lambda s: s.recommendations.count()
                  + s.difficulties.count() + s.directives.count())
    Session.objects.filter(pk=session.pk).update(status=Session.Status.DRAFT)
    # A laptop's screen: on a phone the save bar is not sticky (portal.css).
    context = browser.new_context(locale="vi-VN", viewport={"width": 1366, "height": 900})
    page = context.new_page()
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Tên đăng nhập").fill("vanphong")
    page.get_by_label("Mật khẩu").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    page.wait_for_url(f"{live_server.url}/")
    page.goto(f"{live_server.url}/sessions/{session.pk}/record/")
    # A long page: a row of every kind more, so that the save bar has fields to cover.
    for button in page.locator("[data-add-row]").all():
        button.click()
    page.locator(".skip-link").focus()

    stops, hidden = 0, []
    while stops < 400:  # the last button of the form ends the walk
        page.keyboard.press("Tab")
        stops += 1
        problem = page.evaluate(COVERED)
        if problem:
            hidden.append(problem)
        if page.evaluate("() => document.activeElement.matches('[name=finalise]')"):
            break
    assert stops > 50, stops  # the whole form was tabbed through
    assert not hidden, "\n".join(hidden)
    context.close()
