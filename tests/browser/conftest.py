"""Real Chromium (Debian's package) driven by Playwright, against pytest-django's live_server.

Never `playwright install`: the browser is /usr/bin/chromium. Locally the tests skip when it is
absent; in CI (CI=true) its absence is a failure.
"""

import os
from pathlib import Path

import pytest

# Playwright's sync API runs an event loop in this thread; Django must still allow ORM calls.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync",
]


def pytest_collection_modifyitems(items):
    for item in items:
        if "/browser/" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(autouse=True)
def migrated_rows(request):
    """The rows data migrations create (roles, categories, metrics, calendar).

    Browser tests run against live_server, so their data is committed and the database is
    flushed after each one; they put back what migrations seeded rather than rely on
    serialized rollback, which Playwright's event loop defeats (Django's connection is
    context-local, and the serialized copy sits on another context's connection).
    """
    if "live_server" not in request.fixturenames:
        return
    request.getfixturevalue("transactional_db")
    from django.contrib.auth.models import Group, Permission

    from communes.roles import roles_sync
    from communes.workdays import calendar_seed
    from inspections.models import Category, Metric
    from inspections.reference import reference_seed

    roles_sync(Group, Permission)
    reference_seed(Category, Metric)
    calendar_seed(years=range(2024, 2031))


@pytest.fixture(scope="session")
def browser():
    if not CHROMIUM.exists():
        message = f"{CHROMIUM} is missing: install Debian's chromium package"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(locale="vi-VN")
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()
