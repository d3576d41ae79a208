from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CommunesConfig(AppConfig):
    name = "communes"
    verbose_name = _("Reference data")

    def ready(self):
        from axes.signals import user_locked_out
        from django.contrib.auth.signals import user_logged_in, user_login_failed
        from django.core import checks
        from django.db.models.signals import m2m_changed, post_delete, post_migrate, post_save

        from .audit import on_locked_out, on_logged_in, on_login_failed
        from .cache import on_api_token_change, on_model_change, renew_after_migrate
        from .models import ApiToken

        # The audit log's sign-in events (communes/audit.py).
        user_logged_in.connect(on_logged_in, dispatch_uid="audit_login")
        user_login_failed.connect(on_login_failed, dispatch_uid="audit_login_failed")
        user_locked_out.connect(on_locked_out, dispatch_uid="audit_locked_out")
        for signal in (post_save, post_delete, m2m_changed):
            signal.connect(on_model_change, dispatch_uid="portal_data_version")
        for signal in (post_save, post_delete):
            signal.connect(on_api_token_change, sender=ApiToken, dispatch_uid="api_token_version")
        post_migrate.connect(renew_after_migrate, sender=self, dispatch_uid="portal_data_version")
        # A typo in SECOND_FACTOR_ROLES stops the server (communes/second_factor.py).
        from .second_factor import check_roles

        checks.register(check_roles, checks.Tags.security)
        # Who may see the rows of communes' models that have no visible_to (communes/whomay.py):
        # one's own tokens only, the issuers of one's province, the people of one's province.
        from django.contrib.auth import get_user_model

        from . import whomay
        from .models import ApiToken, IssuingBody
        from .scope import scope

        whomay.register_rows(ApiToken, lambda user: ApiToken.objects.filter(user=user.pk))
        whomay.register_rows(IssuingBody, lambda user: IssuingBody.objects.filter(
            province_id=scope(user).province_id))
        whomay.register_rows(get_user_model(), whomay.users_of_province)
