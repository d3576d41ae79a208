"""Committed events turned into deliveries (communes/events.py calls `deliveries_make` after
each commit that emitted one).

The object is read again and serialised as the API serialises it, one body for every
subscriber; each active subscription of its province that asked for the event, whose owner
still may hold it and whose scope sees the object gets a Delivery row (the body as it was at
the commit) and a task.
"""

import json

from django.conf import settings
from django.utils import timezone, translation
from rest_framework.utils.encoders import JSONEncoder

from .delivery import enqueue
from .models import Delivery, Subscription
from .scope import KINDS, MODELS, PROVINCE_LOOKUP, in_scope, owner_may_subscribe


def deliveries_make(*, event, object_type, object_id, occurred_at, details=None) -> list:
    """The deliveries of one committed event, each queued. Returns them."""
    if object_type not in KINDS:
        return []
    rows, serializer = KINDS[object_type]
    province_id = MODELS[object_type].objects.filter(pk=object_id).values_list(
        PROVINCE_LOOKUP[object_type], flat=True).first()
    if province_id is None:  # deleted before the commit's callback ran
        return []
    subscriptions = [
        # A paused subscription's deliveries are made too, and wait: resuming sends them.
        s for s in Subscription.objects.filter(province_id=province_id)
        .select_related("owner__profile", "province").prefetch_related("owner__groups")
        if event in s.events and owner_may_subscribe(s.owner, province_id)
        and in_scope(s, object_type, object_id)]
    obj = rows().filter(pk=object_id).first() if subscriptions else None
    if obj is None:
        return []
    # The body in the portal's language, as the API answers by default.
    with translation.override(settings.LANGUAGE_CODE):
        data = serializer(obj).data
    payload = json.loads(json.dumps({
        "event": event, "occurred_at": occurred_at,
        "province": subscriptions[0].province.code,
        "object": {"type": object_type, "id": object_id},
        "data": data, "details": details or {},
    }, cls=JSONEncoder))
    now = timezone.now()
    made = Delivery.objects.bulk_create(
        Delivery(subscription=s, event=event, object_type=object_type, object_id=object_id,
                 payload=payload, next_attempt_at=now) for s in subscriptions)
    for delivery in made:
        enqueue(delivery)
    return made
