import io

import pytest
from django.core.management import CommandError, call_command
from django.db import transaction
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
    def generated():
        """What one run makes from nothing: it is rolled back after (deleting the rows one
        model at a time, with their cascades, took most of this test's time)."""
        with transaction.atomic():
            generate(recommendations=500, seed=11, rounds=1)
            made = list(Recommendation.objects.order_by("id").values_list("status", "text"))
            transaction.set_rollback(True)
        assert not Recommendation.objects.exists()
        return made

    first = generated()
    assert first and len({status for status, _text in first}) > 1
    assert generated() == first


@override_settings(DEMO_DATA_ALLOWED=False)
def test_generate_scale_refuses_production_settings():
    with pytest.raises(CommandError, match="production"):
        call_command("generate_scale", "--recommendations", "10")
