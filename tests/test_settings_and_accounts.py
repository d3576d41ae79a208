import os
import subprocess
import sys
import time
from io import StringIO
from pathlib import Path

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

ROOT = Path(__file__).resolve().parent.parent
PRODUCTION_ENV = {
    "DJANGO_SETTINGS_MODULE": "config.settings.production",
    "SECRET_KEY": "a-long-random-production-secret-key-0123456789-abcdefghijklmnop",
    "DATABASE_URL": "sqlite:////tmp/inspections-deploy-check.sqlite3",
    "ALLOWED_HOSTS": "kiemtra.example.vn",
}


def manage(*args, env):
    # The browser tests' DJANGO_ALLOW_ASYNC_UNSAFE must not leak into a production check.
    clean = {k: v for k, v in os.environ.items()
             if k not in PRODUCTION_ENV and k != "DJANGO_ALLOW_ASYNC_UNSAFE"}
    return subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env={**clean, **env},
                          capture_output=True, text=True, timeout=120)


def test_production_settings_pass_check_deploy_without_warnings():
    result = manage("check", "--deploy", "--fail-level", "WARNING", env=PRODUCTION_ENV)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "WARNING" not in result.stderr


def test_production_asks_the_office_leaders_national_viewers_and_administrators_for_a_code():
    """The second factor is on by default where it matters (issue 27): the tests switch it
    on themselves (test settings leave it off), so only this reads the shipped default."""
    code = ("from django.conf import settings; "
            "print(','.join(sorted(settings.SECOND_FACTOR_ROLES)))")
    clean = {k: v for k, v in os.environ.items()
             if k not in PRODUCTION_ENV and k not in ("DJANGO_ALLOW_ASYNC_UNSAFE",
                                                      "SECOND_FACTOR_ROLES")}
    result = subprocess.run([sys.executable, "manage.py", "shell", "--no-imports", "-c", code],
                            cwd=ROOT, env={**clean, **PRODUCTION_ENV}, capture_output=True,
                            text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "admin,leader,national,office"


@pytest.mark.parametrize("missing", ["SECRET_KEY", "DATABASE_URL", "ALLOWED_HOSTS"])
def test_production_refuses_to_start_without_required_variables(missing):
    env = {k: v for k, v in PRODUCTION_ENV.items() if k != missing}
    result = manage("check", env=env)
    assert result.returncode == 1
    assert result.stderr.strip().splitlines() == [
        f"Refusing to start: set the environment variable(s) {missing} "
        "(see the environment table in docs/configuration.md)."
    ]


@pytest.mark.django_db
def test_repeated_wrong_passwords_lock_the_username_from_that_ip(client, office_user, settings):
    url = reverse("login")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(url, {"username": "office", "password": "sai"}, REMOTE_ADDR="10.0.0.1")
    locked = client.post(url, {"username": "office", "password": "matkhau-thu-2025"},
                         REMOTE_ADDR="10.0.0.1")
    assert locked.status_code == 429
    assert "Đăng nhập sai quá nhiều lần" in locked.content.decode()
    # A colleague behind the same NAT address is not locked out, nor is the user elsewhere.
    other = client.post(url, {"username": "office", "password": "matkhau-thu-2025"},
                        REMOTE_ADDR="10.0.0.2")
    assert other.status_code == 302
    from django.core.management import call_command

    call_command("axes_reset_username", "office", stdout=StringIO())
    client.logout()
    unlocked = client.post(url, {"username": "office", "password": "matkhau-thu-2025"},
                           REMOTE_ADDR="10.0.0.1")
    assert unlocked.status_code == 302


@pytest.mark.django_db
def test_behind_nginx_the_lock_follows_the_forwarded_client_ip(client, office_user, settings):
    # Production behind one nginx.
    settings.TRUSTED_PROXY_COUNT = 1
    url = reverse("login")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(url, {"username": "office", "password": "sai"}, REMOTE_ADDR="127.0.0.1",
                    HTTP_X_FORWARDED_FOR="203.0.113.7")
    good = {"username": "office", "password": "matkhau-thu-2025"}
    locked = client.post(url, good, REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.7")
    assert locked.status_code == 429
    # The probe's case: the pair locked at 203.0.113.7 stays locked with an address put in
    # front of it (a proxy that appends rather than overwrites). Asked before anything else
    # is locked: django-ipware's reading counted this under the proxy's own address, which
    # the forged attempts below lock too, and would hide it.
    prepended = client.post(url, good, REMOTE_ADDR="127.0.0.1",
                            HTTP_X_FORWARDED_FOR="10.99.99.99, 203.0.113.7")
    assert prepended.status_code == 429
    # A colleague at another address, through the same nginx, still logs in...
    other = client.post(url, good, REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.8")
    assert other.status_code == 302
    client.logout()
    # ...but a guesser cannot get fresh attempts by forging addresses in front of nginx's.
    for n in range(settings.AXES_FAILURE_LIMIT):
        client.post(url, {"username": "office", "password": "sai"}, REMOTE_ADDR="127.0.0.1",
                    HTTP_X_FORWARDED_FOR=f"198.51.100.{n}, 203.0.113.9")
    forged = client.post(url, good, REMOTE_ADDR="127.0.0.1",
                         HTTP_X_FORWARDED_FOR="198.51.100.99, 203.0.113.9")
    assert forged.status_code == 429


@pytest.mark.django_db
def test_without_a_trusted_proxy_a_forwarded_address_changes_nothing(client, office_user,
                                                                      settings):
    assert settings.TRUSTED_PROXY_COUNT == 0
    url = reverse("login")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(url, {"username": "office", "password": "sai"}, REMOTE_ADDR="10.20.0.1")
    good = {"username": "office", "password": "matkhau-thu-2025"}
    for forwarded in ("10.99.99.99", "10.99.99.99, 10.20.0.1", "10.20.0.2, 10.99.99.99"):
        assert client.post(url, good, REMOTE_ADDR="10.20.0.1",
                           HTTP_X_FORWARDED_FOR=forwarded).status_code == 429, forwarded


@pytest.mark.parametrize(("trusted", "forwarded", "client_address"), [
    (0, "10.99.99.99, 10.20.0.1", "127.0.0.1"),
    (1, "10.99.99.99, 10.20.0.1", "10.20.0.1"),
    (1, "10.20.0.1", "10.20.0.1"),
    (1, " 10.99.99.99 ,10.20.0.1 ", "10.20.0.1"),
    (2, "10.99.99.99, 10.20.0.1, 192.168.1.5", "10.20.0.1"),
    (1, "", "127.0.0.1"),
    (1, "10.99.99.99, unknown", "127.0.0.1"),
    (1, "10.99.99.99, 2001:db8::1", "2001:db8::1"),
])
def test_the_client_address_is_read_from_the_right(rf, settings, trusted, forwarded,
                                                   client_address):
    from communes.clientip import client_ip

    settings.TRUSTED_PROXY_COUNT = trusted
    request = rf.get("/", REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR=forwarded)
    assert client_ip(request) == client_address


@pytest.mark.django_db
def test_password_reset_sends_a_vietnamese_email(client, office_user,
                                                django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("password_reset"), {"email": office_user.email})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    assert "mật khẩu" in mail.outbox[0].subject
    # The link uses SITE_URL, not the request's Host header.
    assert "http://127.0.0.1:8000/accounts/reset/" in mail.outbox[0].body


@pytest.mark.django_db
def test_weak_passwords_are_refused_on_change(client, office_user):
    client.force_login(office_user)
    response = client.post(reverse("password_change"), {
        "old_password": "matkhau-thu-2025", "new_password1": "12345678",
        "new_password2": "12345678"})
    assert response.status_code == 200
    assert response.context["form"].errors


@pytest.mark.django_db
def test_sessions_expire_after_inactivity_and_requests_renew_them(client, office_user,
                                                                   settings):
    import datetime

    from django.contrib.sessions.backends.db import SessionStore
    from django.contrib.sessions.models import Session
    from django.utils import timezone

    from config.middleware import RENEWED_KEY

    client.force_login(office_user)
    home = reverse("recommendations:home")
    assert client.get(home).status_code == 200
    session = Session.objects.get()
    remaining = session.expire_date - timezone.now()
    assert abs(remaining.total_seconds() - settings.SESSION_COOKIE_AGE) < 60

    # Renewed a moment ago: a page view writes nothing.
    with CaptureQueriesContext(connection) as context:
        assert client.get(home).status_code == 200
    assert not [q for q in context.captured_queries if "UPDATE" in q["sql"]]

    # Last renewed longer ago than SESSION_RENEW_SECONDS, ten minutes left: a request renews it.
    store = SessionStore(session_key=session.session_key)
    store[RENEWED_KEY] = int(time.time()) - settings.SESSION_RENEW_SECONDS - 1
    store.save()
    Session.objects.update(expire_date=timezone.now() + datetime.timedelta(minutes=10))
    assert client.get(home).status_code == 200
    remaining = Session.objects.get().expire_date - timezone.now()
    assert abs(remaining.total_seconds() - settings.SESSION_COOKIE_AGE) < 60

    # Idle past the limit: the next request must log in again.
    Session.objects.update(expire_date=timezone.now() - datetime.timedelta(seconds=1))
    response = client.get(home)
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_security_headers_on_pages(client, db):
    response = client.get(reverse("login"))
    assert "default-src 'self'" in response["Content-Security-Policy"]
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "same-origin"
