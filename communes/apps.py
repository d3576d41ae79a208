from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CommunesConfig(AppConfig):
    name = "communes"
    verbose_name = _("Reference data")

    def ready(self):
        from django.contrib.auth.signals import user_logged_in

        from config.middleware import mark_session_renewed

        user_logged_in.connect(mark_session_renewed, dispatch_uid="mark_session_renewed")
