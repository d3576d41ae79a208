"""The second factor in Chromium: an office user is guided to enrol at sign-in, reads the key
off the page, types the app's code (computed here) and presses Enter, keeps the recovery codes;
signs in again with the app's code, then with a recovery code, whose second use is refused; an
administrator's reset in Django admin sends them to enrol again. Each of the pages passes axe
at a desk and on a phone, under the portal's Content-Security-Policy."""

from base64 import b32decode

import pytest
from django.urls import reverse
from django_otp.oath import totp
from playwright.sync_api import expect

from communes import roles
from communes.audit import AuditEvent
from tests import factories
from tests.browser.audit import axe_source, axe_violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "matkhau-thu-2025"
DESK, PHONE = {"width": 1366, "height": 900}, {"width": 375, "height": 812}


@pytest.fixture
def second_factor_on(settings):
    settings.SECOND_FACTOR_ROLES = ["office"]


def test_enrol_sign_in_with_a_code_then_a_recovery_code_and_an_administrators_reset(
        live_server, browser, second_factor_on):
    province = factories.ProvinceFactory(code="20", name="Lạng Sơn")
    office = factories.profile(factories.UserFactory(username="office", role=roles.OFFICE_STAFF),
                               province=province)
    factories.UserFactory(username="root", is_staff=True, is_superuser=True)
    context = browser.new_context(locale="vi-VN", viewport=DESK)
    context.add_init_script(script=axe_source())
    page = context.new_page()
    page.set_default_timeout(15_000)
    refused, problems = [], []
    page.on("console", lambda message: refused.append(f"{page.url}: {message.text}")
            if "Content Security Policy" in message.text else None)

    def check(label):
        problems.extend(f"{label}: {v}" for v in axe_violations(page))
        page.set_viewport_size(PHONE)
        wide = page.evaluate("document.documentElement.scrollWidth")
        if wide > PHONE["width"]:
            problems.append(f"{label} at {PHONE['width']} px: {wide} px wide")
        problems.extend(f"{label} at {PHONE['width']} px: {v}" for v in axe_violations(page))
        page.set_viewport_size(DESK)

    def sign_in(username, wanted=""):
        page.goto(f"{live_server.url}{reverse('login')}{wanted and '?next=' + wanted}")
        page.get_by_label("Tên đăng nhập").fill(username)
        page.get_by_label("Mật khẩu").fill(PASSWORD)
        page.get_by_role("button", name="Đăng nhập").click()

    def sign_out():
        page.locator("details.account-menu summary").click()
        page.get_by_role("button", name="Đăng xuất").click()
        page.wait_for_url(f"**{reverse('login')}")

    wanted = reverse("recommendations:list")
    sign_in("office", wanted)
    page.wait_for_url(f"**{reverse('second_factor_enrol')}?next=*")
    expect(page.locator("img.qr")).to_be_visible()
    expect(page.locator("nav.main-nav")).to_have_count(0)
    check("enrolment")
    key = b32decode(page.locator("[data-secret]").inner_text().replace(" ", ""))
    code = page.locator("#id_code")
    code.fill(f"{totp(key):06d}")
    code.press("Enter")
    codes = page.locator("[data-recovery-codes] code")
    expect(codes).to_have_count(10)
    recovery = codes.all_inner_texts()
    check("recovery codes")
    page.locator("main a.button").click()
    page.wait_for_url(f"**{wanted}")
    assert AuditEvent.objects.filter(kind=AuditEvent.Kind.SECOND_FACTOR_ENROLLED,
                                     actor=office).count() == 1
    sign_out()

    # Again, with the app's next code (the one typed to enrol is spent).
    sign_in("office", wanted)
    page.wait_for_url(f"**{reverse('second_factor_verify')}?next=*")
    check("code page")
    code = page.locator("#id_code")
    code.fill(f"{totp(key, drift=1):06d}")
    code.press("Enter")
    page.wait_for_url(f"**{wanted}")
    sign_out()

    # A recovery code, once; the second time it is refused with a message, and kept nowhere.
    for attempt in ("first", "second"):
        sign_in("office")
        page.wait_for_url(f"**{reverse('second_factor_verify')}*")
        page.locator("#id_code").fill(recovery[0])
        page.locator("#id_code").press("Enter")
        if attempt == "first":
            page.wait_for_url(f"{live_server.url}{reverse('recommendations:home')}")
            expect(page.locator(".messages li.warning")).to_be_visible()
            sign_out()
    expect(page.locator(".error-summary")).to_be_visible()
    expect(page.locator("#id_code_error")).to_contain_text("Mã không đúng")
    expect(page.locator("#id_code")).to_have_value("")
    check("code refused")
    assert AuditEvent.objects.filter(kind=AuditEvent.Kind.RECOVERY_CODE_USED).count() == 1
    assert AuditEvent.objects.filter(kind=AuditEvent.Kind.SECOND_FACTOR_FAILED).count() == 1
    sign_out()

    # The administrator resets it in Django admin (the users' list, an action).
    sign_in("root", reverse("admin:auth_user_changelist"))
    page.wait_for_url(f"**{reverse('admin:auth_user_changelist')}")
    page.locator(f"input[name=_selected_action][value='{office.pk}']").check()
    page.locator("select[name=action]").select_option("second_factor_reset")
    page.locator("button[name=index], input[name=index]").first.click()
    expect(page.locator(".messagelist")).to_be_visible()
    [reset] = AuditEvent.objects.filter(kind=AuditEvent.Kind.SECOND_FACTOR_RESET)
    assert (reset.actor_name, reset.object_id) == ("root", str(office.pk))
    page.goto(f"{live_server.url}{reverse('recommendations:home')}")
    sign_out()
    sign_in("office")
    page.wait_for_url(f"**{reverse('second_factor_enrol')}*")
    context.close()
    assert not refused, refused
    assert not problems, "\n".join(problems)
