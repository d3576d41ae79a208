"""Webhook subscriptions and their deliveries (delivery.py sends them).

A subscription belongs to one province and, optionally, to one of its bodies (a department):
it receives what an API token of that scope would read (communes/scope.py), nothing more.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from communes.events import Event  # noqa: F401 — the events' names, here too
from communes.scope import Scope


class SubscriptionQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Administrators see every province's subscriptions; office staff their own
        province's; nobody else any (their pages answer 403 before this)."""
        if user.is_superuser:
            return self.all()
        profile = getattr(user, "profile", None)
        if profile is None or profile.province_id is None:
            return self.none()
        return self.filter(province_id=profile.province_id)


class Subscription(models.Model):
    province = models.ForeignKey("communes.Province", on_delete=models.CASCADE,
                                 related_name="webhook_subscriptions",
                                 verbose_name=_("province"))
    department = models.ForeignKey(
        "communes.Department", on_delete=models.CASCADE, null=True, blank=True,
        related_name="webhook_subscriptions", verbose_name=_("body"),
        help_text=_("Empty: everything of the province, as the office's API token reads it. "
                    "A body: only what its API token would read (what is routed to it)."))
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                              related_name="webhook_subscriptions", verbose_name=_("owner"))
    name = models.CharField(_("name"), max_length=100)
    url = models.URLField(_("receiving address"), max_length=500)
    # Kept as it is, not as a digest: the signature is an HMAC, which needs the secret itself
    # (the same holds for GitHub's and Stripe's). Shown once; only a new one replaces it.
    secret = models.CharField(max_length=100, editable=False)
    events = models.JSONField(_("events"), default=list)
    active = models.BooleanField(_("active"), default=True)
    paused_at = models.DateTimeField(_("paused at"), null=True, blank=True)
    pause_reason = models.CharField(max_length=300, blank=True)
    consecutive_failures = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = SubscriptionQuerySet.as_manager()

    class Meta:
        verbose_name = _("webhook subscription")
        verbose_name_plural = _("webhook subscriptions")
        ordering = ["province", "name", "pk"]

    def __str__(self):
        return self.name

    @property
    def scope(self) -> Scope:
        """What an API token of this subscription's province (or body) reads."""
        if self.department_id:
            return Scope(kind=Scope.DEPARTMENT, province_id=self.province_id,
                         department_id=self.department_id)
        return Scope(kind=Scope.PROVINCE, province_id=self.province_id)

    def event_labels(self) -> list[str]:
        labels = dict(Event.choices)
        return [str(labels.get(event, event)) for event in self.events]


class DeliveryQuerySet(models.QuerySet):
    def with_outcome(self, outcome: str):
        if outcome == Delivery.DELIVERED:
            return self.filter(delivered_at__isnull=False)
        if outcome == Delivery.PENDING:
            return self.filter(delivered_at__isnull=True, next_attempt_at__isnull=False)
        if outcome == Delivery.FAILED:
            return self.filter(delivered_at__isnull=True, next_attempt_at__isnull=True)
        return self


class Delivery(models.Model):
    """One event for one subscription: its body as it was when the write committed, and how
    its sending went (retries reuse the row; its id is the body's `delivery` id, which a
    receiver uses to take a delivery once)."""

    DELIVERED, PENDING, FAILED = "delivered", "pending", "failed"
    OUTCOMES = [(DELIVERED, _("delivered")), (PENDING, _("waiting for a try")),
                (FAILED, _("failed"))]

    subscription = models.ForeignKey(Subscription, on_delete=models.CASCADE,
                                     related_name="deliveries")
    event = models.CharField(max_length=50, choices=Event.choices)
    object_type = models.CharField(max_length=30)
    object_id = models.PositiveBigIntegerField()
    payload = models.JSONField()
    created_at = models.DateTimeField(auto_now_add=True)
    attempts = models.PositiveIntegerField(default=0)
    # When the next try is due; empty once delivered or given up.
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    last_attempt_at = models.DateTimeField(null=True, blank=True)
    last_status_code = models.PositiveIntegerField(null=True, blank=True)
    last_error = models.CharField(max_length=500, blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)

    objects = DeliveryQuerySet.as_manager()

    class Meta:
        verbose_name = _("webhook delivery")
        verbose_name_plural = _("webhook deliveries")
        ordering = ["-created_at", "-pk"]
        indexes = [
            # The log: a subscription's deliveries, newest first, by event or outcome.
            models.Index(fields=["subscription", "-created_at", "-id"],
                         name="webhook_delivery_log_idx"),
            models.Index(fields=["subscription", "event", "-created_at"],
                         name="webhook_delivery_event_idx"),
            models.Index(fields=["subscription", "next_attempt_at"],
                         name="webhook_delivery_pending_idx",
                         condition=Q(delivered_at__isnull=True)),
        ]

    def __str__(self):
        return f"{self.event} #{self.object_id}"

    @property
    def outcome(self) -> str:
        if self.delivered_at:
            return self.DELIVERED
        return self.PENDING if self.next_attempt_at else self.FAILED

    def get_outcome_display(self):
        return dict(self.OUTCOMES)[self.outcome]


class OverdueAnnounced(models.Model):
    """A recommendation's passing of one due date, announced once (`manage.py
    webhook_overdue`): a new due date (an extension, a reopening) may be announced again."""

    recommendation = models.ForeignKey("recommendations.Recommendation",
                                       on_delete=models.CASCADE, related_name="+")
    due_date = models.DateField()
    announced_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["recommendation", "due_date"],
                                               name="webhook_overdue_once")]

    def __str__(self):
        return f"{self.recommendation_id} {self.due_date}"
