"""Admin for the reference data: provinces, units, departments, people and the calendar; and
what every admin page of the portal shares: Vietnamese wherever Django and the libraries
leave English (PortalAdminMixin), History pages in readable words (HistoryAdmin)."""

from axes.admin import AccessAttemptAdmin, AccessFailureLogAdmin, AccessLogAdmin
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django import forms
from django.contrib import admin
from django.contrib.admin.templatetags import admin_list
from django.contrib.admin.utils import NestedObjects, get_fields_from_path, quote
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import GroupAdmin as BaseGroupAdmin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.models import Group, Permission
from django.core.exceptions import PermissionDenied
from django.db import models, router
from django.db.models import Exists, OuterRef
from django.db.models.constants import LOOKUP_SEP
from django.templatetags.static import static
from django.urls import NoReverseMatch, reverse
from django.utils.html import format_html
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_tasks_db.admin import DBTaskResultAdmin
from django_tasks_db.models import DBTaskResult
from simple_history.admin import SimpleHistoryAdmin
from simple_history.models import DeletedObject
from simple_history.template_utils import HistoricalRecordContextHelper, ObjDiffDisplay

from . import second_factor, text
from .audit import AuditEvent, audit_record
from .models import (
    AdministrativeUnit,
    ApiToken,
    CalendarDay,
    CalendarLink,
    Department,
    IssuingBody,
    PredecessorUnit,
    Province,
    UserProfile,
)
from .services import (
    api_token_revoke,
    api_tokens_revoke_of_inactive,
    calendar_link_revoke,
    calendar_links_revoke_of_inactive,
)
from .timeline import REASONS, display_value


def model_name(model, plural=False) -> str:
    """A model's name as admin shows it, the tables that Django and simple-history make
    themselves included: a many-to-many link ("Difficulty-administrativeunit relationship")
    and a history ("historical recommendation")."""
    history_of = getattr(model, "instance_type", None)  # simple-history's tables have it
    if history_of is not None and history_of is not model:
        return _("history of %(model)s") % {"model": model_name(history_of, plural)}
    opts = model._meta
    if opts.auto_created:
        first, second = (field.related_model._meta.verbose_name
                         for field in opts.fields if field.is_relation)
        return (_("links between %(first)s and %(second)s") if plural
                else _("link between %(first)s and %(second)s")) % {
            "first": first, "second": second}
    return opts.verbose_name_plural if plural else opts.verbose_name


def _link_text(link) -> str:
    """A row of a many-to-many link table: the two objects it links."""
    return " – ".join(str(getattr(link, field.name))
                      for field in link._meta.fields if field.is_relation)


def deleted_objects(objs, request, admin_site):
    """What a delete confirmation lists, as django.contrib.admin.utils.get_deleted_objects
    has it, but with the rows of many-to-many link tables named in words ("Link between
    difficulty and commune-level unit: … – Xã Tân Văn") rather than "Difficulty_units object
    (89)"; their linked objects are read in one query per table."""
    try:
        first = objs[0]
    except IndexError:
        return [], {}, set(), []
    collector = NestedObjects(using=router.db_for_write(first._meta.model), origin=objs)
    collector.collect(objs)
    for model, instances in collector.model_objs.items():
        if model._meta.auto_created:
            models.prefetch_related_objects(
                list(instances), *[f.name for f in model._meta.fields if f.is_relation])
    perms_needed = set()

    def format_callback(obj):
        opts = obj._meta
        if opts.auto_created:
            return f"{capfirst(model_name(obj.__class__))}: {_link_text(obj)}"
        no_edit_link = f"{capfirst(opts.verbose_name)}: {obj}"
        if not admin_site.is_registered(obj.__class__):
            return no_edit_link
        if not admin_site.get_model_admin(obj.__class__).has_delete_permission(request, obj):
            perms_needed.add(opts.verbose_name)
        try:
            url = reverse(f"{admin_site.name}:{opts.app_label}_{opts.model_name}_change",
                          args=(quote(obj.pk),))
        except NoReverseMatch:
            return no_edit_link
        return format_html('{}: <a href="{}">{}</a>', capfirst(opts.verbose_name), url, obj)

    to_delete = collector.nested(format_callback)
    protected = [format_callback(obj) for obj in collector.protected]
    model_count = {model_name(model, plural=True): len(instances)
                   for model, instances in collector.model_objs.items()}
    return to_delete, model_count, perms_needed, protected


PERMISSION_ACTIONS = {"add": _("Can add"), "change": _("Can change"),
                      "delete": _("Can delete"), "view": _("Can view")}


class PermissionChoiceField(forms.ModelMultipleChoiceField):
    """Permissions by the names admin shows ("Reference data | department | Can add"): Django
    stores their names in English when it creates them ("Can add department")."""

    def label_from_instance(self, permission):
        model = permission.content_type.model_class()
        action = permission.codename.partition("_")[0]
        if model is None or action not in PERMISSION_ACTIONS \
                or permission.codename != f"{action}_{model._meta.model_name}":
            return str(permission)  # a permission of the model's own Meta, named by us
        return " | ".join([str(capfirst(model._meta.app_config.verbose_name)),
                           str(model_name(model)), str(PERMISSION_ACTIONS[action])])


def lookup_column(model, path):
    """A list_display column for a lookup across relations ("group__round__province"),
    headed by the last field's name ("tỉnh") rather than the "Group  round  province" Django
    makes of the path."""
    field = get_fields_from_path(model, path)[-1]

    @admin.display(description=capfirst(field.verbose_name), ordering=path,
                   boolean=isinstance(field, models.BooleanField))
    def column(obj):
        for name in path.split(LOOKUP_SEP):
            obj = getattr(obj, name, None)
            if obj is None:
                return None
        return dict(field.flatchoices).get(obj, obj) if field.choices else obj

    column.__name__ = path
    return column


class PortalAdminMixin:
    """For every ModelAdmin of the site, the portal's and the libraries' alike: columns across
    relations, delete confirmations and permission lists in the user's language."""

    def get_list_display(self, request):
        return [lookup_column(self.model, name)
                if isinstance(name, str) and LOOKUP_SEP in name.strip("_") else name
                for name in super().get_list_display(request)]

    def get_deleted_objects(self, objs, request):
        return deleted_objects(objs, request, self.admin_site)

    def formfield_for_manytomany(self, db_field, request=None, **kwargs):
        if db_field.related_model is Permission:
            kwargs["form_class"] = PermissionChoiceField
            kwargs.setdefault("queryset", Permission.objects.select_related("content_type"))
        return super().formfield_for_manytomany(db_field, request, **kwargs)


def _boolean_icon(value):
    """Admin's yes/no icon, its text for screen readers in the user's language (Django writes
    "True", "False", "None")."""
    icon = {True: "yes", False: "no", None: "unknown"}[value]
    text = {True: _("yes"), False: _("no"), None: _("unknown")}[value]
    return format_html('<img src="{}" alt="{}">', static(f"admin/img/icon-{icon}.svg"), text)


# Django's admin looks the function up in this module each time it draws a boolean.
admin_list._boolean_icon = _boolean_icon


class ShortenedDiff(ObjDiffDisplay):
    """A long value shortened around what changed, with an ellipsis where simple-history
    writes "[123 chars]"."""

    def shortened_str(self, prefix, num_skipped_chars, suffix):
        return f"{prefix}…{suffix}"


class ReadableHistory(HistoricalRecordContextHelper):
    """The changes on admin's History pages as the portal's timelines show them: a status's
    label rather than its code, a department's name rather than its id, the names of the
    departments or units of a many-to-many field rather than a Python list, "—" for nothing,
    local times."""

    @staticmethod
    def _related(value):
        # simple-history passes the related object, or a DeletedObject for one that is gone
        # or was never set (pk=None, which it would print as "Deleted … (pk=None)").
        if isinstance(value, DeletedObject):
            return "—" if value.pk is None else _("deleted (no. %(pk)s)") % {"pk": value.pk}
        return "—" if value is None else str(value)

    def prepare_delta_change_value(self, change, value):
        field = self.model._meta.get_field(change.field)
        if field.many_to_many:
            related = super().prepare_delta_change_value(change, value)
            return ", ".join(self._related(obj) for obj in related) or "—"
        if field.is_relation:
            return self._related(value)
        return display_value(field, value, {})

    def get_obj_diff_display(self):
        return ShortenedDiff(max_length=self.max_displayed_delta_change_chars)


class HistoryAdmin(PortalAdminMixin, SimpleHistoryAdmin):
    """Every model's admin with its History page in readable words (ReadableHistory), the
    reason of each change too (`change_reasons`: what the services record → its label).

    History is the audit trail, never a way back: a revert saves the old record whole, the
    fields the change form keeps read-only included (a deadline, the routing, who answered),
    with no lifecycle event. SIMPLE_HISTORY_REVERT_DISABLED only hides the button, so the
    POST is refused here as well."""

    change_reasons = REASONS

    def get_historical_record_context_helper(self, request, historical_record):
        return ReadableHistory(self.model, historical_record)

    def set_history_delta_changes(self, request, historical_records,
                                  foreign_keys_are_objs=True):
        super().set_history_delta_changes(request, historical_records, foreign_keys_are_objs)
        for record in historical_records:
            reason = record.history_change_reason
            record.reason_text = self.change_reasons.get(reason, reason) or "—"

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        if request.method == "POST":
            raise PermissionDenied
        return super().history_form_view(request, object_id, version_id, extra_context)


class RecordAdmin(PortalAdminMixin, admin.ModelAdmin):
    """What the portal's services write with their side effects (counts, versions, mail): a
    unit's submission and reports, extension requests, answers and their receipts, the
    tally. Admin shows and searches them; they change through the portal, never here."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class RecordHistoryAdmin(RecordAdmin, HistoryAdmin):
    """A RecordAdmin whose model keeps a history: its History pages, never a revert."""


User = get_user_model()


_NAME = _("name")


def sort_name_column(field="name", description=_NAME, ordering="sort_name"):
    """A list_display column showing `field` that sorts by the Vietnamese dictionary-order key
    rather than by the raw text (which would put "Đ" after "Z")."""

    @admin.display(description=description, ordering=ordering)
    def column(model_admin, obj):
        return getattr(obj, field)

    return column


@admin.register(Province)
class ProvinceAdmin(HistoryAdmin):
    list_display = ("display_name", "code", "kind", "full_name", "merged_from")
    list_display_links = ("display_name",)
    list_filter = ("kind",)
    search_fields = ("name", "full_name", "code", "merged_from")
    ordering = ("sort_name",)
    readonly_fields = ("sort_name",)

    display_name = sort_name_column()


class PredecessorUnitInline(admin.TabularInline):
    model = PredecessorUnit
    fields = ("code", "name", "former_district", "scope")
    extra = 0


# Units are shown as "Xã Tân Phú", "Phường Đông Kinh" (or "Commune Tân Phú" in English), but the
# kind is not part of the stored name; a search typed the way the unit is shown must still find it.
_UNIT_KIND_PREFIXES = ("đặc khu", "phường", "xã", "special zone", "commune", "ward")


@admin.register(AdministrativeUnit)
class AdministrativeUnitAdmin(HistoryAdmin):
    list_display = ("display_name", "kind", "code", "province", "former_districts", "headquarters")
    list_display_links = ("display_name",)
    list_filter = ("kind", "headquarters", "province")
    # province__name lets an autocomplete tell apart the many units that share a name
    # ("xã Tân Phú Đồng Nai").
    search_fields = ("name", "code", "predecessors__name", "province__name")
    list_select_related = ("province",)
    autocomplete_fields = ("province",)
    ordering = ("sort_name",)
    readonly_fields = ("sort_name",)
    inlines = (PredecessorUnitInline,)
    list_per_page = 50

    display_name = sort_name_column()

    def get_search_results(self, request, queryset, search_term):
        term = text.normalize(search_term)
        lowered = term.lower()
        for prefix in _UNIT_KIND_PREFIXES:
            if lowered.startswith(prefix + " "):
                term = term[len(prefix):].strip()
                break
        return super().get_search_results(request, queryset, term)


@admin.register(PredecessorUnit)
class PredecessorUnitAdmin(HistoryAdmin):
    list_display = (
        "display_name", "code", "former_district", "scope", "successor", "successor__province",
    )
    list_display_links = ("display_name",)
    list_filter = ("scope", "successor__province")
    search_fields = ("name", "code", "former_district", "successor__name", "successor__code")
    list_select_related = ("successor__province",)
    autocomplete_fields = ("successor",)
    ordering = ("sort_name",)
    readonly_fields = ("sort_name",)

    display_name = sort_name_column(description=_("former name"))


@admin.register(Department)
class DepartmentAdmin(HistoryAdmin):
    list_display = ("display_name", "short_code", "province", "name_en", "email", "is_active")
    list_display_links = ("display_name",)
    list_filter = ("is_active", "province")
    # province__name lets an autocomplete tell apart the same department of different
    # provinces ("sở nội vụ lạng sơn").
    search_fields = ("name", "name_en", "short_code", "province__name")
    list_select_related = ("province",)
    autocomplete_fields = ("province",)
    ordering = ("sort_name",)
    readonly_fields = ("sort_name",)

    display_name = sort_name_column(description=_("Vietnamese name"))


@admin.register(IssuingBody)
class IssuingBodyAdmin(HistoryAdmin):
    """A province's issuer per layout; what is left empty is derived from the province."""

    list_display = ("province", "kind", "name", "symbol", "place", "notice_signer_name",
                    "report_signer_name")
    list_filter = ("kind", "province")
    search_fields = ("name", "province__name")
    list_select_related = ("province",)
    autocomplete_fields = ("province",)
    ordering = ("province__sort_name", "kind")


@admin.register(UserProfile)
class UserProfileAdmin(HistoryAdmin):
    list_display = ("user", "province", "department", "job_title")
    list_filter = ("province", "department")
    search_fields = (
        "user__username", "user__first_name", "user__last_name", "user__email", "job_title",
        "department__name",
    )
    list_select_related = ("user", "province", "department")
    autocomplete_fields = ("user", "province", "department")
    ordering = ("user__username",)


class UserProfileInline(admin.StackedInline):
    model = UserProfile
    fk_name = "user"
    can_delete = False
    max_num = 1
    autocomplete_fields = ("province", "department")
    verbose_name_plural = _("profile")


# Replace the default User admin by one that edits the profile on the same page.
if admin.site.is_registered(User):
    admin.site.unregister(User)


@admin.register(User)
class UserAdmin(PortalAdminMixin, BaseUserAdmin):
    inlines = (UserProfileInline,)
    list_display = (*BaseUserAdmin.list_display, "profile_province", "profile_department",
                    "has_second_factor")
    list_filter = (*BaseUserAdmin.list_filter, "profile__province")
    list_select_related = ("profile__province", "profile__department")
    # People as a Vietnamese list orders them: given name, then family name.
    ordering = ("profile__sort_name", "username")
    actions = ("second_factor_reset",)

    def get_queryset(self, request):
        # Whether each user has set up the second factor, in the list's one query.
        return super().get_queryset(request).annotate(has_second_factor=Exists(
            TOTPDevice.objects.filter(user=OuterRef("pk"), confirmed=True)))

    @admin.display(description=_("two-factor authentication"), boolean=True,
                   ordering="has_second_factor")
    def has_second_factor(self, obj):
        return getattr(obj, "has_second_factor", None)

    # "change": an action without permissions is offered to whoever may view the list (today
    # only superusers open Django admin at all: config/urls.py).
    @admin.action(description=_("Reset the two-factor authentication of the selected users"),
                  permissions=["change"])
    def second_factor_reset(self, request, queryset):
        """For a lost phone: the users' authenticator app and recovery codes are deleted and
        they set them up again at their next sign-in; recorded in the audit log with the
        administrator who did it."""
        done = 0
        for user in queryset.select_related("profile"):
            if second_factor.reset(user=user, by=request.user, request=request):
                done += 1
        self.message_user(request, ngettext(
            "Two-factor authentication reset for %(count)d user: they set it up again at "
            "their next sign-in.",
            "Two-factor authentication reset for %(count)d users: they set it up again at "
            "their next sign-in.", done) % {"count": done})

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        # Deactivated here as on the office's people page: the user's tokens are revoked, so
        # a reactivation does not bring them back.
        api_tokens_revoke_of_inactive(user=obj, by=request.user)
        calendar_links_revoke_of_inactive(user=obj, by=request.user)

    def save_related(self, request, form, formsets, change):
        profile_before = UserProfile.objects.filter(user=form.instance).values(
            "province_id", "department_id", "unit_id").first() if change else None
        super().save_related(request, form, formsets, change)
        # A renamed user whose profile was left as it was still moves to their new place.
        user = form.instance
        UserProfile.objects.filter(user=user).update(
            sort_name=text.person_sort_key(user.get_full_name() or user.username))
        self._audit(request, form, user, change, profile_before)

    def _audit(self, request, form, user, change, profile_before):
        """The audit events of an administrator's save, in admin's transaction: the account
        made; its activation or deactivation; its roles (groups), superuser status,
        province, department or unit changed."""
        profile = UserProfile.objects.filter(user=user).values(
            "province_id", "department_id", "unit_id").first()
        province = profile["province_id"] if profile else None
        if not change:
            audit_record(AuditEvent.Kind.USER_CREATED, actor=request.user, obj=user,
                         province=province, roles=[g.name for g in user.groups.all()])
            return
        if "is_active" in form.changed_data:
            audit_record(AuditEvent.Kind.USER_ACTIVATED if user.is_active
                         else AuditEvent.Kind.USER_DEACTIVATED,
                         actor=request.user, obj=user, province=province)
        details = {}
        if "groups" in form.changed_data:
            # The initial of a many-to-many field is the list of the groups it had.
            details["roles"] = {
                "from": sorted(g.name for g in form.initial.get("groups") or []),
                "to": sorted(g.name for g in user.groups.all())}
        for name in ("is_superuser", "is_staff"):
            if name in form.changed_data:
                details[name] = {"from": form.initial.get(name), "to": getattr(user, name)}
        for name, value in (profile or {}).items():
            was = (profile_before or {}).get(name)
            if was != value:
                details[name.removesuffix("_id")] = {"from": was, "to": value}
        if details:
            audit_record(AuditEvent.Kind.ROLE_CHANGED, actor=request.user, obj=user,
                         province=province, **details)

    @admin.display(description=_("province"), ordering="profile__province__sort_name")
    def profile_province(self, obj):
        profile = getattr(obj, "profile", None)
        return profile.province if profile is not None else None

    @admin.display(description=_("department"), ordering="profile__department__sort_name")
    def profile_department(self, obj):
        profile = getattr(obj, "profile", None)
        return profile.department if profile is not None else None


@admin.register(CalendarDay)
class CalendarDayAdmin(HistoryAdmin):
    list_display = ("date", "kind", "name", "note")
    list_filter = ("kind",)
    search_fields = ("name", "note")
    date_hierarchy = "date"
    ordering = ("date",)

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        # The national calendar moves every province's deadlines: a setting, audited.
        audit_record(AuditEvent.Kind.SETTINGS_CHANGED, actor=request.user, obj=obj,
                     province=None, setting="calendar", fields=form.changed_data)

    def delete_model(self, request, obj):
        audit_record(AuditEvent.Kind.SETTINGS_CHANGED, actor=request.user, obj=obj,
                     province=None, setting="calendar", deleted=True)
        super().delete_model(request, obj)


@admin.register(AuditEvent)
class AuditEventAdmin(RecordAdmin):
    """The audit log, read only: events are written by the portal and leave only through
    the retention command."""

    list_display = ("at", "kind", "actor_name", "address", "province", "object_text")
    list_filter = ("kind", ("at", admin.DateFieldListFilter), "province")
    search_fields = ("actor_name", "object_text", "address")
    date_hierarchy = "at"
    list_select_related = ("province",)
    readonly_fields = ("kind", "at", "actor", "actor_name", "address", "province",
                       "object_type", "object_id", "object_text", "details")
    show_full_result_count = False


@admin.register(ApiToken)
class ApiTokenAdmin(PortalAdminMixin, admin.ModelAdmin):
    """People make their tokens on their own page; here an administrator sees them all and
    can revoke one (a token is never shown again, nor edited)."""

    list_display = ("name", "user", "key_start", "created_at", "last_used_at", "expires_at",
                    "revoked_at")
    list_filter = ("revoked_at",)
    search_fields = ("name", "user__username", "key_start")
    readonly_fields = ("user", "name", "key_start", "created_at", "last_used_at", "expires_at",
                       "revoked_at")
    exclude = ("digest",)
    actions = ("revoke",)

    def has_add_permission(self, request):
        return False

    @admin.action(description=_("Revoke the selected tokens"))
    def revoke(self, request, queryset):
        for token in queryset:
            api_token_revoke(token=token, by=request.user)


@admin.register(CalendarLink)
class CalendarLinkAdmin(PortalAdminMixin, admin.ModelAdmin):
    """As API tokens: people make their calendar link on their own page; here an
    administrator sees them all and can revoke one (a link is never shown again)."""

    list_display = ("user", "key_start", "created_at", "last_read_at", "revoked_at")
    list_select_related = ("user",)
    list_filter = ("revoked_at",)
    search_fields = ("user__username", "key_start")
    readonly_fields = ("user", "key_start", "created_at", "last_read_at", "revoked_at")
    exclude = ("digest",)
    actions = ("revoke",)

    def has_add_permission(self, request):
        return False

    @admin.action(description=_("Revoke the selected calendar links"))
    def revoke(self, request, queryset):
        for user in {link.user for link in queryset.filter(revoked_at=None)
                     .select_related("user")}:
            calendar_link_revoke(user=user, by=request.user)


# Django's and the libraries' own admin pages, in the portal's words -----------------------------


def _replace(model, model_admin):
    if admin.site.is_registered(model):
        admin.site.unregister(model)
    admin.site.register(model, model_admin)


class PortalGroupAdmin(PortalAdminMixin, BaseGroupAdmin):
    """Roles (groups) with their permissions named in the user's language."""


_replace(Group, PortalGroupAdmin)


class PortalAccessAttemptAdmin(PortalAdminMixin, AccessAttemptAdmin):
    """django-axes' lockouts: its status column and its clean-up message in words."""

    @admin.display(description=_("status"))
    def status(self, obj):
        return super().status(obj)

    @admin.action(description=_("Clean up expired attempts"))
    def cleanup_expired_attempts(self, request, queryset):
        count = self.handler.clean_expired_user_attempts(request=request)
        self.message_user(request, ngettext(
            "%(count)d expired attempt deleted.", "%(count)d expired attempts deleted.",
            count) % {"count": count})


class PortalAccessLogAdmin(PortalAdminMixin, AccessLogAdmin):
    pass


class PortalAccessFailureLogAdmin(PortalAdminMixin, AccessFailureLogAdmin):
    pass


_replace(AccessAttempt, PortalAccessAttemptAdmin)
_replace(AccessLog, PortalAccessLogAdmin)
_replace(AccessFailureLog, PortalAccessFailureLogAdmin)


class TaskResultAdmin(PortalAdminMixin, DBTaskResultAdmin):
    """The task worker's queue (mail): columns and read-only fields that django-tasks names
    with bare English words."""

    list_display = ("task", "status", "enqueued_at", "started_at", "finished_at", "priority",
                    "queue_name")

    @admin.display(description=_("task"), ordering="task_path")
    def task(self, obj):
        return obj.task_name

    @admin.display(description=_("identifier"))
    def identifier(self, obj):
        return obj.id

    def get_readonly_fields(self, request, obj=None):
        return ["identifier" if name == "id" else name
                for name in super().get_readonly_fields(request, obj)]

    @admin.display(description=_("traceback"))
    def formatted_traceback(self, obj):
        return super().formatted_traceback(obj)

    @admin.display(description=_("run after"))
    def display_run_after(self, obj):
        return super().display_run_after(obj)


_replace(DBTaskResult, TaskResultAdmin)


# django-otp's own admin pages would show each authenticator's secret and delete devices
# unrecorded: a reset goes through the users' page (UserAdmin.second_factor_reset), audited.
for _model in (TOTPDevice, StaticDevice):
    if admin.site.is_registered(_model):
        admin.site.unregister(_model)
