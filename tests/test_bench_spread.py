"""make bench's spread mode: the paths it draws from the data set (bench/run.py). The same
seed must give the same paths, or two runs would not measure the same load; every path must
be one its user may open, or the run would measure error pages."""

import random

import pytest

from bench import run
from recommendations import services
from recommendations.models import Recommendation
from tests import factories


def test_draw_is_the_same_for_a_seed_and_never_repeats():
    first = run.draw(range(1000), 200, random.Random("26:page"))
    assert first == run.draw(range(1000), 200, random.Random("26:page"))
    assert first != run.draw(range(1000), 200, random.Random("27:page"))
    assert len(set(first)) == 200
    # A data set with fewer objects than wanted: each of them once.
    assert sorted(run.draw([3, 1, 2], 20_000, random.Random(1))) == [1, 2, 3]


def test_combinations_leave_an_empty_value_out():
    paths = run.combinations("/recommendations/", {
        "status": ["", "routed"], "deadline": ["", "overdue"], "page": ["1", "2"]})
    assert len(paths) == 8
    assert paths[:2] == ["/recommendations/?page=1", "/recommendations/?page=2"]
    assert "/recommendations/?status=routed&deadline=overdue&page=2" in paths


@pytest.mark.django_db
def test_spread_paths_are_the_users_own_and_the_same_for_a_seed(
        office_user, head_a, department_a, other_province):
    office_user.username, head_a.username = "bench.office", "bench.head"
    office_user.save()
    head_a.save()
    session = factories.SessionFactory(group__round__province=department_a.province)
    for number in range(6):
        recommendation = factories.RecommendationFactory(
            session=session, text=f"Bổ sung biên chế trường học số {number}")
        if number % 2:
            services.recommendation_route(recommendation=recommendation, by=office_user,
                                          lead_department=department_a)
    elsewhere = factories.RecommendationFactory(
        session=factories.SessionFactory(group__round__province=other_province))

    pages = {name: (user, paths) for name, user, paths in run.spread_pages()}
    assert pages == {name: (user, paths) for name, user, paths in run.spread_pages()}
    assert set(pages) == {"true floor", "recommendation page (department head)",
                          "recommendation page (office)", "session page", "API detail",
                          "search", "office list", "department inbox"}

    def ids(paths):
        return {int(path.rstrip("/").rsplit("/", 1)[1]) for path in paths}

    routed = set(Recommendation.objects.filter(lead_department=department_a)
                 .values_list("pk", flat=True))
    assert ids(pages["recommendation page (department head)"][1]) == routed
    assert len(routed) == 3
    office_sees = ids(pages["recommendation page (office)"][1])
    assert len(office_sees) == 6 and elsewhere.pk not in office_sees
    assert ids(pages["API detail"][1]) == office_sees
    assert pages["session page"][1] == [f"/sessions/{session.pk}/"]
    assert pages["department inbox"][0] == "bench.head"
    assert all(path.startswith("/inbox/?tab=") for path in pages["department inbox"][1])
    # 10 statuses (or none) × 4 deadlines (or none) × 4 pages.
    assert len(pages["office list"][1]) == 160
    # Words of the data set's own texts, folded as search folds them.
    assert all(path.startswith("/search/?q=") for path in pages["search"][1])
    assert any("bien" in path or "che" in path or "truong" in path
               for path in pages["search"][1])

    # BENCH_PAGES picks pages, and the true floor, without changing their paths.
    picked = {name: paths for name, _user, paths in run.spread_pages(["search"])}
    assert picked == {"true floor": pages["true floor"][1], "search": pages["search"][1]}
