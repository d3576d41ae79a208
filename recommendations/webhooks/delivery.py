"""Sending one delivery: a signed POST with a short timeout, by the task worker
(`manage.py db_worker`), never in a request.

The body is the delivery's JSON; the headers sign it:

    X-Webhook-Event: recommendation.routed
    X-Webhook-Delivery: 123                (the same on every try: take a delivery once)
    X-Webhook-Timestamp: 1733560000        (Unix seconds of this try)
    X-Webhook-Signature: sha256=<hex HMAC-SHA256(secret, timestamp + "." + body)>

A receiver recomputes the HMAC over the timestamp and the raw body, compares in constant
time, and refuses a timestamp more than a few minutes old (a replay). Only a 2xx answer
counts as delivered; redirects are not followed. A failed try is tried again after
WEBHOOK_RETRY_SECONDS × 2^(tries−1), up to WEBHOOK_MAX_ATTEMPTS tries; after
WEBHOOK_PAUSE_AFTER_FAILURES failed tries in a row the subscription is paused and its owner
told by mail.
"""

import datetime
import hashlib
import hmac
import http.client
import ipaddress
import json
import logging
import socket
import time
from urllib.parse import urlsplit

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_tasks import task

from communes.mail import notify, site_url

from .models import Delivery, Subscription
from .scope import in_scope, owner_may_subscribe

logger = logging.getLogger(__name__)

USER_AGENT = "inspections-portal-webhooks/1"


def signature(secret: str, timestamp: str, body: bytes) -> str:
    mac = hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256)
    return "sha256=" + mac.hexdigest()


def body_of(delivery) -> bytes:
    return json.dumps({"delivery": delivery.pk, **delivery.payload}, ensure_ascii=False,
                      separators=(",", ":")).encode()


class RefusedAddress(ValueError):
    pass


def check_address(url: str) -> None:
    """http(s) only; with WEBHOOK_ALLOW_PRIVATE off, no address of the machine's own or the
    private networks (what a subscriber could otherwise make the portal reach for them).
    Raises RefusedAddress with the reason."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise RefusedAddress(_("Give an address that starts with http:// or https://."))
    if settings.WEBHOOK_ALLOW_PRIVATE:
        return
    try:
        infos = socket.getaddrinfo(parts.hostname, parts.port or None, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError) as error:
        raise RefusedAddress(_("The address's host is not found.")) from error
    for info in infos:
        address = ipaddress.ip_address(info[4][0].split("%")[0])
        if not address.is_global:
            raise RefusedAddress(_("The address is on a private or local network, which this "
                                   "portal may not send to."))


def post(url: str, body: bytes, headers: dict) -> int:
    """POST and return the status code (the answer's body is read up to 1 KB, then dropped).
    Each connect and read waits WEBHOOK_TIMEOUT_SECONDS at most."""
    check_address(url)
    parts = urlsplit(url)
    connection_class = (http.client.HTTPSConnection if parts.scheme == "https"
                        else http.client.HTTPConnection)
    connection = connection_class(parts.hostname, parts.port,
                                  timeout=settings.WEBHOOK_TIMEOUT_SECONDS)
    path = parts.path or "/"
    if parts.query:
        path += "?" + parts.query
    try:
        connection.request("POST", path, body=body, headers=headers)
        response = connection.getresponse()
        response.read(1024)
        return response.status
    finally:
        connection.close()


def enqueue(delivery, *, at=None) -> None:
    """Queue a try of `delivery` (at `at`, when the backend can wait; else now)."""
    backend_defers = deliver.get_backend().supports_defer
    if at is not None and backend_defers:
        deliver.using(run_after=at).enqueue(delivery_id=delivery.pk)
    elif at is None:
        deliver.enqueue(delivery_id=delivery.pk)
    # A backend that cannot wait (tests' immediate one): the retry is left to
    # `manage.py webhook_retry`, which queues every try that is due.


@task()
def deliver(*, delivery_id: int) -> str:
    """One try of a delivery. Returns what became of it (for the worker's log)."""
    delivery = Delivery.objects.select_related("subscription__owner__profile").filter(
        pk=delivery_id).first()
    if delivery is None or delivery.delivered_at is not None:
        return "nothing to do"
    subscription = delivery.subscription
    if not subscription.active:
        # Kept waiting: resuming the subscription queues it again.
        return "paused"
    # Claim this try: a try queued twice (the worker's retry and `webhook_retry`, or two
    # clicks on "send again") is sent once; the claim lapses if this worker dies mid-try.
    now = timezone.now()
    lease = now + datetime.timedelta(seconds=3 * settings.WEBHOOK_TIMEOUT_SECONDS + 30)
    if not Delivery.objects.filter(pk=delivery.pk, delivered_at__isnull=True,
                                   next_attempt_at__lte=now).update(next_attempt_at=lease):
        return "not due"
    # The scope is checked again at sending: the owner may have lost the role, the object may
    # have left the body's hands since the write.
    if not (owner_may_subscribe(subscription.owner, subscription.province_id)
            and in_scope(subscription, delivery.object_type, delivery.object_id)):
        Delivery.objects.filter(pk=delivery.pk).update(
            next_attempt_at=None, last_error=str(_("Not sent: outside the subscription's "
                                                   "scope now.")))
        return "out of scope"
    body = body_of(delivery)
    timestamp = str(int(time.time()))
    headers = {
        "Content-Type": "application/json; charset=utf-8",
        "User-Agent": USER_AGENT,
        "X-Webhook-Event": delivery.event,
        "X-Webhook-Delivery": str(delivery.pk),
        "X-Webhook-Timestamp": timestamp,
        "X-Webhook-Signature": signature(subscription.secret, timestamp, body),
    }
    status, error = None, ""
    try:
        status = post(subscription.url, body, headers)
        if not 200 <= status < 300:
            error = f"HTTP {status}"
    except RefusedAddress as refused:
        error = str(refused)
    except (OSError, http.client.HTTPException) as failure:  # timeouts are OSErrors
        error = f"{type(failure).__name__}: {failure}"[:500]
    return _record_try(delivery, status=status, error=error)


def _record_try(delivery, *, status, error) -> str:
    now = timezone.now()
    delivery.attempts += 1
    delivery.last_attempt_at, delivery.last_status_code = now, status
    delivery.last_error = error[:500]
    subscription = delivery.subscription
    if not error:
        delivery.delivered_at, delivery.next_attempt_at = now, None
        delivery.save()
        Subscription.objects.filter(pk=subscription.pk).update(consecutive_failures=0)
        return "delivered"
    retry_at = None
    if delivery.attempts < settings.WEBHOOK_MAX_ATTEMPTS:
        retry_at = now + datetime.timedelta(
            seconds=settings.WEBHOOK_RETRY_SECONDS * 2 ** (delivery.attempts - 1))
    delivery.next_attempt_at = retry_at
    delivery.save()
    with transaction.atomic():
        Subscription.objects.filter(pk=subscription.pk).update(
            consecutive_failures=F("consecutive_failures") + 1)
        subscription = Subscription.objects.select_for_update().get(pk=subscription.pk)
        if subscription.active and (subscription.consecutive_failures
                                    >= settings.WEBHOOK_PAUSE_AFTER_FAILURES):
            _pause_for_failures(subscription)
            return "failed; subscription paused"
    if retry_at is not None:
        enqueue(delivery, at=retry_at)
        return f"failed; next try at {retry_at:%Y-%m-%d %H:%M:%S}"
    return "failed; given up"


def _pause_for_failures(subscription) -> None:
    subscription.active = False
    subscription.paused_at = timezone.now()
    subscription.pause_reason = "failures"
    subscription.save(update_fields=["active", "paused_at", "pause_reason", "updated_at"])
    logger.warning("Webhook subscription %s paused after %d failed tries", subscription.pk,
                   subscription.consecutive_failures)
    notify([subscription.owner], "webhooks/email/paused.txt", {
        "subscription": subscription, "failures": subscription.consecutive_failures,
        "link": site_url(reverse("webhooks:detail", args=[subscription.pk]))})
