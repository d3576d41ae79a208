from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InspectionsConfig(AppConfig):
    name = "inspections"
    verbose_name = _("Inspections")

    def ready(self):
        from communes import cache, fulltext

        # Its writes move the data versions of cached pages (communes/cache.py), but for the
        # devices' send ids, from which no page's figures come.
        cache.watch(self.label, unwatched=("DeviceSend",))
        # Searched by their text (communes/fulltext.py).
        fulltext.index(self.label, "UnitReport", "Difficulty", "Directive")
