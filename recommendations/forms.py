from django import forms
from django.utils.translation import gettext_lazy as _

from communes.models import Department
from inspections.forms import DateInput


class RoutingRowForm(forms.Form):
    """One recommendation on the routing screen: what to do with it if it is selected."""

    recommendation = forms.IntegerField(widget=forms.HiddenInput)
    selected = forms.BooleanField(label=_("Select"), required=False)
    lead_department = forms.ModelChoiceField(
        Department.objects.none(), label=_("Lead department"), required=False)
    cooperating_departments = forms.ModelMultipleChoiceField(
        Department.objects.none(), label=_("Co-operating departments"), required=False,
        widget=forms.SelectMultiple(attrs={"size": 3}))
    due_date = forms.DateField(label=_("Due date"), required=False, widget=DateInput)
    central_body = forms.CharField(label=_("Proposed to (central body)"), required=False,
                                   max_length=200)
    answered_by = forms.CharField(label=_("Answered on the spot by"), required=False,
                                  max_length=200)
    answer = forms.CharField(label=_("Answer given on the spot"), required=False,
                             widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, departments, department_choices, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("lead_department", "cooperating_departments"):
            self.fields[name].queryset = departments
        # The province's departments, read once for every row of the screen.
        self.fields["lead_department"].choices = [("", "---------"), *department_choices]
        self.fields["cooperating_departments"].choices = department_choices

    def require(self, *names):
        """Mark the fields the chosen action needs; True when all are filled."""
        for name in names:
            if not self.cleaned_data.get(name):
                self.add_error(name, _("This field is required for the chosen action."))
        return not self.errors


RoutingFormSet = forms.formset_factory(RoutingRowForm, extra=0)
