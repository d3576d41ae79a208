"""What each role sees first, at a desk (1366 px) and on a phone (375 px), on the demo: each
role's home, the dashboard, the recording page and a unit's form before a session. No page is
wider than the screen, and the recording page's save bar stays in view on a phone.

`make screenshots` keeps the pictures in docs/screenshots/ (README, docs/features.md and the
guides in docs/huong-dan/ show them); otherwise they
go to a temporary folder and only the checks count."""

import os
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.urls import reverse
from playwright.sync_api import Error as PlaywrightError

from inspections.models import Session
from recommendations.demo import DEMO_PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.layout, pytest.mark.django_db(transaction=True)]

SCREENS = {"desk": {"width": 1366, "height": 900}, "phone": {"width": 375, "height": 812}}


def shots():
    """(file name, demo account, path) of each picture."""
    upcoming = Session.objects.filter(status=Session.Status.DRAFT).order_by("-date").first()
    return [
        ("home-office", "vanphong", reverse("recommendations:home")),
        ("home-department", "sonoivu", reverse("recommendations:home")),
        ("home-leader", "lanhdao", reverse("recommendations:home")),
        ("home-unit", "phuongdongkinh", reverse("recommendations:unit_home")),
        ("dashboard", "lanhdao", reverse("recommendations:dashboard")),
        ("recording-page", "vanphong",
         reverse("recommendations:session_record", args=[upcoming.pk])),
        ("unit-form", "phuongdongkinh",
         reverse("recommendations:unit_session", args=[upcoming.pk])),
    ]


def test_each_roles_first_screen_at_a_desk_and_on_a_phone(live_server, browser, tmp_path):
    call_command("load_demo", stdout=StringIO())
    folder = Path(os.environ.get("SCREENSHOTS_DIR") or tmp_path)
    folder.mkdir(parents=True, exist_ok=True)
    problems = []
    for screen, viewport in SCREENS.items():
        pages = {}
        for name, username, path in shots():
            if username not in pages:
                context = browser.new_context(locale="vi-VN", viewport=viewport)
                page = context.new_page()
                page.goto(f"{live_server.url}/accounts/login/")
                page.get_by_label("Tên đăng nhập").fill(username)
                page.get_by_label("Mật khẩu").fill(DEMO_PASSWORD)
                page.get_by_label("Mật khẩu").press("Enter")
                page.wait_for_url(lambda url: "/accounts/login/" not in url)
                pages[username] = page
            page = pages[username]
            response = page.goto(f"{live_server.url}{path}")
            assert response.status == 200, (name, screen)
            wide = page.evaluate("document.documentElement.scrollWidth")
            if wide > viewport["width"]:
                problems.append(f"{name} ({screen}): {wide} px wide")
            snap(page, folder / f"{name}-{viewport['width']}.png")
        if screen == "phone":
            # The save bar of the recording page is in view wherever the clerk is on it.
            page = pages["vanphong"]
            page.goto(f"{live_server.url}{shots()[5][2]}")
            save = page.get_by_role("button", name="Lưu nháp")
            for where in ("0", "document.body.scrollHeight / 3"):
                page.evaluate(f"window.scrollTo(0, {where})")
                if not save.evaluate("b => { const r = b.getBoundingClientRect();"
                                     " return r.top >= 0 && r.bottom <= innerHeight; }"):
                    problems.append(f"recording page (phone): the save bar is out of view "
                                    f"at scrollTo({where})")
        for page in pages.values():
            page.context.close()
    assert not problems, "\n".join(problems)


def snap(page, path):
    """The page's picture. Chromium refuses one now and then while the machine is busy
    ("Unable to capture screenshot", its compositor not ready): the page is fine, so it is
    asked once more, after a frame."""
    try:
        page.screenshot(path=path)
    except PlaywrightError as error:
        if "Unable to capture screenshot" not in str(error):
            raise
        page.wait_for_timeout(500)
        page.screenshot(path=path)
