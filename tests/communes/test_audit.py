"""The audit log: each kind of security event is written by what causes it, in the change's
transaction (a failed change leaves none), read by administrators everywhere and by an
office for its province only, and never changed or deleted but by the retention command."""

import datetime
import pathlib
import re
from io import StringIO
from unittest import mock

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from communes import roles
from communes.audit import AuditEvent, audit_prune, audit_record
from communes.documents import Letterhead
from communes.models import ApiToken
from communes.services import api_token_create, api_token_revoke, departments_reorder
from inspections import services as inspection_services
from tests import factories

pytestmark = pytest.mark.django_db

Kind = AuditEvent.Kind
PASSWORD = "matkhau-thu-2025"


def kinds():
    return list(AuditEvent.objects.order_by("id").values_list("kind", flat=True))


def events(kind):
    return list(AuditEvent.objects.filter(kind=kind).order_by("id"))


# Sign-in -------------------------------------------------------------------------------------


def test_sign_in_its_failures_and_the_lockout_are_recorded(client, office_user, province,
                                                            settings):
    url = reverse("login")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(url, {"username": "office", "password": "sai"}, REMOTE_ADDR="10.0.0.1")
    failed = events(Kind.LOGIN_FAILED)
    assert len(failed) >= settings.AXES_FAILURE_LIMIT
    assert {(e.actor_id, e.actor_name, e.address, e.province_id) for e in failed} == {
        (office_user.pk, "office", "10.0.0.1", province.pk)}
    locked = events(Kind.LOCKED_OUT)
    assert [(e.actor_id, e.address) for e in locked] == [(office_user.pk, "10.0.0.1")]
    assert client.post(url, {"username": "office", "password": PASSWORD},
                       REMOTE_ADDR="10.0.0.2").status_code == 302
    [signed_in] = events(Kind.LOGIN)
    assert (signed_in.actor_id, signed_in.address, signed_in.province_id) == (
        office_user.pk, "10.0.0.2", province.pk)


def test_a_failed_sign_in_under_no_account_is_for_administrators_only(client, office_user):
    client.post(reverse("login"), {"username": "khong-co", "password": "sai"},
                REMOTE_ADDR="10.0.0.3")
    [failed] = events(Kind.LOGIN_FAILED)
    assert (failed.actor_id, failed.actor_name, failed.province_id) == (None, "khong-co", None)
    assert failed.details == {"account_exists": False}
    assert not AuditEvent.objects.visible_to(office_user).exists()


def test_the_address_is_the_forwarded_clients_behind_our_proxy(client, office_user, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    client.post(reverse("login"), {"username": "office", "password": PASSWORD},
                REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="10.99.99.99, 203.0.113.7")
    assert events(Kind.LOGIN)[0].address == "203.0.113.7"


# People: the office's page and Django admin ------------------------------------------------


def test_the_offices_people_page_records_creation_role_changes_and_deactivation(
        client, office_user, department_a, department_b, province):
    client.force_login(office_user)
    data = {"username": "giamdoc.snv", "email": "gd@snv.vn", "is_active": "on",
            "full_name": "Trần Văn Ăn", "role": roles.DEPARTMENT_HEAD,
            "department": department_a.pk, "job_title": "Giám đốc"}
    assert client.post(reverse("inspections:settings_person_create"), data).status_code == 302
    [created] = events(Kind.USER_CREATED)
    person = created.actor.__class__.objects.get(username="giamdoc.snv")
    assert (created.actor_id, created.object_id, created.province_id) == (
        office_user.pk, str(person.pk), province.pk)
    api_token_create(user=person, name="Kho")
    edit = reverse("inspections:settings_person_edit", args=[person.pk])
    assert client.post(edit, {**data, "role": roles.DEPARTMENT_STAFF,
                              "department": department_b.pk}).status_code == 302
    [changed] = events(Kind.ROLE_CHANGED)
    assert changed.details == {
        "role": {"from": roles.DEPARTMENT_HEAD, "to": roles.DEPARTMENT_STAFF},
        "department": {"from": str(department_a), "to": str(department_b)}}
    # Saved again unchanged: nothing to record.
    client.post(edit, {**data, "role": roles.DEPARTMENT_STAFF, "department": department_b.pk})
    assert len(events(Kind.ROLE_CHANGED)) == 1
    deactivated = {**data, "role": roles.DEPARTMENT_STAFF, "department": department_b.pk}
    del deactivated["is_active"]
    assert client.post(edit, deactivated).status_code == 302
    assert [e.object_id for e in events(Kind.USER_DEACTIVATED)] == [str(person.pk)]
    # Its token revoked with it, by whoever deactivated it.
    [revoked] = events(Kind.TOKEN_REVOKED)
    assert revoked.actor_id == office_user.pk and revoked.details["reason"] == "user deactivated"
    client.post(edit, {**data, "role": roles.DEPARTMENT_STAFF, "department": department_b.pk})
    assert len(events(Kind.USER_ACTIVATED)) == 1


def test_moving_a_units_staff_to_another_unit_is_recorded(client, office_user, ward_a,
                                                           ward_a_unit, ward_b_unit, province):
    """The third of "role, department or unit": a commune's or ward's staff moved to another
    one changes what they may see and write, as a department change does."""
    client.force_login(office_user)
    edit = reverse("inspections:settings_person_edit", args=[ward_a.pk])
    data = {"username": ward_a.username, "email": "ward.a@example.vn", "is_active": "on",
            "full_name": "Lê Thị Phường", "role": roles.UNIT_STAFF, "unit": ward_b_unit.pk,
            "job_title": ""}
    assert client.post(edit, data).status_code == 302
    [changed] = events(Kind.ROLE_CHANGED)
    assert changed.details == {"unit": {"from": str(ward_a_unit), "to": str(ward_b_unit)}}
    assert (changed.actor_id, changed.object_id, changed.province_id) == (
        office_user.pk, str(ward_a.pk), province.pk)


def test_a_failed_person_save_leaves_no_audit_row(client, office_user, department_a):
    """The event is written before the service's last step fails: the rollback takes it."""
    client.force_login(office_user)
    data = {"username": "giamdoc.snv", "email": "gd@snv.vn", "is_active": "on",
            "full_name": "Trần Văn Ăn", "role": roles.DEPARTMENT_HEAD,
            "department": department_a.pk, "job_title": ""}
    with mock.patch("communes.services.data_changed", side_effect=ValidationError("hỏng")), \
            pytest.raises(ValidationError):
        client.post(reverse("inspections:settings_person_create"), data)
    assert kinds() == [Kind.LOGIN]  # force_login's, before
    assert not factories.UserFactory._meta.model.objects.filter(username="giamdoc.snv").exists()


def test_a_failed_withdrawal_leaves_no_audit_row(office_user, province):
    document = _issue(province, office_user)
    before = AuditEvent.objects.count()

    def record_then_fail(*args, **kwargs):
        audit_record(*args, **kwargs)
        raise ValidationError("hỏng")

    # The withdrawal's last step fails after its event was written: both are rolled back.
    with mock.patch("inspections.services.audit_record", side_effect=record_then_fail), \
            pytest.raises(ValidationError):
        inspection_services.document_withdraw(document=document, by=office_user, reason="Sai")
    assert AuditEvent.objects.count() == before
    document.refresh_from_db()
    assert not document.withdrawn


def test_an_administrator_changing_a_users_groups_and_activation_is_recorded(
        client, admin_user_, office_user, province):
    from django.contrib.auth.models import Group

    client.force_login(admin_user_)
    url = reverse("admin:auth_user_change", args=[office_user.pk])
    form = client.get(url).context["adminform"].form
    data = {name: value for name, value in form.initial.items()
            if value is not None and name not in ("groups", "user_permissions", "password",
                                                  "last_login", "date_joined", "is_active")}
    data.update({
        "date_joined_0": "01/01/2025", "date_joined_1": "08:00:00",
        "groups": [Group.objects.get(name=roles.LEADER).pk],
        "profile-TOTAL_FORMS": "1", "profile-INITIAL_FORMS": "1",
        "profile-MIN_NUM_FORMS": "0", "profile-MAX_NUM_FORMS": "1",
        "profile-0-id": office_user.profile.pk, "profile-0-user": office_user.pk,
        "profile-0-province": province.pk, "profile-0-job_title": "",
    })
    response = client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    [changed] = events(Kind.ROLE_CHANGED)
    assert changed.details["roles"] == {"from": [roles.OFFICE_STAFF], "to": [roles.LEADER]}
    assert changed.actor_id == admin_user_.pk and changed.province_id == province.pk
    [deactivated] = events(Kind.USER_DEACTIVATED)
    assert deactivated.object_id == str(office_user.pk)


# Tokens ---------------------------------------------------------------------------------------


def test_tokens_made_revoked_and_used_from_a_new_address(client, head_a, province):
    token, secret = api_token_create(user=head_a, name="Kho dữ liệu")
    [made] = events(Kind.TOKEN_CREATED)
    assert (made.actor_id, made.object_id, made.province_id) == (
        head_a.pk, str(token.pk), province.pk)

    def read(address):
        return client.get(reverse("api:recommendation-list"),
                          HTTP_AUTHORIZATION=f"Bearer {secret}", REMOTE_ADDR=address)

    for address in ("10.1.1.1", "10.1.1.1", "10.1.1.1", "10.1.1.2", "10.1.1.2"):
        assert read(address).status_code == 200
    moved = events(Kind.TOKEN_NEW_ADDRESS)
    assert [(e.address, e.details["previous_address"]) for e in moved] == [
        ("10.1.1.1", None), ("10.1.1.2", "10.1.1.1")]
    assert ApiToken.objects.get(pk=token.pk).last_address == "10.1.1.2"
    api_token_revoke(token=token, by=head_a)
    assert [e.object_id for e in events(Kind.TOKEN_REVOKED)] == [str(token.pk)]


# Documents and settings ------------------------------------------------------------------------


def _issue(province, by):
    return inspection_services.document_issue(
        province=province, by=by, filename="thong-bao",
        letterhead=Letterhead(kind="party", issuer="Tỉnh ủy", symbol="TU", type_code="TB",
                              doc_type="Thông báo", summary="kết luận", place="Lạng Sơn",
                              date=datetime.date(2025, 8, 5), recipients="Như trên",
                              signer="T/L BAN THƯỜNG VỤ"),
        write=lambda letterhead: b"PK docx")


def test_a_document_issued_and_withdrawn(office_user, province):
    document = _issue(province, office_user)
    [issued] = events(Kind.DOCUMENT_ISSUED)
    assert (issued.object_id, issued.province_id) == (str(document.pk), province.pk)
    assert issued.details["number"] == document.number_text
    inspection_services.document_withdraw(document=document, by=office_user, reason="Sai số")
    [withdrawn] = events(Kind.DOCUMENT_WITHDRAWN)
    assert withdrawn.details["reason"] == "Sai số" and withdrawn.actor_id == office_user.pk


def test_settings_changes_are_recorded(client, office_user, admin_user_, province,
                                       department_a, department_b):
    departments_reorder(province=province, order=[department_b, department_a], by=office_user)
    category = factories.CategoryFactory()
    client.force_login(office_user)
    assert client.post(reverse("inspections:settings_routing_edit", args=[category.pk]),
                       {"lead_department": department_a.pk}).status_code == 302
    assert client.post(reverse("inspections:settings_issuer_create", args=["party"]), {
        "notice_signer": "T/L BAN THƯỜNG VỤ", "notice_signer_name": "Nguyễn Thị B"},
    ).status_code == 302
    client.force_login(admin_user_)
    assert client.post(reverse("admin:communes_calendarday_add"), {
        "date": "02/05/2031", "kind": "day_off", "name": "Nghỉ bù", "note": ""}
    ).status_code == 302
    changed = events(Kind.SETTINGS_CHANGED)
    assert [e.details["setting"] for e in changed] == [
        "departments order", "routing", "issuer", "calendar"]
    assert [e.province_id for e in changed] == [province.pk] * 3 + [None]


# The page, its export and who sees what -------------------------------------------------------


def test_the_office_sees_its_province_only_and_exports_it(client, office_user,
                                                          other_office_user, admin_user_,
                                                          province, other_province):
    audit_record(Kind.SETTINGS_CHANGED, actor=office_user, setting="here")
    audit_record(Kind.SETTINGS_CHANGED, actor=other_office_user, setting="there")
    url = reverse("inspections:settings_audit")
    client.force_login(office_user)
    page = client.get(url)
    assert page.status_code == 200
    shown = page.context["page"].object_list
    assert {e.province_id for e in shown} == {province.pk}
    assert {e.details.get("setting") for e in shown} == {"here", None}  # None: the sign-in
    exported = client.get(url, {"format": "csv", "kind": Kind.SETTINGS_CHANGED})
    body = b"".join(exported.streaming_content).decode("utf-8-sig")
    assert "office" in body and other_office_user.username not in body
    # The export itself is an event, with its filter.
    [export] = events(Kind.EXPORT)
    assert export.details["filter"] == {"kind": Kind.SETTINGS_CHANGED}
    assert export.details["list"] == url and export.province_id == province.pk
    client.force_login(other_office_user)
    theirs = client.get(url).context["page"].object_list
    assert {e.province_id for e in theirs} == {other_province.pk}
    assert not client.get(url, {"person": "office"}).context["page"].object_list
    client.force_login(admin_user_)
    everything = client.get(url, {"kind": Kind.SETTINGS_CHANGED}).context["page"].object_list
    assert {e.province_id for e in everything} == {province.pk, other_province.pk}


def test_the_page_filters_by_kind_person_and_days(client, admin_user_, office_user):
    """Three events today: the office's sign-in, a failure, and the administrator's own."""
    audit_record(Kind.LOGIN, actor=office_user)
    audit_record(Kind.LOGIN_FAILED, actor=None, actor_name="khach")
    client.force_login(admin_user_)
    url = reverse("inspections:settings_audit")
    listed = client.get(url, {"kind": Kind.LOGIN_FAILED}).context["page"].object_list
    assert [e.actor_name for e in listed] == ["khach"]
    listed = client.get(url, {"person": "office"}).context["page"].object_list
    assert [e.kind for e in listed] == [Kind.LOGIN]
    today = timezone.localdate()
    assert len(client.get(url, {"date_from": f"{today:%d/%m/%Y}",
                                "date_to": f"{today:%d/%m/%Y}"}).context["page"].object_list) == 3
    tomorrow = today + datetime.timedelta(days=1)
    assert not client.get(url, {"date_from": f"{tomorrow:%d/%m/%Y}"}).context[
        "page"].object_list


def test_the_pages_queries_do_not_grow_with_its_rows(client, admin_user_, office_user,
                                                     count_queries):
    client.force_login(admin_user_)
    url = reverse("inspections:settings_audit")
    for _ in range(3):
        audit_record(Kind.LOGIN, actor=office_user)
    client.get(url)
    few = count_queries(lambda: client.get(url))
    AuditEvent.objects.bulk_create([
        AuditEvent(kind=Kind.LOGIN, actor=office_user, actor_name="office",
                   province=office_user.profile.province) for _ in range(400)])
    many = count_queries(lambda: client.get(url, {"page": 3}))
    assert many == few
    csv_queries = count_queries(lambda: b"".join(client.get(url, {"format": "csv"})
                                                 .streaming_content))
    assert csv_queries <= few + 2


def test_others_may_not_open_the_page(client, head_a, leader, ward_a):
    for user in (head_a, leader, ward_a):
        client.force_login(user)
        assert client.get(reverse("inspections:settings_audit")).status_code == 403


# Append-only, and retention ---------------------------------------------------------------------


def test_events_are_never_changed_nor_deleted_but_by_the_retention_command(office_user,
                                                                             settings):
    event = audit_record(Kind.LOGIN, actor=office_user)
    event.actor_name = "ke-gian"
    with pytest.raises(PermissionDenied):
        event.save()
    with pytest.raises(PermissionDenied):
        event.delete()
    with pytest.raises(PermissionDenied):
        AuditEvent.objects.update(actor_name="ke-gian")
    with pytest.raises(PermissionDenied):
        AuditEvent.objects.all().delete()
    old = AuditEvent.objects.create(kind=Kind.LOGIN, actor_name="office",
                                    at=timezone.now() - datetime.timedelta(days=800))
    settings.AUDIT_RETENTION_DAYS = 730
    assert audit_prune() == 1
    assert list(AuditEvent.objects.values_list("pk", flat=True)) == [event.pk]
    assert not AuditEvent.objects.filter(pk=old.pk).exists()
    out = StringIO()
    call_command("audit_prune", "--days", "0", stdout=out, stderr=out)
    assert AuditEvent.objects.filter(pk=event.pk).exists()


def test_an_event_recorded_in_a_rolled_back_transaction_is_gone(office_user):
    with pytest.raises(ValidationError), transaction.atomic():
        audit_record(Kind.SETTINGS_CHANGED, actor=office_user)
        raise ValidationError("hỏng")
    assert not AuditEvent.objects.exists()


def test_a_deleted_user_leaves_their_events_with_their_name(office_user):
    audit_record(Kind.LOGIN, actor=office_user)
    office_user.delete()
    [event] = AuditEvent.objects.all()
    assert (event.actor_id, event.actor_name) == (None, "office")


def test_admin_lists_the_events_read_only(client, admin_user_, office_user):
    event = audit_record(Kind.LOGIN, actor=office_user)
    client.force_login(admin_user_)
    listed = client.get(reverse("admin:communes_auditevent_changelist"))
    assert listed.status_code == 200 and "office" in listed.content.decode()
    assert client.get(reverse("admin:communes_auditevent_change", args=[event.pk])
                      ).status_code == 200
    assert client.get(reverse("admin:communes_auditevent_add")).status_code == 403
    assert client.post(reverse("admin:communes_auditevent_delete", args=[event.pk]),
                       {"post": "yes"}).status_code == 403
    assert AuditEvent.objects.filter(pk=event.pk).exists()


def test_every_kind_of_event_is_caused_by_some_test():
    """A kind added to the log without a test that causes it fails here: each is named as
    `Kind.<NAME>` in a test module that provokes the event and reads it back."""
    this = pathlib.Path(__file__).resolve()
    sources = "\n".join(path.read_text(encoding="utf-8")
                        for path in this.parents[1].rglob("test_*.py") if path != this)
    named = set(re.findall(r"Kind\.([A-Z_]+)\b", sources))
    # This module's own tests count too, but not this test's text.
    named |= set(re.findall(r"Kind\.([A-Z_]+)\b", this.read_text(encoding="utf-8").split(
        "def test_every_kind_of_event_is_caused_by_some_test")[0]))
    assert [kind.name for kind in AuditEvent.Kind if kind.name not in named] == []
