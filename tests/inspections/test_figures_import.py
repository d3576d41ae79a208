import csv
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from inspections.models import Metric, ReportedFigure, Session
from tests import factories

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


def test_the_template_lists_the_rounds_units_and_metrics(client, office_user, round_units):
    inspection_round, units = round_units
    client.force_login(office_user)
    url = reverse("inspections:figures_import", args=[inspection_round.pk])
    sheet = load_workbook(io.BytesIO(client.get(url, {"template": "xlsx"}).content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "Mã đơn vị"
    assert {row[0] for row in rows[1:]} == {u.code for u in units}
    assert len(rows) - 1 == 3 * Metric.objects.count()


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
