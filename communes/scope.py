"""What a user may see, decided once: `scope(user)` gives one small value, and every
`visible_to(user)` and every cache key read it (after netbox's RestrictedQuerySet.restrict()).

Roles (communes/roles.py) decide which pages a user may open (403 otherwise); the scope decides
which rows those pages show (404 for anything else). communes/whomay.py answers both, and the
lifecycle's steps and the API, in one place.
"""

from dataclasses import dataclass

from django.db import models
from django.db.models import Q

from . import roles


@dataclass(frozen=True)
class Scope:
    """The rows a user may see.

    kind: ALL (national viewers, superusers), PROVINCE (office staff and leaders: their
    province), DEPARTMENT (a department's heads and staff: what is routed to it), UNIT (a
    commune's or ward's staff: what concerns their unit), NOTHING.
    department_id is the department the user acts for, whatever the kind: a leader who is also
    a department's staff reads the whole province and works on the department's inbox.
    """

    ALL = "all"
    PROVINCE = "province"
    DEPARTMENT = "department"
    UNIT = "unit"
    NOTHING = "nothing"

    kind: str
    province_id: int | None = None
    department_id: int | None = None
    unit_id: int | None = None

    @property
    def key(self) -> str:
        """For cache keys: users with the same key see the same rows."""
        return f"{self.kind}:{self.province_id}:{self.department_id}:{self.unit_id}"


def scope(user) -> Scope:
    """The scope of `user`, from their roles (groups) and their profile."""
    profile = getattr(user, "profile", None) if user is not None and user.is_authenticated \
        else None
    province_id = getattr(profile, "province_id", None)
    department_id = profile.department_id if profile and roles.is_department_user(user) \
        else None
    unit_id = profile.unit_id if profile and roles.is_unit_user(user) else None
    if user is not None and roles.sees_all_provinces(user):
        kind = Scope.ALL
    elif province_id is None:
        kind = Scope.NOTHING
    elif roles.is_reader(user):
        kind = Scope.PROVINCE
    elif department_id:
        kind = Scope.DEPARTMENT
    elif unit_id:
        kind = Scope.UNIT
    else:
        kind = Scope.NOTHING
    return Scope(kind=kind, province_id=province_id, department_id=department_id,
                 unit_id=unit_id)


class ScopedQuerySet(models.QuerySet):
    """A QuerySet with `visible_to(user)`.

    A model's QuerySet names the lookup from the model to its province (`province_lookup`)
    and to the units it concerns (`unit_lookup`, None if a unit's staff see none of it); one
    whose rows a department may see as well overrides `scope_condition`.
    """

    province_lookup = "province"
    unit_lookup = None

    def visible_to(self, user):
        return self.within(scope(user))

    def within(self, user_scope: Scope):
        if user_scope.kind == Scope.ALL:
            return self.all()
        condition = self.scope_condition(user_scope)
        return self.none() if condition is None else self.filter(condition)

    def scope_condition(self, user_scope: Scope) -> Q | None:
        """The condition for a scope other than ALL; None when it sees nothing."""
        if user_scope.kind == Scope.PROVINCE:
            return Q(**{self.province_lookup: user_scope.province_id})
        if user_scope.kind == Scope.UNIT and self.unit_lookup:
            # Through a many-to-many lookup a row would come once per match: the ids keep
            # each row once.
            return Q(pk__in=self.model.objects.filter(
                **{self.unit_lookup: user_scope.unit_id}).values("pk"))
        return None


# Who uses the API and who has a work calendar: communes/whomay.py, with the other rules.
