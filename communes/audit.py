"""The audit log: one append-only table of security events (who signed in or failed to, who
was locked out, who changed whose role, made or revoked a token, exported which list, issued
or withdrew a document, changed a setting), with who did it, when, from which address and on
what.

Object histories (django-simple-history) say how a record changed; this says who did what
that a security review asks about, in one place an administrator (or the office, for its
province) can search and export. Rows are written by `audit_record`, inside the transaction
of the change they record, so a change rolled back leaves no row; they are never changed, and
leave only through the retention command (`audit_prune`, AUDIT_RETENTION_DAYS).

Found by Django through the import at the end of communes/models.py."""

import contextvars
import datetime
from contextlib import contextmanager

from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, get_user_model
from django.core.exceptions import PermissionDenied
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from . import roles
from .clientip import client_ip

# The request being answered, so a service deep below a view records the client's address
# without every service taking the request (AuditRequestMiddleware sets it).
_current_request = contextvars.ContextVar("audit_request", default=None)
# Set only while the retention command deletes old rows: the one way rows leave.
_pruning = contextvars.ContextVar("audit_pruning", default=False)


class AuditEventQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Every event for an administrator; the office's province's for its staff; nothing
        for anyone else (the page answers 403 before it asks)."""

        if user.is_superuser:
            return self
        province_id = getattr(getattr(user, "profile", None), "province_id", None)
        if province_id is None or not roles.is_office(user):
            return self.none()
        return self.filter(province_id=province_id)

    def update(self, **kwargs):
        raise PermissionDenied("The audit log is append-only.")

    def delete(self):
        if not _pruning.get():
            raise PermissionDenied("Audit events leave only through the retention command.")
        return super().delete()

    delete.queryset_only = True


class AuditEvent(models.Model):
    """One security event. The actor's username, the object's text and the details are kept
    as they were then: the log still reads after a user is renamed or an object deleted."""

    class Kind(models.TextChoices):
        LOGIN = "login", _("signed in")
        LOGIN_FAILED = "login_failed", _("sign-in failed")
        LOCKED_OUT = "locked_out", _("locked out")
        USER_CREATED = "user_created", _("user created")
        ROLE_CHANGED = "role_changed", _("role, department or unit changed")
        USER_ACTIVATED = "user_activated", _("user activated")
        USER_DEACTIVATED = "user_deactivated", _("user deactivated")
        TOKEN_CREATED = "token_created", _("API token made")
        TOKEN_REVOKED = "token_revoked", _("API token revoked")
        TOKEN_NEW_ADDRESS = "token_new_address", _("API token used from a new address")
        EXPORT = "export", _("list exported")
        DOCUMENT_ISSUED = "document_issued", _("document issued")
        DOCUMENT_WITHDRAWN = "document_withdrawn", _("document withdrawn")
        SETTINGS_CHANGED = "settings_changed", _("settings changed")
        SECOND_FACTOR_ENROLLED = "mfa_enrolled", _("second factor set up")
        SECOND_FACTOR_FAILED = "mfa_failed", _("second-factor code refused")
        RECOVERY_CODE_USED = "mfa_recovery_used", _("recovery code used")
        SECOND_FACTOR_RESET = "mfa_reset", _("second factor reset")
        SSO_REFUSED = "sso_refused", _("single sign-on refused")
        WEBHOOK_SECRET_MADE = "webhook_secret_made", _("webhook secret made")
        CALENDAR_SECRET_MADE = "calendar_secret_made", _("calendar link made")
        CALENDAR_REVOKED = "calendar_revoked", _("calendar link revoked")

    kind = models.CharField(_("event"), max_length=24, choices=Kind.choices)
    at = models.DateTimeField(_("when"), default=timezone.now, editable=False)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+", verbose_name=_("user"))
    # The username as it was: a failed sign-in's may belong to no one.
    actor_name = models.CharField(_("username"), max_length=150, blank=True)
    address = models.GenericIPAddressField(_("address"), null=True, blank=True)
    province = models.ForeignKey(
        "communes.Province", on_delete=models.PROTECT, null=True, blank=True,
        related_name="+", verbose_name=_("province"))
    object_type = models.CharField(_("object type"), max_length=100, blank=True)
    object_id = models.CharField(_("object id"), max_length=64, blank=True)
    object_text = models.CharField(_("object"), max_length=300, blank=True)
    details = models.JSONField(_("details"), default=dict, blank=True, encoder=DjangoJSONEncoder)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        verbose_name = _("audit event")
        verbose_name_plural = _("audit log")
        ordering = ["-at", "-id"]
        # One per filter of the page (kind, person, dates), each within a province for the
        # office's view, and `at` alone for the administrator's and the retention command.
        indexes = [
            models.Index(fields=["at"], name="audit_at"),
            models.Index(fields=["province", "at"], name="audit_province_at"),
            models.Index(fields=["kind", "at"], name="audit_kind_at"),
            # The person filter is by username: a failed sign-in's may name no account.
            models.Index(fields=["actor_name", "at"], name="audit_actor_name_at"),
            models.Index(fields=["province", "kind", "at"], name="audit_province_kind_at"),
        ]

    def __str__(self):
        return f"{self.at:%d/%m/%Y %H:%M} {self.get_kind_display()} {self.actor_name}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise PermissionDenied("The audit log is append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        if not _pruning.get():
            raise PermissionDenied("Audit events leave only through the retention command.")
        return super().delete(*args, **kwargs)


def _province_of(user):
    return getattr(getattr(user, "profile", None), "province_id", None) if user else None


def audit_record(kind, *, actor=None, request=None, obj=None, province=None, actor_name=None,
                 **details) -> AuditEvent:
    """Write one event. Call it inside the transaction of the change it records, so the two
    are kept or rolled back together. `province` defaults to the object's (if it has one),
    else the actor's, so the office sees what concerns its own people; the address is the
    request's (this one, or the one being answered)."""
    request = request if request is not None else _current_request.get()
    if actor is not None and not getattr(actor, "is_authenticated", False):
        actor = None
    if province is None and obj is not None:
        province = getattr(obj, "province_id", None)
    province_id = province.pk if hasattr(province, "pk") else province
    if province_id is None:
        province_id = _province_of(actor)
    return AuditEvent.objects.create(
        kind=kind, actor=actor,
        actor_name=(actor_name if actor_name is not None
                    else (actor.get_username() if actor else ""))[:150],
        address=client_ip(request) if request is not None else None,
        province_id=province_id,
        object_type=obj._meta.label_lower if obj is not None else "",
        object_id=str(obj.pk) if obj is not None and obj.pk is not None else "",
        object_text=str(obj)[:300] if obj is not None else "",
        details=details)


@contextmanager
def pruning():
    """Within: old events may be deleted (the retention command only)."""
    reset = _pruning.set(True)
    try:
        yield
    finally:
        _pruning.reset(reset)


def audit_prune(*, days=None) -> int:
    """Delete the events older than `days` (AUDIT_RETENTION_DAYS); how many."""
    days = settings.AUDIT_RETENTION_DAYS if days is None else days
    cutoff = timezone.now() - datetime.timedelta(days=days)
    with pruning():
        deleted, _by_model = AuditEvent.objects.filter(at__lt=cutoff).delete()
    return deleted


class AuditRequestMiddleware:
    """Keeps the request being answered for audit_record (a service's event gets the client's
    address without the service taking the request)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        reset = _current_request.set(request)
        try:
            return self.get_response(request)
        finally:
            _current_request.reset(reset)


def filter_in_words(request, ignore=("format", "page")) -> dict:
    """The query string's filters of an export, as recorded with it."""
    return {key: values if len(values) > 1 else values[0]
            for key, values in request.GET.lists() if key not in ignore and any(values)}



# Signals: sign-in, its failure (django.contrib.auth), a lockout (django-axes) ---------------


# The authentication backends that name their way in, for the LOGIN event: single sign-on
# adds its own (communes/sso.py), as this module cannot import it (it imports this one).
LOGIN_METHODS: dict[str, str] = {}


def login_method(request) -> str | None:
    session = getattr(request, "session", None)
    return LOGIN_METHODS.get(session.get(BACKEND_SESSION_KEY)) if session is not None else None


def on_logged_in(sender, request, user, **kwargs):
    # One LOGIN event for every way in; single sign-on's says so.
    method = login_method(request)
    audit_record(AuditEvent.Kind.LOGIN, actor=user, request=request,
                 **({"method": method} if method else {}))


def _account(username):
    """The account a username names (with its profile), or None."""
    if not username:
        return None
    User = get_user_model()  # noqa: N806
    return User.objects.filter(**{User.USERNAME_FIELD: username}).select_related(
        "profile").first()


def on_login_failed(sender, credentials, request=None, **kwargs):
    """A failed sign-in, under the username tried: the account's, if it names one, so its
    office sees attempts on its people; else only administrators see it."""
    username = str(credentials.get("username") or "")
    account = _account(username)
    audit_record(AuditEvent.Kind.LOGIN_FAILED, actor=account, actor_name=username,
                 request=request, account_exists=account is not None)


def on_locked_out(sender, request=None, username=None, ip_address=None, **kwargs):
    account = _account(username)
    audit_record(AuditEvent.Kind.LOCKED_OUT, actor=account, actor_name=str(username or ""),
                 request=request)
