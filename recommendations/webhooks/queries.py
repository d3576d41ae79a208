"""Reads of the webhook pages."""

from .models import Delivery


def delivery_log(subscription, *, event="", outcome=""):
    """A subscription's deliveries, newest first, by event and outcome (the log's indexes);
    without their bodies, which the log does not show."""
    deliveries = Delivery.objects.filter(subscription=subscription)
    if event:
        deliveries = deliveries.filter(event=event)
    return deliveries.with_outcome(outcome).defer("payload")
