import csv
import datetime
import io
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from inspections.models import Metric, ReportedFigure, Session
from tests import factories
from tests.spreadsheets import read_export

pytestmark = pytest.mark.django_db


@pytest.fixture
def round_units(province):
    units = [factories.UnitFactory(province=province, code=f"0{n}001", name=f"Xã {n}")
             for n in range(1, 4)]
    session = factories.SessionFactory(group__round__province=province, units=units)
    return session.group.round, units


def upload(rows, name="so-lieu.csv"):
    buffer = io.StringIO()
    csv.writer(buffer).writerows([["Mã đơn vị", "Tên", "Mã chỉ tiêu", "Tháng", "Giá trị",
                                   "Ước tính", "Ghi chú"], *rows])
    return SimpleUploadedFile(name, ("\ufeff" + buffer.getvalue()).encode("utf-8"))


def template(client, inspection_round, kind="xlsx"):
    url = reverse("inspections:figures_import", args=[inspection_round.pk])
    return client.get(url, {"template": kind})


def test_the_template_has_a_column_per_metric_under_its_vietnamese_name(client, office_user,
                                                                       round_units):
    """Issue 25: the metrics' names head the columns (not their codes, with the names on a
    second sheet), below title rows that say what the file is for; a row per unit, with the
    month before its session filled in."""
    inspection_round, units = round_units
    client.force_login(office_user)
    response = template(client, inspection_round)
    xlsx = read_export(response)
    metrics = list(Metric.objects.all())
    assert xlsx.header == ["Mã đơn vị", "Tên đơn vị", "Tháng (tháng/năm)",
                           *(m.name + (" (%)" if m.kind == "percent" else "") for m in metrics),
                           "Ước tính (có/không)", "Ghi chú"]
    assert "Hồ sơ tiếp nhận" in xlsx.header and "Tỷ lệ hồ sơ trực tuyến (%)" in xlsx.header
    assert [(row[0], row[1], row[2]) for row in xlsx.rows] == [
        (u.code, str(u), "07/2025") for u in units]
    workbook = xlsx.sheet.parent
    assert workbook.sheetnames == ["Số liệu"]
    everything = [cell for row in xlsx.sheet.iter_rows(values_only=True) for cell in row]
    assert not any(metric.code in everything for metric in metrics)
    assert str(inspection_round) in xlsx.titles[0]
    # The header is bold, and frozen with the units' code and name.
    assert xlsx.sheet.freeze_panes == f"C{xlsx.header_row + 1}"
    assert all(cell.font.b for cell in xlsx.sheet[xlsx.header_row])
    csv_rows = list(csv.reader(io.StringIO(b"".join(
        template(client, inspection_round, "csv").streaming_content).decode()[1:])))
    assert csv_rows[0] == xlsx.header and len(csv_rows) == 1 + len(units)


def test_the_filled_in_template_imports_all_or_nothing(client, office_user, round_units):
    """The template round-trips: filled in Excel (numbers as number cells, a month as a date
    cell, the Vietnamese way as text) and sent back, its figures are saved; one bad cell and
    nothing is, the line and the metric named."""
    inspection_round, units = round_units
    client.force_login(office_user)
    url = reverse("inspections:figures_import", args=[inspection_round.pk])
    content = b"".join(template(client, inspection_round).streaming_content)
    workbook = load_workbook(io.BytesIO(content))
    sheet = workbook.active
    header_row = int(sheet.freeze_panes[1:]) - 1
    column = {cell.value: cell.column for cell in sheet[header_row]}
    first, second, third = header_row + 1, header_row + 2, header_row + 3
    sheet.cell(first, column["Hồ sơ tiếp nhận"], 1650)
    sheet.cell(first, column["Tỷ lệ hồ sơ trực tuyến (%)"], 87.76)
    sheet.cell(first, column["Ước tính (có/không)"], "có")
    sheet.cell(first, column["Ghi chú"], "số liệu đến 25/7")
    sheet.cell(second, column["Tháng (tháng/năm)"], datetime.datetime(2025, 6, 1))
    sheet.cell(second, column["Hồ sơ tiếp nhận"], "6.600")
    sheet.cell(third, column["Hồ sơ tiếp nhận trực tuyến"], "nhiều")

    def send():
        buffer = io.BytesIO()
        workbook.save(buffer)
        return client.post(url, {"file": SimpleUploadedFile("so-lieu.xlsx", buffer.getvalue())})

    response = send()
    assert response.status_code == 400
    [problem] = response.context["problems"]
    assert problem.startswith(f"dòng {third}: Hồ sơ tiếp nhận trực tuyến: “nhiều”")
    assert not ReportedFigure.objects.exists()
    sheet.cell(third, column["Hồ sơ tiếp nhận trực tuyến"]).value = None
    response = send()
    assert response.status_code == 302, response.context["problems"]
    saved = {(f.unit, f.metric.code, f.month): f for f in ReportedFigure.objects.all()}
    assert len(saved) == 3
    july, june = datetime.date(2025, 7, 1), datetime.date(2025, 6, 1)
    received = saved[(units[0], "received_total", july)]
    assert (received.value, received.approximate, received.note) == (
        1650, True, "số liệu đến 25/7")
    assert saved[(units[0], "online_rate", july)].value == Decimal("87.76")
    assert saved[(units[1], "received_total", june)].value == 6600


def test_a_heading_that_names_no_metric_is_refused(client, office_user, round_units):
    inspection_round, units = round_units
    client.force_login(office_user)
    url = reverse("inspections:figures_import", args=[inspection_round.pk])
    buffer = io.StringIO()
    csv.writer(buffer).writerows([
        ["Mã đơn vị", "Tên đơn vị", "Tháng (tháng/năm)", "Hồ sơ tiếp nhận", "Hồ sơ đã hủy"],
        [units[0].code, "", "07/2025", "12", "3"]])
    response = client.post(url, {"file": SimpleUploadedFile("a.csv", buffer.getvalue().encode())})
    assert response.status_code == 400
    assert "“Hồ sơ đã hủy”" in response.context["problems"][0]
    assert not ReportedFigure.objects.exists()


# The template of before (a row per unit and metric, the metric's code in the third column)
# is still read: the tests below send it.

def test_a_good_file_imports_and_a_second_run_updates(client, office_user, round_units):
    inspection_round, units = round_units
    client.force_login(office_user)
    url = reverse("inspections:figures_import", args=[inspection_round.pk])
    rows = [[units[0].code, "", "received_total", "07/2025", "1.650", "có", ""],
            [units[1].code, "", "received_online", "7/2025", "800", "", ""],
            [units[2].code, "", "received_total", "", "", "", ""]]  # left blank: skipped
    assert client.post(url, {"file": upload(rows)}).status_code == 302
    figure = ReportedFigure.objects.get(unit=units[0])
    assert (figure.value, figure.approximate, figure.month.month) == (1650, True, 7)
    rows[0][4] = "1700"
    client.post(url, {"file": upload(rows)})
    assert ReportedFigure.objects.count() == 2
    assert ReportedFigure.objects.get(unit=units[0]).value == 1700


def test_one_bad_row_imports_nothing_and_names_each_line(client, office_user, round_units,
                                                         other_province):
    inspection_round, units = round_units
    stranger = factories.UnitFactory(province=other_province)
    client.force_login(office_user)
    url = reverse("inspections:figures_import", args=[inspection_round.pk])
    rows = [[units[0].code, "", "received_total", "07/2025", "100", "", ""],
            [stranger.code, "", "received_total", "07/2025", "5", "", ""],
            [units[1].code, "", "khong_co", "13/2025", "nhiều", "", ""]]
    response = client.post(url, {"file": upload(rows)})
    assert response.status_code == 400
    problems = response.context["problems"]
    assert [p.split(":")[0] for p in problems] == ["dòng 3", "dòng 4"]
    assert not ReportedFigure.objects.exists()
    response = client.post(url, {"file": SimpleUploadedFile("x.pdf", b"%PDF")})
    assert response.status_code == 400


def test_a_final_sessions_figures_are_refused_by_line(client, office_user, round_units):
    inspection_round, units = round_units
    Session.objects.filter(group__round=inspection_round).update(status=Session.Status.FINAL)
    client.force_login(office_user)
    url = reverse("inspections:figures_import", args=[inspection_round.pk])
    response = client.post(url, {"file": upload(
        [[units[0].code, "", "received_total", "07/2025", "6.600", "", ""]])})
    assert response.status_code == 400
    [problem] = response.context["problems"]
    assert problem.startswith("dòng 2") and "mở lại" in problem
    assert not ReportedFigure.objects.exists()


@pytest.mark.parametrize(("typed", "stored"), [("6600", 6600), ("6.600", 6600), ("6 600", 6600)])
def test_whole_numbers_as_typed(client, office_user, round_units, typed, stored):
    inspection_round, units = round_units
    client.force_login(office_user)
    url = reverse("inspections:figures_import", args=[inspection_round.pk])
    rows = [[units[0].code, "", "received_total", "07/2025", typed, "", ""]]
    assert client.post(url, {"file": upload(rows)}).status_code == 302
    assert ReportedFigure.objects.get().value == stored


@pytest.mark.parametrize("typed", ["87.76", "1.5", "-3", "1e9"])
def test_decimals_and_negatives_are_refused_not_guessed(client, office_user, round_units, typed):
    inspection_round, units = round_units
    client.force_login(office_user)
    url = reverse("inspections:figures_import", args=[inspection_round.pk])
    rows = [[units[0].code, "", "received_total", "07/2025", typed, "", ""]]
    assert client.post(url, {"file": upload(rows)}).status_code == 400
    assert not ReportedFigure.objects.exists()


def test_semicolons_odd_files_and_empty_files(client, office_user, round_units):
    inspection_round, units = round_units
    client.force_login(office_user)
    url = reverse("inspections:figures_import", args=[inspection_round.pk])
    semicolons = ("Mã;Tên;Chỉ tiêu;Tháng;Giá trị;Ước tính;Ghi chú\n"
                  f"{units[0].code};;received_total;07/2025;120;;\n").encode()
    assert client.post(url, {"file": SimpleUploadedFile("a.csv", semicolons)}).status_code == 302
    for content in (b'a,"never closed\n1,2', b"Ma\n" + b"x" * 200_000):
        response = client.post(url, {"file": SimpleUploadedFile("b.csv", content)})
        assert response.status_code == 400
    bad_month = upload([[units[1].code, "", "received_total", "13/2025", "5", "", ""]])
    response = client.post(url, {"file": bad_month})
    assert response.status_code == 400 and response.context["problems"][0].startswith("dòng 2")
    blank = upload([[units[1].code, "", "received_total", "", "", "", ""]])
    assert client.post(url, {"file": blank}).status_code == 400
    broken = SimpleUploadedFile("c.xlsx", b"PK\x03\x04 not really a workbook")
    assert client.post(url, {"file": broken}).status_code == 400
