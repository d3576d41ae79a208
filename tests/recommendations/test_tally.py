"""The dashboard's tally (recommendations/tally.py) against the records it counts: after
every kind of write — the services, saves as admin makes them, who raised what changed from
either side, merges undone, deletions, a session moved to another date, directives and
difficulties, the calendar — its figures are those counted directly from the records
(tests/recommendations/direct_figures.py), and a rebuild finds the same rows."""

import datetime
import statistics

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from communes.models import CalendarDay
from communes.scope import Scope, scope
from communes.workdays import add_working_days
from inspections.models import Difficulty, Directive, DirectiveFollowUp, Session
from inspections.signals import written_in_bulk
from recommendations import dashboard, services, tally
from recommendations.filters import SessionPeriodFilterSet
from recommendations.models import Recommendation, Status, Tally
from tests import factories
from tests.recommendations import direct_figures
from tests.recording import as_posted

pytestmark = pytest.mark.django_db


def assert_tally_matches_records(user, *, by_province=False, period=None):
    """Every figure of `user`'s dashboard (for the sessions `period` chooses), read from the
    tally, equals the same figure counted from the records."""
    request = type("Request", (), {"user": user})()
    filters = SessionPeriodFilterSet(period or {}, Recommendation.objects.visible_to(user),
                                     request=request)
    tallies = Tally.objects.visible_to(user)
    chosen = dashboard.of_period(tallies, filters)
    follow_ups = DirectiveFollowUp.objects.visible_to(user)
    for name, lookup in (("round", "directive__session__group__round_id"),
                         ("date_from", "directive__session__date__gte"),
                         ("date_to", "directive__session__date__lte")):
        if filters.form.cleaned_data.get(name):
            follow_ups = follow_ups.filter(**{lookup: filters.form.cleaned_data[name]})
    assert dashboard.figures(chosen, by_province=by_province) == direct_figures.figures(
        filters.qs, by_province=by_province)
    assert dashboard.completion(chosen, Tally.Kind.DIRECTIVES) == \
        direct_figures.directive_completion(follow_ups)
    assert dashboard.completion(chosen, Tally.Kind.COMPLETION) == \
        direct_figures.recommendation_completion(filters.qs)
    assert dashboard.recurring_difficulties(tallies) == direct_figures.recurring_difficulties(
        Difficulty.objects.visible_to(user))
    assert_trends_match(chosen, filters.qs, by_province)


def assert_trends_match(chosen, recommendations, by_province):
    """The months and the on-time rates by department, from the tally, are the records'."""
    key = "lead_department__short_code" if by_province else "lead_department_id"
    departments = dashboard.figures(chosen, by_province=by_province)["departments"]
    trends = dashboard.trends(chosen, departments, by_province=by_province)
    direct = direct_figures.trends(recommendations, by_province=by_province)
    shown = {month.start: {"raised": month.raised, "resolved": month.resolved,
                           "missed": month.missed} for month in trends["months"]}
    zero = {"raised": 0, "resolved": 0, "missed": 0}
    assert shown == {start: direct["months"].get(start, zero) for start in shown}
    # The last months from the latest with figures: only older ones are left out.
    assert len(shown) <= dashboard.MONTHS_SHOWN
    assert max(direct["months"], default=None) == max(shown, default=None)
    assert all(start < min(shown) for start in set(direct["months"]) - set(shown))
    rates = {body["params"][key.replace("lead_department__short_code", "department_type")
                            .replace("lead_department_id", "department")]: {
        cell.month.start: [cell.resolved, cell.on_time] for cell in body["cells"]
        if cell.resolved} for body in trends["bodies"]}
    assert rates == {body: {start: cell for start, cell in cells.items() if start in shown}
                     for body, cells in direct["rates"].items()
                     if any(start in shown for start in cells)}


def rows():
    return sorted(Tally.objects.values_list(
        "kind", "session_id", "province_id", "round_id", "group_id", "session_date",
        "lead_department_id", "category_id", "unit_id", "status", "due_date", "days", "number"),
        key=repr)


@pytest.fixture
def world(province, other_province, department_a, department_b, office_user, head_a,
          head_b, leader, national_viewer, ward_a_unit, ward_b_unit):
    """Two rounds in one province and one in another; recommendations in every state, one
    merged into another of the other round; difficulties of one category in both rounds;
    directives done on time, late and pending."""
    today = timezone.localdate()
    first = factories.SessionFactory(group__round__province=province,
                                     date=today - datetime.timedelta(days=60))
    second = factories.SessionFactory(group__round__province=province,
                                      date=today - datetime.timedelta(days=10))
    elsewhere = factories.SessionFactory(group__round__province=other_province)
    categories = [factories.CategoryFactory(), factories.CategoryFactory()]
    made = []
    for number in range(12):
        session = (first, second)[number % 2]
        item = factories.RecommendationFactory(session=session,
                                               category=categories[number % 3 == 0])
        item.units.set([ward_a_unit, ward_b_unit][: 1 + number % 2])
        made.append(item)
    factories.RecommendationFactory(session=elsewhere)
    past = add_working_days(today, -3)
    soon = add_working_days(today, 2)
    for item, lead, due in ((made[0], department_a, soon), (made[1], department_a, past),
                            (made[2], department_b, add_working_days(today, 20)),
                            (made[3], department_b, soon), (made[4], department_a, soon)):
        services.recommendation_route(recommendation=item, by=office_user,
                                      lead_department=lead, due_date=due)
    services.recommendation_accept(recommendation=made[3], by=head_b)
    services.recommendation_accept(recommendation=made[4], by=head_a)
    services.recommendation_resolve(recommendation=made[3], by=head_b, answer="Đã giải quyết")
    services.recommendation_resolve(recommendation=made[4], by=head_a, answer="Đã giải quyết")
    Recommendation.objects.filter(pk=made[4].pk).update(  # resolved after its due date
        resolved_at=timezone.now() + datetime.timedelta(days=30))
    tally.sessions_changed({made[4].session_id})  # update() sends no signal
    services.recommendation_answer_on_the_spot(recommendation=made[5], answered_by="Sở",
                                               answer="Đã trả lời", by=office_user)
    services.recommendation_merge(target=made[6], others=[made[7]], by=office_user)
    services.recommendation_propose_central(recommendation=made[9], by=office_user,
                                            central_body="Bộ Nội vụ")
    for session in (first, second):
        difficulty = Difficulty.objects.create(session=session, category=categories[0],
                                               text="Thiếu biên chế")
        difficulty.units.set([ward_a_unit])
    for due, status, done_on in ((past, "done", past - datetime.timedelta(days=1)),
                                 (past, "done", today), (past, "pending", None),
                                 (soon, "pending", None), (None, "pending", None)):
        directive = Directive.objects.create(session=second, text="Việc", due_date=due)
        DirectiveFollowUp.objects.create(directive=directive, unit=ward_a_unit, status=status,
                                         completed_on=done_on)
    return {"made": made, "sessions": (first, second), "categories": categories,
            "users": {"office": office_user, "leader": leader, "national": national_viewer},
            "units": (ward_a_unit, ward_b_unit)}


def assert_all_match(world):
    first, second = world["sessions"]
    assert_tally_matches_records(world["users"]["office"])
    assert_tally_matches_records(world["users"]["national"], by_province=True)
    assert_tally_matches_records(world["users"]["office"],
                                 period={"round": str(second.group.round_id)})
    assert_tally_matches_records(world["users"]["leader"],
                                 period={"date_from": f"{second.date:%d/%m/%Y}"})
    assert rows() == (tally.rebuild() and rows())


def test_the_world_is_counted_as_its_records(world, department_a, department_b):
    figures = dashboard.figures(Tally.objects.visible_to(world["users"]["office"]))
    assert figures["totals"]["total"] == 11  # 12 raised, one merged into another
    assert figures["totals"]["overdue"] == 1 and figures["totals"]["due_soon"] == 1
    scorecard = {row["department_id"]: row for row in figures["scorecard"]}
    assert scorecard[department_b.pk]["on_time_rate"] == 100
    assert scorecard[department_a.pk]["on_time_rate"] == 0  # resolved after its due date
    recurring = dashboard.recurring_difficulties(Tally.objects.visible_to(world["users"]["office"]))
    assert [(row["unit_id"], row["rounds"]) for row in recurring] == [
        (world["units"][0].pk, 2)]
    directives = dashboard.completion(Tally.objects.all(), Tally.Kind.DIRECTIVES)
    assert [(c.on_time, c.late, c.pending, c.overdue) for c in directives] == [(1, 1, 2, 1)]
    # What a unit raised counts what was proposed to central level as a part of its own, and
    # a duplicate it raised as the one merged into (#7 into #6: ward B raised #7 only).
    raised = {c.unit_id: c for c in dashboard.completion(Tally.objects.all(),
                                                          Tally.Kind.COMPLETION)}
    ward_a, ward_b = world["units"]
    assert raised[ward_b.pk].central == 1 and raised[ward_b.pk].on_time == 2
    # The months: #4 resolved after its due date missed it, in its due date's month.
    months = dashboard.trends(Tally.objects.visible_to(world["users"]["office"]),
                              figures["departments"])["months"]
    assert sum(month.missed for month in months) == 2  # #1 overdue, #4 resolved late
    assert sum(month.resolved for month in months) == 2
    assert_all_match(world)


def edit_as_admin(world):
    """Writes as admin or a shell makes them: each saves, or changes a relation, directly."""
    made, (first, second) = world["made"], world["sessions"]
    ward_a, ward_b = world["units"]

    def recategorise():
        made[1].category = world["categories"][1]
        made[1].save()

    def move_the_due_date():
        made[0].due_date = add_working_days(timezone.localdate(), -8)
        made[0].save(update_fields=["due_date"])

    def move_to_the_other_session():
        made[2].session = first if made[2].session_id == second.pk else second
        made[2].save()

    def undo_the_merge():
        made[7].refresh_from_db()
        made[7].consolidated_into = None
        made[7].save()

    def redate_a_session():
        second.date -= datetime.timedelta(days=40)
        second.save()

    def complete_a_directive():
        follow_up = DirectiveFollowUp.objects.filter(status="pending").first()
        follow_up.status, follow_up.completed_on = "done", timezone.localdate()
        follow_up.save()

    def move_a_directives_due_date():
        directive = Directive.objects.filter(due_date__isnull=False).first()
        directive.due_date = None
        directive.save()

    def merge_into_another():  # a chain: what was merged into it counts nowhere
        made[6].refresh_from_db()
        services.recommendation_merge(target=made[11], others=[made[6]],
                                      by=world["users"]["office"])

    def move_a_difficulty():
        difficulty = Difficulty.objects.filter(session=second).first()
        difficulty.session = first
        difficulty.save()

    def delete_a_unit():
        unit = factories.UnitFactory(province=first.group.round.province)
        made[11].units.add(unit)
        Difficulty.objects.filter(session=first).first().units.add(unit)
        assert_all_match(world)
        unit.delete()

    def add_follow_ups_in_bulk():
        directive = Directive.objects.create(session=first, text="Việc mới")
        DirectiveFollowUp.objects.bulk_create(
            [DirectiveFollowUp(directive=directive, unit=ward_b)])
        written_in_bulk.send(DirectiveFollowUp, session_ids={first.pk})

    return [
        recategorise, move_the_due_date, move_to_the_other_session,
        lambda: made[8].units.remove(ward_a),  # who raised it, from the recommendation
        lambda: ward_b.recommendations.remove(made[9]),  # and from the unit
        lambda: ward_b.recommendations.add(made[7]),  # a merged duplicate's units count
        lambda: ward_a.recommendations.clear(),
        merge_into_another, undo_the_merge, redate_a_session,
        lambda: made[10].delete(),
        lambda: made[6].delete(),  # what was merged into it counts on its own again
        complete_a_directive, move_a_directives_due_date, add_follow_ups_in_bulk,
        lambda: Difficulty.objects.filter(session=first).delete(),
        lambda: Difficulty.objects.get(session=second).units.add(ward_b),
        move_a_difficulty, delete_a_unit,
        lambda: ward_a.difficulties.clear(),
        lambda: second.delete(),  # with everything recorded at it
    ]


def test_every_kind_of_write_keeps_the_tally_exact(world):
    for step in edit_as_admin(world):
        step()
        assert_all_match(world)
    assert not Tally.objects.filter(session_id=world["sessions"][1].pk).exists()


def test_a_day_off_moves_the_working_days_to_resolution(world, department_b):
    item = world["made"][3]
    routed = item.events.get(to_status=Status.ROUTED)
    routed.at = timezone.now() - datetime.timedelta(days=14)
    routed.save()
    tally.sessions_changed({item.session_id})
    before = {row["department_id"]: row["median_days"] for row in dashboard.figures(
        Tally.objects.all())["scorecard"]}[department_b.pk]
    day = timezone.localdate() - datetime.timedelta(days=7)
    while day.weekday() >= 5:
        day -= datetime.timedelta(days=1)
    CalendarDay.objects.create(date=day, kind=CalendarDay.Kind.DAY_OFF, name="Nghỉ bù")
    after = {row["department_id"]: row["median_days"] for row in dashboard.figures(
        Tally.objects.all())["scorecard"]}[department_b.pk]
    assert after == before - 1  # the task refreshed the session (at once, in tests)
    assert_all_match(world)
    moved = CalendarDay.objects.get(date=day)
    moved.date = timezone.localdate() + datetime.timedelta(days=30)
    moved.save()  # the day it leaves counts again
    assert {row["department_id"]: row["median_days"] for row in dashboard.figures(
        Tally.objects.all())["scorecard"]}[department_b.pk] == before
    assert_all_match(world)


def test_the_recording_page_refreshes_each_session_once(world, monkeypatch):
    refreshed = []
    monkeypatch.setattr(tally, "refresh", refreshed.append)
    made = world["made"]
    with tally.deferred():
        for item in made[:6]:
            item.text += "."
            item.save()
        made[0].units.add(world["units"][1])
    assert refreshed == [{made[0].session_id, made[1].session_id}]


def test_the_median_is_that_of_the_values_written_out():
    for values in ([3], [1, 2], [1, 2, 2, 9], [4, 4, 4, 7, 8], [0, 5, 5, 5, 6, 100]):
        histogram = {value: values.count(value) for value in values}
        assert dashboard._median(histogram) == statistics.median(values)
    assert dashboard._median({}) is None


def test_migrate_fills_an_empty_tally_and_the_command_rebuilds_it(world, capsys):
    expected = rows()
    Tally.objects.all().delete()
    tally.fill_after_migrate()
    assert rows() == expected
    Tally.objects.filter(kind=Tally.Kind.RECOMMENDATIONS).update(number=99)
    call_command("rebuild_tally")
    assert rows() == expected
    assert "tally rows" in capsys.readouterr().out


def test_a_department_has_no_dashboard_not_even_through_the_api(client, head_a, world):
    client.force_login(head_a)
    assert scope(head_a).kind == Scope.DEPARTMENT
    assert client.get(reverse("recommendations:dashboard")).status_code == 403
    assert client.get(reverse("api:dashboard")).status_code == 403
    assert not Tally.objects.visible_to(head_a).exists()


def test_session_saved_in_the_browser_keeps_its_counts(client, world):
    """A whole recording page saved (many rows, one refresh) keeps the figures exact."""
    session = Session.objects.get(pk=world["sessions"][0].pk)
    data = as_posted(session)
    client.force_login(world["users"]["office"])
    response = client.post(reverse("recommendations:session_record", args=[session.pk]), data)
    assert response.status_code == 302
    assert_all_match(world)
