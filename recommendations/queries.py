"""Reads shared by the recommendation pages that are more than a QuerySet method."""

from django.db.models import Exists, OuterRef
from django.utils.translation import get_language

from communes.cache import cached, version_names
from communes.models import AdministrativeUnit, Department, Province
from communes.scope import Scope, scope
from inspections.models import Category, InspectionRound, Session, WorkingGroup

from .models import Recommendation

FILTER_KINDS = ("provinces", "rounds", "groups", "departments", "categories", "units")


def filter_choices(user, kinds=FILTER_KINDS) -> dict:
    """The options of the lists' filters, as (value, label) pairs, among what the user may
    see: the rounds, working groups, departments and units of the user's province (for a
    department, the rounds and groups of what is routed to it; nationally the provinces,
    every round and department, and no groups or units, thousands of them), and the
    categories. Read once per
    data version, scope and language (communes/cache.py), since every list page shows them."""
    user_scope = scope(user)
    national = user_scope.kind == Scope.ALL

    def read_all():
        if user_scope.kind == Scope.DEPARTMENT:
            # The province's sessions that hold one of its items, one index probe each: an
            # IN over the rounds of its (thousands of) items took PostgreSQL seconds.
            held = Recommendation.objects.within(user_scope).filter(session=OuterRef("pk"))
            sessions = Session.objects.filter(
                group__round__province_id=user_scope.province_id).filter(Exists(held))
            rounds = InspectionRound.objects.filter(pk__in=sessions.values("group__round"))
            groups = WorkingGroup.objects.filter(pk__in=sessions.values("group"))
        else:
            rounds = InspectionRound.objects.within(user_scope)
            groups = WorkingGroup.objects.none() if national else \
                WorkingGroup.objects.within(user_scope)
        departments = Department.objects.all() if national else \
            Department.objects.filter(province_id=user_scope.province_id)
        units = AdministrativeUnit.objects.none() if national else \
            AdministrativeUnit.objects.within(user_scope)
        read = {
            "provinces": lambda: [(str(p.pk), str(p)) for p in Province.objects.all()]
            if national else [],
            "rounds": lambda: [(str(r.pk), str(r)) for r in rounds],
            "groups": lambda: [(str(g.pk), f"{g} – {g.round}")
                               for g in groups.select_related("round")],
            "departments": lambda: [(str(d.pk), str(d)) for d in departments],
            "categories": lambda: [(str(c.pk), str(c)) for c in Category.objects.all()],
            "units": lambda: [(str(u.pk), str(u)) for u in units],
        }
        return {kind: read[kind]() for kind in kinds}

    # Labels of filters: served while they are read anew after a change.
    return cached("filter-choices", (user_scope.key, get_language(), tuple(kinds)), read_all,
                  depends_on=version_names(user_scope), stale_ok=True)
