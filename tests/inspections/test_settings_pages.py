"""The office's settings for its province: the calendar, default routing, users and roles."""

import datetime

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from communes import roles
from communes.models import CalendarDay, Department, IssuingBody
from communes.workdays import add_working_days
from inspections.models import CategoryRouting
from tests import factories

pytestmark = pytest.mark.django_db


def test_an_administrator_adds_a_day_off_that_due_dates_skip_and_offices_read(
        client, admin_user_, office_user):
    """The calendar is national: an administrator changes it in Django admin; each
    province's office reads it, and may not change it for the other provinces."""
    friday = datetime.date(2031, 5, 2)
    assert add_working_days(datetime.date(2031, 5, 1), 1) == friday
    client.force_login(admin_user_)
    response = client.post(reverse("admin:communes_calendarday_add"), {
        "date": "02/05/2031", "kind": "day_off", "name": "Nghỉ bù", "note": ""})
    assert response.status_code == 302
    day = CalendarDay.objects.get(date=friday)
    assert add_working_days(datetime.date(2031, 5, 1), 1) == datetime.date(2031, 5, 5)

    client.force_login(office_user)
    listed = client.get(reverse("inspections:settings_calendar"), {"year": 2031})
    assert "Nghỉ bù" in listed.content.decode() and "<form method=\"post\"" not in \
        listed.content.decode().split("<main", 1)[-1]
    page = client.get(reverse("inspections:settings_calendar_day", args=[day.pk]))
    assert "Nghỉ bù" in page.content.decode() and page.context["timeline"][0].actor == admin_user_
    assert client.post(reverse("inspections:settings_calendar"), {
        "day-date": "09/05/2031", "day-kind": "day_off", "day-name": "Tự đặt"}).status_code == 405
    assert client.post(reverse("inspections:settings_calendar_day", args=[day.pk]),
                       {"delete": "1"}).status_code == 405
    assert CalendarDay.objects.filter(pk=day.pk).exists()
    assert not CalendarDay.objects.filter(name="Tự đặt").exists()


def test_the_office_sets_a_categorys_default_departments(client, office_user, department_a,
                                                         department_b, other_province):
    category = factories.CategoryFactory()
    elsewhere = factories.DepartmentFactory(province=other_province, short_code="SNV")
    client.force_login(office_user)
    url = reverse("inspections:settings_routing_edit", args=[category.pk])
    refused = client.post(url, {"lead_department": department_a.pk,
                                "cooperating_departments": [department_a.pk]})
    assert refused.status_code == 400
    assert client.post(url, {"lead_department": elsewhere.pk}).status_code == 400
    assert client.post(url, {"lead_department": department_a.pk,
                             "cooperating_departments": [department_b.pk]}).status_code == 302
    routing = CategoryRouting.objects.get(province=office_user.profile.province)
    assert routing.lead_department == department_a
    assert list(routing.cooperating_departments.all()) == [department_b]
    page = client.get(reverse("inspections:settings_routing")).content.decode()
    assert department_a.name in page and department_b.name in page


def test_the_office_gives_its_users_roles_and_sees_them_in_vietnamese_order(
        client, office_user, department_a, other_office_user):
    client.force_login(office_user)
    create = reverse("inspections:settings_person_create")
    data = {"username": "giamdoc.snv", "email": "gd@snv.vn", "is_active": "on",
            "full_name": "Trần Văn Ăn", "role": roles.DEPARTMENT_HEAD, "department": "",
            "job_title": "Giám đốc"}
    refused = client.post(create, data)
    assert refused.status_code == 400 and "department" in refused.context["form"].errors
    assert client.post(create, {**data, "department": department_a.pk}).status_code == 302
    user = get_user_model().objects.get(username="giamdoc.snv")
    assert roles.role_names(user) == {roles.DEPARTMENT_HEAD}
    assert user.profile.department == department_a and not user.has_usable_password()

    # Made a member of staff: the role is replaced, and the history says so.
    edit = reverse("inspections:settings_person_edit", args=[user.pk])
    assert client.post(edit, {**data, "role": roles.DEPARTMENT_STAFF,
                              "department": department_a.pk}).status_code == 302
    user = get_user_model().objects.get(pk=user.pk)
    assert roles.role_names(user) == {roles.DEPARTMENT_STAFF}
    timeline = client.get(edit).context["timeline"]
    assert "Chuyên viên" in timeline[0].text and timeline[0].actor == office_user

    factories.profile(factories.UserFactory(username="b", first_name="Lê Thị Âu"),
                      province=office_user.profile.province)
    listed = client.get(reverse("inspections:settings_people")).context["page"].object_list
    names = [u.get_full_name() or u.username for u in listed]
    assert names.index("Trần Văn Ăn") < names.index("Lê Thị Âu")
    # Another province's user is not found; superusers are not listed.
    other = reverse("inspections:settings_person_edit", args=[other_office_user.pk])
    assert client.get(other).status_code == 404


def test_the_office_manages_its_communes_staff_and_moves_one_to_a_department(
        client, office_user, ward_a, ward_a_unit, department_a):
    """A ward's account edited on the users page keeps its role and ward; made a department
    head, it leaves the ward (a profile is a unit's or a department's, never both)."""
    client.force_login(office_user)
    edit = reverse("inspections:settings_person_edit", args=[ward_a.pk])
    form = client.get(edit).context["form"]
    assert (form.initial["role"], form.initial["unit"]) == (roles.UNIT_STAFF, ward_a_unit.pk)
    data = {"username": ward_a.username, "email": "canbo@phuong.vn", "is_active": "on",
            "full_name": "Nông Văn Bình", "role": roles.UNIT_STAFF, "unit": ward_a_unit.pk,
            "department": "", "job_title": "Công chức Văn phòng"}
    assert client.post(edit, data).status_code == 302
    ward_a = get_user_model().objects.get(pk=ward_a.pk)
    assert roles.role_names(ward_a) == {roles.UNIT_STAFF}
    assert ward_a.profile.unit == ward_a_unit
    page = client.get(reverse("inspections:settings_people")).content.decode()
    assert ward_a_unit.name in page

    refused = client.post(edit, {**data, "role": roles.DEPARTMENT_HEAD,
                                 "department": department_a.pk})
    assert refused.status_code == 400 and "unit" in refused.context["form"].errors
    assert client.post(edit, {**data, "role": roles.UNIT_STAFF, "unit": ""}).status_code == 400
    assert client.post(edit, {**data, "role": roles.DEPARTMENT_HEAD, "unit": "",
                              "department": department_a.pk}).status_code == 302
    ward_a = get_user_model().objects.get(pk=ward_a.pk)
    assert roles.role_names(ward_a) == {roles.DEPARTMENT_HEAD}
    assert (ward_a.profile.department, ward_a.profile.unit) == (department_a, None)


def test_the_office_puts_its_bodies_in_protocol_order_and_every_list_follows_it(
        client, office_user, province, department_a, department_b, other_province):
    """Bodies are listed in the order the office sets, not alphabetically; bodies it gives
    the same number keep their present order between them; each move is in the history."""
    office = factories.DepartmentFactory(province=province, short_code="VP",
                                         name="Văn phòng Ủy ban nhân dân tỉnh")
    elsewhere = factories.DepartmentFactory(province=other_province, short_code="SNV")
    client.force_login(office_user)
    url = reverse("inspections:settings_departments")
    page = client.get(url)
    # Unplaced bodies come alphabetically: Khoa học, Nội vụ, Văn phòng.
    assert [d for d, _field in page.context["form"].rows()] == [department_b, department_a, office]
    fields = {d.pk: f"position-{d.pk}" for d in (department_a, department_b, office)}
    refused = client.post(url, {fields[office.pk]: "1", fields[department_a.pk]: "không",
                                fields[department_b.pk]: ""})
    assert refused.status_code == 400
    assert Department.objects.get(pk=office.pk).position == Department.UNPLACED
    assert client.post(url, {fields[office.pk]: "1", fields[department_a.pk]: "2",
                             fields[department_b.pk]: "2",
                             f"position-{elsewhere.pk}": "1"}).status_code == 302
    assert list(Department.objects.filter(province=province)) == [office, department_b,
                                                                 department_a]
    assert Department.objects.get(pk=elsewhere.pk).position == Department.UNPLACED
    # Selects, the lists' filters and the settings' lists read that order.
    category = factories.CategoryFactory()
    routing = client.get(reverse("inspections:settings_routing_edit", args=[category.pk]))
    assert [str(label) for _value, label in routing.context["form"].fields[
        "lead_department"].choices][1:] == [office.name, department_b.name, department_a.name]
    from recommendations.queries import filter_choices
    assert [label for _value, label in filter_choices(office_user, ("departments",))[
        "departments"]] == [office.name, department_b.name, department_a.name]
    history = [entry for entry in client.get(url).context["timeline"] if entry.changes]
    assert {entry.title.split(":")[0] for entry in history} == {office.name, department_b.name,
                                                                department_a.name}
    assert all(entry.actor == office_user for entry in history)
    moved = next(entry for entry in history if entry.title.startswith(office.name))
    assert [(old, new) for _label, old, new in moved.changes] == [(Department.UNPLACED, 1)]


def test_a_change_of_a_routings_co_operating_bodies_shows_in_its_history(
        client, office_user, department_a, department_b, province):
    """Saving a default routing with a new co-operating body: its history says which
    bodies co-operate before and after, not just that the routing was created."""
    third = factories.DepartmentFactory(province=province, short_code="STC",
                                        name="Sở Tài chính")
    category = factories.CategoryFactory()
    client.force_login(office_user)
    url = reverse("inspections:settings_routing_edit", args=[category.pk])
    assert client.post(url, {"lead_department": department_a.pk}).status_code == 302
    assert client.post(url, {"lead_department": department_a.pk, "cooperating_departments": [
        department_b.pk, third.pk]}).status_code == 302
    timeline = client.get(url).context["timeline"]
    changes = [change for entry in timeline for change in entry.changes]
    assert ("cơ quan phối hợp", "—",
            f"{department_b.name}, {third.name}") in [
        (str(label), old, new) for label, old, new in changes]


def test_the_office_sets_who_signs_its_documents_and_the_notice_starts_from_it(
        client, office_user, other_office_user, head_a, leader, province):
    client.force_login(office_user)
    listed = client.get(reverse("inspections:settings_issuers"))
    assert listed.status_code == 200
    # Nothing set yet: the defaults, which the Văn phòng's signature by order is.
    assert "T/L BAN THƯỜNG VỤ" in listed.content.decode()
    assert reverse("inspections:settings_issuers") in client.get(
        reverse("inspections:settings")).content.decode()
    create = reverse("inspections:settings_issuer_create", args=["party"])
    form = client.get(create)
    assert form.status_code == 200
    assert form.context["form"].fields["notice_signer"].widget.attrs["placeholder"] == \
        "T/L BAN THƯỜNG VỤ\nCHÁNH VĂN PHÒNG"
    response = client.post(create, {"notice_signer": "T/L BAN THƯỜNG VỤ\nPHÓ CHÁNH VĂN PHÒNG",
                                    "notice_signer_name": "Nguyễn Thị B"})
    assert response.status_code == 302
    body = IssuingBody.objects.get(province=province, kind="party")
    # What is left empty keeps its default.
    assert IssuingBody.for_province(province, "party").name == "Tỉnh ủy Lạng Sơn"
    assert client.get(create).url == reverse("inspections:settings_issuer_edit",
                                             args=[body.pk])
    edit = reverse("inspections:settings_issuer_edit", args=[body.pk])
    client.post(edit, {"notice_signer": "T/L BAN THƯỜNG VỤ\nCHÁNH VĂN PHÒNG",
                       "notice_signer_name": "Nguyễn Thị B", "report_signer_name": "Trần C"})
    page = client.get(edit)
    assert [entry.actor for entry in page.context["timeline"]] == [office_user, office_user]
    session = factories.SessionFactory(group__round__province=province,
                                       units=[factories.UnitFactory(province=province)])
    initial = client.get(reverse("recommendations:session_notice", args=[session.pk])).context[
        "form"].initial
    assert (initial["signer"], initial["signer_name"]) == (
        "T/L BAN THƯỜNG VỤ\nCHÁNH VĂN PHÒNG", "Nguyễn Thị B")
    report = client.get(reverse("recommendations:round_report",
                                args=[session.group.round.pk])).context["form"].initial
    assert (report["signer"], report["signer_name"]) == ("T/M BAN THƯỜNG VỤ\nPHÓ BÍ THƯ",
                                                         "Trần C")
    assert client.get(reverse("inspections:settings_issuer_create", args=["x"])).status_code \
        == 404

    # Another province's office never reaches this row; other roles may not use the page.
    client.force_login(other_office_user)
    assert client.get(edit).status_code == 404
    assert client.post(edit, {"notice_signer_name": "X"}).status_code == 404
    assert IssuingBody.objects.get(pk=body.pk).notice_signer_name == "Nguyễn Thị B"
    for user in (head_a, leader):
        client.force_login(user)
        assert client.get(reverse("inspections:settings_issuers")).status_code == 403
        assert client.get(edit).status_code == 403
