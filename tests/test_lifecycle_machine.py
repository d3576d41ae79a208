"""A model-based test of the recommendation lifecycle (hypothesis' RuleBasedStateMachine).

Random sequences of every step — route, answer on the spot, accept, assign, start, respond,
resolve, return, propose upward, reopen, merge, extension request and decision, a session's
units edited and the session re-finalised — taken by random users of several departments and
two provinces, most of them refused. After every step the invariants hold: the status is the
last event's; a merged item takes no step; who raised an item never changes; every deadline is
a working day; the tally is the one the records give, and at the end of each sequence the
dashboard's counts equal direct counts; each user sees exactly what their
scope allows.

LIFECYCLE_EXAMPLES sets how many sequences run (default 200, as in CI); for a longer run:
LIFECYCLE_EXAMPLES=2000 pytest tests/test_lifecycle_machine.py
"""

import datetime
import os

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Q
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule, run_state_machine_as_test

from communes import roles
from communes.workdays import add_working_days, is_working_day
from inspections.forms import SessionForm
from inspections.models import Session
from inspections.services import StaleSession, session_reopen, session_save
from recommendations import dashboard, services, tally
from recommendations.models import (
    OPEN_STATUSES,
    ExtensionRequest,
    Recommendation,
    Status,
    Tally,
)
from recommendations.views.sessions import record_formsets
from tests import factories
from tests.recording import as_posted

EXAMPLES = int(os.environ.get("LIFECYCLE_EXAMPLES", "200"))
REFUSED = (services.TransitionNotAllowed, ValidationError, StaleSession)


def build_world():
    """Two provinces: P with departments A, B, C and two sessions, Q with department D."""
    p = factories.ProvinceFactory(code="20", name="Lạng Sơn")
    q = factories.ProvinceFactory(code="04", name="Cao Bằng")
    departments = {code: factories.DepartmentFactory(province=p, short_code=code)
                   for code in "ABC"}
    departments["D"] = factories.DepartmentFactory(province=q, short_code="D")
    users = {}

    def user(name, role, province, department=None):
        users[name] = factories.profile(factories.UserFactory(username=name, role=role),
                                        province=province, department=department)

    user("office.p", roles.OFFICE_STAFF, p)
    user("office.q", roles.OFFICE_STAFF, q)
    user("leader.p", roles.LEADER, p)
    for code, department in departments.items():
        user(f"head.{code}", roles.DEPARTMENT_HEAD, department.province, department)
    user("staff.A", roles.DEPARTMENT_STAFF, p, departments["A"])
    users["national"] = factories.profile(
        factories.UserFactory(username="national", role=roles.NATIONAL_VIEWER))
    units = [factories.UnitFactory(province=p) for _ in range(4)]
    round_p = factories.RoundFactory(province=p)
    sessions = [factories.SessionFactory(group__round=round_p, units=units[:2]),
                factories.SessionFactory(group__round=round_p, units=units[2:])]
    session_q = factories.SessionFactory(group__round__province=q,
                                         units=[factories.UnitFactory(province=q)])
    category = factories.CategoryFactory()
    recommendations = []
    for session in [*sessions, session_q]:
        for n in range(3):
            item = factories.RecommendationFactory(session=session, category=category,
                                                   raised_jointly=n == 0)
            item.units.set(list(session.units.all())[: 1 + n % 2])
            recommendations.append(item.pk)
    return {"departments": departments, "users": users, "sessions": [*sessions, session_q],
            "units": units, "recommendations": recommendations}


WORLD = {}
ITEMS = st.integers(0, 8)
# The office and department A more often: most steps are theirs, so sequences go further.
USERS = st.sampled_from(["office.p", "office.p", "office.p", "head.A", "head.A", "staff.A",
                         "head.B", "head.C", "office.q", "leader.p", "head.D", "national"])
DEPARTMENTS = st.sampled_from("ABCD")
# Deadlines offered: working days, a weekend and a public holiday (2 September).
DAYS = st.sampled_from([5, 12, 30, "weekend", "holiday"])


def deadline(choice):
    today = datetime.date.today()
    if choice == "weekend":
        return today + datetime.timedelta(days=(5 - today.weekday()) % 7 or 7)
    if choice == "holiday":
        return datetime.date(today.year + 1, 9, 2)
    return add_working_days(today, choice)


class Lifecycle(RuleBasedStateMachine):
    def __init__(self):
        super().__init__()
        # Each sequence starts from the same world and leaves nothing behind.
        self.atomic = transaction.atomic()
        self.atomic.__enter__()
        self.users = WORLD["users"]
        self.departments = WORLD["departments"]
        self.ids = WORLD["recommendations"]
        self.raised_by = {
            pk: set(units) for pk, units in _units_by_recommendation(self.ids).items()}
        self.merged_events = {}  # merged id → its number of events at the merge

    def teardown(self):
        try:
            # The figures are a function of the tally, which the_record_holds compares after
            # every step; reading them once a sequence keeps the check and a quarter of its time.
            self.dashboard_counts_what_is_there(list(
                Recommendation.objects.filter(pk__in=self.ids)))
        finally:
            self.roll_back()

    def roll_back(self):
        transaction.set_rollback(True)
        self.atomic.__exit__(None, None, None)

    def item(self, index):
        return Recommendation.objects.get(pk=self.ids[index])

    def attempt(self, step):
        try:
            with transaction.atomic():
                step()
        except REFUSED:
            pass

    # The steps -----------------------------------------------------------------------------

    @rule(index=ITEMS, user=USERS, lead=DEPARTMENTS, cooperating=st.lists(DEPARTMENTS,
                                                                         max_size=2),
          day=DAYS)
    def route(self, index, user, lead, cooperating, day):
        self.attempt(lambda: services.recommendation_route(
            recommendation=self.item(index), by=self.users[user],
            lead_department=self.departments[lead],
            cooperating_departments=[self.departments[c] for c in cooperating],
            due_date=deadline(day)))

    @rule(index=ITEMS, user=USERS)
    def answer_on_the_spot(self, index, user):
        self.attempt(lambda: services.recommendation_answer_on_the_spot(
            recommendation=self.item(index), by=self.users[user], answered_by="Giám đốc Sở",
            answer="Đã trả lời tại buổi làm việc"))

    @rule(index=ITEMS, user=USERS, step=st.sampled_from(["accept", "start"]))
    def accept_or_start(self, index, user, step):
        service = getattr(services, f"recommendation_{step}")
        self.attempt(lambda: service(recommendation=self.item(index), by=self.users[user]))

    @rule(index=ITEMS, user=USERS)
    def resolve(self, index, user):
        self.attempt(lambda: services.recommendation_resolve(
            recommendation=self.item(index), by=self.users[user], answer="Đã giải quyết"))

    @rule(index=ITEMS, user=USERS)
    def give_back(self, index, user):
        self.attempt(lambda: services.recommendation_return(
            recommendation=self.item(index), by=self.users[user], reason="Không thuộc sở"))

    @rule(index=ITEMS, user=USERS)
    def propose_central(self, index, user):
        self.attempt(lambda: services.recommendation_propose_central(
            recommendation=self.item(index), by=self.users[user], central_body="Bộ Nội vụ"))

    @rule(index=ITEMS, user=USERS, day=st.one_of(st.none(), DAYS))
    def reopen(self, index, user, day):
        self.attempt(lambda: services.recommendation_reopen(
            recommendation=self.item(index), by=self.users[user], reason="Chưa khắc phục",
            due_date=deadline(day) if day is not None else None))

    @rule(into=ITEMS, others=st.lists(ITEMS, min_size=1, max_size=2), user=USERS)
    def merge(self, into, others, user):
        def step():
            counts = dict(Recommendation.objects.filter(
                pk__in=[self.ids[i] for i in others]).annotate(n=Count("events"))
                .values_list("pk", "n"))
            services.recommendation_merge(target=self.item(into),
                                          others=[self.item(i) for i in others],
                                          by=self.users[user])
            for pk, n in counts.items():
                if pk != self.ids[into]:
                    self.merged_events[pk] = n + 1  # and the merge's own event
        self.attempt(step)

    @rule(index=ITEMS, user=USERS, colleague=st.sampled_from(["head.A", "staff.A", "head.B"]))
    def assign(self, index, user, colleague):
        self.attempt(lambda: services.recommendation_assign(
            recommendation=self.item(index), by=self.users[user],
            assignee=self.users[colleague]))

    @rule(index=ITEMS, user=USERS, progress=st.booleans())
    def respond(self, index, user, progress):
        self.attempt(lambda: services.recommendation_respond(
            recommendation=self.item(index), by=self.users[user], text="Đang xử lý",
            progress=progress))

    @rule(index=ITEMS, user=USERS, day=DAYS)
    def ask_for_time(self, index, user, day):
        self.attempt(lambda: services.extension_request(
            recommendation=self.item(index), by=self.users[user],
            proposed_due_date=deadline(day), reason="Chờ ý kiến"))

    @rule(user=USERS, approve=st.booleans())
    def decide(self, user, approve):
        request = ExtensionRequest.objects.filter(
            decision=ExtensionRequest.Decision.PENDING).first()
        if request is not None:
            self.attempt(lambda: services.extension_decide(request=request, by=self.users[user],
                                                           approve=approve))

    @rule(session=st.integers(0, 1), units=st.sets(st.integers(0, 3), min_size=1))
    def edit_session_units(self, session, units):
        current = Session.objects.get(pk=WORLD["sessions"][session].pk)
        if current.status == Session.Status.FINAL:
            return
        form = SessionForm({"date": f"{current.date:%d/%m/%Y}", "part_of_day": "morning",
                            "venue": "", "version": current.version,
                            "units": [WORLD["units"][u].pk for u in units]},
                           instance=current, group=current.group)
        if form.is_valid():
            self.attempt(lambda: session_save(form=form,
                                              expected_version=form.cleaned_data["version"]))

    @rule(session=st.integers(0, 1), finalise=st.booleans())
    def save_the_recording_page(self, session, finalise):
        """The office opens the session's page (reopening it if final) and saves it as is."""
        current = Session.objects.get(pk=WORLD["sessions"][session].pk)
        office = self.users["office.p"]
        if current.status == Session.Status.FINAL:
            current = session_reopen(session=current, by=office)
        formsets = record_formsets(current, as_posted(current))
        if all(formset.is_valid() for formset in formsets.values()):
            self.attempt(lambda: services.session_with_recommendations_save(
                session=current, expected_version=current.version, formsets=formsets,
                by=office, finalise=finalise))
        else:  # the page as it is must always save
            errors = {name: formset.errors for name, formset in formsets.items()}
            raise AssertionError(f"the unchanged recording page did not validate: {errors}")

    # What always holds ---------------------------------------------------------------------

    @invariant()
    def the_record_holds(self):
        """All the invariants, from one read of the items (run after every step)."""
        items = list(Recommendation.objects.filter(pk__in=self.ids).prefetch_related(
            "events", "units", "cooperating_departments"))
        for item in items:
            events = list(item.events.all())
            assert item.status == (events[-1].to_status if events else Status.NEW), \
                f"#{item.pk}: status {item.status}, last event {events[-1:]}"
            if item.pk in self.merged_events:
                assert len(events) == self.merged_events[item.pk], f"merged #{item.pk} moved"
            assert {u.pk for u in item.units.all()} == self.raised_by[item.pk], \
                f"who raised #{item.pk} changed"
            if item.due_date:
                assert is_working_day(item.due_date), f"#{item.pk} due {item.due_date}"
            elif item.status in OPEN_STATUSES:
                raise AssertionError(f"#{item.pk} is open without a due date")
        self.the_tally_is_the_records()
        for name, user in self.users.items():
            seen = set(Recommendation.objects.visible_to(user).filter(pk__in=self.ids)
                       .values_list("pk", flat=True))
            assert seen == {item.pk for item in items if _may_see(name, user, item)}, \
                f"{name} sees {sorted(seen)}"

    def dashboard_counts_what_is_there(self, items):
        """The dashboard's figures, read from the tally, are the records' (once a sequence)."""
        office = self.users["office.p"]
        figures = dashboard.figures(Tally.objects.visible_to(office))
        province = office.profile.province_id
        counted = [i for i in items if i.province_id == province and not i.consolidated_into_id]
        assert figures["totals"]["total"] == len(counted)
        assert {bar.params["status"]: bar.count for bar in figures["statuses"]} == {
            value: sum(1 for i in counted if i.status == value) for value in Status.values}

    def the_tally_is_the_records(self):
        # The tally as the writes left it is the one its records give now; that its figures
        # are the direct counts is tests/recommendations/test_tally.py's.
        sessions = list(Session.objects.values_list("pk", flat=True))
        assert tally_rows(Tally.objects.all()) == tally_rows(tally._rows(sessions))


def tally_rows(rows):
    return sorted(((row.kind, row.session_id, row.lead_department_id, row.category_id,
                    row.unit_id, row.status, row.due_date, row.days, row.number)
                   for row in rows), key=repr)


def _units_by_recommendation(ids):
    units = {pk: [] for pk in ids}
    for pk, unit in Recommendation.units.through.objects.filter(
            recommendation_id__in=ids).values_list("recommendation_id", "administrativeunit_id"):
        units[pk].append(unit)
    return units


def _may_see(name, user, item):
    """The scope rules, written out independently of communes/scope.py."""
    if name == "national":
        return True
    profile = user.profile
    if name.startswith(("office", "leader")):
        return item.province_id == profile.province_id
    department = profile.department_id
    return item.lead_department_id == department or department in {
        d.pk for d in item.cooperating_departments.all()}


def _machine_settings(**extra):
    return settings(stateful_step_count=6, deadline=None, database=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
                    **extra)


@pytest.fixture
def world(db):
    WORLD.clear()
    WORLD.update(build_world())
    yield WORLD
    WORLD.clear()


def test_the_lifecycle_keeps_its_invariants(world):
    run_state_machine_as_test(Lifecycle, settings=_machine_settings(max_examples=EXAMPLES))


@pytest.mark.parametrize("broken", ["merged_moves", "deadline_on_a_day_off", "scope_too_wide",
                                    "tally_not_refreshed"])
def test_the_invariants_catch_a_broken_rule(world, monkeypatch, broken):
    """The invariants are not vacuous: each catches the lifecycle broken on purpose."""
    from recommendations.models import RecommendationQuerySet

    machine = Lifecycle()
    try:
        if broken == "merged_moves":
            monkeypatch.setattr(services, "_require_not_merged", lambda recommendation: None)
            machine.merge(into=0, others=[1], user="office.p")
            machine.propose_central(index=1, user="office.p")
        elif broken == "deadline_on_a_day_off":
            monkeypatch.setattr(services, "_require_working_day", lambda day: None)
            machine.route(index=0, user="office.p", lead="A", cooperating=[], day="holiday")
        elif broken == "tally_not_refreshed":
            monkeypatch.setattr(tally, "refresh", lambda session_ids: None)
            machine.route(index=0, user="office.p", lead="A", cooperating=[], day=5)
        else:
            monkeypatch.setattr(RecommendationQuerySet, "department_condition",
                                staticmethod(lambda department: ~Q(pk=None)))
        with pytest.raises(AssertionError):
            machine.the_record_holds()
    finally:
        machine.roll_back()
