from communes import roles
from communes.scope import Scope, scope


def navigation(request):
    """Which of the portal's main pages the header links to, by role."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"nav_inbox": roles.is_department_user(user), "nav_office": roles.is_office(user),
            "nav_reader": roles.is_reader(user), "nav_api": scope(user).kind != Scope.NOTHING}
