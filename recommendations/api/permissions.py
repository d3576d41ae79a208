"""Who may use the API: whoever sees something. What they see is `visible_to(user)`."""

from rest_framework.permissions import BasePermission

from communes.scope import Scope, scope


class SeesSomething(BasePermission):
    """Logged in (a token or a session) with a scope that sees some rows: office staff,
    leaders, national viewers, administrators, department users, and any scope added later.
    The rows each endpoint shows are still those of `visible_to(user)`."""

    def has_permission(self, request, view):
        user = request.user
        return bool(user and user.is_authenticated and scope(user).kind != Scope.NOTHING)
