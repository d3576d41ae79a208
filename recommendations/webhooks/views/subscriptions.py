"""The office's (and administrators') webhook subscriptions: make one (its secret shown
once), edit, pause, resume, delete; each one's delivery log, with a "send again" button.
Office staff see their province's; administrators every province's. Other roles: 403; a
subscription of another province: 404."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from communes.decorators import office_required

from .. import queries, services
from ..forms import DeliveryFilterForm, SubscriptionForm
from ..models import Delivery, Subscription

LOG_PAGE_SIZE = 25


def _no_store(response):
    response["Cache-Control"] = "no-store"  # the answer may hold a secret
    return response


def _mine(request, pk):
    return get_object_or_404(Subscription.objects.visible_to(request.user), pk=pk)


def _province_of(request, form):
    """The subscription's province: an administrator's choice, or the office's own."""
    if request.user.is_superuser:
        return form.cleaned_data["province"]
    return request.user.profile.province


def _require_a_province(user):
    """Office staff subscribe for their province: one without a province has nothing to
    subscribe to (403, as for the province's other settings)."""
    profile = getattr(user, "profile", None)
    if not user.is_superuser and (profile is None or profile.province_id is None):
        raise PermissionDenied


@office_required
def subscription_list(request):
    """The subscriptions; a POST makes one and shows its secret, this once, on the answer
    itself (not across a redirect)."""
    _require_a_province(request.user)
    secret = created = None
    form = SubscriptionForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        created, secret = services.subscription_create(
            by=request.user, province=_province_of(request, form), name=form.cleaned_data["name"],
            url=form.cleaned_data["url"], events=form.cleaned_data["events"],
            department=form.cleaned_data["department"])
        form = SubscriptionForm(user=request.user)
    subscriptions = Paginator(
        Subscription.objects.visible_to(request.user).select_related("province", "department"),
        LOG_PAGE_SIZE).get_page(request.GET.get("page"))
    return _no_store(render(request, "webhooks/list.html", {
        "form": form, "secret": secret, "created": created, "page": subscriptions,
    }, status=400 if form.errors else 200))


@office_required
def subscription_detail(request, pk):
    """One subscription: its settings (a POST saves them) and its delivery log."""
    subscription = _mine(request, pk)
    form = SubscriptionForm(request.POST or None, instance=subscription, user=request.user)
    if request.method == "POST" and form.is_valid():
        services.subscription_update(
            subscription=subscription, by=request.user,
            province=_province_of(request, form), name=form.cleaned_data["name"],
            url=form.cleaned_data["url"], events=form.cleaned_data["events"],
            department=form.cleaned_data["department"])
        messages.success(request, _("The subscription is saved."))
        return redirect("webhooks:detail", pk=subscription.pk)
    filters = DeliveryFilterForm(request.GET or None)
    chosen = filters.cleaned_data if filters.is_valid() else {}
    deliveries = queries.delivery_log(subscription, event=chosen.get("event", ""),
                                      outcome=chosen.get("outcome", ""))
    page = Paginator(deliveries, LOG_PAGE_SIZE).get_page(request.GET.get("page"))
    return _no_store(render(request, "webhooks/detail.html", {
        "subscription": subscription, "form": form, "filters": filters, "page": page,
    }, status=400 if form.errors else 200))


@require_POST
@office_required
def subscription_new_secret(request, pk):
    subscription = _mine(request, pk)
    secret = services.subscription_new_secret(subscription=subscription, by=request.user)
    return _no_store(render(request, "webhooks/secret.html", {
        "subscription": subscription, "secret": secret}))


@require_POST
@office_required
def subscription_pause(request, pk):
    subscription = _mine(request, pk)
    if subscription.active:
        services.subscription_pause(subscription=subscription, by=request.user)
        messages.success(request, _("The subscription is paused: events are kept and sent "
                                    "when it is resumed."))
    return redirect("webhooks:detail", pk=subscription.pk)


@require_POST
@office_required
def subscription_resume(request, pk):
    subscription = _mine(request, pk)
    if not subscription.active:
        services.subscription_resume(subscription=subscription, by=request.user)
        messages.success(request, _("The subscription is active again."))
    return redirect("webhooks:detail", pk=subscription.pk)


@require_POST
@office_required
def subscription_delete(request, pk):
    """The button asks first (a page with the confirming button); the confirmed POST
    deletes the subscription and its log."""
    subscription = _mine(request, pk)
    if request.POST.get("confirm") != "yes":
        return render(request, "webhooks/delete.html", {"subscription": subscription})
    name = subscription.name
    services.subscription_delete(subscription=subscription, by=request.user)
    messages.success(request, _("The subscription “%(name)s” is deleted.") % {"name": name})
    return redirect("webhooks:list")


@require_POST
@office_required
def delivery_redeliver(request, pk):
    delivery = get_object_or_404(Delivery.objects.filter(
        subscription__in=Subscription.objects.visible_to(request.user)), pk=pk)
    services.delivery_redeliver(delivery=delivery, by=request.user)
    messages.success(request, _("Delivery no. %(number)s is queued to be sent again.")
                     % {"number": delivery.pk})
    return redirect("webhooks:detail", pk=delivery.subscription_id)
