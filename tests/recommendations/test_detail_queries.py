"""The recommendation page opened cold — nothing of it kept (test settings have no cache), as
when a department head opens the item routed this morning — reads the same number of queries
however long its history: events, answers and contributions by several authors, raising units,
co-operating departments and extension requests (issue 26)."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from recommendations.models import (
    ExtensionRequest,
    Recommendation,
    RecommendationEvent,
    Response,
    Status,
)
from tests import factories

pytestmark = pytest.mark.django_db


def lengthen(item, count, *, department, other_department, authors):
    """`count` more of every part of the page's history, by several authors."""
    now = timezone.now()
    RecommendationEvent.objects.bulk_create(
        RecommendationEvent(recommendation=item, actor=authors[n % len(authors)],
                            at=now - datetime.timedelta(hours=count - n),
                            from_status=Status.ROUTED, to_status=Status.ACCEPTED, note=f"b{n}")
        for n in range(count))
    Response.objects.bulk_create(
        Response(recommendation=item, author=authors[n % len(authors)],
                 department=(department, other_department)[n % 2],
                 kind=(Response.Kind.PROGRESS, Response.Kind.CONTRIBUTION)[n % 2],
                 text=f"Nội dung xử lý thử {count}-{n}")
        for n in range(count))
    # Decided ones, by another author than the one who asked (one may be pending at a time).
    ExtensionRequest.objects.bulk_create(
        ExtensionRequest(recommendation=item, requested_by=authors[n % len(authors)],
                         current_due_date=item.due_date,
                         proposed_due_date=item.due_date + datetime.timedelta(days=n + 1),
                         decision=ExtensionRequest.Decision.REFUSED,
                         decided_by=authors[(n + 1) % len(authors)], decided_at=now)
        for n in range(count))
    item.units.add(*[factories.UnitFactory(province=item.province) for _n in range(count)])


@pytest.mark.parametrize("reader", ["office_user", "head_a", "staff_a", "head_b", "leader"])
def test_the_cold_recommendation_page_reads_the_same_queries_however_long_its_history(
        request, client, reader, department_a, department_b, office_user, head_a, staff_a,
        count_queries):
    session = factories.SessionFactory(group__round__province=department_a.province)
    item = factories.RecommendationFactory(
        session=session, province=department_a.province, status=Status.ACCEPTED,
        lead_department=department_a, assignee=staff_a,
        due_date=timezone.localdate() + datetime.timedelta(days=20))
    item.cooperating_departments.add(department_b)
    authors = [office_user, head_a, staff_a]
    user = request.getfixturevalue(reader)
    client.force_login(user)
    url = reverse("recommendations:detail", kwargs={"pk": item.pk})

    lengthen(item, 2, department=department_a, other_department=department_b, authors=authors)
    first = client.get(url)
    assert first.status_code == 200
    few = count_queries(lambda: client.get(url))
    lengthen(item, 40, department=department_a, other_department=department_b,
             authors=authors)
    page = client.get(url)
    assert page.content.decode().count("Nội dung xử lý thử") == 42  # all of it is shown
    assert count_queries(lambda: client.get(url)) == few
    assert Recommendation.objects.get(pk=item.pk).units.count() == 42
