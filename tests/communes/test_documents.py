"""The official layout (communes/documents.py) and the issuer settings it is filled from."""

import datetime

import pytest

from communes.documents import (
    CELL_PADDING,
    PARTY,
    STATE,
    TEXT_WIDTH,
    Letterhead,
    OfficialDocument,
    column_widths,
    date_line,
    number_line,
    recipient_lines,
    sentence,
    split_to_fit,
    text_width,
)
from communes.models import IssuingBody, Province
from tests import factories
from tests.layout import assert_official_layout


def test_widths_are_times_new_romans():
    # Measured from the font (Liberation Serif 2, Times New Roman's metrics) with fontTools.
    assert text_width("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", 12, bold=True) == 5007
    assert text_width("ỦY BAN NHÂN DÂN TỈNH LẠNG SƠN", 12, bold=True) == 4240
    assert text_width("Lạng Sơn, ngày 05 tháng 8 năm 2025", 14, italic=True) == 4209
    # Horned letters are wider than their base letter.
    assert text_width("Ư", 13, bold=True) > text_width("U", 13, bold=True)


def test_a_long_issuer_breaks_before_the_places_level():
    name = "ỦY BAN NHÂN DÂN THÀNH PHỐ HỒ CHÍ MINH"
    width = text_width(name, 12, bold=True) - 200
    assert split_to_fit(name, 12, width, bold=True) == ["ỦY BAN NHÂN DÂN",
                                                         "THÀNH PHỐ HỒ CHÍ MINH"]
    assert split_to_fit("TỈNH ỦY LẠNG SƠN", 14, 9000, bold=True) == ["TỈNH ỦY LẠNG SƠN"]


def test_the_small_conventions():
    assert sentence("Thiếu cán bộ.") == "Thiếu cán bộ."
    assert sentence("Thiếu cán bộ") == "Thiếu cán bộ."
    assert sentence("như sau:") == "như sau:"
    assert date_line("Lạng Sơn", datetime.date(2025, 8, 5)) == \
        "Lạng Sơn, ngày 05 tháng 8 năm 2025"
    assert date_line("Hà Nội", datetime.date(2026, 2, 14)) == "Hà Nội, ngày 14 tháng 02 năm 2026"
    assert number_line(PARTY, "7", "TB", "TU") == "Số 07-TB/TU"
    assert number_line(STATE, "125", "TB", "UBND") == "Số: 125/TB-UBND"
    assert number_line(STATE, "", "BC", "UBND").startswith("Số: \u00a0")
    assert recipient_lines(PARTY, "Sở Nội vụ;\n\n- Lưu Văn phòng Tỉnh ủy") == [
        "- Sở Nội vụ,", "- Lưu Văn phòng Tỉnh ủy."]
    assert recipient_lines(STATE, "- Sở Nội vụ,\nSở Tài chính\nLưu: VT, TH.") == [
        "- Sở Nội vụ;", "- Sở Tài chính;", "- Lưu: VT, TH."]


@pytest.mark.parametrize("kind", [PARTY, STATE])
def test_a_long_name_and_place_still_keep_each_header_line_to_one_line(kind):
    place = "Thành phố Hồ Chí Minh"
    letterhead = Letterhead(
        kind=kind, issuer="Thành ủy Thành phố Hồ Chí Minh" if kind == PARTY
        else "Ủy ban nhân dân Thành phố Hồ Chí Minh", parent="",
        symbol="TU" if kind == PARTY else "UBND", type_code="TB", doc_type="Thông báo",
        summary="kết luận của Tổ công tác số 3", place=place,
        date=datetime.date(2025, 12, 28),
        recipients="Sở Nội vụ\nLưu: VT, TH" if kind == STATE else "Sở Nội vụ\nLưu Văn phòng",
        signer="TM. ỦY BAN NHÂN DÂN\nCHỦ TỊCH" if kind == STATE else "T/M BAN THƯỜNG VỤ\nBÍ THƯ",
        signer_name="Nguyễn Văn A")
    document = OfficialDocument(letterhead)
    document.paragraph("Nội dung.")
    layout = assert_official_layout(document.to_bytes(), kind)
    assert layout.date == "Thành phố Hồ Chí Minh, ngày 28 tháng 12 năm 2025"
    lines = [text for text, _width in layout.header_lines]
    if kind == STATE:
        # Too long beside the national name and this date: split where a clerk would.
        assert "ỦY BAN NHÂN DÂN" in lines and "THÀNH PHỐ HỒ CHÍ MINH" in lines
    else:
        # Beside this date line (106 of the text's 165 mm) the name cannot keep to two lines
        # without reaching into the left margin: it takes three, broken between words.
        assert lines[1:4] == ["THÀNH ỦY", "THÀNH PHỐ", "HỒ CHÍ MINH"]


@pytest.mark.django_db
def test_issuer_defaults_come_from_the_province_and_what_is_set_wins(province):
    hanoi = factories.ProvinceFactory(code="01", name="Hà Nội", kind=Province.Kind.CITY)
    hcmc = factories.ProvinceFactory(code="79", name="Hồ Chí Minh", kind=Province.Kind.CITY,
                                     full_name="Thành phố Hồ Chí Minh")
    party = IssuingBody.for_province(province, IssuingBody.Kind.PARTY)
    state = IssuingBody.for_province(province, IssuingBody.Kind.STATE)
    assert (party.name, party.symbol, party.place, party.filing_line) == (
        "Tỉnh ủy Lạng Sơn", "TU", "Lạng Sơn", "Lưu Văn phòng Tỉnh ủy")
    # Who signs follows what is issued: the Văn phòng signs the Committee's notices by order,
    # the Committee's report is signed on its behalf; likewise for the UBND.
    assert party.signature(IssuingBody.NOTICE) == ("T/L BAN THƯỜNG VỤ\nCHÁNH VĂN PHÒNG", "")
    assert party.signature(IssuingBody.REPORT) == ("T/M BAN THƯỜNG VỤ\nPHÓ BÍ THƯ", "")
    assert (state.name, state.symbol, state.filing_line) == (
        "Ủy ban nhân dân tỉnh Lạng Sơn", "UBND", "Lưu: VT, TH")
    assert state.notice_signer.splitlines() == ["TL. CHỦ TỊCH", "CHÁNH VĂN PHÒNG"]
    assert state.report_signer.splitlines() == [
        "TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH"]
    assert IssuingBody.for_province(hanoi, IssuingBody.Kind.PARTY).name == "Thành ủy Hà Nội"
    assert IssuingBody.for_province(hanoi, IssuingBody.Kind.STATE).name == \
        "Ủy ban nhân dân thành phố Hà Nội"
    # A place named after a person is written in full (Decree 30/2020).
    hcmc_state = IssuingBody.for_province(hcmc, IssuingBody.Kind.STATE)
    assert (hcmc_state.name, hcmc_state.place) == (
        "Ủy ban nhân dân Thành phố Hồ Chí Minh", "Thành phố Hồ Chí Minh")
    IssuingBody.objects.create(province=province, kind=IssuingBody.Kind.PARTY,
                               report_signer="T/M BAN THƯỜNG VỤ\nBÍ THƯ", symbol="VPTU",
                               notice_signer_name="Nguyễn Văn A")
    stored = IssuingBody.for_province(province, IssuingBody.Kind.PARTY)
    assert (stored.symbol, stored.name) == ("VPTU", "Tỉnh ủy Lạng Sơn")
    assert stored.signature(IssuingBody.REPORT) == ("T/M BAN THƯỜNG VỤ\nBÍ THƯ", "")
    assert stored.signature(IssuingBody.NOTICE) == (
        "T/L BAN THƯỜNG VỤ\nCHÁNH VĂN PHÒNG", "Nguyễn Văn A")


def test_a_narrow_column_is_widened_to_its_longest_header_word_from_the_roomiest():
    header = ["STT", "Kiến nghị, đề xuất", "Tình hình xử lý"]
    words = [max(text_width(word, 12, bold=True) for word in text.split()) for text in header]
    widths = column_widths([0.02, 0.9, 0.08], words)
    assert sum(widths) == TEXT_WIDTH
    for width, word in zip(widths, words, strict=True):
        assert width >= word + 2 * CELL_PADDING
    assert widths[1] < round(TEXT_WIDTH * 0.9)  # what the others gained came from here
    # Shares that already fit are kept as asked.
    assert column_widths([0.2, 0.5, 0.3], words) == [
        round(TEXT_WIDTH * share) for share in (0.2, 0.5, 0.3)]
