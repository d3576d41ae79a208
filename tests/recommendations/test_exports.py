"""The lists' XLSX exports open ready to work (issue 25): title rows that say what the list
is, which filters made it and who exported it when; a bold, frozen, filtered header; dates
and numbers Excel sorts and filters. The CSV stays a header and rows, dates as text."""

import csv
import datetime
import io
import re
import tracemalloc

import pytest
from django.urls import reverse
from django.utils import timezone

from inspections.models import Directive, DirectiveFollowUp
from recommendations import exports, tally
from recommendations.models import Recommendation, Status
from tests import factories
from tests.spreadsheets import read_export

pytestmark = pytest.mark.django_db


@pytest.fixture
def routed(province, department_a):
    session = factories.SessionFactory(group__round__province=province, group__number=3,
                                       date=datetime.date(2025, 8, 4))
    unit = factories.UnitFactory(province=province, name="Đông Kinh", kind="ward")
    items = []
    for n, due in enumerate((datetime.date(2025, 9, 30), datetime.date(2025, 10, 15))):
        item = factories.RecommendationFactory(
            session=session, status=Status.ROUTED, lead_department=department_a,
            due_date=due, text=f"Bổ sung biên chế {n}")
        item.units.add(unit)
        items.append(item)
    factories.RecommendationFactory(session=session, status=Status.NEW, text="Chưa chuyển")
    return items


def csv_rows(response):
    return list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode()[1:])))


def test_the_recommendation_list_opens_ready_to_work(client, office_user, routed):
    office_user.first_name = "Nguyễn Thị Lan"  # the portal keeps the full name there
    office_user.save()
    client.force_login(office_user)
    url = reverse("recommendations:list")
    xlsx = read_export(client.get(url, {"format": "xlsx", "status": "routed"}))
    title, filters, exported = xlsx.titles
    assert title == "Kiến nghị, đề xuất"
    assert filters == "Bộ lọc: Trạng thái: Đã chuyển xử lý."
    now = timezone.localtime()
    assert re.fullmatch(rf"Xuất lúc \d\d:\d\d ngày {now:%d/%m/%Y}, người xuất: "
                        r"Nguyễn Thị Lan\.", exported)
    sheet = xlsx.sheet
    assert xlsx.header[0] == "Số kiến nghị" and xlsx.header[-1] == "Ngày giải quyết"
    assert all(cell.font.b for cell in sheet[xlsx.header_row])
    assert sheet.freeze_panes == f"A{xlsx.header_row + 1}"
    last = xlsx.header_row + len(routed)
    assert sheet.auto_filter.ref == f"A{xlsx.header_row}:L{last}"
    assert sheet.column_dimensions["B"].width > sheet.column_dimensions["A"].width >= 8
    first = sheet[xlsx.header_row + 1]
    column = {name: index for index, name in enumerate(xlsx.header)}
    number, group = first[column["Số kiến nghị"]], first[column["Tổ công tác"]]
    assert (number.value, number.data_type, number.number_format) == (routed[0].pk, "n", "0")
    assert (group.value, group.number_format) == (3, "#,##0")
    for name, day in (("Ngày buổi làm việc", datetime.datetime(2025, 8, 4)),
                      ("Hạn xử lý", datetime.datetime(2025, 9, 30))):
        cell = first[column[name]]
        assert cell.is_date and cell.value == day and cell.number_format == "dd/mm/yyyy"
    # The CSV: a header and the rows, the dates as text.
    rows = csv_rows(client.get(url, {"format": "csv", "status": "routed"}))
    assert rows[0][0] == "Số kiến nghị" and rows[1][5] == "04/08/2025"
    assert rows[1][10] == "30/09/2025"


def test_an_export_says_its_filters_in_words(client, office_user, routed, department_a):
    client.force_login(office_user)
    unit = routed[0].units.get()
    xlsx = read_export(client.get(reverse("recommendations:list"), {
        "format": "xlsx", "department": department_a.pk, "unit": unit.pk,
        "date_from": "01/08/2025", "raised_in": "2025-08", "deadline": "overdue"}))
    assert xlsx.titles[1] == (
        "Bộ lọc: Buổi làm việc từ ngày: 01/08/2025; Cơ quan chủ trì: Sở Nội vụ; "
        "Đơn vị: Phường Đông Kinh; Thời hạn: quá hạn; Nêu trong tháng: 08/2025.")
    unfiltered = read_export(client.get(reverse("recommendations:list"), {"format": "xlsx"}))
    assert unfiltered.titles[1] == "Bộ lọc: không – toàn bộ những gì đồng chí được xem."
    assert len(unfiltered.rows) == 3


def test_the_inbox_export_names_its_tab(client, head_a, routed):
    client.force_login(head_a)
    xlsx = read_export(client.get(reverse("recommendations:inbox"),
                                  {"tab": "all", "format": "xlsx"}))
    assert xlsx.titles[0] == "Kiến nghị được giao – Tất cả"
    assert sorted(row[0] for row in xlsx.rows) == sorted(item.pk for item in routed)


@pytest.fixture
def directives(province, department_a, routed):
    session = routed[0].session
    unit = routed[0].units.get()
    session.units.add(unit)
    done = Directive.objects.create(session=session, text="Rà soát trang thiết bị",
                                    due_date=datetime.date(2025, 10, 20))
    pending = Directive.objects.create(session=session, text="Bố trí trụ sở",
                                       due_date=datetime.date(2025, 11, 30))
    DirectiveFollowUp.objects.create(directive=done, unit=unit, status="done",
                                     completed_on=datetime.date(2025, 10, 15), note="Xong")
    DirectiveFollowUp.objects.create(directive=done, department=department_a, status="done",
                                     completed_on=datetime.date(2025, 10, 18))
    DirectiveFollowUp.objects.create(directive=pending, unit=unit)
    return unit


def test_the_directives_export_has_the_addressee_and_the_day_done(client, office_user,
                                                                  directives, department_a):
    client.force_login(office_user)
    url = reverse("recommendations:follow_up")
    xlsx = read_export(client.get(url, {"show": "directives", "directives": "done",
                                        "format": "xlsx"}))
    assert xlsx.titles[:2] == ["Theo dõi, đôn đốc – Nhiệm vụ, theo nơi được giao",
                               "Bộ lọc: Trạng thái: Đã hoàn thành."]
    assert xlsx.header == ["Nhiệm vụ", "Tổ công tác", "Ngày buổi làm việc", "Đơn vị thực hiện",
                           "Hạn xử lý", "Trạng thái", "Ngày hoàn thành", "Ghi chú"]
    done = {row[3]: row for row in xlsx.rows}
    assert set(done) == {"Phường Đông Kinh", "Sở Nội vụ"}
    assert done["Phường Đông Kinh"][6] == datetime.datetime(2025, 10, 15)
    assert done["Sở Nội vụ"][6] == datetime.datetime(2025, 10, 18)
    completed = xlsx.sheet.cell(xlsx.header_row + 1, 7)
    assert completed.is_date and completed.number_format == "dd/mm/yyyy"
    rows = csv_rows(client.get(url, {"show": "directives", "directives": "done",
                                     "format": "csv"}))
    assert sorted(row[6] for row in rows[1:]) == ["15/10/2025", "18/10/2025"]


def test_the_directive_list_exports_what_it_lists(client, leader, directives):
    client.force_login(leader)
    url = reverse("recommendations:directive_list")
    page = client.get(url, {"unit": directives.pk}).content.decode()
    assert f"format=xlsx&amp;unit={directives.pk}" in page or \
        f"unit={directives.pk}&amp;format=xlsx" in page
    xlsx = read_export(client.get(url, {"unit": directives.pk, "format": "xlsx"}))
    assert xlsx.titles[:2] == ["Nhiệm vụ giao các đơn vị", "Bộ lọc: Đơn vị: Phường Đông Kinh."]
    # Units only, as the page lists them: the department's follow-up is not there.
    assert sorted((row[0], row[6]) for row in xlsx.rows) == [
        ("Bố trí trụ sở", None), ("Rà soát trang thiết bị", datetime.datetime(2025, 10, 15))]


def test_the_follow_up_exports_say_which_section(client, office_user, routed):
    client.force_login(office_user)
    for section, words in (("overdue", "Thời hạn: quá hạn"), ("due_soon", "Thời hạn: sắp đến hạn"),
                           ("extensions", "đang chờ quyết định")):
        xlsx = read_export(client.get(reverse("recommendations:follow_up"),
                                      {"show": section, "format": "xlsx"}))
        assert xlsx.titles[0].startswith("Theo dõi, đôn đốc – ")
        assert xlsx.titles[1] == f"Bộ lọc: {words}."


def exported_peak(client, url):
    """The most memory (bytes) Python held while the export was made and read out."""
    tracemalloc.start()
    try:
        response = client.get(url, {"format": "xlsx"})
        for _piece in response.streaming_content:
            pass
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


@pytest.mark.slow
def test_a_ten_thousand_row_export_keeps_memory_flat(client, office_user, province,
                                                     department_a, monkeypatch):
    """The rows are read CHUNK at a time and written to the file as they come: once past a
    chunk, more rows take no more memory. With chunks of 2,000, 10,000 rows take about the
    memory of 5,000 (a workbook held in memory, or rows read all at once, would take about
    twice as much)."""
    monkeypatch.setattr(exports, "CHUNK", 2_000)
    session = factories.SessionFactory(group__round__province=province)
    category = factories.CategoryFactory()

    def add(count):
        Recommendation.objects.bulk_create(
            Recommendation(session=session, province=province, category=category,
                           text=f"Kiến nghị {n} về đầu tư trụ sở, trang thiết bị và đường truyền",
                           status=Status.ROUTED, lead_department=department_a,
                           due_date=datetime.date(2025, 9, 30))
            for n in range(count))
        tally.sessions_changed({session.pk})

    client.force_login(office_user)
    url = reverse("recommendations:list")
    add(5_000)
    half = exported_peak(client, url)
    add(5_000)
    full = exported_peak(client, url)
    assert full < half * 1.2, (half, full)
    xlsx = read_export(client.get(url, {"format": "xlsx"}))
    assert len(xlsx.rows) == 10_000
    assert xlsx.sheet.auto_filter.ref == f"A{xlsx.header_row}:L{xlsx.header_row + 10_000}"


def test_exports_read_as_many_queries_for_many_rows_as_for_few(client, office_user, routed,
                                                               directives, count_queries):
    client.force_login(office_user)

    def exported(url, params):
        def run():
            response = client.get(url, {**params, "format": "xlsx"})
            b"".join(response.streaming_content)
        return count_queries(run)

    lists = ((reverse("recommendations:list"), {"department_type": "SNV"}),
             (reverse("recommendations:directive_list"), {}),
             (reverse("recommendations:follow_up"), {"show": "directives"}))
    few = [exported(url, params) for url, params in lists]
    session, unit = routed[0].session, routed[0].units.get()
    for n in range(30):
        item = factories.RecommendationFactory(session=session, status=Status.ROUTED,
                                               lead_department=routed[0].lead_department)
        item.units.add(unit)
        directive = Directive.objects.create(session=session, text=f"Nhiệm vụ {n}")
        DirectiveFollowUp.objects.create(directive=directive, unit=unit)
    assert [exported(url, params) for url, params in lists] == few
