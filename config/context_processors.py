from communes import roles
from communes.whomay import has_calendar, uses_api


def navigation(request):
    """Which of the portal's main pages the header links to, by role."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"nav_inbox": roles.is_department_user(user), "nav_office": roles.is_office(user),
            "nav_reader": roles.is_reader(user), "nav_unit": roles.is_unit_user(user),
            "nav_api": uses_api(user), "nav_calendar": has_calendar(user),
            # The province's settings: its office staff (administrators have Django admin).
            "nav_settings": roles.OFFICE_STAFF in roles.role_names(user)}
