"""The portal's roles. Each is a Django group (created by a data migration); a user's province
and department are on their UserProfile.

The role decides which pages a user may open (403 otherwise); the profile decides which objects
they see (404 otherwise).
"""

from django.utils.translation import gettext_lazy as _

# The names are data (the groups' names in the database, shown in admin): renaming one needs a
# data migration that renames the group (recommendations 0008 renamed the department roles,
# whose bodies are not all sở: Thanh tra tỉnh, Văn phòng UBND tỉnh).
OFFICE_STAFF = "Văn phòng"
DEPARTMENT_HEAD = "Lãnh đạo cơ quan"
DEPARTMENT_STAFF = "Chuyên viên sở, ban, ngành"
LEADER = "Lãnh đạo tỉnh"
NATIONAL_VIEWER = "Theo dõi toàn quốc"
UNIT_STAFF = "Cán bộ cấp xã"

ROLE_LABELS = {
    OFFICE_STAFF: _("Office staff"),
    DEPARTMENT_HEAD: _("Department head"),
    DEPARTMENT_STAFF: _("Department staff"),
    LEADER: _("Leader (read-only)"),
    NATIONAL_VIEWER: _("National viewer"),
    UNIT_STAFF: _("Commune or ward staff"),
}


# The roles the province's office gives its own users on the settings pages; national viewers
# and administrators are made in Django admin.
PROVINCE_ROLES = (OFFICE_STAFF, DEPARTMENT_HEAD, DEPARTMENT_STAFF, LEADER)
DEPARTMENT_ROLES = (DEPARTMENT_HEAD, DEPARTMENT_STAFF)


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


def is_unit_user(user) -> bool:
    """Staff of a commune, ward or special zone: they see what concerns their unit."""
    return UNIT_STAFF in role_names(user)


def is_reader(user) -> bool:
    """May read every round of their province (or of all, for national viewers and admins)."""
    return user.is_superuser or bool(role_names(user) & {OFFICE_STAFF, LEADER, NATIONAL_VIEWER})


def sees_all_provinces(user) -> bool:
    return user.is_superuser or NATIONAL_VIEWER in role_names(user)


# What each role may do in Django's permission system (admin and has_perm); pages check roles
# (communes/whomay.py). An app label gives every permission on the listed models; "view",
# "add", "change" give that permission on "app.model" labels; "*" every view permission of the
# portal's apps. A higher app adds its own models' from its AppConfig.ready() (`grant`), so
# this module names none of them.
ROLE_PERMISSIONS = {
    OFFICE_STAFF: {
        "view": {"communes.administrativeunit", "communes.department", "communes.province"},
    },
    DEPARTMENT_HEAD: {},
    DEPARTMENT_STAFF: {},
    LEADER: {"view": "*"},
    NATIONAL_VIEWER: {"view": "*"},
    # Works on the portal's own pages only (Django admin is for superusers).
    UNIT_STAFF: {},
}
# The apps whose models the roles' permissions cover ("*" is every view permission of these):
# communes, and each app that grants its own (`grant` adds it).
PERMISSION_APPS = {"communes"}
ACTIONS = ("view", "add", "change")


def grant(role: str, spec: dict) -> None:
    """Add `spec` (as in ROLE_PERMISSIONS) to `role`'s permissions: an app's own models', from
    its AppConfig.ready(), before any roles_sync reads them."""
    for key, value in spec.items():
        ROLE_PERMISSIONS[role].setdefault(key, set()).update(value)
        PERMISSION_APPS.update({key} if key not in ACTIONS
                               else {label.split(".")[0] for label in value})


def _codenames(spec):
    """(app_label, codename) pairs the role spec grants."""
    pairs = set()
    for key, value in spec.items():
        if key in PERMISSION_APPS:  # full rights on these models of the app
            pairs |= {(key, f"{action}_{model}") for model in value
                      for action in ("add", "change", "delete", "view")}
        elif value != "*":
            pairs |= {(label.split(".")[0], f"{key}_{label.split('.')[1]}") for label in value}
    return pairs


def roles_sync(Group, Permission) -> None:
    """Create the role groups and give them their permissions.

    Takes the model classes so the data migration can pass its historical models.
    """
    for name, spec in ROLE_PERMISSIONS.items():
        group, _created = Group.objects.get_or_create(name=name)
        portal = Permission.objects.filter(content_type__app_label__in=PERMISSION_APPS)
        if spec.get("view") == "*":
            permissions = list(portal.filter(codename__startswith="view_"))
        else:
            wanted = _codenames(spec)
            permissions = [p for p in portal.select_related("content_type")
                           if (p.content_type.app_label, p.codename) in wanted]
        group.permissions.set(permissions)
