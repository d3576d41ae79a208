"""Imports of the official reference lists, and people's API tokens.

Each import is all-or-nothing: every row is checked first, and a file with any bad row changes
nothing and names each bad line."""

import datetime
import itertools
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from . import roles, text
from .audit import AuditEvent, audit_record
from .cache import data_changed
from .csvfiles import CSVProblems, read_rows
from .fields import refresh_derived_fields
from .models import (
    AdministrativeUnit,
    ApiToken,
    CalendarLink,
    Department,
    PredecessorUnit,
    Province,
    UserProfile,
)

DATA_DIR = Path(__file__).resolve().parent / "data"
PROVINCES_FILE = DATA_DIR / "provinces_34.csv"

UNIT_KINDS = {
    "xã": AdministrativeUnit.Kind.COMMUNE,
    "phường": AdministrativeUnit.Kind.WARD,
    "đặc khu": AdministrativeUnit.Kind.SPECIAL_ZONE,
}
PROVINCE_KINDS = {
    "tỉnh": Province.Kind.PROVINCE,
    "thành phố trực thuộc trung ương": Province.Kind.CITY,
}
MERGE_SCOPES = {"toàn bộ": PredecessorUnit.Scope.WHOLE, "một phần": PredecessorUnit.Scope.PART}


@dataclass
class ImportSummary:
    label: str = ""
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    details: dict = field(default_factory=dict)

    def __str__(self):
        counts = _("%(created)d created, %(updated)d updated, %(unchanged)d unchanged") % {
            "created": self.created, "updated": self.updated, "unchanged": self.unchanged}
        extra = "".join(f"; {key}: {value}" for key, value in self.details.items())
        return counts + extra


def _upsert(model, wanted: dict, existing: dict, summary: ImportSummary, make):
    """Create the missing rows (`make(key, values)`) and update the changed ones, in bulk."""
    to_create, to_update = [], []
    fields = sorted({name for values in wanted.values() for name in values})
    stamped = ["updated_at"] if any(f.name == "updated_at" for f in model._meta.fields) else []
    now = timezone.now()
    for key, values in wanted.items():
        obj = existing.get(key)
        if obj is None:
            to_create.append(make(key, values))
        elif any(getattr(obj, name) != value for name, value in values.items()):
            for name, value in values.items():
                setattr(obj, name, value)
            # bulk_update does not run pre_save: refresh the sort and search columns here,
            # and the time of the change where the API's incremental sync reads it.
            derived = refresh_derived_fields(obj)
            if stamped:
                obj.updated_at = now
            to_update.append(obj)
    model.objects.bulk_create(to_create, batch_size=1000)
    if to_update:
        model.objects.bulk_update(to_update, [*fields, *derived, *stamped], batch_size=1000)
    if to_create or to_update:
        data_changed()  # bulk writes send no signals
    summary.created += len(to_create)
    summary.updated += len(to_update)
    summary.unchanged += len(wanted) - len(to_create) - len(to_update)


def provinces_import() -> ImportSummary:
    """Create the provinces of the list the project ships that are missing.

    Existing provinces are left as they are: an edit made in admin is not undone by the next
    import of units or departments."""
    _header, rows = read_rows(PROVINCES_FILE, {"code", "name", "type", "full_name"})
    problems, wanted = [], {}
    for line, row in rows:
        if not row["code"] or row["type"] not in PROVINCE_KINDS:
            problems.append(_("line %(line)d: bad province row") % {"line": line})
            continue
        wanted[row["code"]] = {
            "name": text.normalize(row["name"]),
            "full_name": text.normalize(row["full_name"]),
            "kind": PROVINCE_KINDS[row["type"]],
            "merged_from": text.normalize(row.get("merged_from", "")),
        }
    if problems:
        raise CSVProblems(problems)
    summary = ImportSummary(label=_("Provinces"))
    existing = Province.objects.in_bulk(field_name="code")
    wanted = {code: values for code, values in wanted.items() if code not in existing}
    summary.unchanged = len(existing)
    _upsert(Province, wanted, existing, summary, lambda code, values: Province(code=code, **values))
    return summary


def _check_code(value: str, length: int) -> bool:
    return len(value) == length and value.isdigit()


@transaction.atomic
def units_import(*, path, province_code: str | None = None, dry_run: bool = False) -> ImportSummary:
    """Import commune-level units (or, for a merge-detail file, their predecessor units).

    Three shapes are recognised by their header: the national list (with province_code), a
    province's list (code, name, type; needs `province_code`) and the merge detail (new_code,
    old_code). Keyed by official code, so a second run changes nothing.
    """
    header, rows = read_rows(path, set())
    if {"new_code", "old_code"} <= set(header):
        missing = {"old_name", "merge_scope"} - set(header)
        if missing:
            raise CSVProblems([_("the header lacks the column(s): %(columns)s")
                               % {"columns": ", ".join(sorted(missing))}])
        return _predecessors_import(rows=rows, dry_run=dry_run)
    required = {"code", "name", "type"}
    missing = required - set(header)
    if missing:
        raise CSVProblems([_("the header lacks the column(s): %(columns)s")
                           % {"columns": ", ".join(sorted(missing))}])
    has_province_column = "province_code" in header
    if not has_province_column and not province_code:
        raise CSVProblems([_("this file has no province column: give --province CODE")])

    province_summary = provinces_import()
    provinces = Province.objects.in_bulk(field_name="code")
    if province_code and province_code not in provinces:
        raise CSVProblems([_("unknown province code %(code)s") % {"code": province_code}])

    problems, wanted, first_seen = [], {}, {}
    for line, row in rows:
        code = row["code"]
        row_problems = []
        if not code:
            row_problems.append(_("the code is missing"))
        elif not _check_code(code, 5):
            row_problems.append(_("the code “%(code)s” is not five digits") % {"code": code})
        elif code in first_seen:
            row_problems.append(_("the code %(code)s repeats line %(other)d")
                                % {"code": code, "other": first_seen[code]})
        if not row["name"]:
            row_problems.append(_("the name is missing"))
        if row["type"] not in UNIT_KINDS:
            row_problems.append(_("unknown type “%(type)s” (expected xã, phường or đặc khu)")
                                % {"type": row["type"]})
        row_province = row.get("province_code") if has_province_column else province_code
        if row_province not in provinces:
            row_problems.append(_("unknown province code “%(code)s”") % {"code": row_province})
        if row_problems:
            problems.append(_("line %(line)d: %(problems)s")
                            % {"line": line, "problems": "; ".join(row_problems)})
            continue
        first_seen[code] = line
        values = {
            "province_id": provinces[row_province].pk,
            "name": text.normalize(row["name"]),
            "kind": UNIT_KINDS[row["type"]],
        }
        if "former_district" in header:
            values["former_districts"] = text.normalize(row["former_district"])
        wanted[code] = values
    if problems:
        raise CSVProblems(problems)

    summary = ImportSummary(label=_("Units"))
    existing = AdministrativeUnit.objects.in_bulk(list(wanted), field_name="code")
    _upsert(AdministrativeUnit, wanted, existing, summary,
            lambda code, values: AdministrativeUnit(code=code, **values))
    summary.details[_("provinces")] = str(province_summary)
    if dry_run:
        transaction.set_rollback(True)
    return summary


def _predecessors_import(*, rows, dry_run: bool) -> ImportSummary:
    problems, wanted = [], {}
    new_codes = {row["new_code"] for _line, row in rows}
    units = AdministrativeUnit.objects.in_bulk(list(new_codes), field_name="code")
    for line, row in rows:
        row_problems = []
        if row["new_code"] not in units:
            row_problems.append(_("unknown unit code “%(code)s” (import the units first)")
                                % {"code": row["new_code"]})
        if not _check_code(row["old_code"], 5):
            row_problems.append(_("the former code “%(code)s” is not five digits")
                                % {"code": row["old_code"]})
        if not row["old_name"]:
            row_problems.append(_("the former name is missing"))
        if row.get("merge_scope") not in MERGE_SCOPES:
            row_problems.append(_("unknown merge scope “%(scope)s”")
                                % {"scope": row.get("merge_scope")})
        key = (row["new_code"], row["old_code"])
        if not row_problems and key in wanted:
            row_problems.append(_("this pair of codes repeats"))
        if row_problems:
            problems.append(_("line %(line)d: %(problems)s")
                            % {"line": line, "problems": "; ".join(row_problems)})
            continue
        wanted[key] = {
            "name": text.normalize(row["old_name"]),
            "former_district": text.normalize(row.get("old_district", "")),
            "scope": MERGE_SCOPES[row["merge_scope"]],
        }
    if problems:
        raise CSVProblems(problems)
    summary = ImportSummary(label=_("Predecessor units"))
    existing = {
        (p.successor.code, p.code): p
        for p in PredecessorUnit.objects.select_related("successor").filter(
            successor__code__in=new_codes)
    }
    _upsert(PredecessorUnit, wanted, existing, summary,
            lambda key, values: PredecessorUnit(successor=units[key[0]], code=key[1], **values))
    if dry_run:
        transaction.set_rollback(True)
    return summary


@transaction.atomic
def departments_import(*, path, province_code: str, dry_run: bool = False) -> ImportSummary:
    """Import a province's departments (name_vi, name_en, short_code), keyed by short code."""
    _header, rows = read_rows(path, {"name_vi", "short_code"})
    provinces_import()
    province = Province.objects.filter(code=province_code).first()
    if province is None:
        raise CSVProblems([_("unknown province code %(code)s") % {"code": province_code}])
    problems, wanted, first_seen = [], {}, {}
    for line, row in rows:
        row_problems = []
        code = row["short_code"]
        if not code:
            row_problems.append(_("the short code is missing"))
        elif code in first_seen:
            row_problems.append(_("the short code %(code)s repeats line %(other)d")
                                % {"code": code, "other": first_seen[code]})
        if not row["name_vi"]:
            row_problems.append(_("the Vietnamese name is missing"))
        if row_problems:
            problems.append(_("line %(line)d: %(problems)s")
                            % {"line": line, "problems": "; ".join(row_problems)})
            continue
        first_seen[code] = line
        wanted[code] = {"name": text.normalize(row["name_vi"]),
                        "name_en": text.normalize(row.get("name_en", ""))}
    if problems:
        raise CSVProblems(problems)
    summary = ImportSummary(label=_("Departments"))
    existing = {d.short_code: d for d in Department.objects.filter(province=province)}
    # A new body comes after the placed ones, in the file's order (its protocol order, as
    # communes/data/departments.csv gives it); the office may move it on its settings page.
    placed = [d.position for d in existing.values() if d.position != Department.UNPLACED]
    positions = itertools.count(max(placed, default=0) + 1)
    _upsert(Department, wanted, existing, summary,
            lambda code, values: Department(province=province, short_code=code,
                                            position=next(positions), **values))
    if dry_run:
        transaction.set_rollback(True)
    return summary


# A token's last use is written at most this often, not on every request.
TOKEN_USE_PRECISION = datetime.timedelta(minutes=1)


@transaction.atomic
def api_token_create(*, user, name: str) -> tuple[ApiToken, str]:
    """A new token for `user`: the token row and the secret, which is shown once and never
    stored (only its digest is)."""
    secret, kept = ApiToken.new_secret()
    now = timezone.now()
    max_age = settings.API_TOKEN_MAX_AGE_DAYS
    token = ApiToken.objects.create(
        user=user, name=name, **kept, created_at=now,
        expires_at=now + datetime.timedelta(days=max_age) if max_age else None)
    audit_record(AuditEvent.Kind.TOKEN_CREATED, actor=user, obj=token,
                 expires_at=token.expires_at)
    return token, secret


@transaction.atomic
def api_token_revoke(*, token: ApiToken, by) -> ApiToken:
    """Revoke `token` (its owner does, or an administrator): it stops working at once; the row
    stays, with when it was revoked."""
    if token.user_id != by.pk and not by.is_superuser:
        raise PermissionDenied
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        audit_record(AuditEvent.Kind.TOKEN_REVOKED, actor=by, obj=token,
                     province=_province_id(token.user), owner=token.user.get_username())
    return token


def _province_id(user):
    return getattr(getattr(user, "profile", None), "province_id", None)


def api_tokens_revoke_of_inactive(*, user, by=None) -> int:
    """Revoke every token of `user` if the account is (now) deactivated: deactivation refuses
    them anyway, but reactivation would otherwise bring back every token made before, which
    its owner may have forgotten or a leaver handed on. Saved one by one, so each stops
    working at once (communes.cache.on_api_token_change). How many were revoked."""
    if user.is_active or user.pk is None:
        return 0
    return _credentials_revoke(ApiToken.objects.filter(user=user, revoked_at=None),
                               kind=AuditEvent.Kind.TOKEN_REVOKED, user=user, by=by,
                               reason="user deactivated")


def _credentials_revoke(credentials, *, kind, user, by, reason="") -> int:
    """Revoke `user`'s API tokens or calendar links in `credentials`, each saved (so each
    stops working at once) and recorded as `kind`. How many."""
    now = timezone.now()
    credentials = list(credentials)
    for credential in credentials:
        credential.revoked_at = now
        credential.save(update_fields=["revoked_at"])
        audit_record(kind, actor=by, obj=credential, province=_province_id(user),
                     owner=user.get_username(), **({"reason": reason} if reason else {}))
    return len(credentials)


@transaction.atomic
def calendar_link_create(*, user) -> tuple[CalendarLink, str]:
    """A new calendar link for `user`, revoking the one they had (a user has one feed: a new
    link is how a leaked one is replaced). The link row and the secret, shown once and never
    stored (only its digest is)."""
    calendar_link_revoke(user=user, by=user)
    secret, kept = CalendarLink.new_secret()
    link = CalendarLink.objects.create(user=user, **kept)
    audit_record(AuditEvent.Kind.CALENDAR_SECRET_MADE, actor=user, obj=link,
                 province=_province_id(user))
    return link, secret


@transaction.atomic
def calendar_link_revoke(*, user, by, reason: str = "") -> int:
    """Revoke `user`'s working calendar link, if any (its owner does, or an administrator,
    or deactivating the account): the feed answers 404 at once. How many were revoked."""
    if user.pk != by.pk and not by.is_superuser:
        raise PermissionDenied
    return _credentials_revoke(
        CalendarLink.objects.select_for_update().filter(user=user, revoked_at=None),
        kind=AuditEvent.Kind.CALENDAR_REVOKED, user=user, by=by, reason=reason)


def calendar_links_revoke_of_inactive(*, user, by=None) -> int:
    """As api_tokens_revoke_of_inactive: a deactivated account's calendar link is revoked,
    so a reactivation does not bring back an address its owner may have handed on."""
    if user.is_active or user.pk is None:
        return 0
    return _credentials_revoke(CalendarLink.objects.filter(user=user, revoked_at=None),
                               kind=AuditEvent.Kind.CALENDAR_REVOKED, user=user, by=by,
                               reason="user deactivated")


def calendar_link_read(*, link: CalendarLink) -> None:
    """Note that the feed was read now, at most once a minute (calendar programs poll): an
    update(), so it is not a change of the data that cached pages depend on."""
    now = timezone.now()
    if link.last_read_at is None or now - link.last_read_at >= TOKEN_USE_PRECISION:
        CalendarLink.objects.filter(pk=link.pk).update(last_read_at=now)
        link.last_read_at = now


def api_token_seen_from(*, token: ApiToken, address: str | None) -> bool:
    """Note that `token` was used from `address`: an audit event when it is not the address
    it was last used from (once per change, not per request; the conditional update makes
    two requests at once from a new address record it once). Whether `token` changed (to
    be kept again in the cache). The same address as last costs no query."""
    if not address or token.last_address == address:
        return False
    with transaction.atomic():
        changed = ApiToken.objects.filter(pk=token.pk).exclude(last_address=address).update(
            last_address=address)
        if changed:
            audit_record(AuditEvent.Kind.TOKEN_NEW_ADDRESS, actor=token.user, obj=token,
                         previous_address=token.last_address)
    token.last_address = address
    return True


def api_token_used(*, token: ApiToken) -> bool | None:
    """Note that `token` was used now, at most once a minute: a write per API request would
    double the database's work for a last-use date. An update(), so it is not a change of the
    data that cached pages depend on. Whether it wrote; None if the token is no longer active
    (revoked, or its user deactivated, since it was read): the update checks, once a minute,
    what a token kept in the cache may have missed."""
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at >= TOKEN_USE_PRECISION:
        if not ApiToken.objects.active().filter(pk=token.pk).update(last_used_at=now):
            return None
        token.last_used_at = now
        return True
    return False
@transaction.atomic
def person_save(*, form, province, by):
    """Save one of `province`'s users from the settings page's PersonForm: the account, its one
    portal role and its profile. A new account has no password: its owner sets one through
    "Forgotten your password?". The profile's history records who gave which role, and when."""
    changes = _person_changes(form)
    user = form.save(commit=False)
    first_name = text.normalize(form.cleaned_data["full_name"])
    user.first_name, user.last_name = first_name, ""
    if user.pk is None:
        user.set_unusable_password()
    user.save()
    api_tokens_revoke_of_inactive(user=user, by=by)
    calendar_links_revoke_of_inactive(user=user, by=by)
    role = form.cleaned_data["role"]
    portal_roles = Group.objects.filter(name__in=roles.ROLE_PERMISSIONS)
    user.groups.remove(*portal_roles.exclude(name=role))
    user.groups.add(Group.objects.get(name=role))
    profile, _created = UserProfile.objects.get_or_create(
        user=user, defaults={"province": province})
    profile.province = province
    profile.department = form.cleaned_data["department"]
    profile.unit = form.cleaned_data["unit"]
    profile.job_title = text.normalize(form.cleaned_data["job_title"])
    # Groups have no history of their own: the profile's record says which role was given.
    profile._change_reason = _("Role: %(role)s") % {"role": roles.ROLE_LABELS[role]}
    profile.save()
    for kind, details in changes:
        audit_record(kind, actor=by, obj=user, province=province, **details)
    data_changed()
    return user


def _shown(value):
    return "" if value is None else str(value)


def _person_changes(form) -> list[tuple[str, dict]]:
    """The audit events a PersonForm's save makes: the account made; or its activation or
    deactivation, and its role, department or unit changed (each from what to what)."""
    user = form.instance
    if user.pk is None:
        return [(AuditEvent.Kind.USER_CREATED, {
            "role": form.cleaned_data["role"],
            "department": _shown(form.cleaned_data["department"]),
            "unit": _shown(form.cleaned_data["unit"])})]
    events = []
    if "is_active" in form.changed_data:
        events.append((AuditEvent.Kind.USER_ACTIVATED if form.cleaned_data["is_active"]
                       else AuditEvent.Kind.USER_DEACTIVATED, {}))
    fields = [name for name in ("role", "department", "unit") if name in form.changed_data]
    if fields:
        profile = getattr(user, "profile", None)
        before = {"role": form.initial.get("role", ""),
                  "department": _shown(profile.department if profile else None),
                  "unit": _shown(profile.unit if profile else None)}
        events.append((AuditEvent.Kind.ROLE_CHANGED, {
            name: {"from": before[name], "to": _shown(form.cleaned_data[name])}
            for name in fields}))
    return events


@transaction.atomic
def departments_reorder(*, province, order, by) -> int:
    """Put `province`'s bodies in protocol order: `order` lists them all, first to last; they
    are numbered 1, 2, … in it. Each body whose place changed is saved (its history says who
    moved it, and when); returns how many moved."""
    # In id order, the one order every lock of several rows takes (no deadlock between two).
    departments = {d.pk: d for d in Department.objects.select_for_update().filter(
        province=province).order_by("pk")}
    if set(departments) != {d.pk for d in order}:
        raise ValueError("The order must list every body of the province once.")
    moved = 0
    for position, wanted in enumerate(order, start=1):
        department = departments[wanted.pk]
        if department.position != position:
            department.position = position
            department._history_user = by
            department.save(update_fields=["position", "updated_at"])
            moved += 1
    if moved:
        audit_record(AuditEvent.Kind.SETTINGS_CHANGED, actor=by, province=province,
                     setting="departments order", moved=moved)
    return moved
