"""Checking uploaded files: the type comes from the content, not from the name."""

import zipfile

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

PDF, DOCX, XLSX, JPEG, PNG = (
    "application/pdf",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "image/jpeg",
    "image/png",
)
EXTENSIONS = {PDF: {".pdf"}, DOCX: {".docx"}, XLSX: {".xlsx"}, JPEG: {".jpg", ".jpeg"},
              PNG: {".png"}}


def sniff(uploaded) -> str | None:
    """The MIME type the file's bytes show, among those accepted; None for anything else."""
    uploaded.seek(0)
    head = uploaded.read(8)
    uploaded.seek(0)
    if head.startswith(b"%PDF-"):
        return PDF
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if head.startswith(b"PK\x03\x04"):
        # DOCX and XLSX are zip packages; which one is told by the part they carry.
        try:
            with zipfile.ZipFile(uploaded) as package:
                names = set(package.namelist())
        except zipfile.BadZipFile:
            return None
        finally:
            uploaded.seek(0)
        if "word/document.xml" in names:
            return DOCX
        if "xl/workbook.xml" in names:
            return XLSX
    return None


def check_upload(uploaded) -> str:
    """Refuse a file that is too large or not really a PDF, DOCX, XLSX, JPEG or PNG; return
    its MIME type."""
    limit = settings.ATTACHMENT_MAX_MB * 1024 * 1024
    if uploaded.size > limit:
        raise ValidationError(
            _("“%(name)s” is larger than %(limit)d MB.")
            % {"name": uploaded.name, "limit": settings.ATTACHMENT_MAX_MB})
    content_type = sniff(uploaded)
    extension = "." + uploaded.name.rsplit(".", 1)[-1].lower() if "." in uploaded.name else ""
    if content_type is None or extension not in EXTENSIONS[content_type]:
        raise ValidationError(
            _("“%(name)s” is not a PDF, Word (DOCX), Excel (XLSX), JPEG or PNG file.")
            % {"name": uploaded.name})
    return content_type
