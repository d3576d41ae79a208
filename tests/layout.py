"""Reading an official document back (python-docx) and checking it against the layout its
variant prescribes: Hướng dẫn 36-HD/VPTW for a Party body, Decree 30/2020/NĐ-CP (Phụ lục I)
for a state body. Every document of the portal is checked with `assert_official_layout`."""

import io
import re
from dataclasses import dataclass

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml.ns import qn
from docx.shared import Emu, Pt

from communes.documents import (
    MOTTO,
    NATIONAL_NAME,
    PARTY,
    PARTY_HEADING,
    TEXT_WIDTH,
    text_width,
)

FONT = "Times New Roman"
DATE_LINE = re.compile(r"^\S.*, ngày (0[1-9]|[12]\d|3[01]) tháng (0[12]|[3-9]|1[012]) năm \d{4}$")
NUMBER_LINE = {
    PARTY: re.compile(r"^Số (\d{2,}|\u00a0+)-[A-ZĐ]+/[A-ZĐ]+$"),
    "state": re.compile(r"^Số: (\d{2,}|\u00a0+)/[A-ZĐ]+-[A-ZĐ]+$"),
}


@dataclass
class Layout:
    """What the checks found, for the caller's own assertions."""

    document: object
    header_lines: list  # (text, cell width in twips)
    number: str
    date: str
    doc_type: str
    summary: list
    recipients: list
    signer: list
    signer_name: str
    body: list  # the body paragraphs' texts


def _effective(paragraph, attribute):
    """A paragraph-format value as Word resolves it: the paragraph's own, else its style's,
    else the style it is based on."""
    value = getattr(paragraph.paragraph_format, attribute)
    style = paragraph.style
    while value is None and style is not None:
        value = getattr(style.paragraph_format, attribute)
        style = style.base_style
    return value


def _size(run, paragraph):
    size = run.font.size
    style = paragraph.style
    while size is None and style is not None:
        size = style.font.size
        style = style.base_style
    return size.pt if size is not None else None


def _runs(paragraph):
    return [run for run in paragraph.runs if run.text.strip()]


def _only(paragraph, *, size, bold=False, italic=False, underline=False):
    """Every run of `paragraph` is in `size` pt, and bold, italic and underlined as said."""
    runs = _runs(paragraph)
    assert runs, paragraph.text
    for run in runs:
        assert _size(run, paragraph) == size, (paragraph.text, _size(run, paragraph), size)
        assert bool(run.bold) == bold, (paragraph.text, "bold")
        assert bool(run.italic) == italic, (paragraph.text, "italic")
        assert bool(run.underline) == underline, (paragraph.text, "underline")


def _rule(paragraph):
    """The length, in twips, of the solid rule an empty paragraph draws, and whether it is
    centred; None if the paragraph is no rule."""
    borders = paragraph._p.pPr.find(qn("w:pBdr")) if paragraph._p.pPr is not None else None
    if paragraph.text.strip() or borders is None:
        return None
    bottom = borders.find(qn("w:bottom"))
    assert bottom is not None and bottom.get(qn("w:val")) == "single"
    left = paragraph.paragraph_format.left_indent or 0
    right = paragraph.paragraph_format.right_indent or 0
    return left.twips if left else 0, right.twips if right else 0


def _cell_width(cell):
    return cell.width.twips


def _rule_length(paragraph, within):
    indents = _rule(paragraph)
    assert indents is not None, f"no rule after {paragraph.text!r}"
    left, right = indents
    assert abs(left - right) <= 1, "the rule is not centred"
    return within - left - right


def _fits(text, size, width, *, bold=False, italic=False):
    assert text_width(text, size, bold=bold, italic=italic) <= width, (
        f"{text!r} does not fit on one line of {width} twips")


def _mm(length):
    return round(length.mm, 1)


def _page(document, kind):
    section = document.sections[0]
    assert (_mm(section.page_width), _mm(section.page_height)) == (210, 297)
    margins = tuple(_mm(m) for m in (section.top_margin, section.bottom_margin,
                                      section.left_margin, section.right_margin))
    top, bottom, left, right = margins
    # Both regulations' ranges (the guideline's are fixed: 20, 20, 30, 15 mm).
    assert 20 <= top <= 25 and 20 <= bottom <= 25 and 30 <= left <= 35 and 15 <= right <= 20
    if kind == PARTY:
        assert margins == (20, 20, 30, 15)
    text_area = Emu(section.page_width - section.left_margin - section.right_margin)
    assert abs(text_area.twips - TEXT_WIDTH) <= 1


def _fonts(document):
    """Times New Roman everywhere: the defaults (no theme font), Normal, and any run that
    names a font of its own."""
    defaults = document.styles.element.find(qn("w:docDefaults")).find(qn("w:rPrDefault"))
    fonts = defaults.find(qn("w:rPr")).find(qn("w:rFonts"))
    assert fonts.get(qn("w:ascii")) == FONT and fonts.get(qn("w:hAnsi")) == FONT
    assert not any("Theme" in name or "theme" in name for name in fonts.attrib)
    assert document.styles["Normal"].font.name == FONT
    for element in document.element.body.iter(qn("w:rFonts")):
        assert element.get(qn("w:ascii")) in (None, FONT)


def _page_numbers(document, size):
    """A PAGE field centred in the top margin, not on the first page."""
    section = document.sections[0]
    assert section.different_first_page_header_footer
    header = section.header
    fields = header._element.findall(".//" + qn("w:fldSimple"))
    assert [f.get(qn("w:instr")).strip() for f in fields] == ["PAGE"]
    paragraph = header.paragraphs[0]
    assert paragraph.alignment == WD_ALIGN_PARAGRAPH.CENTER
    runs = fields[0].findall(qn("w:r"))
    assert runs and all(r.find(qn("w:rPr")).find(qn("w:sz")).get(qn("w:val")) == str(size * 2)
                        for r in runs)
    first = section.first_page_header._element
    assert not first.findall(".//" + qn("w:fldSimple"))
    assert "PAGE" not in "".join(first.itertext())


def _header_table(document, kind):
    table = document.tables[0]
    tblpr = table._tbl.tblPr
    margins = tblpr.find(qn("w:tblCellMar"))
    assert margins is not None, "the header's cells must have no padding"
    for side in ("w:left", "w:right"):
        assert margins.find(qn(side)).get(qn("w:w")) == "0"
    indent = int(tblpr.find(qn("w:tblInd")).get(qn("w:w")))
    widths = [_cell_width(cell) for cell in table.rows[0].cells]
    assert [_cell_width(cell) for cell in table.rows[1].cells] == widths
    # Within the text area: nothing in the left margin (30 mm, both regulations), nothing
    # past the right one.
    assert indent == 0
    assert indent + sum(widths) <= TEXT_WIDTH + 1
    return table, widths


def assert_official_layout(content: bytes, kind: str) -> Layout:
    """Fail unless the DOCX `content` is laid out as `kind`'s regulation prescribes."""
    party = kind == PARTY
    document = Document(io.BytesIO(content))
    _page(document, kind)
    _fonts(document)
    _page_numbers(document, 14 if party else 13)

    table, (left, right) = _header_table(document, kind)
    issuer_cell, heading_cell = table.rows[0].cells
    number_cell, date_cell = table.rows[1].cells
    header_lines = []

    # Top right: the Party's heading, or the national name and motto, each on one line, over
    # a solid rule as long as the line.
    heading = heading_cell.paragraphs
    if party:
        assert heading[0].text == PARTY_HEADING
        _only(heading[0], size=15, bold=True)
        _fits(PARTY_HEADING, 15, right, bold=True)
        assert abs(_rule_length(heading[1], right) - text_width(PARTY_HEADING, 15, bold=True)) <= 2
        header_lines.append((PARTY_HEADING, right))
    else:
        assert heading[0].text == NATIONAL_NAME and heading[1].text == MOTTO
        _only(heading[0], size=12, bold=True)
        _only(heading[1], size=13, bold=True)
        _fits(NATIONAL_NAME, 12, right, bold=True)
        assert abs(_rule_length(heading[2], right) - text_width(MOTTO, 13, bold=True)) <= 2
        header_lines += [(NATIONAL_NAME, right), (MOTTO, right)]

    # Top left: the issuer in bold capitals, each line fitting; "*" (Party) or a short
    # centred rule, a third to a half of the name (state), under it.
    issuer_paragraphs = [p for p in issuer_cell.paragraphs if p.text.strip()]
    separator = issuer_cell.paragraphs[-1]
    issuer_size = 14 if party else 12
    names = []
    for paragraph in issuer_paragraphs:
        if paragraph.text == "*":
            continue
        assert paragraph.text == paragraph.text.upper()
        assert paragraph.alignment == WD_ALIGN_PARAGRAPH.CENTER
        bold = bool(_runs(paragraph)[0].bold)
        _only(paragraph, size=issuer_size, bold=bold)
        _fits(paragraph.text, issuer_size, left, bold=bold)
        header_lines.append((paragraph.text, left))
        if bold:
            names.append(paragraph.text)
    assert names, "no issuing body"
    if party:
        assert separator.text == "*"
    else:
        longest = max(text_width(name, issuer_size, bold=True) for name in names)
        assert longest / 3 <= _rule_length(separator, left) <= longest / 2

    number = number_cell.paragraphs[0].text
    assert NUMBER_LINE[kind].match(number), number
    _only(number_cell.paragraphs[0], size=14 if party else 13)
    _fits(number, 14 if party else 13, left)
    date = date_cell.paragraphs[0].text
    assert DATE_LINE.match(date), date
    _only(date_cell.paragraphs[0], size=14 if party else 13, italic=True)
    _fits(date, 14 if party else 13, right, italic=True)
    header_lines += [(number, left), (date, right)]

    # The type and summary, centred and bold; then "-----" (Party) or a short centred rule.
    paragraphs = document.paragraphs
    title = next(p for p in paragraphs if p.text.strip())
    assert title.text == title.text.upper() and title.alignment == WD_ALIGN_PARAGRAPH.CENTER
    _only(title, size=16 if party else 14, bold=True)
    start = paragraphs.index(title) + 1
    summary = []
    for paragraph in paragraphs[start:]:
        if not paragraph.text.strip() or paragraph.text == "-----":
            break
        assert paragraph.alignment == WD_ALIGN_PARAGRAPH.CENTER
        _only(paragraph, size=14, bold=True)
        summary.append(paragraph.text)
        start += 1
    assert summary, "no summary"
    rule = paragraphs[start]
    if party:
        assert rule.text == "-----"
    else:
        assert summary[0][:1].isupper(), "the state summary starts with a capital"
        line = min(TEXT_WIDTH, max(text_width(s, 14, bold=True) for s in summary))
        assert line / 3 <= _rule_length(rule, TEXT_WIDTH) <= line / 2
        assert "-----" not in "\n".join(p.text for p in paragraphs)

    # No underlining above the body: the rules are rules.
    for paragraph in [*issuer_cell.paragraphs, *heading_cell.paragraphs,
                      *paragraphs[:start + 1]]:
        assert not any(run.underline for run in paragraph.runs), paragraph.text

    # The body: justified, first line indented 1 cm, 6 pt between paragraphs, lines between
    # single and 1.5 apart, in 14 pt (both regulations allow it).
    body = [p for p in paragraphs[start + 1:] if p.text.strip()]
    assert body, "no body"
    for paragraph in body:
        assert paragraph.style.name == "Body Text", paragraph.text
        assert _effective(paragraph, "alignment") == WD_ALIGN_PARAGRAPH.JUSTIFY
        assert _mm(_effective(paragraph, "first_line_indent")) == 10
        assert _effective(paragraph, "space_after") >= Pt(6)
        assert _effective(paragraph, "line_spacing_rule") == WD_LINE_SPACING.EXACTLY
        assert Pt(16) <= _effective(paragraph, "line_spacing") <= Pt(24)
        for run in _runs(paragraph):
            assert _size(run, paragraph) == 14, paragraph.text
        assert ".." not in paragraph.text.replace("…", ""), paragraph.text

    # Recipients (left) and signature (right) at the end.
    signature = document.tables[-1]
    recipients_cell, signer_cell = signature.rows[0].cells
    label, *recipients = [p for p in recipients_cell.paragraphs if p.text.strip()]
    assert label.text == "Nơi nhận:"
    if party:
        _only(label, size=14, underline=True)
    else:
        _only(label, size=12, bold=True, italic=True)
    lines = [p.text for p in recipients]
    assert lines and all(line.startswith("- ") for line in lines)
    ending = "," if party else ";"
    assert all(line.endswith(ending) for line in lines[:-1]) and lines[-1].endswith(".")
    assert lines[-1].startswith("- Lưu " if party else "- Lưu: VT")
    for paragraph in recipients:
        _only(paragraph, size=12 if party else 11)
    *capacity, name = signer_cell.paragraphs
    capacity = [p for p in capacity if p.text.strip()]
    assert capacity, "no signature"
    for paragraph in capacity:
        assert paragraph.text == paragraph.text.upper()
        assert paragraph.alignment == WD_ALIGN_PARAGRAPH.CENTER
        prefix = paragraph.text.split()[0]
        # The capacity is bold; a Party signer's title under it is not (Hướng dẫn 36).
        bold = not party or prefix in ("T/M", "K/T", "T/L", "Q.")
        _only(paragraph, size=14, bold=bold)
    if name.text.strip():  # left empty when the office has not set it
        _only(name, size=14, bold=True)

    return Layout(
        document=document, header_lines=header_lines, number=number, date=date,
        doc_type=title.text, summary=summary, recipients=lines,
        signer=[p.text for p in capacity], signer_name=name.text,
        body=[p.text for p in body])
