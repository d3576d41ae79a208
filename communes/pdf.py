"""The PDF of an official document: LibreOffice (headless) converts the very DOCX the office
downloads and edits, so the two never differ and there is one layout to keep (an HTML-to-PDF
library would need a second one). Debian's libreoffice-writer-nogui and fonts-liberation2
(Liberation Serif has Times New Roman's metrics, so lines break where Word breaks them)."""

import os
import shutil
import signal
import subprocess
import tempfile
from pathlib import Path

from django.conf import settings


class PdfUnavailable(RuntimeError):
    """LibreOffice is not installed (or LIBREOFFICE_PATH names no program)."""


class PdfFailed(RuntimeError):
    """LibreOffice ran but gave no PDF, or took longer than LIBREOFFICE_TIMEOUT."""


def soffice_path() -> str | None:
    """The `soffice` to run: LIBREOFFICE_PATH if set, else the one on PATH; None if absent."""
    configured = settings.LIBREOFFICE_PATH
    if configured:
        return shutil.which(configured)
    return shutil.which("soffice") or shutil.which("libreoffice")


def available() -> bool:
    return soffice_path() is not None


def docx_to_pdf(data: bytes, *, timeout: float | None = None) -> bytes:
    """`data` (a DOCX) as PDF. Each conversion has its own folder and LibreOffice profile, so
    conversions run side by side (two requests, or test workers) without waiting for one
    another's lock; a conversion past the timeout is killed with everything it started."""
    soffice = soffice_path()
    if soffice is None:
        raise PdfUnavailable(
            f"LibreOffice is not installed ({settings.LIBREOFFICE_PATH or 'soffice'} not found)")
    timeout = settings.LIBREOFFICE_TIMEOUT if timeout is None else timeout
    with tempfile.TemporaryDirectory(prefix="docx-pdf-") as folder:
        folder = Path(folder)
        source = folder / "document.docx"
        source.write_bytes(data)
        command = [soffice, "--headless", "--norestore", "--nologo", "--nodefault",
                   f"-env:UserInstallation={(folder / 'profile').as_uri()}",
                   "--convert-to", "pdf:writer_pdf_Export", "--outdir", str(folder),
                   str(source)]
        # A session of its own: soffice starts soffice.bin, and a timeout must stop both.
        process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                   start_new_session=True, env={**os.environ, "HOME": str(folder)})
        try:
            _out, errors = process.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.communicate()
            raise PdfFailed(f"LibreOffice took longer than {timeout} s") from None
        result = folder / "document.pdf"
        if process.returncode != 0 or not result.exists():
            raise PdfFailed(f"LibreOffice gave no PDF (exit {process.returncode}): "
                            f"{errors.decode(errors='replace').strip()[:500]}")
        return result.read_bytes()
