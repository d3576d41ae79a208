"""Reference data: provinces, commune-level units, departments, people and the working calendar;
and the personal API tokens people read the portal's API with."""

import hashlib
import secrets

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from .fields import (
    NormalizedCharField,
    NormalizedTextField,
    PersonSortKeyField,
    SearchTextField,
    SortKeyField,
)
from .scope import Scope, ScopedQuerySet


class Province(models.Model):
    """A provincial-level unit (tỉnh or thành phố trực thuộc trung ương), one of 34."""

    class Kind(models.TextChoices):
        PROVINCE = "province", _("province")
        CITY = "city", _("centrally-run city")

    code = models.CharField(_("official code"), max_length=2, unique=True)
    name = NormalizedCharField(_("name"), max_length=100)
    full_name = NormalizedCharField(_("full name"), max_length=150, blank=True)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.PROVINCE)
    merged_from = NormalizedCharField(_("merged from"), max_length=300, blank=True)
    sort_name = SortKeyField(source="name")
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("province")
        verbose_name_plural = _("provinces")
        ordering = ["sort_name", "code"]

    def __str__(self):
        return self.name


class AdministrativeUnitQuerySet(ScopedQuerySet):
    def in_province(self, province):
        return self.filter(province=province)

    def scope_condition(self, user_scope):
        # The official list of a province's units is public: a department sees it too, to
        # filter what was routed to it by the unit that raised it.
        if user_scope.kind == Scope.DEPARTMENT:
            return Q(province=user_scope.province_id)
        if user_scope.kind == Scope.UNIT:
            return Q(pk=user_scope.unit_id)
        return super().scope_condition(user_scope)


class AdministrativeUnit(models.Model):
    """A commune-level unit (xã, phường or đặc khu), one of 3,321, with its official code."""

    class Kind(models.TextChoices):
        COMMUNE = "commune", _("commune")
        WARD = "ward", _("ward")
        SPECIAL_ZONE = "special_zone", _("special zone")

    class Headquarters(models.TextChoices):
        UNKNOWN = "", _("not recorded")
        CENTRALISED = "centralised", _("centralised")
        DISPERSED = "dispersed", _("dispersed")

    code = models.CharField(_("official code"), max_length=5, unique=True)
    province = models.ForeignKey(
        Province, on_delete=models.PROTECT, related_name="units", verbose_name=_("province")
    )
    name = NormalizedCharField(_("name"), max_length=100)
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    former_districts = NormalizedCharField(_("former districts"), max_length=300, blank=True)
    headquarters = models.CharField(
        _("headquarters"), max_length=12, choices=Headquarters.choices, blank=True
    )
    sort_name = SortKeyField(source="name")
    search_text = SearchTextField(source="name")
    # For the API's incremental sync (?updated_since=).
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    history = HistoricalRecords()

    objects = AdministrativeUnitQuerySet.as_manager()

    class Meta:
        verbose_name = _("commune-level unit")
        verbose_name_plural = _("commune-level units")
        # Two units of one name (in two provinces) keep one order: by official code.
        ordering = ["sort_name", "code"]
        indexes = [models.Index(fields=["province", "sort_name"], name="unit_province_name_idx"),
                   models.Index(fields=["updated_at"], name="unit_updated_idx")]
        constraints = [
            models.CheckConstraint(
                condition=Q(code__regex=r"^[0-9]{5}$"),
                name="unit_code_five_digits",
                violation_error_message=_("The official code has exactly five digits."),
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display().capitalize()} {self.name}"

    @property
    def order_key(self) -> tuple:
        """Where the unit comes in a list, as `Meta.ordering` puts it: for lists sorted in
        Python."""
        return (self.sort_name, self.code)


class PredecessorUnit(models.Model):
    """A unit that existed before 1 July 2025 and was merged, wholly or partly, into a new one.

    Kept so that people can still find a commune by the name they knew ("Thị trấn Thất Khê").
    """

    class Scope(models.TextChoices):
        WHOLE = "whole", _("whole")
        PART = "part", _("part")

    successor = models.ForeignKey(
        AdministrativeUnit,
        on_delete=models.CASCADE,
        related_name="predecessors",
        verbose_name=_("merged into"),
    )
    code = models.CharField(_("former code"), max_length=5)
    name = NormalizedCharField(_("former name"), max_length=150)
    former_district = NormalizedCharField(_("former district"), max_length=150, blank=True)
    scope = models.CharField(_("merged"), max_length=5, choices=Scope.choices)
    sort_name = SortKeyField(source="name")
    search_text = SearchTextField(source="name")
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("predecessor unit")
        verbose_name_plural = _("predecessor units")
        ordering = ["sort_name", "code"]
        constraints = [
            models.UniqueConstraint(
                fields=["successor", "code"],
                name="predecessor_unique_per_successor",
                violation_error_message=_("This former unit is already recorded for this unit."),
            ),
        ]

    def __str__(self):
        return self.name


class DepartmentQuerySet(ScopedQuerySet):
    def scope_condition(self, user_scope):
        # A province's departments are known to all its people: a department sees the others
        # it co-operates with, as the lists' filters offer them.
        if user_scope.kind == Scope.DEPARTMENT:
            return Q(province=user_scope.province_id)
        return super().scope_condition(user_scope)


class Department(models.Model):
    """A provincial department or agency (sở, ban, ngành) that recommendations are routed to.

    Bodies are listed in the province's protocol order (`position`, which the office sets on
    its settings pages), not alphabetically; bodies at the same position by name."""

    # Where a body not yet placed by the office comes: after the placed ones.
    UNPLACED = 1000

    province = models.ForeignKey(
        Province, on_delete=models.PROTECT, related_name="departments", verbose_name=_("province")
    )
    short_code = models.CharField(_("short code"), max_length=20)
    name = NormalizedCharField(_("Vietnamese name"), max_length=200)
    name_en = NormalizedCharField(_("English name"), max_length=200, blank=True)
    email = models.EmailField(_("email"), blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    position = models.PositiveSmallIntegerField(
        _("position in protocol order"), default=UNPLACED, db_default=UNPLACED,
        help_text=_("Where the body comes in every list of the province's bodies."))
    sort_name = SortKeyField(source="name")
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    history = HistoricalRecords()

    objects = DepartmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("department")
        verbose_name_plural = _("departments")
        ordering = ["position", "sort_name", "id"]
        indexes = [models.Index(fields=["updated_at"], name="department_updated_idx")]
        constraints = [
            models.UniqueConstraint(
                fields=["province", "short_code"],
                name="department_code_unique_in_province",
                violation_error_message=_("This short code is already used in this province."),
            ),
        ]

    def __str__(self):
        return self.name

    @property
    def order_key(self) -> tuple:
        """Where the body comes in a list, as `Meta.ordering` puts it: for lists sorted in
        Python."""
        return (self.position, self.sort_name, self.pk or 0)


def ordering_through(path: str, model) -> list[str]:
    """`model`'s list order, read through the relation `path` ("lead_department",
    "unit"): to order rows by the unit or body they name as the unit's or body's own list
    does."""
    return [f"{path}__{name}" for name in model._meta.ordering]


class IssuingBody(models.Model):
    """How a province's documents name who issues them, per layout: its Party committee (Tỉnh
    ủy, Hướng dẫn 36-HD/VPTW) or its People's Committee (UBND tỉnh, Decree 30/2020/NĐ-CP).

    Every field may be left empty: `for_province` fills it from the province's name, so a
    province with no row here still gets "Tỉnh ủy Lạng Sơn", "TU", a notice signed "T/L BAN
    THƯỜNG VỤ" and a report "T/M BAN THƯỜNG VỤ", and "Ủy ban nhân dân tỉnh Lạng Sơn", "UBND",
    "TL. CHỦ TỊCH" and "TM. ỦY BAN NHÂN DÂN". The office edits its rows in the portal's
    settings (inspections/views/settings.py).
    """

    # The documents a body signs, each with its own signature fields.
    NOTICE, REPORT = "notice", "report"

    class Kind(models.TextChoices):
        PARTY = "party", _("Party body (Hướng dẫn 36-HD/VPTW layout)")
        STATE = "state", _("state body (Decree 30/2020/NĐ-CP layout)")

    province = models.ForeignKey(
        Province, on_delete=models.CASCADE, related_name="issuing_bodies",
        verbose_name=_("province"),
    )
    kind = models.CharField(_("layout"), max_length=5, choices=Kind.choices)
    name = NormalizedTextField(
        _("name"), blank=True,
        help_text=_("As printed top left, one line per line: “Tỉnh ủy Lạng Sơn”, “Ủy ban nhân "
                    "dân tỉnh Lạng Sơn”."))
    parent_name = NormalizedTextField(
        _("body above it"), blank=True,
        help_text=_("Printed above the name, when the issuer belongs to another body."))
    symbol = NormalizedCharField(
        _("symbol"), max_length=30, blank=True,
        help_text=_("The issuer's code in document numbers: “TU” in “Số 05-TB/TU”, “UBND” in "
                    "“Số: 05/TB-UBND”."))
    place = NormalizedCharField(
        _("place"), max_length=100, blank=True,
        help_text=_("The place in the date line: “Lạng Sơn, ngày 05 tháng 8 năm 2025”."))
    # Who signs depends on what is issued, not only on who issues it: the Standing
    # Committee's notice of a group's conclusions goes out by its order under the office
    # head's signature ("T/L BAN THƯỜNG VỤ / CHÁNH VĂN PHÒNG"), while a report the Committee
    # itself makes is signed on its behalf by its head or a deputy ("T/M BAN THƯỜNG VỤ").
    notice_signer = NormalizedTextField(
        _("conclusion notice: capacity and title"), blank=True,
        help_text=_("One per line: “T/L BAN THƯỜNG VỤ”, “CHÁNH VĂN PHÒNG”; or “TL. CHỦ TỊCH”, "
                    "“CHÁNH VĂN PHÒNG”."))
    notice_signer_name = NormalizedCharField(
        _("conclusion notice: signer's name"), max_length=150, blank=True)
    report_signer = NormalizedTextField(
        _("synthesis report: capacity and title"), blank=True,
        help_text=_("One per line: “T/M BAN THƯỜNG VỤ”, “PHÓ BÍ THƯ”; or “TM. ỦY BAN NHÂN "
                    "DÂN”, “KT. CHỦ TỊCH”, “PHÓ CHỦ TỊCH”."))
    report_signer_name = NormalizedCharField(
        _("synthesis report: signer's name"), max_length=150, blank=True)
    filed_by = NormalizedCharField(
        _("copy kept by"), max_length=200, blank=True,
        help_text=_("The last recipient line: “Văn phòng Tỉnh ủy” gives “- Lưu Văn phòng Tỉnh "
                    "ủy.”; “VT, TH” gives “- Lưu: VT, TH.”."))
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("issuing body")
        verbose_name_plural = _("issuing bodies")
        ordering = ["province__sort_name", "kind"]
        constraints = [
            models.UniqueConstraint(
                fields=["province", "kind"], name="issuing_body_one_per_layout",
                violation_error_message=_("This province already has settings for this layout."),
            ),
        ]

    def __str__(self):
        return f"{self.province} – {self.get_kind_display()}"

    @classmethod
    def for_province(cls, province, kind) -> "IssuingBody":
        """The province's settings for the layout, each empty field filled with its default
        (an unsaved row when the province has none)."""
        stored = cls.objects.filter(province=province, kind=kind).first() or cls(
            province=province, kind=kind)
        for field, value in cls.defaults(province, kind).items():
            if not getattr(stored, field):
                setattr(stored, field, value)
        return stored

    @staticmethod
    def defaults(province, kind) -> dict:
        """What a provincial office writes when nothing is set, from the province's name."""
        city = province.kind == Province.Kind.CITY
        # Decree 30/2020: a place named after a person is written in full.
        named_after_a_person = province.name in PLACES_NAMED_AFTER_PEOPLE
        place = province.full_name if named_after_a_person and province.full_name \
            else province.name
        committee = party_committee(province)
        if kind == IssuingBody.Kind.PARTY:
            return {
                "name": f"{committee} {place}", "parent_name": "", "symbol": "TU",
                "place": place,
                # The office head signs the Committee's notices of conclusions by its order
                # ("T/L", Hướng dẫn 36); a deputy secretary signs its reports on its behalf.
                "notice_signer": "T/L BAN THƯỜNG VỤ\nCHÁNH VĂN PHÒNG",
                "report_signer": "T/M BAN THƯỜNG VỤ\nPHÓ BÍ THƯ",
                "filed_by": f"Văn phòng {committee}",
            }
        level = "" if named_after_a_person else "thành phố " if city else "tỉnh "
        return {
            "name": f"Ủy ban nhân dân {level}{place}", "parent_name": "", "symbol": "UBND",
            "place": place,
            # The notice of the chairman's (or a vice-chairman's) conclusions goes out by the
            # chairman's order under the office head's signature; a report of the committee is
            # signed on its behalf, by a vice-chairman in place of the chairman (Decree 30).
            "notice_signer": "TL. CHỦ TỊCH\nCHÁNH VĂN PHÒNG",
            "report_signer": "TM. ỦY BAN NHÂN DÂN\nKT. CHỦ TỊCH\nPHÓ CHỦ TỊCH",
            "filed_by": "VT, TH",
        }

    def signature(self, document) -> tuple[str, str]:
        """(capacity and title, name) of who signs `document` (NOTICE or REPORT)."""
        return getattr(self, f"{document}_signer"), getattr(self, f"{document}_signer_name")

    @property
    def filing_line(self) -> str:
        """"Lưu Văn phòng Tỉnh ủy" (Party) or "Lưu: VT, TH" (state)."""
        if self.kind == IssuingBody.Kind.PARTY:
            return f"Lưu {self.filed_by}"
        return f"Lưu: {self.filed_by}"


PLACES_NAMED_AFTER_PEOPLE = {"Hồ Chí Minh"}


def party_committee(province) -> str:
    """"Tỉnh ủy" for a province, "Thành ủy" for a centrally-run city."""
    return "Thành ủy" if province.kind == Province.Kind.CITY else "Tỉnh ủy"


class UserProfile(models.Model):
    """Where a user works: a province, and the provincial office, one department or one
    commune-level unit.

    A national viewer belongs to no province and reads all of them. Roles themselves are Django
    groups (see communes/roles.py); this says only whose data the user works on.
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="profile",
        verbose_name=_("user"),
    )
    province = models.ForeignKey(
        Province,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="people",
        verbose_name=_("province"),
        help_text=_("Empty only for national viewers, who read every province."),
    )
    department = models.ForeignKey(
        Department,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="people",
        verbose_name=_("department"),
        help_text=_("Empty for the provincial office that runs the working groups."),
    )
    unit = models.ForeignKey(
        AdministrativeUnit,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="people",
        verbose_name=_("commune-level unit"),
        help_text=_("For the staff of a commune, ward or special zone: their unit."),
    )
    job_title = NormalizedCharField(_("job title"), max_length=200, blank=True)
    # The user's name as a Vietnamese list orders it (given name, then family name); saved with
    # the profile, which every page and admin that renames a user saves too.
    sort_name = PersonSortKeyField(source="full_name")
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("user profile")
        verbose_name_plural = _("user profiles")
        constraints = [
            models.CheckConstraint(
                condition=Q(department__isnull=True) | Q(province__isnull=False),
                name="profile_department_needs_province",
                violation_error_message=_("A department user belongs to a province."),
            ),
            models.CheckConstraint(
                condition=Q(unit__isnull=True) | Q(province__isnull=False,
                                                   department__isnull=True),
                name="profile_unit_in_a_province_not_a_department",
                violation_error_message=_(
                    "A unit's staff belong to a province and to no department."),
            ),
        ]

    def __str__(self):
        return str(self.user)

    def clean(self):
        super().clean()
        if self.unit_id and self.province_id and self.unit.province_id != self.province_id:
            raise ValidationError({"unit": _("This unit is in another province.")})
        if (self.department_id and self.province_id
                and self.department.province_id != self.province_id):
            raise ValidationError({"department": _("This department is in another province.")})
    @property
    def full_name(self) -> str:
        return self.user.get_full_name() or self.user.username


class CalendarDayQuerySet(models.QuerySet):
    def between(self, start, end):
        return self.filter(date__range=(start, end))


class CalendarDay(models.Model):
    """An exception to the Monday-to-Friday week: a public holiday, or a weekend working day.

    Vietnam moves days off around holidays and makes them up on a Saturday (ngày làm bù), so
    "working day" cannot be computed from weekdays alone. Seeded from the `holidays` package;
    the office corrects it in admin when the government announces the year's arrangement.
    """

    class Kind(models.TextChoices):
        DAY_OFF = "day_off", _("day off (public holiday)")
        WORKING_DAY = "working_day", _("working day (compensatory)")

    date = models.DateField(_("date"), unique=True)
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    name = NormalizedCharField(_("name"), max_length=150)
    note = NormalizedTextField(_("note"), blank=True)
    history = HistoricalRecords()

    objects = CalendarDayQuerySet.as_manager()

    class Meta:
        verbose_name = _("calendar exception")
        verbose_name_plural = _("working-day calendar")
        ordering = ["date"]

    def __str__(self):
        return f"{self.date:%d/%m/%Y} {self.name}"


class ApiTokenQuerySet(models.QuerySet):
    def active(self):
        """Tokens that work: not revoked, not past their expiry, of an active user."""
        return self.filter(Q(expires_at=None) | Q(expires_at__gt=timezone.now()),
                           revoked_at=None, user__is_active=True)


class SecretCredential(models.Model):
    """A secret a program presents instead of signing in: an API token, a calendar link.

    Shown once when it is made; only its SHA-256 digest is stored. A slow password hash
    protects secrets people choose; this one is 256 random bits, so a fast digest is as safe
    and finds its row with one indexed lookup. Revoked, it never works again.
    """

    PREFIX = ""  # each kind's, so a leaked secret is told apart from others in a scan

    digest = models.CharField(_("digest"), max_length=64, unique=True, editable=False)
    # The first characters of the secret, so its owner can tell them apart.
    key_start = models.CharField(_("starts with"), max_length=12, editable=False)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)

    class Meta:
        abstract = True
        ordering = ["-created_at", "-id"]

    @staticmethod
    def digest_of(secret: str) -> str:
        return hashlib.sha256(secret.encode()).hexdigest()

    @classmethod
    def new_secret(cls) -> tuple[str, dict]:
        """A new secret, and the fields that keep it (its digest and first characters)."""
        secret = cls.PREFIX + secrets.token_urlsafe(32)
        return secret, {"digest": cls.digest_of(secret),
                        "key_start": secret[:len(cls.PREFIX) + 4]}


class ApiToken(SecretCredential):
    """A personal token that a user's program reads the API with, as that user."""

    PREFIX = "kt_"  # "kiểm tra"

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens",
        verbose_name=_("user"),
    )
    name = NormalizedCharField(_("name"), max_length=100,
                               help_text=_("What the token is for, e.g. the system that uses it."))
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)
    # Set when it is made, from API_TOKEN_MAX_AGE_DAYS; empty when there was no limit.
    expires_at = models.DateTimeField(_("expires"), null=True, blank=True)
    # The address it was last used from: a use from another one is an audit event (once per
    # change of address, not per request).
    last_address = models.GenericIPAddressField(_("last used from"), null=True, blank=True,
                                                editable=False)

    objects = ApiTokenQuerySet.as_manager()

    class Meta(SecretCredential.Meta):
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self):
        return f"{self.name} ({self.key_start}…)"

    @property
    def expired(self) -> bool:
        return self.expires_at is not None and self.expires_at <= timezone.now()


class CalendarLinkQuerySet(models.QuerySet):
    def active(self):
        """Links that work: not revoked, of an active user."""
        return self.filter(revoked_at=None, user__is_active=True)


class CalendarLink(SecretCredential):
    """The secret address of a user's iCalendar feed (recommendations/calendar.py): calendar
    programs cannot sign in, so the address itself is the credential, like an API token. A
    user has at most one working link: making a new one revokes the old."""

    PREFIX = "lc_"  # "lịch"

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="calendar_links",
        verbose_name=_("user"),
    )
    last_read_at = models.DateTimeField(_("last read"), null=True, blank=True)

    objects = CalendarLinkQuerySet.as_manager()

    class Meta(SecretCredential.Meta):
        verbose_name = _("calendar link")
        verbose_name_plural = _("calendar links")

    def __str__(self):
        return f"{self.user} ({self.key_start}…)"


# The audit log of security events: its own module, found by Django through this import.
from .audit import AuditEvent  # noqa: E402, F401
