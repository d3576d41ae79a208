"""Figures typed as a grid (inspections/figure_forms.py): on the recording page, one grid per
month, units down and metrics across; on a unit's page, one table for the month. Only the
cells that changed are written."""

import datetime

import pytest
from django.urls import reverse

from inspections.models import Metric, ReportedFigure, SubmittedFigure
from tests import factories
from tests.recording import as_posted

pytestmark = pytest.mark.django_db

JULY, AUGUST = datetime.date(2025, 7, 1), datetime.date(2025, 8, 1)


@pytest.fixture
def metrics():
    return list(Metric.objects.all())


def session_with_figures(province, unit_count, metrics, month=JULY):
    units = [factories.UnitFactory(province=province) for _ in range(unit_count)]
    session = factories.SessionFactory(group__round__province=province, units=units,
                                       date=datetime.date(2025, 8, 20))
    ReportedFigure.objects.bulk_create(
        ReportedFigure(session=session, unit=unit, metric=metric, month=month,
                       value=10 * row + column)
        for row, unit in enumerate(units) for column, metric in enumerate(metrics))
    return session, units


def record(client, session, change=None):
    session.refresh_from_db()
    return client.post(reverse("recommendations:session_record", args=[session.pk]),
                       as_posted(session, change))


def history_rows():
    return ReportedFigure.history.count()


def test_a_page_saved_unchanged_writes_no_figure(client, office_user, province, metrics):
    session, _units = session_with_figures(province, 8, metrics)
    client.force_login(office_user)
    before = history_rows()
    assert record(client, session).status_code == 302
    assert history_rows() == before
    session.refresh_from_db()
    assert session.version == 2  # the save itself is recorded


def test_saving_an_unchanged_page_costs_the_same_for_2_units_as_for_8(
        client, office_user, province, metrics, count_queries):
    client.force_login(office_user)
    small, _units = session_with_figures(province, 2, metrics)
    large, _units = session_with_figures(province, 8, metrics)
    assert count_queries(lambda: record(client, small)) == count_queries(
        lambda: record(client, large))


def test_only_the_cell_changed_is_written(client, office_user, province, metrics):
    session, units = session_with_figures(province, 3, metrics)
    client.force_login(office_user)
    before = history_rows()
    cell = f"figure-0-v{units[1].pk}_{metrics[0].pk}"
    assert record(client, session, lambda data: data.update({cell: "6.600"})).status_code == 302
    assert history_rows() == before + 1
    assert ReportedFigure.objects.get(unit=units[1], metric=metrics[0]).value == 6600


def test_a_cleared_cell_deletes_its_figure(client, office_user, province, metrics):
    session, units = session_with_figures(province, 2, metrics)
    client.force_login(office_user)
    cell = f"figure-0-v{units[0].pk}_{metrics[3].pk}"
    assert record(client, session, lambda data: data.update({cell: ""})).status_code == 302
    assert not ReportedFigure.objects.filter(unit=units[0], metric=metrics[3]).exists()
    assert ReportedFigure.objects.count() == 2 * 11 - 1


def test_a_grid_given_another_month_moves_its_figures(client, office_user, province, metrics):
    session, _units = session_with_figures(province, 2, metrics)
    client.force_login(office_user)
    assert record(client, session, lambda data: data.update(
        {"figure-0-month": "08/2025"})).status_code == 302
    assert set(ReportedFigure.objects.values_list("month", flat=True)) == {AUGUST}
    assert ReportedFigure.objects.count() == 22


def test_a_joint_figure_and_its_estimate_and_note(client, office_user, province, metrics):
    session, _units = session_with_figures(province, 2, [])
    client.force_login(office_user)
    received = metrics[0]
    response = record(client, session, lambda data: data.update({
        "figure-0-month": "07/2025", f"figure-0-vj_{received.pk}": "6.600",
        f"figure-0-ej_{received.pk}": "on", f"figure-0-nj_{received.pk}": "của bốn phường"}))
    assert response.status_code == 302
    figure = ReportedFigure.objects.get()
    assert (figure.unit, figure.value, figure.approximate, figure.note, figure.month) == (
        None, 6600, True, "của bốn phường", JULY)
    page = client.get(reverse("recommendations:session_record", args=[session.pk]))
    assert 'class="cell estimate"' in page.content.decode()


def test_months_each_have_their_grid_and_may_be_added(client, office_user, province, metrics):
    session, units = session_with_figures(province, 2, metrics[:1])
    ReportedFigure.objects.create(session=session, unit=units[0], metric=metrics[1],
                                  month=AUGUST, value=5)
    client.force_login(office_user)
    page = client.get(reverse("recommendations:session_record", args=[session.pk]))
    assert [form.original_month for form in page.context["formsets"]["figures"].forms] == [
        JULY, AUGUST]

    def add_june(data):
        data.update({"figure-TOTAL_FORMS": 3, "figure-2-month": "06/2025",
                     f"figure-2-v{units[1].pk}_{metrics[2].pk}": "87"})

    assert record(client, session, add_june).status_code == 302
    assert ReportedFigure.objects.get(month=datetime.date(2025, 6, 1)).value == 87
    assert ReportedFigure.objects.count() == 4


def test_two_grids_of_one_month_are_refused(client, office_user, province, metrics):
    session, units = session_with_figures(province, 2, metrics[:1])
    client.force_login(office_user)
    response = record(client, session, lambda data: data.update({
        "figure-TOTAL_FORMS": 2, "figure-1-month": "07/2025",
        f"figure-1-v{units[1].pk}_{metrics[2].pk}": "87"}))
    assert response.status_code == 400
    assert "đã có ở bảng phía trên" in response.content.decode()
    assert ReportedFigure.objects.count() == 2


def test_a_forged_second_grid_of_a_month_is_refused_not_a_500(client, office_user, province,
                                                              metrics):
    session, units = session_with_figures(province, 2, metrics[:1])
    client.force_login(office_user)
    response = record(client, session, lambda data: data.update({
        "figure-TOTAL_FORMS": 2, "figure-1-was": "2025-07-01", "figure-1-month": "06/2025",
        f"figure-1-v{units[1].pk}_{metrics[2].pk}": "87"}))
    assert response.status_code == 400
    assert ReportedFigure.objects.count() == 2


@pytest.mark.parametrize(("cells", "message"), [
    ({"n": "ghi chú"}, "bỏ đánh dấu ước tính và ghi chú"),
    ({"v": "6,600"}, "Số hàng nghìn ghi bằng dấu chấm"),
    ({"v": "87,76"}, "là chỉ tiêu số lượng"),
])
def test_a_cell_that_cannot_be_saved_is_refused_with_its_message_and_kept(
        client, office_user, province, metrics, cells, message):
    session, units = session_with_figures(province, 2, [])
    client.force_login(office_user)
    typed = {f"figure-0-{kind}{units[0].pk}_{metrics[0].pk}": text
             for kind, text in cells.items()}
    response = record(client, session, lambda data: data.update(typed))
    page = response.content.decode()
    assert response.status_code == 400
    assert message in page
    for text in cells.values():
        assert f'value="{text}"' in page
    assert 'aria-invalid="true"' in page
    assert not ReportedFigure.objects.exists()


def test_figures_a_unit_sent_are_offered_marked_then_taken_in(client, office_user, province,
                                                              metrics, ward_a_unit):
    session, units = session_with_figures(province, 1, [])
    session.units.add(ward_a_unit)
    submission = session.submissions.create(unit=ward_a_unit, submitted_by=office_user)
    SubmittedFigure.objects.create(submission=submission, metric=metrics[0], month=JULY,
                                   value=6600)
    SubmittedFigure.objects.create(submission=submission, metric=metrics[1], month=JULY,
                                   value=5000)
    client.force_login(office_user)
    url = reverse("recommendations:session_record", args=[session.pk])
    page = client.get(url).content.decode()
    assert page.count('class="cell from-unit"') == 2
    # The office leaves one out and saves: the other is recorded as the unit sent it.
    cleared = f"figure-0-v{ward_a_unit.pk}_{metrics[1].pk}"
    assert record(client, session, lambda data: data.update({cleared: ""})).status_code == 302
    assert list(ReportedFigure.objects.values_list("unit", "metric", "value")) == [
        (ward_a_unit.pk, metrics[0].pk, 6600)]
    # Taken in: the unit's figures of that month are not offered again.
    page = client.get(url).content.decode()
    assert f'name="{cleared}" id="id_{cleared}" value=""' in page
    assert record(client, session).status_code == 302
    assert ReportedFigure.objects.count() == 1


def test_the_parts_show_counts_only_of_what_is_recorded(client, office_user, province):
    session, _units = session_with_figures(province, 3, [])
    client.force_login(office_user)
    page = client.get(reverse("recommendations:session_record", args=[session.pk]))
    text = page.content.decode()
    assert 'class="count"' not in text
    assert "Thành phần dự và đánh giá chung" in text
    assert "Kết luận buổi làm việc" not in text


# A unit's table of its month ---------------------------------------------------------------


def unit_url(session):
    return reverse("recommendations:unit_session", args=[session.pk])


@pytest.fixture
def ward_session(province, ward_a_unit):
    return factories.SessionFactory(group__round__province=province, units=[ward_a_unit],
                                    date=datetime.date(2025, 8, 20))


def unit_post(metrics, values, month="07/2025", **extra):
    data = {"achievements": "", "facilities": "", "staffing_notes": "", "figure-month": month,
            **extra}
    data.update({f"figure-vu_{metric.pk}": value for metric, value in zip(metrics, values,
                                                                           strict=False)})
    return data


def test_a_unit_sends_its_month_and_sending_it_again_rewrites_nothing(
        client, ward_a, ward_session, metrics):
    client.force_login(ward_a)
    values = [f"{n + 1}.000" for n in range(8)] + ["87,76", "99", "50"]
    assert client.post(unit_url(ward_session), unit_post(metrics, values)).status_code == 302
    sent = SubmittedFigure.objects.all()
    assert sent.count() == 11 and {f.month for f in sent} == {JULY}
    before = SubmittedFigure.history.count()
    again = unit_post(metrics, values, **{"figure-was": "2025-07-01"})
    assert client.post(unit_url(ward_session), again).status_code == 302
    assert SubmittedFigure.history.count() == before
    # A value cleared is no longer sent.
    values[3] = ""
    client.post(unit_url(ward_session), unit_post(metrics, values, **{"figure-was": "07/2025"}))
    assert SubmittedFigure.objects.count() == 10


def test_a_units_table_of_a_month_sent_is_not_given_another_month(
        client, ward_a, ward_session, metrics, ward_a_unit, office_user):
    """July's table cannot be sent as June's (what was not retyped would become June's and
    July's would be gone); June gets a table of its own, and May's figures stay as sent."""
    submission = ward_session.submissions.create(unit=ward_a_unit, submitted_by=ward_a)
    SubmittedFigure.objects.create(submission=submission, metric=metrics[0],
                                   month=datetime.date(2025, 5, 1), value=4)
    SubmittedFigure.objects.create(submission=submission, metric=metrics[0], month=JULY,
                                   value=7)
    client.force_login(ward_a)
    page = client.get(unit_url(ward_session)).content.decode()
    assert 'value="07/2025"' in page and "Số liệu đã gửi của các tháng khác" in page
    data = unit_post(metrics, ["8"], month="06/2025", **{"figure-was": "2025-07-01"})
    assert client.post(unit_url(ward_session), data).status_code == 400
    data["figure-was"] = "2025-06-01"
    assert client.post(unit_url(ward_session) + "?month=2025-06", data).status_code == 302
    assert sorted(SubmittedFigure.objects.values_list("month", "value")) == [
        (datetime.date(2025, 5, 1), 4), (datetime.date(2025, 6, 1), 8), (JULY, 7)]


def test_a_units_table_hints_its_figures_of_the_month_before(client, ward_a, ward_session,
                                                             metrics, ward_a_unit):
    earlier = factories.SessionFactory(group=ward_session.group, units=[ward_a_unit])
    ReportedFigure.objects.create(session=earlier, unit=ward_a_unit, metric=metrics[0],
                                  month=datetime.date(2025, 6, 1), value=6450)
    ReportedFigure.objects.create(session=earlier, unit=None, metric=metrics[1],
                                  month=datetime.date(2025, 6, 1), value=1)  # joint: not its own
    client.force_login(ward_a)
    page = client.get(unit_url(ward_session)).content.decode()
    assert "Tháng trước (06/2025)" in page
    assert "6.450" in page
    assert page.count('class="visually-hidden">Tháng 06/2025:') == 1


def test_a_units_table_refuses_what_it_cannot_read_and_keeps_it(client, ward_a, ward_session,
                                                                metrics):
    client.force_login(ward_a)
    response = client.post(unit_url(ward_session), unit_post(metrics, ["6,600"], month=""))
    page = response.content.decode()
    assert response.status_code == 400
    assert "Số hàng nghìn ghi bằng dấu chấm" in page and 'value="6,600"' in page
    assert "Đề nghị nhập tháng của các số liệu này." in page
    assert not SubmittedFigure.objects.exists()


def test_the_office_sees_what_the_unit_sent_when_it_recorded_another_value(
        client, office_user, province, metrics, ward_a_unit):
    session, _units = session_with_figures(province, 1, [])
    session.units.add(ward_a_unit)
    submission = session.submissions.create(unit=ward_a_unit, submitted_by=office_user)
    SubmittedFigure.objects.create(submission=submission, metric=metrics[0], month=JULY,
                                   value=6600)
    ReportedFigure.objects.create(session=session, unit=ward_a_unit, metric=metrics[0],
                                  month=JULY, value=6500)
    client.force_login(office_user)
    page = client.get(reverse("recommendations:session_record", args=[session.pk]))
    text = page.content.decode()
    assert "đơn vị gửi: 6.600" in text
    assert 'class="cell from-unit"' not in text
