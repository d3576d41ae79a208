"""Who may use the API (communes.scope.uses_api). What they see is `visible_to(user)`."""

from django.utils.translation import gettext_lazy as _
from rest_framework.permissions import BasePermission

from communes import roles
from communes.scope import uses_api


class SeesSomething(BasePermission):
    """Logged in (a token or a session) as office staff, a leader, a national viewer, an
    administrator or a department's user. The rows each endpoint shows are those of
    `visible_to(user)`."""

    def has_permission(self, request, view):
        user = request.user
        return bool(user and user.is_authenticated and uses_api(user))


class ReadsDashboards(SeesSomething):
    """The dashboard, as on its page: office staff, leaders, national viewers and
    administrators. Its counts are a province's or the country's (models.Tally), and cannot
    tell what is routed to one department."""

    def has_permission(self, request, view):
        if not super().has_permission(request, view):
            return False  # "Your account may not read the API": it may not
        if roles.is_reader(request.user):
            return True
        # The account reads the rest of the API: say what it may not read.
        self.message = _("Your account reads the API, but not its dashboard: the dashboard's "
                         "figures are a province's or the country's, for the office, leaders "
                         "and national viewers. Read your department's items at "
                         "/api/v1/recommendations/.")
        return False
