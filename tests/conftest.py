"""The standard cast of users, and the objects they work on.

Province P ("20", Lạng Sơn-like) has departments A and B and wards A and B, each with its
staff; a second province Q has its own office. Every protected view is tested with these users.
"""

import datetime
import os
from contextlib import contextmanager

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext

from communes import cache as portal_cache
from communes import roles
from recommendations import services
from recommendations.models import Recommendation
from tests import factories


@pytest.fixture
def province(db):
    return factories.ProvinceFactory(code="20", name="Lạng Sơn")


@pytest.fixture
def other_province(db):
    return factories.ProvinceFactory(code="04", name="Cao Bằng")


@pytest.fixture
def department_a(province):
    return factories.DepartmentFactory(province=province, short_code="SNV", name="Sở Nội vụ")


@pytest.fixture
def department_b(province):
    return factories.DepartmentFactory(
        province=province, short_code="SKHCN", name="Sở Khoa học và Công nghệ")


@pytest.fixture
def office_user(province):
    user = factories.UserFactory(username="office", role=roles.OFFICE_STAFF)
    return factories.profile(user, province=province)


@pytest.fixture
def other_office_user(other_province):
    user = factories.UserFactory(username="office.other", role=roles.OFFICE_STAFF)
    return factories.profile(user, province=other_province)


@pytest.fixture
def head_a(department_a):
    user = factories.UserFactory(username="head.a", role=roles.DEPARTMENT_HEAD)
    return factories.profile(user, province=department_a.province, department=department_a)


@pytest.fixture
def staff_a(department_a):
    user = factories.UserFactory(username="staff.a", role=roles.DEPARTMENT_STAFF)
    return factories.profile(user, province=department_a.province, department=department_a)


@pytest.fixture
def head_b(department_b):
    user = factories.UserFactory(username="head.b", role=roles.DEPARTMENT_HEAD)
    return factories.profile(user, province=department_b.province, department=department_b)


@pytest.fixture
def ward_a_unit(province):
    return factories.UnitFactory(province=province, name="Đông Kinh", kind="ward")


@pytest.fixture
def ward_b_unit(province):
    return factories.UnitFactory(province=province, name="Kỳ Lừa", kind="ward")


@pytest.fixture
def ward_a(ward_a_unit):
    """Staff of a ward of province P."""
    user = factories.UserFactory(username="ward.a", role=roles.UNIT_STAFF)
    return factories.profile(user, province=ward_a_unit.province, unit=ward_a_unit)


@pytest.fixture
def ward_b(ward_b_unit):
    """Staff of another ward of province P."""
    user = factories.UserFactory(username="ward.b", role=roles.UNIT_STAFF)
    return factories.profile(user, province=ward_b_unit.province, unit=ward_b_unit)


@pytest.fixture
def leader(province):
    user = factories.UserFactory(username="leader", role=roles.LEADER)
    return factories.profile(user, province=province)


@pytest.fixture
def national_viewer(db):
    user = factories.UserFactory(username="national", role=roles.NATIONAL_VIEWER)
    return factories.profile(user)


@pytest.fixture
def admin_user_(db):
    return factories.UserFactory(username="root", is_staff=True, is_superuser=True)


@pytest.fixture
def count_queries():
    """Run a callable and return how many queries it made."""

    def run(callable_):
        with CaptureQueriesContext(connection) as context:
            callable_()
        return len(context.captured_queries)

    return run


@pytest.fixture
def real_cache(settings):
    """Test settings have no cache (test transactions never commit); these tests have one and
    run each commit's callbacks themselves."""
    from django.core.cache import cache

    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache",
                                   "LOCATION": "test-cache"}}
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def commit(django_capture_on_commit_callbacks):
    """A block whose end stands for a commit: its commit callbacks run.

    The test's own transaction never commits, so a callback that fixtures registered before
    the block is still pending, and data_changed() would rightly register no second one; in
    real use that earlier work committed long before. Drop it first."""

    @contextmanager
    def block():
        connection.run_on_commit = [entry for entry in connection.run_on_commit
                                    if not isinstance(entry[1], portal_cache._Changes)]
        with django_capture_on_commit_callbacks(execute=True):
            yield

    return block


@pytest.fixture
def overdue_in_a(office_user, province, department_a):
    """Department A has an overdue item on 26/11/2026: its digest is due that day."""
    session = factories.SessionFactory(group__round__province=province,
                                       date=datetime.date(2025, 8, 5))
    recommendation = factories.RecommendationFactory(session=session)
    services.recommendation_route(recommendation=recommendation, by=office_user,
                                  lead_department=department_a)
    Recommendation.objects.filter(pk=recommendation.pk).update(
        due_date=datetime.date(2026, 11, 20))
    mail.outbox.clear()
    return datetime.date(2026, 11, 26)


@pytest.fixture
def routed_to_a(department_a, office_user, province, commit):
    """A recommendation of province P routed to department A."""
    with commit():
        recommendation = factories.RecommendationFactory(
            session__group__round__province=province)
        services.recommendation_route(recommendation=recommendation,
                                      lead_department=department_a, by=office_user)
    return recommendation


# The cluster's tests (tests/cluster/) start PostgreSQL, Redis, gunicorn and nginx of their
# own: `make test-cluster` runs them (CLUSTER_TESTS=1), `make test` leaves them out.
collect_ignore = [] if os.environ.get("CLUSTER_TESTS") else ["cluster"]
