"""Two libraries as Django admin names them, in the portal's words: INSTALLED_APPS names these
classes instead of the libraries' own. Their models print the way admin shows an object (its
page's title, its row's checkbox label) in English in the libraries' code: set here, translated.
And the project's own: what config/ wires to Django's signals (PortalConfig)."""

from axes.apps import AppConfig as AxesAppConfig
from django.apps import AppConfig
from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _
from django_tasks_db.apps import TasksAppConfig


def _when(moment) -> str:
    return formats.date_format(timezone.localtime(moment), "SHORT_DATETIME_FORMAT") \
        if moment else "—"


class AxesConfig(AxesAppConfig):
    """django-axes: failed logins and lockouts."""

    verbose_name = _("Login control")

    def ready(self):
        super().ready()
        from axes.models import AccessAttempt, AccessFailureLog, AccessLog

        def attempt(record):
            return _("Failed logins of %(username)s, the last at %(time)s") % {
                "username": record.username or "—", "time": _when(record.attempt_time)}

        def login(record):
            return _("Login of %(username)s at %(time)s") % {
                "username": record.username or "—", "time": _when(record.attempt_time)}

        def failure(record):
            return _("Failed login of %(username)s at %(time)s") % {
                "username": record.username or "—", "time": _when(record.attempt_time)}

        AccessAttempt.__str__ = attempt
        AccessLog.__str__ = login
        AccessFailureLog.__str__ = failure


class TasksDatabaseConfig(TasksAppConfig):
    """django-tasks' database backend: the queue of mail that the task worker sends."""

    verbose_name = _("Background tasks")

    def ready(self):
        super().ready()
        from django_tasks_db.models import DBTaskResult

        def task(record):
            return _("%(task)s, queued at %(time)s") % {
                "task": record.task_name, "time": _when(record.enqueued_at)}

        DBTaskResult.__str__ = task


class PortalConfig(AppConfig):
    """config/ itself, the layer above the apps: its pieces (the middleware) are connected
    here, since the apps below may not import config (tests/test_layers.py). No models."""

    name = "config"

    def ready(self):
        from django.contrib.auth.signals import user_logged_in

        from .middleware import mark_session_renewed

        # A login saves a fresh session: IdleSessionMiddleware counts it as renewed.
        user_logged_in.connect(mark_session_renewed, dispatch_uid="mark_session_renewed")
