import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from inspections.models import (
    Difficulty,
    Directive,
    Metric,
    ReportedFigure,
    Session,
    UnitReport,
)
from recommendations.models import Recommendation, Status
from tests import factories

pytestmark = pytest.mark.django_db

PREFIXES = ("report", "figure", "difficulty", "recommendation", "directive", "visit")


def record_data(session, **rows):
    """POST data for the recording page: `rows[prefix]` is a list of dicts, one per row."""
    data = {"version": session.version, "save": "1"}
    for prefix in PREFIXES:
        items = rows.get(prefix, [])
        initial = rows.get(f"{prefix}_initial", 0)
        data.update({f"{prefix}-TOTAL_FORMS": len(items), f"{prefix}-INITIAL_FORMS": initial,
                     f"{prefix}-MIN_NUM_FORMS": 0, f"{prefix}-MAX_NUM_FORMS": 1000})
        for index, item in enumerate(items):
            data.update({f"{prefix}-{index}-{key}": value for key, value in item.items()})
    return data


@pytest.fixture
def setting(province, department_a):
    units = [factories.UnitFactory(province=province, name=name)
             for name in ("Đình Lập", "Châu Sơn", "Kiên Mộc", "Thái Bình")]
    session = factories.SessionFactory(group__round__province=province, group__number=9,
                                       units=units)
    return session, units


def url(session):
    return reverse("recommendations:session_record", args=[session.pk])


def test_office_records_a_whole_session(client, office_user, setting, department_a):
    session, units = setting
    category = factories.CategoryFactory(code="facilities", name="Trụ sở, cơ sở vật chất")
    metric = Metric.objects.get(code="received_total")
    client.force_login(office_user)
    data = record_data(
        session,
        report=[{"unit": u.pk, "achievements": f"Kết quả của {u.name}"} for u in units],
        figure=[{"month": "07/2025", f"vj_{metric.pk}": "6600", f"ej_{metric.pk}": "on"}],
        difficulty=[{"category": category.pk, "text": "Trụ sở xuống cấp",
                     "raised_jointly": "on"}],
        recommendation=[
            {"category": category.pk, "text": "Bố trí kinh phí sửa chữa trụ sở",
             "priority": "normal", "units": [units[0].pk, units[1].pk]},
            {"category": category.pk, "text": "Cấp máy tính cho bộ phận một cửa",
             "priority": "high", "raised_jointly": "on", "answered_by": "Giám đốc Sở Tài chính",
             "answer": "Sở sẽ bố trí trong quý IV"},
        ],
        directive=[{"text": "Phối hợp thực hiện nhiệm vụ", "due_date": "30/09/2025",
                    "units": [units[0].pk, units[2].pk], "departments": [department_a.pk]}],
        visit=[{"place": "Trung tâm Phục vụ hành chính công xã Đình Lập", "unit": units[0].pk}],
    )
    response = client.post(url(session), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    session.refresh_from_db()
    assert session.version == 2
    assert UnitReport.objects.filter(session=session).count() == 4
    figure = ReportedFigure.objects.get(session=session)
    assert (figure.unit, figure.value, figure.month) == (None, 6600, datetime.date(2025, 7, 1))
    assert list(Difficulty.objects.get().units.order_by("pk")) == units
    some, joint = Recommendation.objects.order_by("pk")
    assert not some.raised_jointly and set(some.units.all()) == set(units[:2])
    assert joint.status == Status.ANSWERED_ON_THE_SPOT
    assert joint.answered_by == "Giám đốc Sở Tài chính"
    assert joint.events.get().actor == office_user
    directive = Directive.objects.get()
    assert directive.due_date == datetime.date(2025, 9, 30)
    assert directive.follow_ups.count() == 3
    assert session.field_visits.get().unit == units[0]


def test_invalid_rows_save_nothing_and_keep_what_was_typed(client, office_user, setting):
    session, units = setting
    category = factories.CategoryFactory()
    client.force_login(office_user)
    data = record_data(session, recommendation=[
        {"category": category.pk, "text": "Kiến nghị chưa chọn xã nêu", "priority": "normal"}],
        difficulty=[{"category": category.pk, "text": "Khó khăn hợp lệ",
                     "raised_jointly": "on"}])
    response = client.post(url(session), data)
    page = response.content.decode()
    assert response.status_code == 400
    assert "Kiến nghị chưa chọn xã nêu" in page and "Khó khăn hợp lệ" in page
    assert "error-summary" in page
    assert not Recommendation.objects.exists() and not Difficulty.objects.exists()
    session.refresh_from_db()
    assert session.version == 1


def test_a_stale_save_is_refused_with_the_input_kept(client, office_user, setting):
    session, units = setting
    category = factories.CategoryFactory()
    client.force_login(office_user)
    data = record_data(session, difficulty=[
        {"category": category.pk, "text": "Nội dung người thứ hai gõ", "raised_jointly": "on"}])
    Session.objects.filter(pk=session.pk).update(version=5)
    response = client.post(url(session), data)
    assert response.status_code == 409
    assert "Nội dung người thứ hai gõ" in response.content.decode()
    assert not Difficulty.objects.exists()


def test_finalise_then_reopen(client, office_user, setting):
    session, _units = setting
    client.force_login(office_user)
    data = record_data(session)
    data["finalise"] = "1"
    assert client.post(url(session), data).status_code == 302
    session.refresh_from_db()
    assert session.status == Session.Status.FINAL
    # Read-only until reopened: a late save shows the input back and stores nothing.
    category = factories.CategoryFactory()
    late = client.post(url(session), record_data(session, difficulty=[
        {"category": category.pk, "text": "Gõ sau khi đã hoàn tất", "raised_jointly": "on"}]))
    assert late.status_code == 409
    assert "Gõ sau khi đã hoàn tất" in late.content.decode()
    assert not Difficulty.objects.exists()
    client.post(reverse("inspections:session_reopen", args=[session.pk]))
    session.refresh_from_db()
    assert session.status == Session.Status.DRAFT
    assert session.history.first().history_change_reason == "reopened"
    assert session.history.first().history_user == office_user


def test_leader_reads_the_record_page_without_saving(client, leader, setting):
    session, _units = setting
    client.force_login(leader)
    page = client.get(url(session)).content.decode()
    assert 'name="finalise"' not in page and "data-draft-key" not in page
    assert client.post(url(session), record_data(session)).status_code == 403


def test_record_page_query_count_does_not_grow(client, office_user, province, count_queries):
    category = factories.CategoryFactory()
    department = factories.DepartmentFactory(province=province)
    metric = Metric.objects.first()

    def session_with(unit_count, item_count):
        """A session with `item_count` items, taking turns among the kinds of item."""
        units = [factories.UnitFactory(province=province) for _ in range(unit_count)]
        session = factories.SessionFactory(group__round__province=province, units=units)
        for n in range(item_count):
            kind = n % 4
            if kind == 0:
                Difficulty.objects.create(session=session, category=category,
                                          text=f"d{n}").units.set(units)
            elif kind == 1:
                Recommendation.objects.create(session=session, category=category,
                                              text=f"r{n}").units.set(units)
            elif kind == 2:
                directive = Directive.objects.create(session=session, text=f"n{n}")
                directive.follow_ups.create(department=department)
            else:
                ReportedFigure.objects.create(session=session, metric=metric, unit=units[0],
                                              month=datetime.date(2000 + n, 1, 1), value=n)
        return session

    client.force_login(office_user)
    small, large = session_with(2, 5), session_with(8, 60)
    assert count_queries(lambda: client.get(url(small))) == count_queries(
        lambda: client.get(url(large)))


def test_an_admin_edit_of_a_session_item_counts_as_a_change_of_the_session(
    admin_client, setting
):
    session, units = setting
    category = factories.CategoryFactory()
    difficulty = Difficulty.objects.create(session=session, category=category, text="Cũ")
    response = admin_client.post(
        reverse("admin:inspections_difficulty_change", args=[difficulty.pk]),
        {"session": session.pk, "category": category.pk, "text": "Sửa trong trang quản trị",
         "raised_jointly": "on", "units": [u.pk for u in units]})
    assert response.status_code == 302
    session.refresh_from_db()
    assert session.version == 2


def test_two_reports_for_one_unit_are_a_form_error_not_a_500(client, office_user, setting):
    session, units = setting
    client.force_login(office_user)
    data = record_data(session, report=[{"unit": units[0].pk, "achievements": "Một"},
                                        {"unit": units[0].pk, "achievements": "Hai"}])
    assert client.post(url(session), data).status_code == 400
    metric = Metric.objects.first()
    figure = {"month": "07/2025", f"vj_{metric.pk}": "1"}
    data = record_data(session, figure=[figure, {**figure, f"vj_{metric.pk}": "2"}])
    assert client.post(url(session), data).status_code == 400
    assert not ReportedFigure.objects.exists() and not UnitReport.objects.exists()


def test_saving_again_after_a_conflict_does_not_crash(client, office_user, setting):
    session, units = setting
    client.force_login(office_user)
    # A colleague recorded the unit's report meanwhile; this user typed a new one for it.
    UnitReport.objects.create(session=session, unit=units[0], achievements="Của đồng nghiệp")
    Session.objects.filter(pk=session.pk).update(version=2)
    data = record_data(session, report=[{"unit": units[0].pk, "achievements": "Của tôi"}])
    assert client.post(url(session), data).status_code == 409
    data["version"] = 2
    response = client.post(url(session), data)
    assert response.status_code == 400  # one report per unit: a form error, not a 500
    assert "Của tôi" in response.content.decode()


def test_a_done_follow_up_survives_unticking_its_unit(client, office_user, setting):
    session, units = setting
    directive = Directive.objects.create(session=session, text="Nhiệm vụ")
    done = directive.follow_ups.create(unit=units[0], status="done", note="Đã xong")
    directive.follow_ups.create(unit=units[1])
    client.force_login(office_user)
    data = record_data(session, directive=[{"id": directive.pk, "text": "Nhiệm vụ",
                                            "units": [units[2].pk]}], directive_initial=1)
    assert client.post(url(session), data).status_code == 302
    assert sorted(directive.follow_ups.values_list("unit_id", flat=True)) == sorted(
        [units[0].pk, units[2].pk])
    done.refresh_from_db()
    assert done.note == "Đã xong"


def test_conclusion_is_recorded(client, office_user, setting):
    session, _units = setting
    client.force_login(office_user)
    data = record_data(session)
    data.update({"session-unit_side": "Bí thư, Chủ tịch UBND các xã",
                 "session-leader_assessment": "Bộ máy vận hành thông suốt"})
    assert client.post(url(session), data).status_code == 302
    session.refresh_from_db()
    assert session.leader_assessment == "Bộ máy vận hành thông suốt"


def test_rows_of_another_provinces_session_cannot_be_changed(
    client, office_user, setting, other_province
):
    session, units = setting
    foreign = factories.SessionFactory(group__round__province=other_province)
    category = factories.CategoryFactory()
    theirs = Difficulty.objects.create(session=foreign, category=category, text="Của tỉnh khác")
    foreign_department = factories.DepartmentFactory(province=other_province)
    client.force_login(office_user)
    data = record_data(session, difficulty=[
        {"id": theirs.pk, "category": category.pk, "text": "Bị sửa", "raised_jointly": "on",
         "DELETE": "on"}], difficulty_initial=1)
    client.post(url(session), data)
    theirs.refresh_from_db()
    assert theirs.text == "Của tỉnh khác"
    session.refresh_from_db()
    data = record_data(session, directive=[{"text": "Giao sở tỉnh khác",
                                            "departments": [foreign_department.pk]}])
    assert client.post(url(session), data).status_code == 400
    assert not Directive.objects.exists()


def test_a_unit_with_records_cannot_be_dropped_from_the_session(client, office_user, setting):
    session, units = setting
    UnitReport.objects.create(session=session, unit=units[3], achievements="Có báo cáo")
    client.force_login(office_user)
    response = client.post(reverse("inspections:session_edit", args=[session.pk]), {
        "date": "12/08/2025", "part_of_day": "morning", "units": [u.pk for u in units[:3]],
        "version": session.version})
    assert response.status_code == 200
    assert response.context["form"].errors["units"]
    assert session.units.count() == 4


def test_session_and_directive_pages_show_a_vietnamese_timeline(client, office_user, setting,
                                                                 leader):
    session, units = setting
    category = factories.CategoryFactory()
    client.force_login(office_user)
    data = record_data(session, difficulty=[
        {"category": category.pk, "text": "Thiếu máy tính", "raised_jointly": "on"}],
        directive=[{"text": "Rà soát trang thiết bị", "units": [units[0].pk]}])
    assert client.post(url(session), data).status_code == 302
    directive = Directive.objects.get()
    follow_up = directive.follow_ups.get()
    client.post(reverse("recommendations:follow_up_update", args=[follow_up.pk]),
                {f"f{follow_up.pk}-status": "done", f"f{follow_up.pk}-note": "Đã rà soát",
                 f"f{follow_up.pk}-completed_on": "25/08/2025"})
    follow_up.refresh_from_db()
    assert (follow_up.status, follow_up.note) == ("done", "Đã rà soát")
    client.force_login(leader)
    page = client.get(reverse("inspections:session_history", args=[session.pk])).content.decode()
    assert "Lịch sử xử lý" in page and "Khó khăn, vướng mắc: Tạo mới" in page
    page = client.get(reverse("inspections:directive_detail", args=[directive.pk]))
    text = page.content.decode()
    assert "Đã rà soát" in text and "Chưa hoàn thành</del> → <ins>Đã hoàn thành" in text


def test_the_timeline_writes_figures_the_vietnamese_way(client, setting, leader):
    session, _units = setting
    figure = ReportedFigure.objects.create(
        session=session, metric=Metric.objects.get(code="online_rate"),
        month=datetime.date(2025, 7, 1), value=Decimal("87.76"))
    figure.value = Decimal("6600")
    figure.metric = Metric.objects.get(code="received_total")
    figure.save()
    client.force_login(leader)
    page = client.get(reverse("inspections:session_history", args=[session.pk])).content.decode()
    assert "87,76" in page and "6.600" in page
    assert "87.76" not in page and "6600.00" not in page
