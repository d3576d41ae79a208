"""Form pieces every app's pages use."""

from django import forms
from django.forms.utils import flatatt
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _


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
