"""Writes on subscriptions (each in one transaction with its audit-log event: a secret made,
or a change of where and what the province's data goes to), the manual redelivery, and the
two periodic sweeps (overdue items, due retries)."""

import secrets

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone

from communes.audit import AuditEvent, audit_record
from communes.events import emit
from communes.jobs import job_alone
from recommendations.models import Recommendation, deadlines

from .delivery import enqueue
from .models import Delivery, Event, OverdueAnnounced, Subscription


def _new_secret() -> str:
    return "whsec_" + secrets.token_urlsafe(32)


def _may_subscribe(by, province, department):
    """Office staff subscribe for their own province, to the whole of it or one of its bodies;
    an administrator for any province. The pages offer nothing else: this is the last guard."""
    own = getattr(getattr(by, "profile", None), "province_id", None)
    if not by.is_superuser and (province is None or own != province.pk):
        raise PermissionDenied
    if department is not None and department.province_id != province.pk:
        raise PermissionDenied


@transaction.atomic
def subscription_create(*, by, province, name, url, events, department=None):
    """A new subscription and its secret, which the caller shows once."""
    _may_subscribe(by, province, department)
    secret = _new_secret()
    subscription = Subscription.objects.create(
        owner=by, province=province, department=department, name=name, url=url,
        events=list(events), secret=secret)
    audit_record(AuditEvent.Kind.WEBHOOK_SECRET_MADE, actor=by, obj=subscription,
                 province=province, url=url)
    return subscription, secret


def _audit_change(subscription, by, change, **details):
    """A settings change of the subscription: where the province's data goes, and what."""
    audit_record(AuditEvent.Kind.SETTINGS_CHANGED, actor=by, obj=subscription,
                 province=subscription.province_id, setting="webhook", change=change,
                 url=subscription.url, **details)


@transaction.atomic
def subscription_update(*, subscription, by, province, name, url, events, department=None):
    # From the database: a bound ModelForm has already written the new values on the object.
    saved = Subscription.objects.values("province_id", "url", "department_id", "events").get(
        pk=subscription.pk)
    before = {"province": saved["province_id"], "url": saved["url"],
              "department": saved["department_id"], "events": sorted(saved["events"])}
    _may_subscribe(by, province, department)
    if province.pk != saved["province_id"]:
        # Moved to another province (by an administrator): its owner there is who moved it,
        # as the office's owner may not read that province and nothing would be sent.
        subscription.owner = by
    subscription.province, subscription.name, subscription.url = province, name, url
    subscription.events, subscription.department = list(events), department
    subscription.save()
    after = {"province": subscription.province_id, "url": subscription.url,
             "department": subscription.department_id, "events": sorted(subscription.events)}
    changed = {field: [before[field], after[field]] for field in before
               if before[field] != after[field]}
    if changed:
        _audit_change(subscription, by, "edited", changed=changed)
    return subscription


@transaction.atomic
def subscription_new_secret(*, subscription, by) -> str:
    """Replace the secret (the old one stops signing at once); the caller shows it once."""
    subscription.secret = _new_secret()
    subscription.save(update_fields=["secret", "updated_at"])
    audit_record(AuditEvent.Kind.WEBHOOK_SECRET_MADE, actor=by, obj=subscription,
                 province=subscription.province_id, url=subscription.url, renewed=True)
    return subscription.secret


@transaction.atomic
def subscription_pause(*, subscription, by):
    subscription.active, subscription.paused_at = False, timezone.now()
    subscription.pause_reason = "manual"
    subscription.save(update_fields=["active", "paused_at", "pause_reason", "updated_at"])
    _audit_change(subscription, by, "paused")
    return subscription


@transaction.atomic
def subscription_resume(*, subscription, by):
    """Active again, its count of failures from zero; the deliveries that waited while it was
    paused are queued again once this commits."""
    subscription.active, subscription.paused_at, subscription.pause_reason = True, None, ""
    subscription.consecutive_failures = 0
    subscription.save()
    pending = subscription.deliveries.filter(delivered_at__isnull=True,
                                             next_attempt_at__isnull=False)
    pending.update(next_attempt_at=timezone.now())
    waiting = list(pending)
    transaction.on_commit(lambda: [enqueue(d) for d in waiting], robust=True)
    _audit_change(subscription, by, "resumed")
    return subscription


@transaction.atomic
def subscription_delete(*, subscription, by) -> None:
    _audit_change(subscription, by, "deleted")
    subscription.delete()


@transaction.atomic
def delivery_redeliver(*, delivery, by) -> Delivery:
    """Send a delivery again, as it was (the same body and id, a new signature and
    timestamp), whatever became of it; its count of tries goes on."""
    delivery.next_attempt_at = timezone.now()
    delivery.delivered_at = None
    delivery.save(update_fields=["next_attempt_at", "delivered_at"])
    transaction.on_commit(lambda: enqueue(delivery), robust=True)
    return delivery


def retries_queue(*, now=None) -> int | None:
    """Queue every try that is due (of active subscriptions): the safety net behind the
    worker's own retries, and the only retry with a backend that cannot wait. None if another
    node is queueing them right now (cron runs it on every node: communes/jobs.py; the next
    minute's run is the same run, so it does not wait). A try queued twice is still sent once:
    the delivery is claimed when it is sent."""
    with job_alone("webhook_retry") as mine:
        return _retries_queue(now=now) if mine else None


def _retries_queue(*, now=None) -> int:
    now = now or timezone.now()
    due = list(Delivery.objects.filter(delivered_at__isnull=True, next_attempt_at__lte=now,
                                       subscription__active=True))
    for delivery in due:
        enqueue(delivery)
    return len(due)


def overdue_announce(*, today=None, wait: float = 0) -> int | None:
    """Emit recommendation.overdue once per item and due date passed (a new due date, after
    an extension or a reopening, may pass again). Cron runs it on every node
    (communes/jobs.py): a node that finds another announcing waits up to `wait` seconds and
    then announces what is left; None if the other was still at it."""
    with job_alone("webhook_overdue", wait=wait) as mine:
        return _overdue_announce(today=today) if mine else None


def _overdue_announce(*, today=None) -> int:
    today = today or timezone.localdate()
    announced = OverdueAnnounced.objects.filter(recommendation=OuterRef("pk"),
                                                due_date=OuterRef("due_date"))
    late = Recommendation.objects.filter(deadlines(today).overdue).exclude(Exists(announced))
    count = 0
    for recommendation in late.only("pk", "due_date").order_by("pk").iterator():
        with transaction.atomic():
            _marker, created = OverdueAnnounced.objects.get_or_create(
                recommendation=recommendation, due_date=recommendation.due_date)
            if created:
                emit(Event.RECOMMENDATION_OVERDUE, recommendation,
                            due_date=recommendation.due_date.isoformat())
                count += 1
    return count
