"""Form pieces every app's pages use."""

import datetime
from decimal import Decimal

from django import forms
from django.contrib.auth import get_user_model
from django.contrib.auth.forms import AuthenticationForm
from django.core import validators
from django.forms.utils import flatatt
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from . import numbers, roles
from .audit import AuditEvent
from .documents import Letterhead
from .models import IssuingBody
from .workdays import deadline_problem


class DateInput(forms.DateInput):
    """A date typed the Vietnamese way, with the format shown in the empty box, and a calendar
    to pick it from (static/js/portal.js opens the vendored date picker on `data-datepicker`).
    A text box, not `type=date`, whose display follows the browser's locale."""

    def __init__(self, attrs=None):
        super().__init__(attrs={"placeholder": _("dd/mm/yyyy"), "inputmode": "numeric",
                                "autocomplete": "off", "data-datepicker": "",
                                **(attrs or {})}, format="%d/%m/%Y")


class OptionsSelect(forms.Select):
    """A select whose options are written in one pass rather than one template each: the
    lists' filters offer hundreds of units on every page."""

    def render(self, name, value, attrs=None, renderer=None):
        selected = "" if value is None else str(value)
        options = format_html_join("", '<option value="{}"{}>{}</option>', (
            (choice, " selected" if str(choice) == selected else "", label)
            for choice, label in self.choices))
        return format_html("<select name=\"{}\"{}>{}</select>", name,
                           flatatt(self.build_attrs(self.attrs, attrs)), options)


class FoldedCheckboxes(forms.CheckboxSelectMultiple):
    """Checkboxes folded in a <details> whose summary names what is ticked: a province's
    fourteen bodies take one line until opened, and are ticked without Ctrl-click (a
    multiple select's way, which clips the list too). Written in one pass, as OptionsSelect
    is: the routing screen shows it on every one of its rows. static/js/folded-checkboxes.js
    keeps the summary up to date as boxes are ticked."""

    def render(self, name, value, attrs=None, renderer=None):
        attrs = self.build_attrs(self.attrs, attrs)
        base_id = attrs.get("id", f"id_{name}")
        chosen = {str(v) for v in (value or [])}
        names = [str(label) for choice, label in self.choices if str(choice) in chosen]
        none = _("none")
        options = format_html_join("", (
            '<label><input type="checkbox" name="{}" value="{}" id="{}_{}"{}> {}</label>'), (
            (name, choice, base_id, index, " checked" if str(choice) in chosen else "", label)
            for index, (choice, label) in enumerate(self.choices)))
        return format_html(
            '<details class="folded-checkboxes" id="{}"><summary data-none="{}">{}</summary>'
            '<div class="options">{}</div></details>', base_id, none,
            ", ".join(names) or none, options)


class VietnameseNumberField(forms.Field):
    """A number typed the Vietnamese way ("6.600", "6 600", "87,76"), read by
    communes.numbers.parse_number and shown back the same way; anything that could be read two
    ways is refused with a message."""

    widget = forms.TextInput

    def __init__(self, *, decimal_places=0, min_value=None, max_value=None, max_digits=None,
                 **kwargs):
        # max_digits: given by a model's DecimalField (admin); parse_number bounds the digits.
        self.decimal_places = decimal_places
        kwargs.setdefault("help_text", _("A dot groups thousands (6.600), a comma marks decimals "
                                         "(87,76)."))
        super().__init__(**kwargs)
        if min_value is not None:
            self.validators.append(validators.MinValueValidator(min_value))
        if max_value is not None:
            self.validators.append(validators.MaxValueValidator(max_value))

    def widget_attrs(self, widget):
        return {**super().widget_attrs(widget),
                "inputmode": "decimal" if self.decimal_places else "numeric"}

    def to_python(self, value):
        if value in self.empty_values:
            return None
        return numbers.parse_number(value, decimal_places=self.decimal_places)

    def prepare_value(self, value):
        if isinstance(value, int | Decimal) and not isinstance(value, bool):
            return numbers.format_number(value)
        return value


class DeadlineField(forms.DateField):
    """A due date, typed dd/mm/yyyy: it must be a working day (a deadline on a weekend or a
    public holiday is refused with the next working day named)."""

    widget = DateInput

    def validate(self, value):
        super().validate(value)
        problem = deadline_problem(value)
        if problem:
            raise forms.ValidationError(problem, code="day_off")


class LoginForm(AuthenticationForm):
    """Django's login form, refusing a username longer than any user's before it is tried:
    django-axes records every failed try, and its column would not hold it."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        username = self.fields["username"]
        username.validators.append(validators.MaxLengthValidator(username.max_length))


class CodeInput(forms.TextInput):
    """A box for a one-time code that never shows a code back: a refused form comes back
    empty (a code is a secret, if a short-lived one)."""

    def format_value(self, value):
        return None


class SecondFactorCodeForm(forms.Form):
    """A code from the authenticator app (six digits) or, where `app` is false, one of the
    recovery codes."""

    code = forms.CharField(max_length=20, widget=CodeInput(attrs={
        "autocomplete": "one-time-code", "autocapitalize": "off", "spellcheck": "false",
        "autofocus": True, "size": 12}))

    def __init__(self, *args, app=False, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["code"]
        if app:
            field.label = _("Code from the app")
            field.help_text = _("The six digits the authenticator app shows now.")
            field.widget.attrs["inputmode"] = "numeric"
        else:
            field.label = _("Code")
            field.help_text = _("The six digits your authenticator app shows now, or one of "
                                "your recovery codes.")


class LetterheadForm(forms.Form):
    """The header of an official document (communes/documents.py): who issues it, with what
    number, where and when, its summary, who receives it and who signs. The layout is chosen
    before the form (`issuer_kind`), so that each field starts from that layout's defaults."""

    issuer_kind = forms.ChoiceField(choices=IssuingBody.Kind.choices, widget=forms.HiddenInput)
    parent_body = forms.CharField(
        label=_("Body above the issuer (optional)"), required=False, max_length=300,
        widget=forms.Textarea(attrs={"rows": 1}))
    issuing_body = forms.CharField(
        label=_("Issuing body"), widget=forms.Textarea(attrs={"rows": 2}),
        # The register keeps it (IssuedDocument.issuer_name, 300 characters).
        max_length=300,
        help_text=_("One line per printed line; a name too long for its column is split."))
    number = forms.CharField(
        label=_("Number"), required=False, max_length=6,
        help_text=_("Leave it empty for the registry to write it in."))
    symbol = forms.CharField(label=_("Symbol of the issuing body"), max_length=30)
    place = forms.CharField(label=_("Place"), max_length=100)
    date = forms.DateField(label=_("Date"), widget=DateInput)
    # Summary, recipients and signature are kept in the register too; bounded so that what
    # a page holds is what an official document carries, not whatever is pasted.
    summary = forms.CharField(label=_("Summary"), max_length=1000,
                              widget=forms.Textarea(attrs={"rows": 3}))
    recipients = forms.CharField(
        label=_("Recipients"), max_length=3000, widget=forms.Textarea(attrs={"rows": 7}),
        help_text=_("One per line; the dashes and the punctuation of each layout are added."))
    signer = forms.CharField(label=_("Signature: capacity and title"), max_length=300,
                             widget=forms.Textarea(attrs={"rows": 3}))
    signer_name = forms.CharField(label=_("Signature: name"), max_length=150, required=False)

    def clean_number(self):
        number = self.cleaned_data["number"].strip()
        if number and not number.isdigit():
            raise forms.ValidationError(_("A document number is written in digits only."))
        return number

    @staticmethod
    def initial_for(province, kind, today, document) -> dict:
        """The fields every document starts from: the province's issuer for the layout, and
        who signs that kind of document (IssuingBody.NOTICE or REPORT) for it."""
        issuer = IssuingBody.for_province(province, kind)
        signer, signer_name = issuer.signature(document)
        return {"issuer_kind": kind, "issuing_body": issuer.name,
                "parent_body": issuer.parent_name, "symbol": issuer.symbol,
                "place": issuer.place, "date": today, "signer": signer,
                "signer_name": signer_name}

    def letterhead(self, *, doc_type: str, type_code: str) -> Letterhead:
        data = self.cleaned_data
        return Letterhead(
            kind=data["issuer_kind"], issuer=data["issuing_body"], parent=data["parent_body"],
            number=data["number"], symbol=data["symbol"], type_code=type_code,
            doc_type=doc_type, summary=data["summary"], place=data["place"], date=data["date"],
            recipients=data["recipients"], signer=data["signer"],
            signer_name=data["signer_name"])


class IssuingBodyForm(forms.ModelForm):
    """How the province's Party committee or People's Committee issues documents: its name,
    symbol and place, and who signs each document. An empty box takes the default shown in
    it (IssuingBody.defaults), so the office sets only what differs."""

    class Meta:
        model = IssuingBody
        fields = ["name", "parent_name", "symbol", "place", "notice_signer",
                  "notice_signer_name", "report_signer", "report_signer_name", "filed_by"]
        widgets = {"name": forms.Textarea(attrs={"rows": 2}),
                   "parent_name": forms.Textarea(attrs={"rows": 1}),
                   "notice_signer": forms.Textarea(attrs={"rows": 3}),
                   "report_signer": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        defaults = IssuingBody.defaults(self.instance.province, self.instance.kind)
        for name, value in defaults.items():
            if name in self.fields and value:
                self.fields[name].widget.attrs["placeholder"] = value


class DepartmentOrderForm(forms.Form):
    """The province's bodies in protocol order: one position box per body, prefilled with
    where it comes now. Equal positions keep the bodies' present order between them."""

    def __init__(self, *args, departments, **kwargs):
        super().__init__(*args, **kwargs)
        self.departments = list(departments)
        for rank, department in enumerate(self.departments, start=1):
            self.fields[self.field_name(department)] = forms.IntegerField(
                label=department.name, min_value=1, max_value=999, initial=rank,
                widget=forms.NumberInput(attrs={"class": "position"}))

    @staticmethod
    def field_name(department) -> str:
        return f"position-{department.pk}"

    def rows(self):
        """(department, its position box) for the page's table."""
        return [(department, self[self.field_name(department)])
                for department in self.departments]

    def order(self) -> list:
        """The bodies in the order the positions typed put them."""
        rank = {department.pk: index for index, department in enumerate(self.departments)}
        return sorted(self.departments, key=lambda department: (
            self.cleaned_data[self.field_name(department)], rank[department.pk]))


class PersonForm(forms.ModelForm):
    """One of the province's users: who they are, their role and where they work."""

    full_name = forms.CharField(label=_("Full name"), max_length=150)
    role = forms.ChoiceField(label=_("Role"))
    department = forms.ModelChoiceField(
        queryset=None, required=False, label=_("Department"),
        help_text=_("Only for a department's head and staff."))
    unit = forms.ModelChoiceField(
        queryset=None, required=False, label=_("Commune or ward"),
        help_text=_("Only for a commune's or ward's staff."))
    job_title = forms.CharField(label=_("Job title"), max_length=200, required=False)

    # The roles a province's office gives: its own, and its communes' and wards' staff.
    ROLES = (*roles.PROVINCE_ROLES, roles.UNIT_STAFF)

    class Meta:
        model = get_user_model()
        fields = ["username", "email", "is_active"]

    def __init__(self, *args, province, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["role"].choices = [("", "—"), *[
            (name, label) for name, label in roles.ROLE_LABELS.items()
            if name in self.ROLES]]
        self.fields["department"].queryset = province.departments.filter(is_active=True)
        self.fields["unit"].queryset = province.units.all()
        self.fields["email"].required = True
        user = self.instance
        if user.pk:
            profile = getattr(user, "profile", None)
            self.initial.update({
                "full_name": user.get_full_name(),
                "role": next(iter(roles.role_names(user) & set(self.ROLES)), ""),
                "department": profile.department_id if profile else None,
                "unit": profile.unit_id if profile else None,
                "job_title": profile.job_title if profile else ""})

    def clean(self):
        cleaned = super().clean()
        role, department = cleaned.get("role"), cleaned.get("department")
        if role in roles.DEPARTMENT_ROLES and department is None:
            self.add_error("department", _("A department's head or staff belongs to it."))
        if role and role not in roles.DEPARTMENT_ROLES and department is not None:
            self.add_error("department", _("Only a department's head and staff belong to one."))
        unit = cleaned.get("unit")
        if role == roles.UNIT_STAFF and unit is None:
            self.add_error("unit", _("A commune's or ward's staff work for it: choose which."))
        if role and role != roles.UNIT_STAFF and unit is not None:
            self.add_error("unit", _("Only a commune's or ward's staff belong to one."))
        return cleaned


class AuditFilterForm(forms.Form):
    """The audit log page's filters: the event, the person (by username, as written then),
    and a range of days."""

    kind = forms.ChoiceField(label=_("Event"), required=False)
    person = forms.CharField(label=_("Username"), required=False, max_length=150)
    date_from = forms.DateField(label=_("From"), required=False, widget=DateInput)
    date_to = forms.DateField(label=_("To"), required=False, widget=DateInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [("", "—"), *AuditEvent.Kind.choices]

    def filter(self, events):
        """`events` with the valid filters applied (an invalid one is shown, and left out)."""
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        if data.get("kind"):
            events = events.filter(kind=data["kind"])
        if data.get("person"):
            events = events.filter(actor_name=data["person"].strip())
        # Whole local days, as bounds on the indexed time (no function on the column).
        zone = timezone.get_current_timezone()
        if data.get("date_from"):
            events = events.filter(at__gte=datetime.datetime.combine(
                data["date_from"], datetime.time.min, tzinfo=zone))
        if data.get("date_to"):
            events = events.filter(at__lt=datetime.datetime.combine(
                data["date_to"] + datetime.timedelta(days=1), datetime.time.min, tzinfo=zone))
        return events

    def in_words(self):
        data = getattr(self, "cleaned_data", {})
        return [f"{self.fields[name].label}: {self[name].value()}"
                for name in self.fields if data.get(name)]
