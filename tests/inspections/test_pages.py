import datetime

import pytest
from django.urls import reverse

from inspections.models import InspectionRound, Session, WorkingGroup
from tests import factories

pytestmark = pytest.mark.django_db
NO_MEMBERS = {"member-TOTAL_FORMS": 0, "member-INITIAL_FORMS": 0}


def test_office_creates_a_round_with_vietnamese_dates(client, office_user):
    client.force_login(office_user)
    response = client.post(reverse("inspections:round_create"), {
        "title": "Kiểm tra tháng 9", "period_start": "01/09/2025", "period_end": "30/09/2025"})
    inspection_round = InspectionRound.objects.get()
    assert response.status_code == 302
    assert response["Location"] == inspection_round.get_absolute_url()
    assert inspection_round.province == office_user.profile.province
    assert inspection_round.period_end == datetime.date(2025, 9, 30)


def test_invalid_round_keeps_what_was_typed_and_says_why(client, office_user):
    client.force_login(office_user)
    response = client.post(reverse("inspections:round_create"), {
        "title": "Đợt kiểm tra đang nhập dở", "period_start": "30/09/2025",
        "period_end": "01/09/2025", "convened_by": "Ban Thường vụ"})
    page = response.content.decode()
    assert response.status_code == 200
    assert 'value="Đợt kiểm tra đang nhập dở"' in page and 'value="Ban Thường vụ"' in page
    assert "error-summary" in page
    assert InspectionRound.objects.count() == 0


def test_a_duplicate_group_number_is_a_form_error_not_a_500(client, office_user, province):
    group = factories.GroupFactory(round__province=province, number=9)
    client.force_login(office_user)
    response = client.post(reverse("inspections:group_create", args=[group.round_id]),
                           {"number": "9", "leader_name": "Giáp Thị Bắc", **NO_MEMBERS})
    assert response.status_code == 200
    assert response.context["form"].errors["number"]
    assert WorkingGroup.objects.count() == 1


def test_group_units_are_limited_to_the_rounds_province(client, office_user, province,
                                                        other_province):
    inspection_round = factories.RoundFactory(province=province)
    foreign_unit = factories.UnitFactory(province=other_province)
    client.force_login(office_user)
    response = client.post(reverse("inspections:group_create", args=[inspection_round.pk]),
                           {"number": "1", "leader_name": "A", "units": [foreign_unit.pk],
                            **NO_MEMBERS})
    assert response.status_code == 200 and response.context["form"].errors["units"]


def test_a_stale_session_save_is_refused_and_keeps_the_input(client, office_user, province):
    unit = factories.UnitFactory(province=province)
    session = factories.SessionFactory(group__round__province=province, units=[unit])
    client.force_login(office_user)
    url = reverse("inspections:session_edit", args=[session.pk])
    data = {"date": "05/08/2025", "part_of_day": "afternoon", "venue": "Hội trường xã",
            "units": [unit.pk], "version": session.version}
    Session.objects.filter(pk=session.pk).update(version=session.version + 1)  # someone else
    response = client.post(url, data)
    assert response.status_code == 200
    assert "Người khác đã lưu buổi làm việc này" in response.content.decode()
    assert 'value="Hội trường xã"' in response.content.decode()
    session.refresh_from_db()
    assert session.venue == ""
    data["version"] = session.version
    assert client.post(url, data).status_code == 302
    session.refresh_from_db()
    assert (session.venue, session.version) == ("Hội trường xã", data["version"] + 1)


def test_a_final_session_is_read_only(client, office_user, province):
    session = factories.SessionFactory(group__round__province=province, status="final")
    client.force_login(office_user)
    response = client.get(reverse("inspections:session_edit", args=[session.pk]))
    assert response.status_code == 302 and response["Location"] == session.get_absolute_url()


def test_leader_reads_a_session_without_edit_links(client, leader, province):
    session = factories.SessionFactory(group__round__province=province)
    client.force_login(leader)
    page = client.get(session.get_absolute_url()).content.decode()
    assert reverse("inspections:session_edit", args=[session.pk]) not in page


def test_session_page_query_count_does_not_grow_with_items(client, leader, province,
                                                           count_queries):
    from inspections.models import Difficulty, Directive, DirectiveFollowUp
    from recommendations.models import Recommendation

    category = factories.CategoryFactory()

    def session_with(units, items):
        unit_objects = [factories.UnitFactory(province=province) for _ in range(units)]
        session = factories.SessionFactory(group__round__province=province, units=unit_objects)
        for n in range(items):
            difficulty = Difficulty.objects.create(session=session, category=category,
                                                   text=f"Khó khăn {n}")
            difficulty.units.set(unit_objects)
            recommendation = Recommendation.objects.create(session=session, category=category,
                                                           text=f"Kiến nghị {n}")
            recommendation.units.set(unit_objects)
            directive = Directive.objects.create(session=session, text=f"Nhiệm vụ {n}")
            DirectiveFollowUp.objects.bulk_create(
                DirectiveFollowUp(directive=directive, unit=u) for u in unit_objects)
        return session

    client.force_login(leader)
    small, large = session_with(2, 2), session_with(8, 20)
    assert count_queries(lambda: client.get(small.get_absolute_url())) == count_queries(
        lambda: client.get(large.get_absolute_url()))


def test_a_group_is_saved_with_its_members(client, office_user, province, department_a,
                                           other_province):
    inspection_round = factories.RoundFactory(province=province)
    unit = factories.UnitFactory(province=province)
    foreign_department = factories.DepartmentFactory(province=other_province)
    client.force_login(office_user)
    url = reverse("inspections:group_create", args=[inspection_round.pk])
    data = {"number": "9", "leader_name": "Giáp Thị Bắc", "units": [unit.pk],
            "member-TOTAL_FORMS": 2, "member-INITIAL_FORMS": 0,
            "member-0-name": "Hoàng Văn Minh", "member-0-title": "Giám đốc Sở Nội vụ",
            "member-0-department": department_a.pk, "member-0-role": "member",
            "member-1-name": "Người tỉnh khác", "member-1-department": foreign_department.pk,
            "member-1-role": "member"}
    response = client.post(url, data)
    assert response.status_code == 200  # the other province's department is refused
    assert not WorkingGroup.objects.exists()
    assert 'value="Hoàng Văn Minh"' in response.content.decode()
    data.update({"member-1-department": "", "member-1-role": "secretary"})
    assert client.post(url, data).status_code == 302
    group = WorkingGroup.objects.get()
    assert sorted(group.members.values_list("name", "role")) == [
        ("Hoàng Văn Minh", "member"), ("Người tỉnh khác", "secretary")]
    assert list(group.units.all()) == [unit]


def test_the_session_page_pages_its_items_in_tabs_with_the_same_queries(client, leader,
                                                                        province,
                                                                        count_queries):
    from inspections.models import Difficulty, Directive
    from recommendations.models import Recommendation

    session = factories.SessionFactory(group__round__province=province)
    category = factories.CategoryFactory()
    unit = factories.UnitFactory(province=province)

    def add(count):
        for model, extra in ((Recommendation, {"province": province}), (Difficulty, {}),
                             (Directive, {})):
            items = model.objects.bulk_create(
                model(session=session, text=f"Mục {n}", **extra,
                      **({} if model is Directive else {"category": category}))
                for n in range(count))
            if model is not Directive:
                model.units.through.objects.bulk_create(
                    model.units.through(**{model._meta.model_name: item,
                                           "administrativeunit": unit}) for item in items)

    client.force_login(leader)
    url = session.get_absolute_url()
    add(2)
    few = {tab: count_queries(lambda tab=tab: client.get(f"{url}?tab={tab}"))
           for tab in ("recommendations", "difficulties", "directives")}
    add(60)
    many = {tab: count_queries(lambda tab=tab: client.get(f"{url}?tab={tab}"))
            for tab in ("recommendations", "difficulties", "directives")}
    assert few == many
    page = client.get(f"{url}?tab=difficulties&page=3")
    assert page.context["page"].paginator.count == 62
    assert len(page.context["page"].object_list) == 62 - 2 * 25
    text = page.content.decode()
    assert '<span class="count">62</span>' in text and "Mục 59" in text
