"""A user's work calendar: the page where they make its secret link (shown once), see when
it was last read and revoke it; and the feed itself, which calendar programs read at that
link without a login (recommendations/calendar.py)."""

from django.conf import settings
from django.contrib import messages
from django.db import transaction
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from communes import services as communes_services
from communes.decorators import calendar_user_required
from communes.models import CalendarLink
from communes.whomay import has_calendar, public

from .. import calendar


def _feed_url(secret: str) -> str:
    # SITE_URL, as in mails: never the Host header the request carried.
    return settings.SITE_URL.rstrip("/") + reverse("recommendations:calendar_feed",
                                                   args=[secret])


@calendar_user_required
def calendar_page(request):
    """The user's link; a POST makes a new one (revoking the old) and shows it, this once, on
    the answer itself (it is stored nowhere but as its digest)."""
    feed_url = None
    if request.method == "POST":
        _link, secret = communes_services.calendar_link_create(user=request.user)
        feed_url = _feed_url(secret)
    link = CalendarLink.objects.filter(user=request.user, revoked_at=None).first()
    response = render(request, "recommendations/calendar.html", {
        "feed_url": feed_url, "link": link,
        "past_days": settings.CALENDAR_PAST_DAYS,
        "future_days": settings.CALENDAR_FUTURE_DAYS,
    })
    response["Cache-Control"] = "no-store"  # the page may hold the link
    return response


@require_POST
@calendar_user_required
def calendar_revoke(request):
    if communes_services.calendar_link_revoke(user=request.user, by=request.user):
        messages.success(request, _("The calendar link is revoked: calendar programs can no "
                                    "longer read it."))
    return redirect("recommendations:calendar")


@public  # its secret is its key; an unknown one answers 404
@transaction.non_atomic_requests
@require_GET
def calendar_feed(request, secret):
    """The feed, for whoever holds the link: 404 for a link unknown, revoked, or of an
    account deactivated or left without a role; what its owner may see now otherwise."""
    if not secret.startswith(CalendarLink.PREFIX) or len(secret) > 100:
        raise Http404
    link = (CalendarLink.objects.active().select_related("user")
            .filter(digest=CalendarLink.digest_of(secret)).first())
    if link is None or not has_calendar(link.user):
        raise Http404
    # Calendar programs send no language cookie: the portal's language, Vietnamese.
    with translation.override(settings.LANGUAGE_CODE):
        body = calendar.feed(link.user)
    communes_services.calendar_link_read(link=link)
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="lich-cong-tac.ics"'
    response["Cache-Control"] = "private, no-store"
    response["X-Robots-Tag"] = "noindex"
    response["Referrer-Policy"] = "no-referrer"
    return response
