"""The check of a signed PDF that the office uploads back to the register, with pyHanko:
is the signature intact (the signed bytes unchanged), whose certificate signed, when, and does
that certificate lead to one of the trust roots the deployment names (SIGNATURE_TRUST_ROOTS,
e.g. the Ban Cơ yếu Chính phủ root CA).

Nothing is fetched from the network (the Party's network may have no way out): revocation is
checked only where the PDF carries the information, otherwise it is not held against it.
"""

import io
import logging
import warnings
from dataclasses import dataclass
from datetime import datetime
from functools import cache

from asn1crypto import pem
from asn1crypto import x509 as asn1_x509
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from .register import IssuedDocument

log = logging.getLogger(__name__)

Signature = IssuedDocument.Signature


@dataclass(frozen=True)
class SignatureCheck:
    """What the check found, in the register's terms."""

    status: str  # IssuedDocument.Signature
    subject: str = ""
    signed_at: datetime | None = None
    detail: str = ""


def load_certificates(paths) -> list:
    """The certificates in the PEM (or DER) files at `paths`."""
    certificates = []
    for path in paths:
        try:
            with open(path, "rb") as handle:
                data = handle.read()
        except OSError as error:
            raise ImproperlyConfigured(
                f"SIGNATURE_TRUST_ROOTS: cannot read {path}: {error}") from error
        if pem.detect(data):
            certificates += [asn1_x509.Certificate.load(der)
                             for _kind, _headers, der in pem.unarmor(data, multiple=True)]
        else:
            certificates.append(asn1_x509.Certificate.load(data))
    return certificates


@cache
def _trust_roots(paths: tuple) -> list:
    return load_certificates(paths)


def trust_roots() -> list:
    """The roots from the settings, read once per process (per list of paths, so a test that
    changes the setting gets its own)."""
    return _trust_roots(tuple(settings.SIGNATURE_TRUST_ROOTS))


def check_pdf(data: bytes, roots=None) -> SignatureCheck:
    """Check every signature of the PDF; the result is the worst of them. Never raises: a
    file pyHanko cannot read strictly is "unreadable"."""
    # pyHanko is imported here, not at the top: it is only needed when a file is checked, and
    # importing it takes most of a second (0.8 s measured), which every process would pay.
    with warnings.catch_warnings():
        # pyHanko imports cryptography's DSA keys, which cryptography deprecates, to sign
        # with them; the portal only checks, and says nothing on every first upload.
        warnings.filterwarnings("ignore", message="DSA is deprecated")
        from pyhanko.pdf_utils.reader import PdfFileReader
        from pyhanko.sign.validation import validate_pdf_signature
        from pyhanko_certvalidator import ValidationContext

    roots = trust_roots() if roots is None else roots
    try:
        # Strict: pyHanko's non-strict mode accepts hybrid-reference files and other
        # deviations that let a later revision hide content from the signature check.
        # A file the strict reader refuses is not checked at all.
        signatures = PdfFileReader(io.BytesIO(data), strict=True).embedded_signatures
    except Exception as error:  # noqa: BLE001 — any damage in the file means "unreadable"
        log.info("Unreadable PDF uploaded to the register: %s", error)
        return SignatureCheck(Signature.UNREADABLE, detail=str(error)[:500])
    if not signatures:
        return SignatureCheck(Signature.UNSIGNED)
    results = []
    for embedded in signatures:
        try:
            context = ValidationContext(trust_roots=list(roots), allow_fetching=False)
            status = validate_pdf_signature(embedded, signer_validation_context=context)
        except Exception as error:  # noqa: BLE001 — a malformed signature is not a 500
            log.info("Signature of an uploaded PDF could not be checked: %s", error)
            results.append(SignatureCheck(Signature.ALTERED, detail=str(error)[:500]))
            continue
        subject = status.signing_cert.subject.human_friendly if status.signing_cert else ""
        signed_at = status.signer_reported_dt
        if status.timestamp_validity is not None:
            signed_at = status.timestamp_validity.timestamp
        # Intact: the signed bytes are unchanged; valid: the signature over them is the
        # certificate's; docmdp_ok: nothing beyond what the signer allowed was added after.
        if not (status.intact and status.valid) or status.docmdp_ok is False:
            verdict = Signature.ALTERED
        # bottom_line also holds an invalid timestamp and unmet seed values against the
        # signature: a trusted certificate alone does not make it "trusted".
        elif status.trusted and status.bottom_line:
            verdict = Signature.TRUSTED
        else:
            verdict = Signature.UNTRUSTED
        results.append(SignatureCheck(verdict, subject=subject, signed_at=signed_at,
                                      detail=status.summary()))
    order = [Signature.UNREADABLE, Signature.ALTERED, Signature.UNSIGNED, Signature.UNTRUSTED,
             Signature.TRUSTED]
    return min(results, key=lambda result: order.index(result.status))
