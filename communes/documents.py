"""The official layout every document of the portal is written in (DOCX, with python-docx).

Two variants, chosen by who issues the document:

- a Party body (Tỉnh ủy) writes per Hướng dẫn 36-HD/VPTW: "ĐẢNG CỘNG SẢN VIỆT NAM" top right
  over a solid rule as long as it; the issuer top left, in bold capitals, with "*" under it;
  "Số 05-TB/TU" (no colon, hyphen before the type's code); the type in 16 pt capitals, the
  summary in bold lower case and five hyphens "-----" under it; "T/M BAN THƯỜNG VỤ" over the
  title (not bold); "Nơi nhận:" underlined, 14 pt, recipients in 12 pt ending in commas.
- a state body (UBND) writes per Decree 30/2020/NĐ-CP, Phụ lục I: the national name and motto
  top right ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" 12 pt, "Độc lập - Tự do - Hạnh phúc" 13 pt
  over a solid rule as long as the motto); the issuer in bold capitals over a short centred
  rule (0.4 of the name); "Số: 05/TB-UBND"; a short centred rule under the summary;
  "TM. ỦY BAN NHÂN DÂN" in bold; "Nơi nhận:" bold italic 12 pt, recipients in 11 pt ending in
  semicolons, the last "- Lưu: VT, …".

Both: A4, margins 20 mm top and bottom, 30 mm left, 15 mm right (the guideline's fixed margins,
within the decree's ranges); Times New Roman; the date line "Lạng Sơn, ngày 05 tháng 8 năm
2025" in italics on one line; the body justified, first line indented 1 cm, 6 pt between
paragraphs, lines 18 pt apart; page numbers centred in the top margin from page 2.

The header's columns are sized from the text they hold, measured with Times New Roman's
advance widths (below), so that the national name, the issuer and the date line each fit on
one line; an issuer too long for its column is split between two words.
"""

import datetime
import io
import unicodedata
from dataclasses import dataclass

from docx import Document
from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, Twips

from .exports import xml_text

PARTY, STATE = "party", "state"
FONT = "Times New Roman"

PAGE_WIDTH, PAGE_HEIGHT = Cm(21), Cm(29.7)
MARGIN_TOP = MARGIN_BOTTOM = Cm(2)
MARGIN_LEFT, MARGIN_RIGHT = Cm(3), Cm(1.5)
# Widths below are in twips (1/20 pt), the unit of Word's tables and indents.
TEXT_WIDTH = Cm(21 - 3 - 1.5).twips
# The guideline puts the page number 10 mm below the top edge.
HEADER_DISTANCE = Cm(1)
# Room in a header column beyond its longest line: Word and LibreOffice round widths
# differently, and the issuer must stand apart from the national name beside it.
SLACK = Cm(0.5).twips
# The least room, when the names are long: the two blocks stay 4 mm apart. Nothing reaches
# into the left margin (both regulations fix it at 30 mm or more): a name that does not fit
# beside the other block is set in two lines, as "ỦY BAN NHÂN DÂN / TỈNH LẠNG SƠN" usually is.
TIGHT_SLACK = Cm(0.2).twips
FIRST_LINE_INDENT = Cm(1)
BODY_LINE_SPACING = Pt(18)
PARAGRAPH_SPACING = Pt(6)
# The short rules under the state issuer and summary: between 1/3 and 1/2 of the line.
SHORT_RULE = 0.4
# What the registry fills in by hand when a number is left blank.
BLANK_NUMBER = "\u00a0" * 6
BODY_STYLE = "Body Text"

PARTY_HEADING = "ĐẢNG CỘNG SẢN VIỆT NAM"
NATIONAL_NAME = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
MOTTO = "Độc lập - Tự do - Hạnh phúc"
PARTY_TITLE_RULE = "-----"


@dataclass(frozen=True)
class Sizes:
    """Point sizes of each element of one variant."""

    heading: int  # "ĐẢNG CỘNG SẢN VIỆT NAM", or the national name
    motto: int
    parent: int
    issuer: int
    number: int
    date: int
    doc_type: int
    summary: int
    body: int
    table: int
    signer: int
    recipients_label: int
    recipients: int
    page_number: int


SIZES = {
    PARTY: Sizes(heading=15, motto=0, parent=14, issuer=14, number=14, date=14, doc_type=16,
                 summary=14, body=14, table=12, signer=14, recipients_label=14, recipients=12,
                 page_number=14),
    # The decree's sizes that go together (12, 13, 13 for the name, motto and date): the
    # smallest, so that most issuers fit on one line beside the national name.
    STATE: Sizes(heading=12, motto=13, parent=12, issuer=12, number=13, date=13, doc_type=14,
                 summary=14, body=14, table=12, signer=14, recipients_label=12, recipients=11,
                 page_number=13),
}

# Signing on behalf of (T/M, TM.), in place of (K/T, KT.), by order of (T/L, TL.), by
# delegation (TUQ.) or acting (Q.): the capacity lines of a signature, bold in both variants;
# a Party signer's title under them is not (Hướng dẫn 36).
CAPACITY_PREFIXES = ("T/M", "K/T", "T/L", "TM.", "KT.", "TL.", "TUQ.", "Q.")


@dataclass
class Letterhead:
    """Everything around a document's body: who issues it, its number, place and date, its
    type and summary, who receives it and who signs."""

    kind: str
    issuer: str  # one line per line of the name; a long one is split to fit
    symbol: str  # the issuer's code in the number: "TU", "UBND"
    type_code: str  # the type's code in the number: "TB", "BC"
    doc_type: str  # "Thông báo", "Báo cáo"
    summary: str  # trích yếu
    place: str
    date: datetime.date
    recipients: str  # one per line
    signer: str  # capacity and title, one per line
    parent: str = ""
    number: str = ""
    signer_name: str = ""


# Times New Roman's advance widths in 1/2048 em (those of Liberation Serif 2, made to match
# them), for the printable ASCII characters from the space on, then the few letters whose
# width differs from their base letter's (a Vietnamese letter is as wide as its base letter
# without marks, except those with a horn) and the typographic punctuation.
_EM = 2048
_ASCII_WIDTHS = {
    "regular": (
        512, 682, 836, 1024, 1024, 1706, 1593, 369, 682, 682, 1024, 1155, 512, 682, 512, 569,
        1024, 1024, 1024, 1024, 1024, 1024, 1024, 1024, 1024, 1024, 569, 569, 1155, 1155, 1155,
        909, 1886, 1479, 1366, 1366, 1479, 1251, 1139, 1479, 1479, 682, 797, 1479, 1251, 1821,
        1479, 1479, 1139, 1479, 1366, 1139, 1251, 1479, 1479, 1933, 1479, 1479, 1251, 682, 569,
        682, 961, 1024, 682, 909, 1024, 909, 1024, 909, 682, 1024, 1024, 569, 569, 1024, 569,
        1593, 1024, 1024, 1024, 1024, 682, 797, 569, 1024, 1024, 1479, 1024, 1024, 909, 983,
        410, 983, 1108),
    "bold": (
        512, 682, 1137, 1024, 1024, 2048, 1706, 569, 682, 682, 1024, 1167, 512, 682, 512, 569,
        1024, 1024, 1024, 1024, 1024, 1024, 1024, 1024, 1024, 1024, 682, 682, 1167, 1167, 1167,
        1024, 1905, 1479, 1366, 1479, 1479, 1366, 1251, 1593, 1593, 797, 1024, 1593, 1366, 1933,
        1479, 1593, 1251, 1593, 1479, 1139, 1366, 1479, 1479, 2048, 1479, 1479, 1366, 682, 569,
        682, 1190, 1024, 682, 1024, 1139, 909, 1139, 909, 682, 1024, 1139, 569, 682, 1139, 569,
        1706, 1139, 1024, 1139, 1139, 909, 797, 682, 1139, 1024, 1479, 1024, 1024, 909, 807,
        451, 807, 1065),
    "italic": (
        512, 682, 860, 1024, 1024, 1706, 1593, 438, 682, 682, 1024, 1382, 512, 682, 512, 569,
        1024, 1024, 1024, 1024, 1024, 1024, 1024, 1024, 1024, 1024, 682, 682, 1382, 1382, 1382,
        1024, 1884, 1251, 1251, 1366, 1479, 1251, 1251, 1479, 1479, 682, 909, 1366, 1139, 1706,
        1366, 1479, 1251, 1479, 1251, 1024, 1139, 1479, 1251, 1706, 1251, 1139, 1139, 797, 569,
        797, 864, 1024, 682, 1024, 1024, 909, 1024, 909, 569, 1024, 1024, 569, 569, 909, 569,
        1479, 1024, 1024, 1024, 1024, 797, 797, 569, 1024, 909, 1366, 909, 909, 797, 819, 563,
        819, 1108),
}
_OTHER_WIDTHS = {
    "regular": {"ơ": 1083, "ư": 1110, "Ư": 1589, "–": 1024, "—": 2048, "“": 909, "”": 909,
                "‘": 682, "’": 682, "…": 2048, "\u00a0": 512},
    "bold": {"ơ": 1134, "ư": 1229, "Ư": 1630, "–": 1024, "—": 2048, "“": 1024, "”": 1024,
             "‘": 682, "’": 682, "…": 2048, "\u00a0": 512},
    "italic": {"ơ": 1093, "ư": 1117, "Ư": 1544, "–": 1024, "—": 1821, "“": 1139, "”": 1139,
               "‘": 682, "’": 682, "…": 1821, "\u00a0": 512},
}


def _advance(char, face):
    other = _OTHER_WIDTHS[face]
    if char in other:
        return other[char]
    base = {"đ": "d", "Đ": "D"}.get(char) or unicodedata.normalize("NFD", char)[:1]
    if base in other:  # ờ, Ứ: as wide as the horned letter
        return other[base]
    if base and 32 <= ord(base) < 127:
        return _ASCII_WIDTHS[face][ord(base) - 32]
    return _ASCII_WIDTHS[face][ord("M") - 32]  # unknown: assume a wide letter


def text_width(text: str, size: float, *, bold=False, italic=False) -> int:
    """The width of `text` on one line in Times New Roman at `size` points, in twips."""
    face = "bold" if bold else "italic" if italic else "regular"
    return round(sum(_advance(char, face) for char in text) * size * 20 / _EM)


# Where an issuer's name breaks best: before the level of the place it names.
_BREAK_BEFORE = ("TỈNH", "THÀNH", "XÃ", "PHƯỜNG", "ĐẶC", "VĂN", "BAN", "SỞ")


def split_to_fit(text: str, size: float, width: int, *, bold=False) -> list[str]:
    """`text` as one line if it fits in `width` twips, else two lines split between words:
    before the place's level where that fits ("ỦY BAN NHÂN DÂN / THÀNH PHỐ HỒ CHÍ MINH"),
    otherwise where the longer line is shortest."""
    if text_width(text, size, bold=bold) <= width:
        return [text]
    words = text.split()
    splits = [(" ".join(words[:i]), " ".join(words[i:])) for i in range(1, len(words))]
    fitting = [s for s in splits
               if max(text_width(part, size, bold=bold) for part in s) <= width]
    preferred = [s for s in fitting if s[1].split()[0] in _BREAK_BEFORE]
    candidates = preferred or fitting or splits
    if not candidates:
        return [text]
    return list(min(candidates, key=lambda s: max(text_width(p, size, bold=bold) for p in s)))


def _break_before_level(text: str) -> list[str]:
    """`text` in two lines before the level of the place it names, if it names one after
    its first word: "THÀNH ỦY / THÀNH PHỐ HỒ CHÍ MINH"."""
    words = text.split()
    for index in range(len(words) - 1, 0, -1):
        if words[index] in _BREAK_BEFORE:
            return [" ".join(words[:index]), " ".join(words[index:])]
    return [text]


def _columns(left_line: int, right_line: int):
    """The header's (left, right) widths for its widest lines, with room around them, filling
    the text width; None if they cannot stand side by side within it."""
    for slack in (SLACK, TIGHT_SLACK):
        left, right = left_line + slack, right_line + slack
        if left + right <= TEXT_WIDTH:
            spare = (TEXT_WIDTH - left - right) // 2
            return left + spare, TEXT_WIDTH - left - spare
    return None


def sentence(text: str) -> str:
    """`text` ending in a full stop, unless it already ends in punctuation: a difficulty
    typed with its own "." must not print "..". """
    text = text.strip()
    if not text or text[-1] in ".!?…:;":
        return text
    return text + "."


def _official_month(day: datetime.date) -> str:
    """The month as both regulations write it: a leading zero for January and February only."""
    return f"{day.month:02d}" if day.month <= 2 else str(day.month)


def date_line(place: str, day: datetime.date) -> str:
    """"Lạng Sơn, ngày 05 tháng 8 năm 2025": a leading zero for days below 10 and for
    January and February only (both regulations)."""
    return f"{place}, ngày {day.day:02d} tháng {_official_month(day)} năm {day.year}"


def short_date(day: datetime.date) -> str:
    """"04/8/2025", "15/12/2025", "05/02/2026": as officials write a date in a text or a
    table, the day in two digits and the month without a leading zero, except January and
    February (the rule of the date line above)."""
    return f"{day.day:02d}/{_official_month(day)}/{day.year}"


def number_line(kind: str, number: str, type_code: str, symbol: str) -> str:
    """"Số 05-TB/TU" (Party) or "Số: 05/TB-UBND" (state); numbers below 10 take a leading
    zero; a blank number leaves room for the registry to write it in."""
    number = number.strip()
    if number.isdigit():
        number = f"{int(number):02d}"
    number = number or BLANK_NUMBER
    if kind == PARTY:
        return f"Số {number}-{type_code}/{symbol}"
    return f"Số: {number}/{type_code}-{symbol}"


def recipient_lines(kind: str, recipients: str) -> list[str]:
    """One "- recipient" per line, ending in a comma (Party) or a semicolon (state), the last
    one in a full stop."""
    names = [line.strip().lstrip("-–+•").strip().rstrip(";,.").strip()
             for line in recipients.splitlines()]
    names = [name for name in names if name]
    separator = "," if kind == PARTY else ";"
    return [f"- {name}{'.' if index == len(names) - 1 else separator}"
            for index, name in enumerate(names)]


def _first_upper(text: str) -> str:
    return text[:1].upper() + text[1:]


def _lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


# Low-level pieces -------------------------------------------------------------------------


def _set_fonts(rpr):
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    for attribute in list(fonts.attrib):
        del fonts.attrib[attribute]
    for name in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
        fonts.set(qn(name), FONT)


def _run(paragraph, text, size, *, bold=False, italic=False, underline=False):
    run = paragraph.add_run(xml_text(text))
    run.font.size = Pt(size)
    run.bold = bold or None
    run.italic = italic or None
    run.underline = underline or None
    return run


def _compact(paragraph, *, align=WD_ALIGN_PARAGRAPH.CENTER, before=0, after=0):
    paragraph.alignment = align
    paragraph.paragraph_format.space_before = Pt(before)
    paragraph.paragraph_format.space_after = Pt(after)
    paragraph.paragraph_format.first_line_indent = Cm(0)
    return paragraph


# Word refuses a file whose elements are out of the schema's order: what may follow each one.
_PPR_AFTER_BORDERS = (
    "w:shd", "w:tabs", "w:suppressAutoHyphens", "w:kinsoku", "w:wordWrap", "w:overflowPunct",
    "w:topLinePunct", "w:autoSpaceDE", "w:autoSpaceDN", "w:bidi", "w:adjustRightInd",
    "w:snapToGrid", "w:spacing", "w:ind", "w:contextualSpacing", "w:mirrorIndents",
    "w:suppressOverlap", "w:jc", "w:textDirection", "w:textAlignment", "w:textboxTightWrap",
    "w:outlineLvl", "w:divId", "w:cnfStyle", "w:rPr", "w:sectPr", "w:pPrChange")
_TBLPR_AFTER_INDENT = ("w:tblBorders", "w:shd", "w:tblLayout", "w:tblCellMar", "w:tblLook",
                       "w:tblCaption", "w:tblDescription", "w:tblPrChange")
_TRPR_ORDER = ("w:cantSplit", "w:trHeight", "w:tblHeader", "w:tblCellSpacing", "w:jc",
               "w:hidden", "w:ins", "w:del", "w:trPrChange")


def _row_flag(row, name):
    """Set `w:cantSplit` or `w:tblHeader` on a table row."""
    trpr = row._tr.get_or_add_trPr()
    trpr.insert_element_before(OxmlElement(name), *_TRPR_ORDER[_TRPR_ORDER.index(name) + 1:])


def _rule(paragraph, length, within):
    """Make the empty `paragraph` a solid rule `length` twips long, centred in `within`."""
    side = Twips(max(0, (within - length) // 2))
    paragraph.paragraph_format.left_indent = side
    paragraph.paragraph_format.right_indent = side
    # A few points high, so the rule sits just under the line above without touching it.
    paragraph.paragraph_format.line_spacing = Pt(4)
    paragraph.paragraph_format.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    ppr = paragraph._p.get_or_add_pPr()
    borders = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    for name, value in (("w:val", "single"), ("w:sz", "6"), ("w:space", "0"),
                        ("w:color", "000000")):
        bottom.set(qn(name), value)
    borders.append(bottom)
    ppr.insert_element_before(borders, *_PPR_AFTER_BORDERS)
    # The paragraph mark's size sets the empty paragraph's height: keep the rule close.
    mark = OxmlElement("w:rPr")
    size = OxmlElement("w:sz")
    size.set(qn("w:val"), "2")
    mark.append(size)
    ppr.insert_element_before(mark, "w:sectPr", "w:pPrChange")
    return paragraph


def _table_properties(table, widths, *, indent=0):
    """Fixed column widths (in twips), no cell padding, and an indent, so that what was
    measured is what is drawn."""
    table.autofit = False
    tblpr = table._tbl.tblPr
    table_indent = OxmlElement("w:tblInd")
    table_indent.set(qn("w:w"), str(indent))
    table_indent.set(qn("w:type"), "dxa")
    tblpr.insert_element_before(table_indent, *_TBLPR_AFTER_INDENT)
    margins = OxmlElement("w:tblCellMar")
    for side in ("w:top", "w:left", "w:bottom", "w:right"):
        element = OxmlElement(side)
        element.set(qn("w:w"), "0")
        element.set(qn("w:type"), "dxa")
        margins.append(element)
    tblpr.insert_element_before(margins, *_TBLPR_AFTER_INDENT[4:])
    for column, width in zip(table.columns, widths, strict=True):
        column.width = Twips(width)
        for cell in column.cells:
            cell.width = Twips(width)
            cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.TOP


# The grids in the body: text 1.5 mm from the cell's border, left and right, and 0.5 mm
# from the rules above and below (without it capitals touch the rule).
CELL_PADDING = Cm(0.15).twips
CELL_PADDING_VERTICAL = Cm(0.05).twips
# What Word and LibreOffice may round a line's width up by, over the measured advance widths.
ROUNDING = Cm(0.05).twips


def _grid_properties(table):
    """The cell padding, and the indent that puts the grid's left border on the body text's
    left edge: the documents are in Word 2010's compatibility mode (python-docx's template),
    where Word and LibreOffice both draw a table's border the left padding before its indent."""
    tblpr = table._tbl.tblPr
    table_indent = OxmlElement("w:tblInd")
    table_indent.set(qn("w:w"), str(CELL_PADDING))
    table_indent.set(qn("w:type"), "dxa")
    tblpr.insert_element_before(table_indent, *_TBLPR_AFTER_INDENT)
    margins = OxmlElement("w:tblCellMar")
    for side, width in (("w:top", CELL_PADDING_VERTICAL), ("w:left", CELL_PADDING),
                        ("w:bottom", CELL_PADDING_VERTICAL), ("w:right", CELL_PADDING)):
        element = OxmlElement(side)
        element.set(qn("w:w"), str(width))
        element.set(qn("w:type"), "dxa")
        margins.append(element)
    tblpr.insert_element_before(margins, *_TBLPR_AFTER_INDENT[4:])


def _longest_word(texts, size, *, bold=False) -> int:
    """The width in twips of the widest word among `texts`."""
    return max((text_width(word, size, bold=bold) for text in texts for word in text.split()),
               default=0)


def column_widths(shares, header_words, body_words=None, total=TEXT_WIDTH) -> list[int]:
    """Column widths in twips summing to `total`, in the proportions `shares`, except that
    each column is wide enough for its widest header word (and, where the width allows, its
    widest body word) between its paddings: a word is never broken inside. What a narrow
    column gains is taken from the columns with room to spare, in proportion to that room."""
    room = 2 * CELL_PADDING + ROUNDING

    def least(words):
        return [word + room if word else 0 for word in words]

    minimums = least(header_words)
    if body_words is not None:
        with_body = [max(pair) for pair in zip(minimums, least(body_words), strict=True)]
        if sum(with_body) <= total:
            minimums = with_body
    widths = [total * share / sum(shares) for share in shares]
    if sum(minimums) > total:  # nothing fits: as asked
        return _rounded(widths, total)
    while short := [i for i, width in enumerate(widths) if width < minimums[i] - 0.5]:
        needed = sum(minimums[i] - widths[i] for i in short)
        for i in short:
            widths[i] = minimums[i]
        spare = {i: widths[i] - minimums[i] for i in range(len(widths)) if i not in short}
        available = sum(spare.values())
        for i, room_left in spare.items():
            widths[i] -= needed * room_left / available
    return _rounded(widths, total)


def _rounded(widths, total) -> list[int]:
    """Whole twips summing to `total`."""
    result = [int(width) for width in widths]
    for i in sorted(range(len(widths)), key=lambda i: result[i] - widths[i])[
            :total - sum(result)]:
        result[i] += 1
    return result


def _cell_paragraph(cell, first):
    return cell.paragraphs[0] if first else cell.add_paragraph()


# The document -----------------------------------------------------------------------------


class OfficialDocument:
    """A document in the official layout: the letterhead and title at creation, then body
    paragraphs, then `to_bytes()` adds the recipients and signature."""

    def __init__(self, letterhead: Letterhead):
        self.letterhead = letterhead
        self.kind = letterhead.kind
        self.sizes = SIZES[self.kind]
        self.document = Document()
        self._page()
        self._styles()
        self._page_numbers()
        self._header()
        self._title()

    # Page, styles and page numbers

    def _page(self):
        section = self.document.sections[0]
        section.page_width, section.page_height = PAGE_WIDTH, PAGE_HEIGHT
        section.top_margin, section.bottom_margin = MARGIN_TOP, MARGIN_BOTTOM
        section.left_margin, section.right_margin = MARGIN_LEFT, MARGIN_RIGHT
        section.header_distance = HEADER_DISTANCE
        properties = self.document.core_properties
        properties.title = xml_text(f"{self.letterhead.doc_type} {self.letterhead.summary}")
        properties.author = xml_text(" ".join(_lines(self.letterhead.issuer)))
        properties.language = "vi-VN"

    def _styles(self):
        styles = self.document.styles
        # The defaults: Times New Roman everywhere (no theme font), Vietnamese, single lines.
        defaults = styles.element.find(qn("w:docDefaults"))
        rpr = defaults.find(qn("w:rPrDefault")).find(qn("w:rPr"))
        _set_fonts(rpr)
        rpr.find(qn("w:lang")).set(qn("w:val"), "vi-VN")
        spacing = defaults.find(qn("w:pPrDefault")).find(qn("w:pPr")).find(qn("w:spacing"))
        spacing.set(qn("w:after"), "0")
        spacing.set(qn("w:line"), "240")
        normal = styles["Normal"]
        normal.font.name = FONT
        normal.font.size = Pt(self.sizes.body)
        _set_fonts(normal.element.get_or_add_rPr())
        body = styles[BODY_STYLE]  # Word's own "Body Text", so the clerk finds it
        body.base_style = normal
        body.font.size = Pt(self.sizes.body)
        body_format = body.paragraph_format
        body_format.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
        body_format.first_line_indent = FIRST_LINE_INDENT
        body_format.space_before = Pt(0)
        body_format.space_after = PARAGRAPH_SPACING
        body_format.line_spacing = BODY_LINE_SPACING
        body_format.line_spacing_rule = WD_LINE_SPACING.EXACTLY
        body_format.widow_control = True

    def _page_numbers(self):
        """The page number centred in the top margin, not shown on the first page."""
        section = self.document.sections[0]
        section.different_first_page_header_footer = True
        paragraph = _compact(section.header.paragraphs[0])
        field = OxmlElement("w:fldSimple")
        field.set(qn("w:instr"), " PAGE ")
        run = _run(paragraph, "2", self.sizes.page_number)
        run._r.addprevious(field)
        field.append(run._r)

    # Letterhead and title

    def _header(self):
        lh, sizes = self.letterhead, self.sizes
        party = self.kind == PARTY
        parents = [line.upper() for line in _lines(lh.parent)]
        issuers = [line.upper() for line in _lines(lh.issuer)]
        number = number_line(self.kind, lh.number, lh.type_code, lh.symbol)
        date = date_line(lh.place, lh.date)
        heading = PARTY_HEADING if party else NATIONAL_NAME

        right_line = max(text_width(heading, sizes.heading, bold=True),
                         0 if party else text_width(MOTTO, sizes.motto, bold=True),
                         text_width(date, sizes.date, italic=True))

        def left_line():
            return max([text_width(line, sizes.parent) for line in parents]
                       + [text_width(line, sizes.issuer, bold=True) for line in issuers]
                       + [text_width(number, sizes.number)])

        columns = _columns(left_line(), right_line)
        if columns is None:
            # A name too long beside the right column: first where a clerk would break it,
            # before the place's level; failing that, wherever it fits.
            parents = [part for line in parents for part in _break_before_level(line)]
            issuers = [part for line in issuers for part in _break_before_level(line)]
            columns = _columns(left_line(), right_line)
        if columns is None:
            right = right_line + TIGHT_SLACK
            fit = TEXT_WIDTH - right - TIGHT_SLACK
            parents = [part for line in parents for part in split_to_fit(
                line, sizes.parent, fit)]
            issuers = [part for line in issuers for part in split_to_fit(
                line, sizes.issuer, fit, bold=True)]
            columns = (TEXT_WIDTH - right, right)
        left, right = columns
        self.header_widths = (left, right)

        table = self.document.add_table(rows=2, cols=2)
        _table_properties(table, (left, right))
        issuer_cell, heading_cell = table.rows[0].cells
        number_cell, date_cell = table.rows[1].cells

        first = True
        for line in parents:
            _run(_compact(_cell_paragraph(issuer_cell, first)), line, sizes.parent)
            first = False
        for line in issuers:
            _run(_compact(_cell_paragraph(issuer_cell, first)), line, sizes.issuer, bold=True)
            first = False
        if party:
            _run(_compact(issuer_cell.add_paragraph()), "*", sizes.issuer)
        else:
            longest = max((text_width(line, sizes.issuer, bold=True) for line in issuers),
                          default=0)
            _rule(_compact(issuer_cell.add_paragraph()), round(longest * SHORT_RULE), left)

        _run(_compact(heading_cell.paragraphs[0]), heading, sizes.heading, bold=True)
        if party:
            rule = text_width(heading, sizes.heading, bold=True)
        else:
            _run(_compact(heading_cell.add_paragraph()), MOTTO, sizes.motto, bold=True)
            rule = text_width(MOTTO, sizes.motto, bold=True)
        _rule(_compact(heading_cell.add_paragraph()), rule, right)

        _run(_compact(number_cell.paragraphs[0], before=6), number, sizes.number)
        _run(_compact(date_cell.paragraphs[0], before=6), date, sizes.date, italic=True)

    def _title(self):
        lh, sizes = self.letterhead, self.sizes
        paragraph = _compact(self.document.add_paragraph(), before=18)
        paragraph.paragraph_format.keep_with_next = True
        _run(paragraph, lh.doc_type.upper(), sizes.doc_type, bold=True)
        lines = _lines(lh.summary)
        if lines and self.kind == STATE:
            lines[0] = _first_upper(lines[0])  # the decree's summary starts with a capital
        for line in lines:
            paragraph = _compact(self.document.add_paragraph())
            paragraph.paragraph_format.keep_with_next = True
            _run(paragraph, line, sizes.summary, bold=True)
        if self.kind == PARTY:
            _run(_compact(self.document.add_paragraph(), after=12), PARTY_TITLE_RULE,
                 sizes.summary)
        else:
            longest = min(TEXT_WIDTH, max(
                (text_width(line, sizes.summary, bold=True) for line in lines), default=0))
            rule = _rule(_compact(self.document.add_paragraph()), round(longest * SHORT_RULE),
                         TEXT_WIDTH)
            rule.paragraph_format.space_after = Pt(12)

    # Body

    def paragraph(self, text: str, *, bold=False, italic=False, indent=True):
        """A body paragraph: justified, first line indented."""
        paragraph = self.document.add_paragraph(style=BODY_STYLE)
        if not indent:
            paragraph.paragraph_format.first_line_indent = Cm(0)
        _run(paragraph, text, self.sizes.body, bold=bold, italic=italic)
        return paragraph

    def heading(self, text: str):
        """A heading inside the body ("1. Đánh giá chung"), kept with what follows."""
        paragraph = self.paragraph(text, bold=True)
        paragraph.paragraph_format.keep_with_next = True
        return paragraph

    def section(self, number: int, text: str):
        """A numbered part in capitals: "I- TEXT" (Party) or "I. TEXT" (state)."""
        separator = "-" if self.kind == PARTY else "."
        return self.heading(f"{_roman(number)}{separator} {text.upper()}")

    def item(self, text: str):
        """A "- " item of a list, as a body paragraph."""
        return self.paragraph(f"- {sentence(text)}")

    def table(self, header: list[str], rows: list[list[str]], widths: list[float]):
        """A grid of `rows` under a bold `header` repeated on each page; `widths` are
        fractions of the text width, widened where a word would not fit (`column_widths`).
        No row is split across pages, and the grid's border lines up with the body text."""
        size = self.sizes.table
        twips = column_widths(widths, [
            _longest_word([text], size, bold=True) for text in header
        ], [_longest_word(column, size) for column in zip(*rows, strict=True)] if rows else None)
        table = self.document.add_table(rows=1, cols=len(header))
        table.style = "Table Grid"
        table.autofit = False
        _grid_properties(table)
        for column, width in zip(table.columns, twips, strict=True):
            column.width = Twips(width)
        header_row = table.rows[0]
        _row_flag(header_row, "w:cantSplit")
        _row_flag(header_row, "w:tblHeader")
        for cell, text in zip(header_row.cells, header, strict=True):
            _run(_compact(cell.paragraphs[0]), text, size, bold=True)
        for values in rows:
            row = table.add_row()
            _row_flag(row, "w:cantSplit")
            for cell, text in zip(row.cells, values, strict=True):
                _run(_compact(cell.paragraphs[0], align=WD_ALIGN_PARAGRAPH.LEFT), text, size)
        for row in table.rows:
            for cell, width in zip(row.cells, twips, strict=True):
                cell.width = Twips(width)
        self.document.add_paragraph(style=BODY_STYLE)
        return table

    # Recipients and signature

    def _signature(self):
        lh, sizes = self.letterhead, self.sizes
        party = self.kind == PARTY
        left = round(TEXT_WIDTH * 0.45)
        right = TEXT_WIDTH - left
        table = self.document.add_table(rows=1, cols=2)
        _table_properties(table, (left, right))
        _row_flag(table.rows[0], "w:cantSplit")
        recipients_cell, signer_cell = table.rows[0].cells

        label = _compact(recipients_cell.paragraphs[0], align=WD_ALIGN_PARAGRAPH.LEFT, before=6)
        if party:
            _run(label, "Nơi nhận:", sizes.recipients_label, underline=True)
        else:
            _run(label, "Nơi nhận:", sizes.recipients_label, bold=True, italic=True)
        for line in recipient_lines(self.kind, lh.recipients):
            paragraph = _compact(recipients_cell.add_paragraph(), align=WD_ALIGN_PARAGRAPH.LEFT)
            # A wrapped recipient lines up after its dash.
            paragraph.paragraph_format.left_indent = Pt(sizes.recipients * 0.6)
            paragraph.paragraph_format.first_line_indent = -Pt(sizes.recipients * 0.6)
            _run(paragraph, line, sizes.recipients)

        first = True
        for line in _lines(lh.signer):
            line = line.upper()
            bold = not party or line.startswith(CAPACITY_PREFIXES)
            _run(_compact(_cell_paragraph(signer_cell, first), before=6 if first else 0), line,
                 sizes.signer, bold=bold)
            first = False
        # Room for the signature and the seal.
        name = _compact(_cell_paragraph(signer_cell, first), before=72)
        _run(name, lh.signer_name, sizes.signer, bold=True)

    def to_bytes(self) -> bytes:
        self._signature()
        buffer = io.BytesIO()
        self.document.save(buffer)
        return buffer.getvalue()


def _roman(number: int) -> str:
    numerals = ((10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I"))
    result = ""
    for value, numeral in numerals:
        while number >= value:
            result += numeral
            number -= value
    return result


# Vietnamese list markers: a) b) c) … without the letters the alphabet lacks (f, j, w, z).
LIST_LETTERS = "abcdđeghiklmnopqrstuvxy"


def list_letter(index: int) -> str:
    return f"{LIST_LETTERS[index % len(LIST_LETTERS)]})"
