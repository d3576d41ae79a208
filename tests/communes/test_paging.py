"""Lists paged by their ids first (communes/paging.py): the same rows in the same order as
slicing the queryset, with what each row carries, in a constant number of queries."""

import datetime
import random

import pytest
from django.core.paginator import Paginator
from django.db import connection
from django.db.models import QuerySet
from django.test.utils import CaptureQueriesContext

from communes.paging import PagedByIds
from recommendations.filters import SORTS
from recommendations.models import Recommendation
from tests.factories import DepartmentFactory, RecommendationFactory, SessionFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def many():
    session = SessionFactory()
    departments = [DepartmentFactory(province=session.group.round.province) for _ in range(3)]
    rng = random.Random(7)
    for number in range(57):
        RecommendationFactory(
            session=session, lead_department=rng.choice(departments),
            # Ties on the due date, so the order's tie-breaker matters.
            due_date=datetime.date(2026, 1, 1) + datetime.timedelta(days=rng.randint(0, 9)),
            text=f"Kiến nghị {number}")
    return Recommendation.objects.filter(session=session)


@pytest.mark.parametrize("sort", SORTS)
def test_every_page_holds_the_rows_slicing_would_give_in_their_order(many, sort):
    listed = many.order_by(*SORTS[sort][1]).select_related("lead_department", "session")
    plain, by_ids = Paginator(listed, 10), Paginator(PagedByIds(listed), 10)
    assert by_ids.count == plain.count == 57
    assert by_ids.num_pages == 6
    for number in by_ids.page_range:
        assert [r.pk for r in by_ids.page(number)] == [r.pk for r in plain.page(number)]


def test_a_page_carries_what_the_queryset_selects_and_prefetches_in_three_queries(many):
    listed = many.order_by("due_date", "id").select_related(
        "lead_department", "session__group").prefetch_related("units")
    paginator = Paginator(PagedByIds(listed), 25)
    assert paginator.count == 57  # counted once, as the page's number of pages needs
    for number in (1, 3):
        with CaptureQueriesContext(connection) as queries:
            rows = list(paginator.page(number))
            for row in rows:  # read with the page: no query per row
                str(row.lead_department), str(row.session.group), list(row.units.all())
        assert rows
        # The ids, the rows with their related rows, the units.
        assert len(queries) == 3, [q["sql"] for q in queries]
        assert "JOIN" not in queries[0]["sql"]


def test_a_row_that_left_the_list_between_the_two_reads_is_left_out(many, monkeypatch):
    listed = many.order_by("id")
    first, elsewhere = listed.first(), SessionFactory()
    original = QuerySet.values_list

    def then_moved(self, *fields, **kwargs):
        ids = list(original(self, *fields, **kwargs))
        # Moved out of the list (another session) once its id was read.
        Recommendation.objects.filter(pk=first.pk).update(session=elsewhere)
        return ids

    monkeypatch.setattr(QuerySet, "values_list", then_moved)
    rows = PagedByIds(listed)[0:5]
    assert first.pk not in [r.pk for r in rows]
    assert len(rows) == 4


def test_an_unordered_list_is_said_to_be(many):
    assert PagedByIds(many.order_by("id")).ordered
    assert not PagedByIds(many.order_by()).ordered
