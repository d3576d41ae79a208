"""communes/pdf.py: the DOCX → PDF conversion and how it fails (the real rendering is checked
in tests/recommendations/test_rendered_documents.py)."""

import datetime

import pytest
from django.test import override_settings

from communes import pdf
from communes.documents import Letterhead, OfficialDocument
from tests.rendering import render


def _docx():
    document = OfficialDocument(Letterhead(
        kind="party", issuer="Tỉnh ủy Lạng Sơn", symbol="TU", type_code="TB",
        doc_type="Thông báo", summary="kết luận", place="Lạng Sơn",
        date=datetime.date(2025, 8, 5), recipients="Lưu Văn phòng",
        signer="T/M BAN THƯỜNG VỤ\nBÍ THƯ", signer_name="Nguyễn Văn A"))
    document.paragraph("Nội dung.")
    return document.to_bytes()


@pytest.mark.render
def test_a_docx_becomes_a_pdf_with_its_text():
    rendered = render(_docx())
    assert rendered.pdf.startswith(b"%PDF")
    text = next(rendered.pages()).extract_text()
    assert "TỈNH ỦY LẠNG SƠN" in text and "Nội dung." in text


@override_settings(LIBREOFFICE_PATH="/nonexistent/soffice")
def test_without_libreoffice_the_conversion_says_so():
    assert not pdf.available()
    with pytest.raises(pdf.PdfUnavailable, match="not installed"):
        pdf.docx_to_pdf(b"")


def test_a_conversion_past_its_time_is_stopped(tmp_path):
    slow = tmp_path / "soffice"
    slow.write_text("#!/bin/sh\nsleep 30\n")
    slow.chmod(0o755)
    with override_settings(LIBREOFFICE_PATH=str(slow)), \
            pytest.raises(pdf.PdfFailed, match="longer than"):
        pdf.docx_to_pdf(b"x", timeout=1)


def test_a_conversion_without_output_fails_clearly(tmp_path):
    broken = tmp_path / "soffice"
    broken.write_text("#!/bin/sh\necho 'Error: source file could not be loaded' >&2\n")
    broken.chmod(0o755)
    with override_settings(LIBREOFFICE_PATH=str(broken)), \
            pytest.raises(pdf.PdfFailed, match="could not be loaded"):
        pdf.docx_to_pdf(b"x")
