import io
from collections import Counter

import pytest
from django.core.management import CommandError, call_command
from django.test import override_settings

from bench.scale import generate
from communes.models import AdministrativeUnit, Department, Province
from inspections.models import Difficulty, Directive, DirectiveFollowUp, Session
from recommendations import dashboard
from recommendations.models import Recommendation, RecommendationEvent, Response, Tally

pytestmark = [pytest.mark.django_db, pytest.mark.slow]


def test_generate_scale_builds_the_national_shape_at_small_scale():
    output = io.StringIO()
    call_command("generate_scale", "--recommendations", "3000", "--rounds", "2", "--seed", "7",
                 stdout=output)
    assert Province.objects.count() == 34
    assert AdministrativeUnit.objects.count() == 3321
    assert Department.objects.count() == 34 * 14
    # Every unit attends one session of every round.
    assert Session.units.through.objects.count() == 3321 * 2
    assert Recommendation.objects.count() == 3000
    assert RecommendationEvent.objects.count() == 5 * 3000
    assert Difficulty.objects.count() == 900
    assert Directive.objects.count() == DirectiveFollowUp.objects.count() == 1500
    assert Response.objects.count() <= 600
    # The generated rows obey the model's rules and the dashboard reads them.
    for recommendation in Recommendation.objects.all()[:200]:
        recommendation.full_clean()
    figures = dashboard.figures(Tally.objects.all())
    assert figures["totals"]["total"] == 3000
    assert "Done in" in output.getvalue()


def test_the_same_seed_gives_the_same_data():
    def histogram():
        return Counter(Recommendation.objects.order_by("id").values_list("status", flat=True))

    generate(recommendations=500, seed=11, rounds=1)
    first = list(Recommendation.objects.order_by("id").values_list("status", "text"))
    for model in (RecommendationEvent, Response, Recommendation, DirectiveFollowUp, Directive,
                  Difficulty):
        model.objects.all().delete()
    generate(recommendations=500, seed=11, rounds=1)
    second = list(Recommendation.objects.order_by("id").values_list("status", "text"))
    assert first == second and histogram()


@override_settings(DEMO_DATA_ALLOWED=False)
def test_generate_scale_refuses_production_settings():
    with pytest.raises(CommandError, match="production"):
        call_command("generate_scale", "--recommendations", "10")
