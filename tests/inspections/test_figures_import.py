import csv
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from inspections.models import ReportedFigure
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
    assert len(rows) - 1 == 3 * 8


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
