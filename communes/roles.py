"""The portal's roles. Each is a Django group (created by a data migration); a user's province
and department are on their UserProfile.

The role decides which pages a user may open (403 otherwise); the profile decides which objects
they see (404 otherwise).
"""

from django.utils.translation import gettext_lazy as _

OFFICE_STAFF = "Văn phòng"
DEPARTMENT_HEAD = "Lãnh đạo sở"
DEPARTMENT_STAFF = "Chuyên viên sở"
LEADER = "Lãnh đạo tỉnh"
NATIONAL_VIEWER = "Theo dõi toàn quốc"

ROLE_LABELS = {
    OFFICE_STAFF: _("Office staff"),
    DEPARTMENT_HEAD: _("Department head"),
    DEPARTMENT_STAFF: _("Department staff"),
    LEADER: _("Leader (read-only)"),
    NATIONAL_VIEWER: _("National viewer"),
}


def role_names(user) -> set[str]:
    """The names of the roles (groups) `user` has, cached on the user for the request."""
    if not user.is_authenticated:
        return set()
    if not hasattr(user, "_role_names"):
        user._role_names = {group.name for group in user.groups.all()}
    return user._role_names


def is_office(user) -> bool:
    return user.is_superuser or OFFICE_STAFF in role_names(user)


def is_department_user(user) -> bool:
    return bool(role_names(user) & {DEPARTMENT_HEAD, DEPARTMENT_STAFF})


def is_reader(user) -> bool:
    """May read every round of their province (or of all, for national viewers and admins)."""
    return user.is_superuser or bool(role_names(user) & {OFFICE_STAFF, LEADER, NATIONAL_VIEWER})


def sees_all_provinces(user) -> bool:
    return user.is_superuser or NATIONAL_VIEWER in role_names(user)
