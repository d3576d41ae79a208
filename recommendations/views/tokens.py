"""A user's own API tokens: make one (shown once), see when each was last used, revoke one."""

from django.conf import settings
from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from communes import services as communes_services
from communes.decorators import api_user_required
from communes.models import ApiToken

from ..forms import ApiTokenForm


@api_user_required
def api_tokens(request):
    """The user's tokens; a POST makes one and shows it, this once, on the answer itself (it
    is stored nowhere but as its digest, not even for a redirect)."""
    secret = None
    form = ApiTokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        _token, secret = communes_services.api_token_create(
            user=request.user, name=form.cleaned_data["name"])
        form = ApiTokenForm()
    response = render(request, "recommendations/api_tokens.html", {
        "form": form, "secret": secret,
        "tokens": ApiToken.objects.filter(user=request.user),
        # SITE_URL, as in mails: never the Host header the request carried.
        "api_url": settings.SITE_URL.rstrip("/") + reverse("api:recommendation-list"),
        "docs_url": reverse("api:docs"),
        "max_age_days": settings.API_TOKEN_MAX_AGE_DAYS,
    }, status=400 if form.errors else 200)
    response["Cache-Control"] = "no-store"  # the page may hold a token
    return response


@require_POST
@api_user_required
def api_token_revoke(request, pk):
    token = get_object_or_404(ApiToken.objects.filter(user=request.user), pk=pk)
    communes_services.api_token_revoke(token=token, by=request.user)
    messages.success(request, _("The token “%(name)s” is revoked: it no longer works.") % {
        "name": token.name})
    return redirect("recommendations:api_tokens")
