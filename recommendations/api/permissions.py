"""Who may use the API: the rules API and API_DASHBOARD of communes/whomay.py, with the pages'
rules. What they see is `visible_to(user)`."""

from django.utils.translation import gettext_lazy as _
from rest_framework.permissions import BasePermission

from communes import whomay


class SeesSomething(BasePermission):
    """Logged in (a token or a session) as office staff, a leader, a national viewer, an
    administrator or a department's user. The rows each endpoint shows are those of
    `visible_to(user)`."""

    who_may = whomay.API  # read back by whomay.rule_of

    def has_permission(self, request, view):
        user = request.user
        return bool(user and user.is_authenticated and whomay.page(user, whomay.API))


class ReadsDashboards(SeesSomething):
    """The dashboard, as on its page: office staff, leaders, national viewers and
    administrators. Its counts are a province's or the country's (models.Tally), and cannot
    tell what is routed to one department."""

    who_may = whomay.API_DASHBOARD

    def has_permission(self, request, view):
        if not super().has_permission(request, view):
            return False  # "Your account may not read the API": it may not
        if whomay.page(request.user, whomay.API_DASHBOARD):
            return True
        # The account reads the rest of the API: say what it may not read.
        self.message = _("Your account reads the API, but not its dashboard: the dashboard's "
                         "figures are a province's or the country's, for the office, leaders "
                         "and national viewers. Read your department's items at "
                         "/api/v1/recommendations/.")
        return False
