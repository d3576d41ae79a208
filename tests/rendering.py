"""An official document as it prints: the DOCX rendered by LibreOffice (communes/pdf.py, the
conversion the portal serves) and read back with pdfplumber, then checked where python-docx
cannot see: where lines break, where pages break, what lands in the margins.

Locally the render tests skip when LibreOffice is absent; in CI (CI=true) its absence is a
failure, as for the browser tests' Chromium.
"""

import io
import os
from dataclasses import dataclass

import pdfplumber
import pytest
from docx import Document

from communes import pdf

MM = 72 / 25.4  # PDF points per millimetre
LEFT, RIGHT = 30 * MM, (210 - 15) * MM  # the text area between the margins
TOP = 20 * MM
# A ruling line is drawn centred on its position: half its width (0.5 pt) may pass the edge.
RULE_TOLERANCE = 0.3 * MM
TEXT_TOLERANCE = 0.1 * MM


def require_libreoffice():
    if not pdf.available():
        message = ("LibreOffice is missing: "
                   "apt-get install libreoffice-writer-nogui fonts-liberation2")
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)


def _normal(text) -> str:
    return " ".join((text or "").split())


@dataclass
class Rendered:
    docx: bytes
    pdf: bytes

    def pages(self):
        with pdfplumber.open(io.BytesIO(self.pdf)) as document:
            yield from document.pages

    def body_tables(self) -> list[list[tuple]]:
        """The DOCX's grids in the body (not the header block, first, nor the signature,
        last), each a list of rows of cell texts, its header first."""
        tables = Document(io.BytesIO(self.docx)).tables[1:-1]
        return [[tuple(_normal(cell.text) for cell in row.cells) for row in table.rows]
                for table in tables]


def render(docx: bytes) -> Rendered:
    require_libreoffice()
    return Rendered(docx, pdf.docx_to_pdf(docx))


def assert_printed_within_the_text_area(rendered: Rendered):
    """Every word and every ruling line between the 30 mm left and 15 mm right margins (the
    header block included: nothing reaches into the margin), on every page."""
    for number, page in enumerate(rendered.pages(), start=1):
        for word in page.extract_words():
            assert word["x0"] >= LEFT - TEXT_TOLERANCE and word["x1"] <= RIGHT + TEXT_TOLERANCE, (
                f"page {number}: {word['text']!r} printed from {word['x0'] / MM:.1f} to "
                f"{word['x1'] / MM:.1f} mm")
        for line in [*page.lines, *page.rects]:
            assert line["x0"] >= LEFT - RULE_TOLERANCE and line["x1"] <= RIGHT + RULE_TOLERANCE, (
                f"page {number}: a line from {line['x0'] / MM:.1f} to {line['x1'] / MM:.1f} mm")


def assert_page_numbers_from_page_two(rendered: Rendered):
    """No number in the first page's top margin; each later page's number centred in it."""
    for number, page in enumerate(rendered.pages(), start=1):
        top = [word for word in page.extract_words() if word["bottom"] <= TOP]
        if number == 1:
            assert not [word for word in top if word["text"].isdigit()], top
            continue
        assert [word["text"] for word in top] == [str(number)], (number, top)
        centre = (top[0]["x0"] + top[0]["x1"]) / 2
        assert abs(centre - (LEFT + RIGHT) / 2) <= 1 * MM


def assert_tables_print_whole_rows(rendered: Rendered) -> int:
    """Each row of each grid printed whole on one page, with its words unbroken: a row split
    between pages, or a word broken inside a cell ("x" / "ử lý"), prints no row whose cells
    read as the DOCX's. The header row is printed again on every page a grid continues on.
    Returns how many pages the grids run across, for the callers that need tables to span."""
    printed = []  # (page, row of cell texts), in reading order
    for number, page in enumerate(rendered.pages(), start=1):
        for table in sorted(page.find_tables(), key=lambda table: table.bbox[1]):
            printed += [(number, tuple(_normal(cell) for cell in row))
                        for row in table.extract()]
    # Rows are matched in order (several tables may hold the same row: "1", the same item).
    position = 0
    spanned = set()
    for table in rendered.body_tables():
        header, *rows = table
        pages, header_pages = set(), set()
        for row in rows:
            found = next((index for index in range(position, len(printed))
                          if printed[index][1] == row), None)
            assert found is not None, f"row not printed whole on one page: {row}"
            header_pages |= {page for page, text in printed[position:found] if text == header}
            pages.add(printed[found][0])
            position = found + 1
        missing = pages - header_pages
        assert not missing, f"header {header} not printed on pages {sorted(missing)}"
        spanned |= pages
    return len(spanned)


def keep_picture(rendered: Rendered, name: str):
    """The first page as a PNG in DOCUMENT_PICTURES_DIR, when set (`make document-pictures`
    puts the pictures docs/documents.md shows in docs/documents/): grey, 70 dpi, a few tens
    of kilobytes."""
    folder = os.environ.get("DOCUMENT_PICTURES_DIR")
    if not folder:
        return
    os.makedirs(folder, exist_ok=True)
    image = next(rendered.pages()).to_image(resolution=70).original.convert("L")
    image.save(os.path.join(folder, f"{name}.png"), optimize=True)


def assert_renders_cleanly(docx: bytes) -> Rendered:
    """All the checks above; the rendering, for more."""
    rendered = render(docx)
    assert_printed_within_the_text_area(rendered)
    assert_page_numbers_from_page_two(rendered)
    assert_tables_print_whole_rows(rendered)
    return rendered
