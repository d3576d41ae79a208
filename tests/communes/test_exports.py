"""The XLSX every export is written as (communes/exports.py): ready to work in Excel, and
written without holding the rows in memory."""

import datetime
import io
import tracemalloc
from decimal import Decimal

from openpyxl import load_workbook

from communes.exports import ID_FORMAT, Column, csv_value, xlsx_file


def written(rows, **options):
    options.setdefault("title", "Danh sách")
    with xlsx_file(rows, **options) as spool:
        return load_workbook(io.BytesIO(spool.read())).active


def test_cells_keep_their_type_and_show_the_vietnamese_way():
    sheet = written([
        [Column("Số", ID_FORMAT), "Nội dung", "Ngày", "Lúc", "Hồ sơ", "Tỷ lệ", "Mã"],
        [12345, "=HYPERLINK(\"http://x\")", datetime.date(2025, 8, 4),
         datetime.datetime(2025, 8, 4, 14, 5), 6600, Decimal("87.76"), "05977"],
    ], lines=["Bộ lọc: không."])
    number, text, day, moment, count, rate, code = sheet[4]
    assert (number.value, number.data_type, number.number_format) == (12345, "n", "0")
    # A formula is kept as text, as before.
    assert (text.value, text.data_type) == ("'=HYPERLINK(\"http://x\")", "s")
    assert day.is_date and day.value == datetime.datetime(2025, 8, 4)
    assert day.number_format == "dd/mm/yyyy"
    assert moment.is_date and moment.number_format == "dd/mm/yyyy hh:mm"
    # "#,##0" is 6.600 in a Vietnamese Excel, "#,##0.00" 87,76.
    assert (count.value, count.data_type, count.number_format) == (6600, "n", "#,##0")
    assert (rate.value, rate.number_format) == (87.76, "#,##0.00")
    # Text that looks like a number stays text: a unit's code keeps its leading zero.
    assert (code.value, code.data_type) == ("05977", "s")


def test_title_rows_then_a_bold_frozen_filtered_header_and_widths():
    rows = [["Kiến nghị", "Ngày"], *(["Nội dung " * 20, datetime.date(2025, 8, n)]
                                     for n in range(1, 11))]
    sheet = written(rows, title="Kiến nghị, đề xuất", lines=["Bộ lọc: không.", "Xuất lúc …"])
    assert [sheet.cell(row, 1).value for row in (1, 2, 3)] == [
        "Kiến nghị, đề xuất", "Bộ lọc: không.", "Xuất lúc …"]
    assert sheet["A1"].font.b
    assert [cell.value for cell in sheet[4]] == ["Kiến nghị", "Ngày"]
    assert all(cell.font.b for cell in sheet[4])
    assert sheet.freeze_panes == "A5"
    assert sheet.auto_filter.ref == "A4:B14"
    assert sheet.print_title_rows == "$4:$4"
    # A long text's column is wide and wraps; a date's fits a date.
    assert sheet.column_dimensions["A"].width == 60 and sheet["A5"].alignment.wrap_text
    assert 10 <= sheet.column_dimensions["B"].width <= 14


def test_frozen_columns_and_a_sheet_named_shortly():
    sheet = written([["Mã", "Tên", "Số"], ["01", "Xã", 1]], frozen_columns=2,
                    title="Một tiêu đề dài hơn ba mươi mốt ký tự của một danh sách",
                    sheet_name="Số liệu")
    assert sheet.freeze_panes == "C3" and sheet.title == "Số liệu"
    long = written([["A"]], title="Theo dõi, đôn đốc – Nhiệm vụ, theo nơi được giao")
    assert len(long.title) <= 31 and long.title.endswith("…")


def test_the_csv_writes_dates_as_text():
    assert csv_value(datetime.date(2025, 8, 4)) == "04/08/2025"
    assert csv_value(6600) == 6600 and csv_value("=1+1") == "'=1+1"
    assert csv_value(Column("Số kiến nghị", ID_FORMAT)) == "Số kiến nghị"


def peak_memory(rows):
    """The most memory (bytes) Python held while `rows` were written."""
    tracemalloc.start()
    try:
        with xlsx_file(rows, title="Danh sách"):
            pass
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_ten_thousand_rows_take_no_more_memory_than_a_thousand():
    """Write-only: a row is written to the file as it comes, not kept."""

    def rows(count):
        yield ["Số", "Kiến nghị", "Ngày", "Hồ sơ"]
        for n in range(count):
            yield [n, f"Kiến nghị số {n} về trụ sở và đường truyền", datetime.date(2025, 8, 4),
                   Decimal(n)]

    few, many = peak_memory(rows(1_000)), peak_memory(rows(10_000))
    assert many < few * 1.3 + 256 * 1024, (few, many)
