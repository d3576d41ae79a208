"""Form pieces every app's pages use."""

from django import forms
from django.contrib.auth import get_user_model
from django.forms.utils import flatatt
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from . import roles
from .models import CalendarDay


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


class CalendarDayForm(forms.ModelForm):
    """A public holiday or a compensatory working day, as the government announced it."""

    class Meta:
        model = CalendarDay
        fields = ["date", "kind", "name", "note"]
        widgets = {"date": DateInput, "note": forms.Textarea(attrs={"rows": 2})}


class PersonForm(forms.ModelForm):
    """One of the province's users: who they are, their role and where they work."""

    full_name = forms.CharField(label=_("Full name"), max_length=150)
    role = forms.ChoiceField(label=_("Role"))
    department = forms.ModelChoiceField(
        queryset=None, required=False, label=_("Department"),
        help_text=_("Only for a department's head and staff."))
    job_title = forms.CharField(label=_("Job title"), max_length=200, required=False)

    class Meta:
        model = get_user_model()
        fields = ["username", "email", "is_active"]

    def __init__(self, *args, province, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["role"].choices = [("", "—"), *[
            (name, label) for name, label in roles.ROLE_LABELS.items()
            if name in roles.PROVINCE_ROLES]]
        self.fields["department"].queryset = province.departments.filter(is_active=True)
        self.fields["email"].required = True
        user = self.instance
        if user.pk:
            profile = getattr(user, "profile", None)
            self.initial.update({
                "full_name": user.get_full_name(),
                "role": next(iter(roles.role_names(user) & set(roles.PROVINCE_ROLES)), ""),
                "department": profile.department_id if profile else None,
                "job_title": profile.job_title if profile else ""})

    def clean(self):
        cleaned = super().clean()
        role, department = cleaned.get("role"), cleaned.get("department")
        if role in roles.DEPARTMENT_ROLES and department is None:
            self.add_error("department", _("A department's head or staff belongs to it."))
        if role and role not in roles.DEPARTMENT_ROLES and department is not None:
            self.add_error("department", _("Only a department's head and staff belong to one."))
        return cleaned
