from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.test import override_settings
from django.urls import reverse

from inspections.models import (
    Difficulty,
    Directive,
    FieldVisit,
    InspectionRound,
    ReportedFigure,
    Session,
    UnitReport,
)
from recommendations import services
from recommendations.demo import DEMO_ACCOUNTS, DEMO_PASSWORD, SECOND_ROUND_TITLE
from recommendations.models import Recommendation, RecommendationEvent, Status

pytestmark = [pytest.mark.django_db, pytest.mark.slow]


@pytest.fixture
def demo():
    call_command("load_demo", stdout=StringIO())


def test_load_demo_builds_the_whole_scenario_round(demo):
    inspection_round = InspectionRound.objects.exclude(title=SECOND_ROUND_TITLE).get()
    assert inspection_round.province.name == "Lạng Sơn"
    assert inspection_round.groups.count() == 7
    sessions = Session.objects.filter(group__round=inspection_round)
    assert sessions.count() == 7
    assert sorted(sessions.values_list("group__number", flat=True)) == [1, 2, 3, 4, 5, 7, 9]
    assert sessions.get(group__number=1).date.isoformat() == "2025-08-04"
    assert len({unit for s in sessions for unit in s.units.all()}) == 38
    assert UnitReport.objects.count() == 38
    assert Difficulty.objects.count() == 16
    assert Recommendation.objects.count() == 22
    assert Directive.objects.count() == 35
    assert FieldVisit.objects.count() == 6
    figure = ReportedFigure.objects.get()
    assert (figure.value, figure.unit, figure.session.units.count()) == (6600, None, 4)
    # The facilities recommendation of group 1 is raised by two of the four wards only.
    facilities = Recommendation.objects.get(text="Đầu tư xây dựng trụ sở làm việc tập trung")
    assert not facilities.raised_jointly
    assert sorted(u.name for u in facilities.units.all()) == ["Lương Văn Tri", "Tam Thanh"]


def test_demo_recommendations_reach_every_status_through_the_lifecycle(demo):
    statuses = set(Recommendation.objects.values_list("status", flat=True))
    assert statuses == set(Status.values)
    for recommendation in Recommendation.objects.exclude(status=Status.NEW):
        events = list(recommendation.events.all())
        assert events[-1].to_status == recommendation.status
        assert events[0].from_status == Status.NEW
    assert Recommendation.objects.overdue().exists()
    assert RecommendationEvent.objects.filter(actor__username="vanphong").exists()


def test_demo_accounts_log_in(demo, client):
    for username in DEMO_ACCOUNTS:
        response = client.post(reverse("login"), {"username": username, "password": DEMO_PASSWORD})
        assert response.status_code == 302, username
        client.logout()


def test_load_demo_runs_twice_without_duplicating(demo):
    call_command("load_demo", stdout=StringIO())
    assert InspectionRound.objects.count() == 2  # the scenario round and the coming one
    assert Recommendation.objects.count() == 22


@override_settings(DEMO_DATA_ALLOWED=False)
def test_load_demo_refuses_production_settings():
    with pytest.raises(CommandError, match="production"):
        call_command("load_demo")


def test_the_demo_history_sends_no_mail_but_a_step_taken_after_does(
        django_capture_on_commit_callbacks, mailoutbox):
    """Loading queued a mail per step of a month of history, which `make run` printed over
    the demo logins; a step a user takes in the demo afterwards is still mailed."""
    with django_capture_on_commit_callbacks(execute=True):
        call_command("load_demo", stdout=StringIO())
    assert mailoutbox == []
    recommendation = Recommendation.objects.filter(status=Status.NEW).first()
    office = get_user_model().objects.get(username="vanphong")
    with django_capture_on_commit_callbacks(execute=True):
        services.recommendation_route(recommendation=recommendation, by=office,
                                      lead_department=recommendation.session.group.round
                                      .province.departments.get(short_code="SNV"))
    assert mailoutbox
