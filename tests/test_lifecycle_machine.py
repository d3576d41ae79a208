"""A model-based test of the recommendation lifecycle (hypothesis' RuleBasedStateMachine).

Random sequences of every step — route, answer on the spot, accept, assign, start, respond,
resolve, return, propose upward, reopen, merge, extension request and decision, a session's
units edited and the session re-finalised — taken by random users of several departments and
two provinces. Beside the database the test keeps its own small model of what each item should
be (status, lead and co-operating departments, due date, merge, waiting extension request,
assignee, number of events and responses) and, from the model and the rules written out below
(not from the service), decides before each step whether it must go through or be refused:
a step the rules allow that the service refuses fails the test, as does a forbidden one that
goes through. After every step the database equals the model, who may act in which capacity
is what the rules say, and the invariants hold: the status is the last event's; a merged item
takes no step; who raised an item never changes; every deadline is a working day; the tally is
the one the records give, and at the end of each sequence the dashboard's counts equal direct
counts; each user sees exactly what their scope allows.

LIFECYCLE_EXAMPLES sets how many sequences run and LIFECYCLE_MAX_STEPS how long each may be
(80 of 6 by default, the SQLite pass of CI; .ci/run gives the PostgreSQL pass fewer, longer
ones); for a longer run: LIFECYCLE_EXAMPLES=2000 LIFECYCLE_MAX_STEPS=30 pytest
tests/test_lifecycle_machine.py
"""

import dataclasses
import datetime
import os

import pytest
from django.conf import settings as django_settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from hypothesis import HealthCheck, Phase, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)

from communes import roles
from communes.workdays import DEADLINE_YEARS_AHEAD, add_working_days, is_working_day
from inspections.forms import SessionForm
from inspections.models import Session
from inspections.services import session_reopen, session_save
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

# Each sequence costs about half a second (its steps go through the services, each with the
# tally's refresh and a check of every user's scope): 80 keep CI within its time; the
# PostgreSQL pass runs 40 longer ones, and a longer run is one variable away (above).
EXAMPLES = int(os.environ.get("LIFECYCLE_EXAMPLES", "80"))
MAX_STEPS = int(os.environ.get("LIFECYCLE_MAX_STEPS", "6"))


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



# The model ------------------------------------------------------------------------------------
# The rules, written out here from DOMAIN.md's lifecycle and the steps' documentation rather
# than read from recommendations/services/, so that the service is checked against them.

# Each user of the world: (role, province P or Q, department).
PEOPLE = {
    "office.p": ("office", "P", None), "office.q": ("office", "Q", None),
    "leader.p": ("leader", "P", None), "head.A": ("head", "P", "A"), "head.B": ("head", "P", "B"),
    "head.C": ("head", "P", "C"), "head.D": ("head", "Q", "D"), "staff.A": ("staff", "P", "A"),
    "national": ("national", None, None),
}
DEPARTMENT_PROVINCE = {"A": "P", "B": "P", "C": "P", "D": "Q"}
# Where a department owes an answer, and so holds the item (it acts on it only then).
HELD = {Status.ROUTED, Status.ACCEPTED, Status.IN_PROGRESS, Status.REOPENED}
LEAD = {"lead_head", "lead_staff"}
# step: (the statuses it starts from, the capacities that take it, the status it leads to)
RULES = {
    "answer_on_the_spot": ({Status.NEW}, {"office"}, Status.ANSWERED_ON_THE_SPOT),
    "route": ({Status.NEW, Status.RETURNED, Status.ANSWERED_ON_THE_SPOT}, {"office"},
              Status.ROUTED),
    "accept": ({Status.ROUTED}, LEAD, Status.ACCEPTED),
    "start": ({Status.ACCEPTED, Status.REOPENED}, LEAD, Status.IN_PROGRESS),
    "resolve": ({Status.ACCEPTED, Status.IN_PROGRESS, Status.REOPENED}, {"lead_head"},
                Status.RESOLVED),
    "return": ({Status.ROUTED, Status.ACCEPTED}, {"lead_head"}, Status.RETURNED),
    "propose_central": ({Status.NEW, Status.ROUTED, Status.ACCEPTED, Status.IN_PROGRESS,
                         Status.REOPENED, Status.RETURNED}, {"office", "lead_head"},
                        Status.PROPOSED_CENTRAL),
    "reopen": ({Status.RESOLVED}, {"office"}, Status.REOPENED),
}
MERGEABLE = {Status.NEW, Status.RETURNED}


@dataclasses.dataclass
class Expected:
    """What one item should be."""

    province: str
    status: str = Status.NEW
    lead: str | None = None
    cooperating: frozenset = frozenset()
    due: datetime.date | None = None
    merged_into: int | None = None  # the index of the item it was merged into
    pending: datetime.date | None = None  # the date a request for more time waiting asks for
    assignee: str | None = None
    central: bool = False
    events: int = 0
    responses: int = 0


def capacities(name, item: Expected) -> set[str]:
    """In which capacities the user `name` may act on `item`: the office of its province; the
    lead department's head or staff, or a co-operating department, while a department holds it."""
    role, province, department = PEOPLE[name]
    kinds = set()
    if role == "office" and province == item.province:
        kinds.add("office")
    if item.status in HELD and department is not None:
        if department == item.lead:
            kinds.add(f"lead_{role}")
        if department in item.cooperating:
            kinds.add("cooperating")
    return kinds


def day_refusal(day):
    """Why `day` cannot be a deadline (None if it can)."""
    if day > timezone.localdate() + datetime.timedelta(days=366 * DEADLINE_YEARS_AHEAD):
        return f"{day} is years ahead"
    if not is_working_day(day):
        return f"{day} is a day off"
    return None


def first(*reasons):
    return next((reason for reason in reasons if reason), None)


WORLD = {}
ITEMS = st.integers(0, 8)
# The office of the item's province ("office") and the lead department's own head or staff
# ("lead.head", "lead.staff", of whichever department leads the item then) more often, and
# working days more often than days off: most steps are theirs, so sequences go further.
USERS = st.sampled_from(["office", "office", "office", "office.p", "office.q", "leader.p",
                         "lead.head", "lead.head", "lead.staff", "head.A", "staff.A", "head.B",
                         "head.C", "head.D", "national"])
DEPARTMENTS = st.sampled_from("ABCD")
# Deadlines offered: working days, a weekend and a public holiday (2 September).
DAYS = st.sampled_from([5, 12, 30, 5, 12, "weekend", "holiday"])


# The path to each status a head start takes an item to.
HEAD_START = {
    "answered": ["answer_on_the_spot"],
    "routed": ["route"],
    "accepted": ["route", "accept", "assign"],
    "in_progress": ["route", "accept", "assign", "start"],
    "returned": ["route", "accept", "assign", "return"],
    "resolved": ["route", "accept", "start", "resolve"],
    "reopened": ["route", "accept", "resolve", "reopen"],
}


def deadline(choice):
    today = timezone.localdate()
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
        # Items 0-5 are province P's (sessions 0 and 1), 6-8 province Q's.
        self.model = [Expected(province="P" if i < 6 else "Q") for i in range(len(self.ids))]
        self.final = [False, False]  # whether P's two sessions are final

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

    def who(self, user, index):
        """The user's name: "office" stands for the office of item `index`'s province,
        "lead.head" and "lead.staff" for the head or staff of the department leading it now
        (nobody who may act, when none leads it)."""
        item = self.model[index]
        if user == "office":
            return f"office.{item.province.lower()}"
        if not user.startswith("lead."):
            return user
        if item.lead is None:
            return "national"
        return "staff.A" if user == "lead.staff" and item.lead == "A" else f"head.{item.lead}"

    def expect(self, refusal, step) -> bool:
        """Take `step`, which must go through when `refusal` is None, and otherwise must be
        refused (TransitionNotAllowed) for the reason `refusal` says. Whether it went through."""
        try:
            with transaction.atomic():
                step()
        except services.TransitionNotAllowed as error:
            if refusal is None:
                raise AssertionError(
                    f"refused, though the rules allow it: {error.messages}") from error
            return False
        if refusal is not None:
            raise AssertionError(f"went through, though {refusal}")
        return True

    def refusal(self, step, index, user):
        """Why the lifecycle step `step` is refused to `user` on item `index` (None if not)."""
        item = self.model[index]
        sources, actors, _ = RULES[step]
        return first(
            item.merged_into is not None and f"#{index} was merged",
            item.status not in sources and f"“{step}” is not taken from {item.status}",
            not capacities(user, item) & actors and f"{user} may not take “{step}” on #{index}")

    def moved(self, index, step):
        """The model after the lifecycle step `step` went through on item `index`."""
        item = self.model[index]
        item.status = RULES[step][2]
        if item.status not in (Status.ACCEPTED, Status.IN_PROGRESS):
            # A request for more time lapses when the department lets go of the item (or is
            # given it afresh).
            item.pending = None
        item.events += 1
        return item

    def merged_refusal(self, index):
        return self.model[index].merged_into is not None and f"#{index} was merged"

    # The steps -----------------------------------------------------------------------------

    @initialize(plan=st.lists(st.tuples(ITEMS, st.sampled_from(list(HEAD_START)),
                                        st.sampled_from("ABC")),
                              max_size=3, unique_by=lambda step: step[0]))
    def head_start(self, plan):
        """Items taken along the usual path to a status of the lifecycle (each step checked
        as any other, one check of the invariants for all): random steps alone rarely get an
        item further than routed, and a sequence has only a few."""
        for index, goal, lead in plan:
            if self.model[index].province == "Q":
                lead = "D"
            for step in HEAD_START[goal]:
                if step == "route":
                    self.route(index, "office", lead, [], 12)
                elif step == "answer_on_the_spot":
                    self.answer_on_the_spot(index, "office")
                elif step in ("accept", "start"):
                    self.accept_or_start(index, "lead.staff", step)
                elif step == "resolve":
                    self.resolve(index, "lead.head")
                elif step == "return":
                    self.give_back(index, "lead.head")
                elif step == "assign":
                    self.assign(index, "lead.head", "staff.A" if lead == "A" else f"head.{lead}")
                else:
                    self.reopen(index, "office", None)


    @rule(index=ITEMS, user=USERS, lead=DEPARTMENTS, cooperating=st.lists(DEPARTMENTS,
                                                                         max_size=2),
          day=DAYS)
    def route(self, index, user, lead, cooperating, day):
        user, item, due = self.who(user, index), self.model[index], deadline(day)
        others = set(cooperating) - {lead}
        refusal = first(
            self.refusal("route", index, user),
            any(DEPARTMENT_PROVINCE[d] != item.province for d in {lead, *others})
            and "a department of another province", day_refusal(due))
        if self.expect(refusal, lambda: services.recommendation_route(
                recommendation=self.item(index), by=self.users[user],
                lead_department=self.departments[lead],
                cooperating_departments=[self.departments[c] for c in cooperating],
                due_date=due)):
            item = self.moved(index, "route")
            item.lead, item.cooperating, item.due, item.central = lead, frozenset(others), \
                due, False

    @rule(index=ITEMS, user=USERS)
    def answer_on_the_spot(self, index, user):
        user = self.who(user, index)
        if self.expect(self.refusal("answer_on_the_spot", index, user),
                       lambda: services.recommendation_answer_on_the_spot(
                           recommendation=self.item(index), by=self.users[user],
                           answered_by="Giám đốc Sở", answer="Đã trả lời tại buổi làm việc")):
            self.moved(index, "answer_on_the_spot").responses += 1

    @rule(index=ITEMS, user=USERS, step=st.sampled_from(["accept", "start"]))
    def accept_or_start(self, index, user, step):
        user, service = self.who(user, index), getattr(services, f"recommendation_{step}")
        if self.expect(self.refusal(step, index, user),
                       lambda: service(recommendation=self.item(index), by=self.users[user])):
            self.moved(index, step)

    @rule(index=ITEMS, user=USERS)
    def resolve(self, index, user):
        user = self.who(user, index)
        if self.expect(self.refusal("resolve", index, user),
                       lambda: services.recommendation_resolve(
                           recommendation=self.item(index), by=self.users[user],
                           answer="Đã giải quyết")):
            self.moved(index, "resolve").responses += 1

    @rule(index=ITEMS, user=USERS)
    def give_back(self, index, user):
        user = self.who(user, index)
        if self.expect(self.refusal("return", index, user),
                       lambda: services.recommendation_return(
                           recommendation=self.item(index), by=self.users[user],
                           reason="Không thuộc sở")):
            # "Not ours": the department lets go of it, and whom it had assigned it to too.
            item = self.moved(index, "return")
            item.lead, item.cooperating, item.assignee = None, frozenset(), None

    @rule(index=ITEMS, user=USERS)
    def propose_central(self, index, user):
        user = self.who(user, index)
        if self.expect(self.refusal("propose_central", index, user),
                       lambda: services.recommendation_propose_central(
                           recommendation=self.item(index), by=self.users[user],
                           central_body="Bộ Nội vụ")):
            # The central body handles it: no provincial department keeps it.
            item = self.moved(index, "propose_central")
            item.lead, item.cooperating, item.assignee, item.central = None, frozenset(), \
                None, True

    @rule(index=ITEMS, user=USERS, day=st.one_of(st.none(), DAYS))
    def reopen(self, index, user, day):
        user, item = self.who(user, index), self.model[index]
        if day is not None:
            due = deadline(day)
        else:  # the default: a fresh period, never earlier than the due date it had
            due = add_working_days(timezone.localdate(),
                                   django_settings.DEFAULT_DUE_WORKING_DAYS)
            due = max(due, item.due or due)
        if self.expect(first(self.refusal("reopen", index, user), day_refusal(due)),
                       lambda: services.recommendation_reopen(
                           recommendation=self.item(index), by=self.users[user],
                           reason="Chưa khắc phục",
                           due_date=deadline(day) if day is not None else None)):
            self.moved(index, "reopen").due = due

    @rule(into=ITEMS, others=st.lists(ITEMS, min_size=1, max_size=2), user=USERS)
    def merge(self, into, others, user):
        user, target, ids = self.who(user, into), self.model[into], set(others) - {into}
        refusal = first(
            not ids and "nothing else to merge",
            "office" not in capacities(user, target) and f"{user} may not merge",
            *(f"#{i} is {self.model[i].status} or merged" for i in [into, *sorted(ids)]
              if self.model[i].status not in MERGEABLE or self.model[i].merged_into is not None),
            any(self.model[i].province != target.province for i in ids)
            and "of another province")
        if self.expect(refusal, lambda: services.recommendation_merge(
                target=self.item(into), others=[self.item(i) for i in others],
                by=self.users[user])):
            # What was merged into the merged ones follows them: a merge is one level.
            earlier = [i for i, item in enumerate(self.model) if item.merged_into in ids]
            for i in [*ids, *earlier]:
                self.model[i].merged_into = into
                self.model[i].events += 1
            target.events += 1

    @rule(index=ITEMS, user=USERS, colleague=st.sampled_from(["head.A", "staff.A", "head.B"]))
    def assign(self, index, user, colleague):
        user, item = self.who(user, index), self.model[index]
        refusal = first(
            self.merged_refusal(index),
            "lead_head" not in capacities(user, item) and f"{user} is not the lead's head",
            PEOPLE[colleague][2] != item.lead and f"{colleague} is not of the lead department")
        if self.expect(refusal, lambda: services.recommendation_assign(
                recommendation=self.item(index), by=self.users[user],
                assignee=self.users[colleague])):
            item.assignee = colleague
            item.events += 1

    @rule(index=ITEMS, user=USERS, progress=st.booleans())
    def respond(self, index, user, progress):
        user, item = self.who(user, index), self.model[index]
        kinds = capacities(user, item)
        # The lead department answers or notes its progress; a co-operating one contributes.
        may = kinds & LEAD or ("cooperating" in kinds and not progress)
        if self.expect(first(self.merged_refusal(index), not may and f"{user} may not respond"),
                       lambda: services.recommendation_respond(
                           recommendation=self.item(index), by=self.users[user],
                           text="Đang xử lý", progress=progress)):
            item.responses += 1

    @rule(index=ITEMS, user=USERS, day=DAYS)
    def ask_for_time(self, index, user, day):
        user, item, proposed = self.who(user, index), self.model[index], deadline(day)
        refusal = first(
            self.merged_refusal(index),
            not capacities(user, item) & LEAD and f"{user} is not of the lead department",
            day_refusal(proposed),
            proposed <= max(filter(None, [item.due, timezone.localdate()]))
            and "not later than the due date", item.pending and "a request is waiting")
        if self.expect(refusal, lambda: services.extension_request(
                recommendation=self.item(index), by=self.users[user],
                proposed_due_date=proposed, reason="Chờ ý kiến")):
            item.pending = proposed
            item.events += 1

    @precondition(lambda self: any(item.pending for item in self.model))
    @rule(pick=ITEMS, user=USERS, approve=st.booleans())
    def decide(self, pick, user, approve):
        waiting = [i for i, item in enumerate(self.model) if item.pending]
        index = waiting[pick % len(waiting)]
        user, item = self.who(user, index), self.model[index]
        request = ExtensionRequest.objects.get(recommendation_id=self.ids[index],
                                               decision=ExtensionRequest.Decision.PENDING)
        refusal = first(
            self.merged_refusal(index),
            "office" not in capacities(user, item) and f"{user} is not its office",
            item.status not in HELD and "no department holds it",
            approve and day_refusal(item.pending))
        if self.expect(refusal, lambda: services.extension_decide(
                request=request, by=self.users[user], approve=approve)):
            if approve:
                item.due = item.pending
            item.pending = None
            item.events += 1

    @rule(session=st.integers(0, 1), units=st.sets(st.integers(0, 3), min_size=1))
    def edit_session_units(self, session, units):
        if self.final[session]:
            return  # a final session's page offers no form
        current = Session.objects.get(pk=WORLD["sessions"][session].pk)
        form = SessionForm({"date": f"{current.date:%d/%m/%Y}", "part_of_day": "morning",
                            "venue": "", "version": current.version,
                            "units": [WORLD["units"][u].pk for u in units]},
                           instance=current, group=current.group)
        if form.is_valid():  # a form that validates with the version just read must save
            with transaction.atomic():
                session_save(form=form, expected_version=form.cleaned_data["version"])

    @rule(session=st.integers(0, 1), finalise=st.booleans())
    def save_the_recording_page(self, session, finalise):
        """The office opens the session's page (reopening it if final) and saves it as is:
        that always goes through and changes no item."""
        current = Session.objects.get(pk=WORLD["sessions"][session].pk)
        office = self.users["office.p"]
        if self.final[session]:
            current = session_reopen(session=current, by=office)
        formsets = record_formsets(current, as_posted(current))
        if not all(formset.is_valid() for formset in formsets.values()):
            errors = {name: formset.errors for name, formset in formsets.items()}
            raise AssertionError(f"the unchanged recording page did not validate: {errors}")
        with transaction.atomic():
            services.session_with_recommendations_save(
                session=current, expected_version=current.version, formsets=formsets,
                by=office, finalise=finalise)
        self.final[session] = finalise

    # What always holds ---------------------------------------------------------------------

    @invariant()
    def the_record_holds(self):
        """All the invariants, from one read of the items (run after every step)."""
        items = list(Recommendation.objects.filter(pk__in=self.ids).order_by("pk")
                     .prefetch_related("events", "units", "cooperating_departments",
                                       "extension_requests", "responses"))
        for item in items:
            events = list(item.events.all())
            assert item.status == (events[-1].to_status if events else Status.NEW), \
                f"#{item.pk}: status {item.status}, last event {events[-1:]}"
            if self.model[self.ids.index(item.pk)].merged_into is not None:
                assert len(events) == self.model[self.ids.index(item.pk)].events, \
                    f"merged #{item.pk} moved"
            assert {u.pk for u in item.units.all()} == self.raised_by[item.pk], \
                f"who raised #{item.pk} changed"
            if item.due_date:
                assert is_working_day(item.due_date), f"#{item.pk} due {item.due_date}"
            elif item.status in OPEN_STATUSES:
                raise AssertionError(f"#{item.pk} is open without a due date")
            assert (item.resolved_at is not None) == (item.status == Status.RESOLVED), \
                f"#{item.pk} {item.status}, resolved at {item.resolved_at}"
        self.the_tally_is_the_records()
        for name, user in self.users.items():
            seen = set(Recommendation.objects.visible_to(user).filter(pk__in=self.ids)
                       .values_list("pk", flat=True))
            assert seen == {item.pk for item in items if _may_see(name, user, item)}, \
                f"{name} sees {sorted(seen)}"
        self.the_record_is_the_model(items)

    def the_record_is_the_model(self, items):
        """Each item is what the model says, and who may act on it in which capacity too."""
        codes = {department.pk: code for code, department in self.departments.items()}
        names = {user.pk: name for name, user in self.users.items()}
        index_of = {pk: index for index, pk in enumerate(self.ids)}
        for index, item in enumerate(items):
            expected = self.model[index]
            pending = [r.proposed_due_date for r in item.extension_requests.all()
                       if r.decision == ExtensionRequest.Decision.PENDING]
            assert len(pending) <= 1, f"#{item.pk}: {len(pending)} requests waiting"
            actual = Expected(
                province=expected.province, status=item.status,
                lead=codes.get(item.lead_department_id),
                cooperating=frozenset(codes[d.pk] for d in item.cooperating_departments.all()),
                due=item.due_date, merged_into=index_of.get(item.consolidated_into_id),
                pending=pending[0] if pending else None, assignee=names.get(item.assignee_id),
                central=item.authority_level == Recommendation.AuthorityLevel.CENTRAL,
                events=len(item.events.all()), responses=len(item.responses.all()))
            assert actual == expected, \
                f"#{index} differs from the model: {_differences(actual, expected)}"
            for name, user in self.users.items():
                assert services.actor_kinds(user, item) == capacities(name, expected), \
                    f"{name} on #{index} ({expected.status}): {services.actor_kinds(user, item)}"
        final = dict(Session.objects.filter(pk__in=[s.pk for s in WORLD["sessions"][:2]])
                     .values_list("pk", "status"))
        assert [final[s.pk] == Session.Status.FINAL for s in WORLD["sessions"][:2]] \
            == self.final, f"sessions: {final}"

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


def _differences(actual, expected):
    return {field.name: (getattr(actual, field.name), getattr(expected, field.name))
            for field in dataclasses.fields(Expected)
            if getattr(actual, field.name) != getattr(expected, field.name)}


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
    extra.setdefault("stateful_step_count", MAX_STEPS)
    return settings(deadline=None, database=None,
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


def _refuse_every_step(**kwargs):
    raise services.TransitionNotAllowed("refused")


@pytest.mark.parametrize("broken, caught", [
    ("refuses_every_step", "refused, though the rules allow it"),
    ("steps_from_any_status", "went through, though"),
    ("accept_does_nothing", "differs from the model|refused, though the rules allow it"),
])
def test_the_model_catches_a_wrong_service(world, monkeypatch, broken, caught):
    """The model is not vacuous: a service that refuses what the rules allow, allows what they
    forbid (every step from any status but reopening, which the database's constraint would
    stop first), or says yes and does nothing fails the machine; the invariants alone would
    pass the first two."""
    if broken == "refuses_every_step":
        monkeypatch.setattr(services.lifecycle, "_transition", _refuse_every_step)
    elif broken == "steps_from_any_status":
        for name, step in services.STEPS.items():
            if name != "reopen":
                monkeypatch.setitem(services.STEPS, name,
                                    dataclasses.replace(step, sources=frozenset(Status)))
    else:
        monkeypatch.setattr(services, "recommendation_accept",
                            lambda *, recommendation, by, **kwargs: recommendation)
    with pytest.raises(AssertionError, match=caught):
        run_state_machine_as_test(Lifecycle, settings=_machine_settings(
            max_examples=300, stateful_step_count=6, derandomize=True,
            phases=[Phase.generate], report_multiple_bugs=False))


@pytest.mark.parametrize("broken", ["merged_moves", "deadline_on_a_day_off", "scope_too_wide",
                                    "tally_not_refreshed"])
def test_the_invariants_catch_a_broken_rule(world, monkeypatch, broken):
    """The invariants are not vacuous: each catches the lifecycle broken on purpose (the
    steps taken straight through the services, which the model does not follow)."""
    from recommendations.models import RecommendationQuerySet

    machine = Lifecycle()
    office = machine.users["office.p"]
    try:
        if broken == "merged_moves":
            monkeypatch.setattr(services.lifecycle, "_require_not_merged",
                                lambda recommendation: None)
            services.recommendation_merge(target=machine.item(0), others=[machine.item(1)],
                                          by=office)
            machine.model[1].merged_into = 0
            machine.model[1].events = 1
            services.recommendation_propose_central(recommendation=machine.item(1), by=office,
                                                    central_body="Bộ Nội vụ")
            caught = "merged .* moved"
        elif broken == "deadline_on_a_day_off":
            monkeypatch.setattr(services.lifecycle, "_require_working_day", lambda day: None)
            services.recommendation_route(
                recommendation=machine.item(0), by=office,
                lead_department=machine.departments["A"], due_date=deadline("holiday"))
            caught = "due"
        elif broken == "tally_not_refreshed":
            monkeypatch.setattr(tally, "refresh", lambda session_ids: None)
            services.recommendation_route(
                recommendation=machine.item(0), by=office,
                lead_department=machine.departments["A"], due_date=deadline(5))
            caught = "assert"
        else:
            monkeypatch.setattr(RecommendationQuerySet, "department_condition",
                                staticmethod(lambda department: ~Q(pk=None)))
            caught = "sees"
        with pytest.raises(AssertionError, match=caught):
            machine.the_record_holds()
    finally:
        machine.roll_back()
