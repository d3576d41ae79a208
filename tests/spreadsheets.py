"""Reading the portal's XLSX exports in tests: the title rows above the header, the header
(the row above the frozen pane) and the rows under it."""

import io
from dataclasses import dataclass

from openpyxl import load_workbook
from openpyxl.utils.cell import coordinate_from_string


@dataclass
class Export:
    sheet: object  # the worksheet, for its cells' formats, widths, panes and filter
    titles: list[str]
    header: list[str]
    header_row: int
    rows: list[tuple]


def read_export(response) -> Export:
    content = b"".join(response.streaming_content) if response.streaming else response.content
    sheet = load_workbook(io.BytesIO(content)).active
    _column, frozen_row = coordinate_from_string(sheet.freeze_panes)
    header_row = frozen_row - 1
    values = list(sheet.iter_rows(values_only=True))
    return Export(sheet=sheet, titles=[row[0] for row in values[:header_row - 1]],
                  header=list(values[header_row - 1]), header_row=header_row,
                  rows=values[header_row:])
