"""The register of outgoing documents (sổ đăng ký văn bản đi): every number an issuing body
gives, in one sequence per body and calendar year, with the exact file issued and, once it
comes back signed, the signed PDF and what its signature check found.

The models live in the inspections app because what is issued comes from its rounds and
sessions, and its directives cite them; recommendations (one layer up) cite them too.
Imported by inspections/models.py, so Django finds them.
"""

import re
import uuid

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from communes.documents import short_date
from communes.fields import NormalizedCharField, NormalizedTextField
from communes.models import IssuingBody
from communes.scope import ScopedQuerySet

# "Số " or "Số: " before the number as the header prints it (communes.documents.number_line).
_NUMBER_PREFIX = re.compile(r"^Số:?\s*")

# How far back a department's answer may cite: older documents rarely settle a
# recommendation of this round, and the select stays short.
CITABLE_YEARS = 2


def register_path(document, filename):
    """Stored under a random name, by year: the download gives back a readable name built
    from the number, and nothing a user typed ends up in a path."""
    extension = filename.rsplit(".", 1)[-1].lower() if "." in filename else "bin"
    return f"register/{document.year}/{uuid.uuid4().hex}.{extension}"


class RegisterCounter(models.Model):
    """The last number an issuing body gave in a year. Taking a number locks this row
    (select_for_update), so two offices issuing at once wait for each other and never get the
    same number; it only ever goes up, so a withdrawn document's number is not given again."""

    issuing_body = models.ForeignKey(
        IssuingBody, on_delete=models.PROTECT, related_name="+",
        verbose_name=_("issuing body"))
    year = models.PositiveSmallIntegerField(_("year"))
    last_number = models.PositiveIntegerField(_("last number given"), default=0)

    class Meta:
        verbose_name = _("register counter")
        verbose_name_plural = _("register counters")
        constraints = [
            models.UniqueConstraint(
                fields=["issuing_body", "year"], name="register_counter_one_per_year",
                violation_error_message=_("This issuing body already has a counter for this "
                                          "year.")),
        ]

    def __str__(self):
        return f"{self.issuing_body} {self.year}: {self.last_number}"


class IssuedDocumentQuerySet(ScopedQuerySet):
    """A province's register is read by its office (and leaders' scope, though the pages are
    the office's); departments and units see none of it, except the citations shown on what
    they may see."""

    province_lookup = "issuing_body__province"

    def issued(self):
        return self.filter(status=IssuedDocument.Status.ISSUED)

    def citable_in(self, province_id):
        """What a resolution or a directive of the province may cite: its documents still in
        force, newest first."""
        return self.issued().filter(issuing_body__province_id=province_id).select_related(
            "issuing_body").order_by("-date", "-number")

    def recently_citable_in(self, province_id, today=None):
        """What a department's answer may cite: the province's documents in force of the
        last CITABLE_YEARS years."""
        today = today or timezone.localdate()
        try:
            since = today.replace(year=today.year - CITABLE_YEARS)
        except ValueError:  # 29 February
            since = today.replace(year=today.year - CITABLE_YEARS, day=28)
        return self.citable_in(province_id).filter(date__gte=since)


class IssuedDocument(models.Model):
    """One entry of the register: the number given, what was issued under it and to whom,
    the exact DOCX the portal produced, and the signed PDF the office uploads back."""

    class Status(models.TextChoices):
        ISSUED = "issued", _("issued")
        WITHDRAWN = "withdrawn", _("withdrawn")

    class Signature(models.TextChoices):
        """What the check of the uploaded PDF's signature found (inspections/signatures.py)."""

        NONE = "", _("no signed copy uploaded")
        TRUSTED = "trusted", _("valid signature, trusted certificate")
        UNTRUSTED = "untrusted", _("valid signature, certificate not from a trusted root")
        ALTERED = "altered", _("altered after signing")
        UNSIGNED = "unsigned", _("not signed")
        UNREADABLE = "unreadable", _("unreadable PDF")

    issuing_body = models.ForeignKey(
        IssuingBody, on_delete=models.PROTECT, related_name="issued_documents",
        verbose_name=_("issuing body"))
    year = models.PositiveSmallIntegerField(_("year"))
    number = models.PositiveIntegerField(_("number"))
    number_text = NormalizedCharField(
        _("number and symbol"), max_length=60,
        help_text=_("As printed: “Số 05-TB/TU”, “Số: 05/TB-UBND”."))
    issuer_name = NormalizedCharField(_("issuer"), max_length=300)
    date = models.DateField(_("date"))
    doc_type = NormalizedCharField(_("document type"), max_length=60)
    summary = NormalizedTextField(_("summary"))
    signer = NormalizedTextField(_("signature"), blank=True)
    recipients = NormalizedTextField(_("recipients"), blank=True)
    file = models.FileField(_("file issued"), upload_to=register_path)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
        verbose_name=_("issued by"))
    issued_at = models.DateTimeField(_("issued at"))
    # What the document was made from; kept even when that is deleted (the register stays).
    session = models.ForeignKey(
        "inspections.Session", on_delete=models.SET_NULL, null=True, blank=True,
        related_name="issued_documents", verbose_name=_("session"))
    round = models.ForeignKey(
        "inspections.InspectionRound", on_delete=models.SET_NULL, null=True, blank=True,
        related_name="issued_documents", verbose_name=_("inspection round"))
    # The one-time token of the confirmation page that issued it: the same confirmation sent
    # twice (a double click, the back button) finds this entry instead of taking a second
    # number. Null for entries issued without one.
    issue_token = models.UUIDField(_("issue token"), null=True, blank=True, unique=True,
                                   editable=False)
    status = models.CharField(_("status"), max_length=9, choices=Status.choices,
                              default=Status.ISSUED)
    withdrawn_reason = NormalizedTextField(_("reason for withdrawal"), blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
        related_name="+", verbose_name=_("withdrawn by"))
    withdrawn_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)
    signed_file = models.FileField(_("signed copy"), upload_to=register_path, blank=True)
    signed_uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
        related_name="+", verbose_name=_("signed copy uploaded by"))
    signed_uploaded_at = models.DateTimeField(_("signed copy uploaded at"), null=True,
                                              blank=True)
    signature = models.CharField(_("signature check"), max_length=10, blank=True,
                                 choices=Signature.choices, default=Signature.NONE)
    signature_subject = NormalizedCharField(_("signer's certificate"), max_length=500,
                                            blank=True)
    signature_time = models.DateTimeField(_("signing time"), null=True, blank=True)
    signature_detail = NormalizedTextField(_("signature check details"), blank=True)
    history = HistoricalRecords()

    objects = IssuedDocumentQuerySet.as_manager()

    class Meta:
        verbose_name = _("issued document")
        verbose_name_plural = _("issued documents")
        ordering = ["-year", "-number"]
        constraints = [
            models.UniqueConstraint(
                fields=["issuing_body", "year", "number"], name="issued_document_number_unique",
                violation_error_message=_("This number has already been given by this issuing "
                                          "body this year.")),
        ]
        indexes = [
            # The register's list: one body's year, newest number first, by status.
            models.Index(fields=["issuing_body", "year", "status", "-number"],
                         name="issued_doc_list_idx"),
            models.Index(fields=["issuing_body", "-date"], name="issued_doc_date_idx"),
        ]

    def __str__(self):
        return self.citation

    def get_absolute_url(self):
        return reverse("inspections:register_detail", args=[self.pk])

    @property
    def citation(self) -> str:
        """"Thông báo số 05-TB/TU ngày 04/8/2025 của Tỉnh ủy Lạng Sơn": how a resolution or a
        directive names the document it rests on, as an official writes it: the type first,
        "số" without the colon of the header's number line, no commas, the date as
        short_date writes it."""
        number = _NUMBER_PREFIX.sub("", self.number_text)
        return f"{self.doc_type} số {number} ngày {short_date(self.date)} của {self.issuer_name}"

    @property
    def shown_citation(self) -> str:
        """The citation where a page shows it: a withdrawn document says so."""
        if not self.withdrawn:
            return self.citation
        # Outside the f-string, where makemessages finds it.
        withdrawn = gettext("(withdrawn)")
        return f"{self.citation} {withdrawn}"

    @property
    def withdrawn(self) -> bool:
        return self.status == self.Status.WITHDRAWN

    @property
    def signature_ok(self) -> bool:
        return self.signature == self.Signature.TRUSTED
