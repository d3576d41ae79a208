"""Single sign-on end to end: Chromium, the portal (live_server) and a real OpenID provider
(django-oauth-toolkit, tests/sso_provider/) started on loopback for these tests."""

import re

import pytest
from django.contrib.sessions.backends.cached_db import SessionStore
from playwright.sync_api import expect

from communes import roles
from communes.audit import AuditEvent
from tests import factories
from tests.sso_provider.running import PASSWORD, running_provider, sso_configured, sso_settings

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SSO_BUTTON = "Đăng nhập bằng tài khoản của tỉnh"


@pytest.fixture(scope="module")
def provider(live_server, tmp_path_factory):
    # Provider usernames are not the portal's: the portal matches them by verified email.
    users = [("nguyen.van.a", "office@example.vn"), ("nguoi.la", "nguoi.la@example.vn")]
    with running_provider(tmp_path_factory.mktemp("provider"), live_server.url, users) as op:
        yield op


@pytest.fixture
def sso_on(provider):
    with sso_configured(**sso_settings(provider.issuer, OIDC_USERNAME_CLAIM="email",
                                       OIDC_USER_FIELD="email")):
        yield provider


def provider_sign_in(page, username):
    expect(page.get_by_role("heading", name="Province identity provider")).to_be_visible()
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Provider sign in").click()


def portal_session(page, live_server):
    cookie = next(c for c in page.context.cookies(live_server.url) if c["name"] == "sessionid")
    return SessionStore(cookie["value"]).load()


def test_sign_in_claim_mapping_and_sign_out_of_both(live_server, page, sso_on, province):
    office = factories.profile(factories.UserFactory(
        username="office", email="office@example.vn", role=roles.OFFICE_STAFF),
        province=province)
    page.goto(f"{live_server.url}/accounts/login/")
    # The password form stays beside the button (administrators, Django admin).
    expect(page.get_by_label("Mật khẩu")).to_be_visible()
    page.get_by_role("link", name=SSO_BUTTON).click()
    provider_sign_in(page, "nguyen.van.a")
    page.wait_for_url(f"{live_server.url}/")
    expect(page.locator("details.account-menu summary")).to_be_visible()
    session = portal_session(page, live_server)
    assert session["_auth_user_id"] == str(office.pk)
    assert session["signed_in_with"] == "oidc"
    logins = AuditEvent.objects.filter(kind=AuditEvent.Kind.LOGIN)
    assert [(e.actor_id, e.details) for e in logins] == [(office.pk, {"method": "oidc"})]

    # Sign-out ends both: back on the portal's login page, and the provider asks again.
    page.locator("details.account-menu summary").click()
    page.get_by_role("button", name="Đăng xuất").click()
    page.wait_for_url(re.compile(re.escape(f"{live_server.url}/accounts/login/")))
    expect(page.get_by_role("link", name=SSO_BUTTON)).to_be_visible()
    page.goto(f"{live_server.url}/")
    assert "/accounts/login/" in page.url
    page.get_by_role("link", name=SSO_BUTTON).click()
    expect(page.get_by_role("heading", name="Province identity provider")).to_be_visible()
    expect(page.get_by_label("Password")).to_be_visible()


def test_a_provider_user_with_no_portal_account_is_refused(live_server, page, sso_on):
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_role("link", name=SSO_BUTTON).click()
    provider_sign_in(page, "nguoi.la")
    page.wait_for_url(re.compile(re.escape(f"{live_server.url}/accounts/login/")))
    expect(page.locator(".messages")).to_contain_text("nguoi.la@example.vn")
    expect(page.locator(".messages")).to_contain_text("chưa được gắn với tài khoản nào trên Cổng")
    refused = AuditEvent.objects.get(kind=AuditEvent.Kind.SSO_REFUSED)
    assert refused.details["value"] == "nguoi.la@example.vn"
    assert refused.details["reason"] == "unknown"
    assert not AuditEvent.objects.filter(kind__in=[AuditEvent.Kind.LOGIN,
                                                   AuditEvent.Kind.LOGIN_FAILED]).exists()
    page.goto(f"{live_server.url}/")
    assert "/accounts/login/" in page.url
