"""Who may: which pages, rows, lifecycle steps and API a user may use, answered in one place.

## Who may

The portal asks one question, "may this user do this, on this object?", in four forms. Each is
answered here; pages, steps and the API are enforced by reading the answer from here, and rows
by each view's lookup through the same `visible_to` this module asks:

- Pages (403). Every view declares a rule by name (`PAGES` below) with a decorator of
  communes/decorators.py (`reader_required` is `role_required(READER)`); the decorator asks
  `page(user, rule)`. A logged-out visitor is sent to the login page first.
- Rows (404). `rows(user, Model)` is what the user may see of a model: its
  `visible_to(user)`, which reads the user's scope (communes/scope.py: ALL, PROVINCE,
  DEPARTMENT, UNIT or NOTHING, decided once from roles and profile). A page looks its object
  up in those rows, so anything else answers 404 rather than saying it exists. The few models
  without `visible_to` (API tokens, issuers, people, webhook deliveries) register a rule here
  that restates their views' filter; the URL walk would catch the two drifting apart.
- Steps (403, or a message when the step is not possible now). `capacities(user, ...)` says in
  which capacities a user acts on a recommendation (OFFICE, LEAD_HEAD, LEAD_STAFF,
  COOPERATING); `CAPACITY_ROLES` which roles can ever hold each. recommendations.services
  (`actor_kinds`, `role_may_take`) reads both; its STEPS and ACTIONS say which capacities take
  each step.
- The API (401 without credentials, 403). The rules API and API_DASHBOARD, read by
  recommendations/api/permissions.py; rows as above.

`may(user, action, obj=None)` asks any of them (after netbox's `restrict(user, action)`), and
`expect(user, view, obj, kwargs)` puts them together for one URL: the status its request should
answer. tests/test_who_may.py walks every URL pattern for every role and compares.

Who may, by role (a user may hold several; an administrator is a superuser):

- Office staff: the province's work, records and settings; rows of their province; the
  office's steps (route, reopen, publish, decide); the API.
- Department head and staff: their inbox, lists, search, a recommendation's page; what is
  routed to their department and the province's reference data; the lead department's steps
  (head: resolve, return, assign too) and a co-operating department's response; the API but
  its dashboard.
- Leader: the reading pages and rows of their province; no step; the API.
- National viewer: as a leader, for every province.
- Commune or ward staff: their unit's pages and work calendar; what concerns their unit; their
  unit's reports and answers (inspections and recommendations services check the unit); no API.
- Administrator: every page and row and every capacity; the province's settings need a
  province (without one, Django admin, which is theirs alone).

Still outside (tests/test_who_may.py, BODY_RULES, lists them): an administrator without a
province is refused the office's settings and a new round in those views (they need a
province); issuing a numbered document checks the office of its province in the view
(recommendations/views/documents.py); second-factor enrolment is refused unless a role is asked
for one (communes/second_factor.py); a unit's own reports and answers check the unit in
inspections' and recommendations' services.

Why here, in communes: it is the lowest app, so every app's views, the API and the services
can read it (imports point down only: communes → inspections → recommendations → webhooks).
What only a higher app knows (the lifecycle's actions, the rows of a model without
`visible_to`, its models' permissions) it tells this module from its AppConfig.ready()
(`register_steps`, `register_rows`, `communes.roles.grant`), the way communes/sso.py fills
communes.audit.LOGIN_METHODS; so this module names no higher app's URLs or models, and still
answers for all of them once the apps are loaded.
"""

from dataclasses import dataclass

from django.contrib.auth import get_user_model

from . import roles
from .scope import Scope, scope

# The page rules: name → who passes. A view names its rule; `page` answers 403 or not.
PUBLIC = "public"  # no login: what makes the unit's pages an offline app, the calendar feed
LOGIN = "login"  # any logged-in user; the page shows what their rows hold
READER = "reader"  # office staff, leaders, national viewers, administrators
OFFICE = "office"  # office staff and administrators: the province's records and settings
DEPARTMENT = "department"  # a department's heads and staff: their inbox
SCOPED_READER = "scoped_reader"  # readers and departments: lists, search, a recommendation
UNIT = "unit"  # a commune's or ward's staff: their unit's pages
API = "api"  # the API and its tokens
API_DASHBOARD = "api_dashboard"  # the API's dashboard: a province's or the country's counts
CALENDAR = "calendar"  # the work calendar: everyone with a scope


def uses_api(user) -> bool:
    """Who reads the API (the province's other systems, through a person's token): the
    office, leaders, national viewers, administrators and departments. A unit's staff work
    on their unit's pages, which show them the office's answers rather than the
    departments' working papers the API carries."""
    return scope(user).kind in (Scope.ALL, Scope.PROVINCE, Scope.DEPARTMENT)


def has_calendar(user) -> bool:
    """Who has a work calendar (recommendations/calendar.py): whoever sees something of a
    province, a unit's staff included (their tasks and sessions)."""
    return scope(user).kind != Scope.NOTHING


PAGES = {
    PUBLIC: lambda user: True,
    LOGIN: lambda user: user.is_authenticated,
    READER: roles.is_reader,
    OFFICE: roles.is_office,
    DEPARTMENT: roles.is_department_user,
    SCOPED_READER: lambda user: roles.is_reader(user) or roles.is_department_user(user),
    UNIT: roles.is_unit_user,
    API: uses_api,
    # Its counts are a province's or the country's (recommendations' Tally), and cannot tell
    # what is routed to one department.
    API_DASHBOARD: lambda user: uses_api(user) and roles.is_reader(user),
    CALENDAR: has_calendar,
}


def page(user, rule) -> bool:
    """Whether `user` may open a page of `rule` (a name in PAGES, or a test of the user)."""
    return bool((PAGES[rule] if isinstance(rule, str) else rule)(user))


# Rows: what a user sees of a model is its `visible_to(user)`; a model without one registers
# its rows here (register_rows), and one with neither is reference data everyone reads.
_ROWS = {}


def register_rows(model, rows) -> None:
    """`rows(user)` is the QuerySet of `model` that `user` may see."""
    _ROWS[model] = rows


def rows(user, model):
    if model in _ROWS:
        return _ROWS[model](user)
    manager = model._default_manager
    return manager.visible_to(user) if hasattr(manager, "visible_to") else manager.all()


def sees(user, obj) -> bool:
    """Whether `obj` is among the rows `user` may see (404 otherwise)."""
    return rows(user, type(obj)).filter(pk=obj.pk).exists()


# Steps: the capacities a user acts in on a recommendation, and which roles hold each.
OFFICE_CAPACITY = OFFICE
LEAD_HEAD = "lead_head"
LEAD_STAFF = "lead_staff"
COOPERATING = "cooperating"
EVERY_CAPACITY = frozenset({OFFICE_CAPACITY, LEAD_HEAD, LEAD_STAFF})
# Who holds each capacity, by role: which pages' steps a role may ever take (403 otherwise).
CAPACITY_ROLES = {
    OFFICE_CAPACITY: {roles.OFFICE_STAFF},
    LEAD_HEAD: {roles.DEPARTMENT_HEAD},
    LEAD_STAFF: {roles.DEPARTMENT_STAFF},
    COOPERATING: {roles.DEPARTMENT_HEAD, roles.DEPARTMENT_STAFF},
}


def capacities(user, *, province_id, lead_department_id, cooperating_ids, holds) -> set[str]:
    """In which capacities `user` may act on an item of `province_id` led by
    `lead_department_id` with the co-operating departments `cooperating_ids`: office, lead
    department head or staff, co-operating department. `holds`: the departments still hold
    it (a department acts on an item only while it holds it: not once it returned it)."""
    if user is None or user.is_superuser:
        # Commands and admins act for every role.
        return set(EVERY_CAPACITY)
    kinds = set()
    names = roles.role_names(user)
    profile = getattr(user, "profile", None)
    in_province = profile is not None and profile.province_id == province_id
    if roles.OFFICE_STAFF in names and in_province:
        kinds.add(OFFICE_CAPACITY)
    if holds and profile is not None and profile.department_id == lead_department_id:
        if roles.DEPARTMENT_HEAD in names:
            kinds.add(LEAD_HEAD)
        if roles.DEPARTMENT_STAFF in names:
            kinds.add(LEAD_STAFF)
    if (holds and profile is not None and roles.is_department_user(user)
            and profile.department_id in cooperating_ids):
        kinds.add(COOPERATING)
    return kinds


def role_holds(user, wanted) -> bool:
    """Whether the user's role may ever act in one of the capacities `wanted`, whatever the
    item and its state."""
    if user.is_superuser:
        return True
    names = roles.role_names(user)
    return any(names & CAPACITY_ROLES[kind] for kind in wanted)


@dataclass(frozen=True)
class Steps:
    """A model's lifecycle, as its app registers it: `kinds(user, obj)` the capacities the
    user acts in on `obj`, `takers(action)` the capacities that take `action`."""

    kinds: object
    takers: object


_STEPS = {}


def register_steps(model, *, kinds, takers) -> None:
    _STEPS[model] = Steps(kinds, takers)


def may_take(user, action, obj) -> bool:
    """Whether `user` acts on `obj` in a capacity that takes `action` (whatever its state)."""
    steps = _STEPS[type(obj)]
    return bool(steps.kinds(user, obj) & steps.takers(action))


def may(user, action, obj=None) -> bool:
    """The one question: may `user` do `action` (a page rule, or a step of `obj`'s
    lifecycle), on `obj` if one is given (which they must see)?"""
    if obj is not None and not sees(user, obj):
        return False
    if action in PAGES or not isinstance(action, str):
        return page(user, action)
    return obj is not None and may_take(user, action, obj)


# What a view declares: its page rule, whether it is the API's (401, not the login page,
# without credentials), and the URL argument that names the step it takes, if it takes one.
@dataclass(frozen=True)
class Declared:
    rule: object
    api: bool = False
    step_argument: str | None = None


def declare(view, rule, *, step_argument=None):
    """Mark `view` as a page of `rule` (the decorators of communes/decorators.py do)."""
    view.who_may = Declared(rule, step_argument=step_argument)
    return view


def public(view):
    """A page anyone may open, logged in or not; it holds nothing of anyone's."""
    return declare(view, PUBLIC)


def rule_of(view) -> Declared | None:
    """What `view` (a URL pattern's callback) declares; an API view declares it with its
    permission classes (their `who_may`, PUBLIC for AllowAny). None: it declares nothing."""
    declared = getattr(view, "who_may", None)
    if declared is not None:
        return declared
    view_class = getattr(view, "cls", None)
    permissions = getattr(view_class, "permission_classes", None)
    if not permissions:
        return None
    names = [getattr(permission, "who_may", None) or (
        PUBLIC if permission.__name__ == "AllowAny" else None) for permission in permissions]
    if len(names) != 1 or names[0] is None:
        return None
    return Declared(names[0], api=True)


LOGIN_PAGE = "login"  # expect(): a redirect to the login page
UNAUTHORIZED = 401


def expect(user, view, obj=None, kwargs=None):
    """The status a request of `user` to `view` about `obj` should answer by the rules above:
    LOGIN_PAGE, 401, 403, 404, or 200 for "let in" (the page may then answer a redirect or a
    form's 400). None if the view declares no rule."""
    declared = rule_of(view)
    if declared is None:
        return None
    if declared.rule != PUBLIC and not user.is_authenticated:
        return UNAUTHORIZED if declared.api else LOGIN_PAGE
    if not page(user, declared.rule):
        return 403
    if obj is not None and not sees(user, obj):
        return 404
    if declared.step_argument and not role_holds(
            user, _STEPS[type(obj)].takers((kwargs or {})[declared.step_argument])):
        return 403
    return 200


def users_of_province(user):
    """The people of the office's province (the settings' list of people): no superuser."""
    province_id = scope(user).province_id
    users = get_user_model()._default_manager
    return users.filter(profile__province_id=province_id, is_superuser=False) \
        if province_id is not None else users.none()
