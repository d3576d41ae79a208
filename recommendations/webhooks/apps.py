from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WebhooksConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    # Within recommendations' package (the project's apps are the three at the top), but its
    # own app and layer above it: it reads recommendations and sessions to announce them, and
    # nothing of recommendations imports it (tests/test_layers.py).
    name = "recommendations.webhooks"
    label = "webhooks"
    verbose_name = _("Webhooks")

    def ready(self):
        from communes import events

        from . import outbox

        events.connect(outbox.deliveries_make)
        # Who may see a delivery (communes/whomay.py): whoever sees its subscription.
        from communes import whomay

        from .models import Delivery, Subscription

        whomay.register_rows(Delivery, lambda user: Delivery.objects.filter(
            subscription__in=Subscription.objects.visible_to(user)))
