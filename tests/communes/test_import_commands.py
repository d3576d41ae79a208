import shutil
import time

import pytest
from django.core.management import CommandError, call_command
from django.utils import translation

from communes.models import AdministrativeUnit, Department, PredecessorUnit, Province
from communes.services import DATA_DIR

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english():
    """Messages are asserted in English; the Vietnamese catalogue is checked elsewhere."""
    with translation.override("en"):
        yield


def run(*args):
    from io import StringIO

    out = StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


@pytest.mark.slow
def test_national_list_gives_3321_units_in_34_provinces_and_a_second_run_changes_nothing():
    started = time.monotonic()
    output = run("import_units", str(DATA_DIR / "communes_vietnam_3321.csv"))
    assert time.monotonic() - started < 10
    assert "3321 created" in output
    assert AdministrativeUnit.objects.count() == 3321
    assert Province.objects.count() == 34
    assert AdministrativeUnit.objects.values("province").distinct().count() == 34
    assert AdministrativeUnit.objects.filter(kind="special_zone").count() == 13
    output = run("import_units", str(DATA_DIR / "communes_vietnam_3321.csv"))
    assert "0 created, 0 updated, 3321 unchanged" in output


def test_province_file_needs_the_province_and_keeps_former_districts():
    with pytest.raises(CommandError, match="--province"):
        run("import_units", str(DATA_DIR / "communes_langson.csv"))
    run("import_units", str(DATA_DIR / "communes_langson.csv"), "--province", "20")
    assert AdministrativeUnit.objects.filter(province__code="20").count() == 65
    unit = AdministrativeUnit.objects.get(code="06040")
    assert unit.name == "Thất Khê" and unit.former_districts == "Huyện Tràng Định"


def test_merge_detail_gives_predecessor_units_searchable_by_former_name():
    run("import_units", str(DATA_DIR / "communes_langson.csv"), "--province", "20")
    run("import_units", str(DATA_DIR / "communes_langson_merge_detail.csv"))
    assert PredecessorUnit.objects.count() == 196
    found = AdministrativeUnit.objects.filter(predecessors__name="Thị trấn Thất Khê")
    assert [u.name for u in found] == ["Thất Khê"]
    assert "0 created" in run("import_units", str(DATA_DIR / "communes_langson_merge_detail.csv"))


def test_dry_run_writes_nothing():
    output = run("import_units", str(DATA_DIR / "communes_langson.csv"), "--province", "20",
                 "--dry-run")
    assert "65 created" in output and "dry run" in output
    assert AdministrativeUnit.objects.count() == 0


@pytest.mark.parametrize(
    ("bad_line", "message"),
    [
        (",Không Mã,xã,Huyện X,", "the code is missing"),
        ("06001,Trùng Mã,xã,Huyện X,", "repeats line"),
        ("99999,Sai Loại,thị trấn,Huyện X,", "unknown type"),
    ],
)
def test_one_bad_row_imports_nothing_and_names_the_line(tmp_path, bad_line, message):
    source = (DATA_DIR / "communes_langson.csv").read_text(encoding="utf-8").splitlines()
    bad_file = tmp_path / "units.csv"
    bad_file.write_text("\n".join([*source[:10], bad_line, *source[10:]]) + "\n",
                        encoding="utf-8")
    with pytest.raises(CommandError) as error:
        run("import_units", str(bad_file), "--province", "20")
    assert "line 11" in str(error.value) and message in str(error.value)
    assert AdministrativeUnit.objects.count() == 0


def test_a_file_in_the_wrong_encoding_imports_nothing(tmp_path):
    bad_file = tmp_path / "units.csv"
    text = (DATA_DIR / "communes_langson.csv").read_text(encoding="utf-8")
    bad_file.write_bytes(text.encode("utf-16"))
    with pytest.raises(CommandError, match="not UTF-8"):
        run("import_units", str(bad_file), "--province", "20")
    assert AdministrativeUnit.objects.count() == 0


def test_departments_import_is_idempotent_and_refuses_bad_rows(tmp_path):
    output = run("import_departments", str(DATA_DIR / "departments.csv"), "--province", "20")
    assert "14 created" in output
    assert Department.objects.get(short_code="SNV").name == "Sở Nội vụ"
    assert "14 unchanged" in run("import_departments", str(DATA_DIR / "departments.csv"),
                                 "--province", "20")
    bad_file = tmp_path / "departments.csv"
    shutil.copy(DATA_DIR / "departments.csv", bad_file)
    with bad_file.open("a", encoding="utf-8") as handle:
        handle.write("Sở Mới,New department,,x,y,z\n")
    with pytest.raises(CommandError, match="line 16: the short code is missing"):
        run("import_departments", str(bad_file), "--province", "20")
    assert Department.objects.count() == 14


def test_a_merge_detail_without_its_columns_is_refused_by_name(tmp_path):
    bad_file = tmp_path / "merge.csv"
    bad_file.write_text("new_code,old_code\n06040,06013\n", encoding="utf-8")
    with pytest.raises(CommandError, match="merge_scope, old_name"):
        run("import_units", str(bad_file))


def test_importing_again_keeps_a_province_edited_in_admin():
    run("import_units", str(DATA_DIR / "communes_langson.csv"), "--province", "20")
    Province.objects.filter(code="20").update(full_name="Tỉnh Lạng Sơn (sửa)")
    run("import_departments", str(DATA_DIR / "departments.csv"), "--province", "20")
    assert Province.objects.get(code="20").full_name == "Tỉnh Lạng Sơn (sửa)"
