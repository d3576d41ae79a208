from django import forms
from django.utils.translation import gettext_lazy as _

from communes.models import AdministrativeUnit

from .models import InspectionRound, Session, WorkingGroup


class InspectionRoundForm(forms.ModelForm):
    class Meta:
        model = InspectionRound
        fields = ["title", "period_start", "period_end", "convened_by"]

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("period_start"), cleaned.get("period_end")
        if start and end and end < start:
            self.add_error("period_end", _("The round cannot end before it starts."))
        return cleaned


class UnitsInProvinceMixin:
    """Offer only the units of the round's province."""

    def limit_units(self, province):
        self.fields["units"].queryset = AdministrativeUnit.objects.in_province(province)


class WorkingGroupForm(UnitsInProvinceMixin, forms.ModelForm):
    class Meta:
        model = WorkingGroup
        fields = ["number", "leader_name", "leader_title", "units"]
        widgets = {"units": forms.SelectMultiple(attrs={"size": 12})}

    def __init__(self, *args, inspection_round, **kwargs):
        super().__init__(*args, **kwargs)
        self.inspection_round = inspection_round
        self.instance.round = inspection_round
        self.limit_units(inspection_round.province)

    def clean_number(self):
        number = self.cleaned_data["number"]
        taken = WorkingGroup.objects.filter(round=self.inspection_round, number=number)
        if taken.exclude(pk=self.instance.pk).exists():
            raise forms.ValidationError(
                _("This round already has a working group with this number."))
        return number


class SessionForm(UnitsInProvinceMixin, forms.ModelForm):
    # The version the page was read at: a save from an older version is refused.
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Session
        fields = ["date", "part_of_day", "venue", "units"]
        widgets = {"units": forms.SelectMultiple(attrs={"size": 12})}

    def __init__(self, *args, group, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.group = group
        self.limit_units(group.round.province)
        if not self.instance.pk and not self.is_bound:
            self.initial.setdefault("units", list(group.units.values_list("pk", flat=True)))
        self.initial.setdefault("version", self.instance.version)
