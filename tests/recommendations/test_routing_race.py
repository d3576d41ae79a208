"""Merge and route of the same items at the same moment, on two real connections: the probe's
merge answered 500 ("deadlock detected") in 4 of 10 runs. Each service that locks several
recommendations takes their locks in ascending id (services.lock_in_order), so the second
one waits for the first instead."""

import threading
import time
from unittest import mock

import pytest
from django.contrib.auth.models import Group, Permission
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from communes import roles
from communes.roles import roles_sync
from recommendations import services
from recommendations.models import Recommendation, Status
from tests import factories

from .test_routing import rows_data


def _items():
    """Two new items of one session (their tally is one session row, as on the probe's
    screen), an office user and a department."""
    roles_sync(Group, Permission)
    province = factories.ProvinceFactory(code="20", name="Lạng Sơn")
    department = factories.DepartmentFactory(province=province, short_code="SNV",
                                             name="Sở Nội vụ")
    user = factories.profile(factories.UserFactory(username="office", role=roles.OFFICE_STAFF),
                             province=province)
    session = factories.SessionFactory(group__round__province=province)
    first, second = (factories.RecommendationFactory(session=session) for _ in range(2))
    return session.group.round, first, second, department, user


def _someone_waits_for_a_row_lock() -> bool:
    """Whether another connection waits for a lock in a SELECT (the merge's FOR UPDATE; its
    text is too long for pg_stat_activity to show the clause). Read afresh: within a
    transaction PostgreSQL keeps its first view of the activity."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_stat_clear_snapshot()")
        cursor.execute("SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' "
                       "AND datname = current_database() AND query LIKE 'SELECT %' "
                       "AND pid <> pg_backend_pid()")
        return cursor.fetchone()[0] > 0


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("page_order", ["ab", "ba"])
def test_merge_and_route_of_the_same_items_at_once_never_deadlock(page_order):
    if connection.vendor != "postgresql":
        pytest.skip("SQLite takes one writer at a time: two transactions never hold row "
                    "locks together, so there is no deadlock to provoke (run on PostgreSQL)")
    inspection_round, a, b, department, user = _items()
    rows = [a, b] if page_order == "ab" else [b, a]
    url = reverse("recommendations:routing", args=[inspection_round.pk])
    barrier = threading.Barrier(2, timeout=20)
    answers, errors = {}, {}
    route = services.recommendation_route

    def route_then_meet(**kwargs):
        # The router has routed the page's first row (and so holds it, and the session's row
        # that the tally's refresh locks); the merger starts, and the router goes on to the
        # second only once the merger waits. Before the fix, with A first, the merger held B
        # (and every row its join read) while it waited for the session's row: a deadlock,
        # every time. With B first, the router must have locked A before B as merge does.
        routed = route(**kwargs)
        if kwargs["recommendation"].pk == rows[0].pk:
            barrier.wait()
            deadline = time.monotonic() + 10
            while not _someone_waits_for_a_row_lock() and time.monotonic() < deadline:
                time.sleep(0.05)
        return routed

    def post(name, data, before=None):
        try:
            if before:
                before()
            client = Client()
            client.force_login(user)
            answers[name] = client.post(url, data)
        except Exception as error:  # noqa: BLE001 - reported by the assertions below
            errors[name] = error
        finally:
            connection.close()

    routing = rows_data(rows, rows, {i: {"lead_department": department.pk}
                                         for i in range(2)})
    merging = rows_data([a, b], [a, b])
    with mock.patch.object(services, "recommendation_route", route_then_meet):
        threads = [
            threading.Thread(target=post, args=("route", {**routing, "action": "route"})),
            threading.Thread(target=post, args=("merge", {**merging, "action": "merge"},
                                                 barrier.wait)),
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(60)
    assert not errors, errors
    # The router came first and routed both; the merger then found them routed, and said so
    # on its page (400, its form kept).
    assert answers["route"].status_code == 302
    assert answers["merge"].status_code == 400
    # ...and not the views' last line for a deadlock, which would hide one.
    with translation.override("vi"):
        crossed = _("Someone else changed these items at the same moment; try again.")
    assert crossed not in [str(m) for m in answers["merge"].context["messages"]]
    assert set(Recommendation.objects.values_list("status", flat=True)) == {Status.ROUTED}
    assert not Recommendation.objects.exclude(consolidated_into=None).exists()
