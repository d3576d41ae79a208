from django import forms
from django.utils.translation import gettext_lazy as _

from communes.models import AdministrativeUnit, Department
from recommendations.models import Recommendation

from .models import (
    Difficulty,
    Directive,
    FieldVisit,
    GroupMember,
    InspectionRound,
    ReportedFigure,
    Session,
    UnitReport,
    WorkingGroup,
)


class DateInput(forms.DateInput):
    """A date typed the Vietnamese way, with the format shown in the empty box."""

    def __init__(self, attrs=None):
        super().__init__(attrs={"placeholder": _("dd/mm/yyyy"), "inputmode": "numeric",
                                **(attrs or {})}, format="%d/%m/%Y")


class InspectionRoundForm(forms.ModelForm):
    class Meta:
        model = InspectionRound
        fields = ["title", "period_start", "period_end", "convened_by"]
        widgets = {"period_start": DateInput, "period_end": DateInput}

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
        widgets = {"units": forms.CheckboxSelectMultiple}

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


class SessionConclusionForm(forms.ModelForm):
    """Who attended for the units, and the leader's assessment, on the recording page."""

    class Meta:
        model = Session
        fields = ["unit_side", "leader_assessment"]
        widgets = {"unit_side": forms.Textarea(attrs={"rows": 2}),
                   "leader_assessment": forms.Textarea(attrs={"rows": 3})}


class GroupMemberForm(forms.ModelForm):
    class Meta:
        model = GroupMember
        fields = ["name", "title", "department", "role"]

    def __init__(self, *args, department_choices, departments, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = departments
        self.fields["department"].choices = [("", "---------"), *department_choices]


class BaseGroupMemberFormSet(forms.BaseInlineFormSet):
    """Members of a group; departments offered are the province's, read once for all rows."""

    def __init__(self, *args, province, **kwargs):
        departments = Department.objects.filter(province=province, is_active=True)
        kwargs["form_kwargs"] = {"departments": departments,
                                 "department_choices": [(d.pk, d.name) for d in departments]}
        super().__init__(*args, **kwargs)


GroupMemberFormSet = forms.inlineformset_factory(
    WorkingGroup, GroupMember, form=GroupMemberForm, formset=BaseGroupMemberFormSet, extra=0,
    can_delete=True)


class SessionForm(UnitsInProvinceMixin, forms.ModelForm):
    # The version the page was read at: a save from an older version is refused.
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Session
        fields = ["date", "part_of_day", "venue", "units"]
        widgets = {"units": forms.CheckboxSelectMultiple,
                   "date": DateInput}

    def __init__(self, *args, group, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.group = group
        self.limit_units(group.round.province)
        if not self.instance.pk and not self.is_bound:
            self.initial.setdefault("units", list(group.units.values_list("pk", flat=True)))
        self.initial.setdefault("version", self.instance.version)

    def clean_units(self):
        """A unit with its own records in this session (a report, figures, a field visit)
        cannot be taken out of the session unnoticed."""
        units = self.cleaned_data["units"]
        if self.instance.pk:
            kept = {unit.pk for unit in units}
            in_use = {
                item.unit for model in (UnitReport, ReportedFigure, FieldVisit)
                for item in model.objects.filter(session=self.instance, unit__isnull=False)
                .exclude(unit__in=kept).select_related("unit")
            }
            if in_use:
                raise forms.ValidationError(
                    _("%(units)s already have records in this session: remove those on the "
                      "recording page first.")
                    % {"units": ", ".join(sorted(str(u) for u in in_use))})
        return units


# The session recording page ---------------------------------------------------------------------
#
# One page records everything a session produced: a report per unit, figures, difficulties,
# recommendations (with answers given on the spot), directives and field visits. Each part is a
# formset; rows are added in the browser without a reload. Choices (units of the session,
# categories, metrics, departments) are read once and shared by every row, so the page's query
# count does not grow with the number of rows.


class MonthField(forms.DateField):
    """A month typed as mm/yyyy (07/2025), stored as its first day."""

    input_formats = ["%m/%Y", "%d/%m/%Y", "%Y-%m-%d", "%Y-%m"]
    default_error_messages = {"invalid": _("Enter a month as mm/yyyy, for example 07/2025.")}

    def __init__(self, **kwargs):
        kwargs.setdefault("widget", forms.DateInput(format="%m/%Y",
                                                    attrs={"placeholder": _("mm/yyyy")}))
        kwargs.setdefault("help_text", _("Month and year, for example 07/2025."))
        super().__init__(**kwargs)

    def to_python(self, value):
        value = super().to_python(value)
        return value.replace(day=1) if value else value


def _share_choices(form, choices):
    """Give the form's choice fields the lists read once for the whole page."""
    for name, field_choices in choices.items():
        if name in form.fields:
            form.fields[name].choices = field_choices


class SessionItemForm(forms.ModelForm):
    def __init__(self, *args, session, choices, **kwargs):
        super().__init__(*args, **kwargs)
        self.session = session
        self.session_unit_ids = [pk for pk, _label in choices["units"]]
        self.instance.session = session
        # Only the session's units and the province's departments are valid answers.
        for name in ("unit", "units"):
            if name in self.fields:
                self.fields[name].queryset = session.units.all()
        if "departments" in self.fields:
            self.fields["departments"].queryset = Department.objects.filter(
                province_id=session.group.round.province_id)
        _share_choices(self, choices)
        for field in self.fields.values():
            if isinstance(field.widget, forms.Textarea):
                field.widget.attrs["rows"] = 2

    def _get_validation_exclusions(self):
        # `session` is not a form field, but the constraints that include it (one report per
        # unit, one figure per metric and month) must be checked: a form error, not a 500.
        exclude = super()._get_validation_exclusions()
        exclude.discard("session")
        return exclude


class RaisedByMixin:
    """"Raised jointly" by all units of the session, or by the units ticked."""

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("raised_jointly") and not cleaned.get("units") and \
                not cleaned.get("DELETE"):
            self.add_error("units", _("Tick the units that raised it, or “raised jointly”."))
        return cleaned

    def save(self, commit=True):
        instance = super().save(commit=commit)
        if commit and instance.raised_jointly:
            instance.units.set(self.session_unit_ids)
        return instance


class UnitReportForm(SessionItemForm):
    class Meta:
        model = UnitReport
        fields = ["unit", "achievements", "facilities", "staffing_notes"]
        widgets = {"unit": forms.HiddenInput}

    def __init__(self, *args, choices, **kwargs):
        super().__init__(*args, choices=choices, **kwargs)
        unit_id = self.instance.unit_id or self.initial.get("unit")
        self.unit_label = dict(choices["units"]).get(unit_id, "")


class FigureForm(SessionItemForm):
    month = MonthField(label=_("Month"))

    class Meta:
        model = ReportedFigure
        fields = ["metric", "month", "unit", "value", "approximate", "note"]
        widgets = {"note": forms.TextInput}
        labels = {"unit": _("Reported by")}



class DifficultyForm(RaisedByMixin, SessionItemForm):
    class Meta:
        model = Difficulty
        fields = ["category", "text", "raised_jointly", "units"]
        widgets = {"units": forms.CheckboxSelectMultiple}


class RecommendationEntryForm(RaisedByMixin, SessionItemForm):
    """A recommendation as raised at the session, with an optional answer given on the spot."""

    answered_by = forms.CharField(
        label=_("Answered on the spot by"), required=False, max_length=200,
        widget=forms.TextInput(attrs={"list": "group-members"}),
        help_text=_(
            "Who answered at the session (a group member or a department head), if anyone did."
        ),
    )
    answer = forms.CharField(label=_("Answer given on the spot"), required=False,
                             widget=forms.Textarea(attrs={"rows": 2}))

    class Meta:
        model = Recommendation
        fields = ["category", "text", "priority", "raised_jointly", "units"]
        widgets = {"units": forms.CheckboxSelectMultiple}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.is_locked = bool(self.instance.pk) and (
            self.instance.status != Recommendation.Status.NEW)
        if self.is_locked:
            # Past "new" the recommendation belongs to its lifecycle: shown, not edited here.
            for field in self.fields.values():
                field.disabled = True
        if self.instance.pk and self.instance.answered_by:
            self.initial["answered_by"] = self.instance.answered_by
            answers = [r.text for r in self.instance.responses.all()
                       if r.kind == r.Kind.ON_THE_SPOT]
            self.initial["answer"] = answers[-1] if answers else ""

    def clean(self):
        cleaned = super().clean()
        if bool(cleaned.get("answered_by")) != bool(cleaned.get("answer")) and not self.is_locked:
            self.add_error("answer", _("Give both the member who answered and the answer."))
        if cleaned.get("DELETE") and self.is_locked:
            raise forms.ValidationError(_("A routed recommendation cannot be deleted here."))
        return cleaned


class DirectiveForm(SessionItemForm):
    """A directive and whom it is addressed to; one follow-up row per addressee."""

    units = forms.ModelMultipleChoiceField(
        AdministrativeUnit.objects.all(), required=False, label=_("Addressed units"),
        widget=forms.CheckboxSelectMultiple)
    departments = forms.ModelMultipleChoiceField(
        Department.objects.all(), required=False, label=_("Addressed departments"),
        widget=forms.CheckboxSelectMultiple)

    class Meta:
        model = Directive
        fields = ["text", "due_date", "units", "departments"]
        widgets = {"due_date": DateInput}

    def __init__(self, *args, addressees=None, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk and addressees is not None:
            units, departments = addressees.get(self.instance.pk, ([], []))
            self.initial.update(units=units, departments=departments)

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("DELETE") and not cleaned.get("units") and \
                not cleaned.get("departments"):
            self.add_error("units", _("Address the directive to at least one unit or department."))
        return cleaned


class FieldVisitForm(SessionItemForm):
    class Meta:
        model = FieldVisit
        fields = ["place", "unit", "findings"]


class SessionItemFormSet(forms.BaseModelFormSet):
    def __init__(self, *args, session, choices, extra_kwargs=None, **kwargs):
        self.session = session
        kwargs["form_kwargs"] = {"session": session, "choices": choices, **(extra_kwargs or {})}
        super().__init__(*args, **kwargs)


class FigureFormSet(SessionItemFormSet):
    def clean(self):
        """One value per metric, month and unit (or joint) in the session."""
        super().clean()
        seen = set()
        for form in self.forms:
            data = getattr(form, "cleaned_data", {})
            if not data or data.get("DELETE"):
                continue
            key = (data.get("metric"), data.get("month"), data.get("unit"))
            if key in seen:
                form.add_error("value", _("This figure is already entered above for this month."))
            seen.add(key)


def session_choices(session) -> dict:
    """The choice lists of the recording page, read once for all its rows."""
    from .models import Category, Metric

    blank = [("", "---------")]
    units = [(unit.pk, str(unit)) for unit in session.units.all()]
    return {
        "units": units,
        "unit": [("", _("all units, jointly"))] + units,
        "category": blank + [(c.pk, c.name) for c in Category.objects.all()],
        "metric": blank + [(m.pk, m.name) for m in Metric.objects.all()],
        "departments": [(d.pk, d.name) for d in Department.objects.filter(
            province_id=session.group.round.province_id, is_active=True)],
    }


def _formset(form, extra=0):
    return forms.modelformset_factory(
        form._meta.model, form=form, formset=SessionItemFormSet, extra=extra, can_delete=True)


FigureFormSet = forms.modelformset_factory(
    ReportedFigure, form=FigureForm, formset=FigureFormSet, extra=0, can_delete=True)
DifficultyFormSet = _formset(DifficultyForm)
RecommendationFormSet = _formset(RecommendationEntryForm)
DirectiveFormSet = _formset(DirectiveForm)
FieldVisitFormSet = _formset(FieldVisitForm)


class ReportForm(forms.Form):
    """The header of the synthesis report: who issues it, with what number, where and when."""

    issuer_kind = forms.ChoiceField(
        label=_("Issuing body"), widget=forms.RadioSelect, choices=[
            ("party", _("A Party body (Hướng dẫn 36-HD/VPTW layout)")),
            ("state", _("A state body (Decree 30/2020/NĐ-CP layout)"))])
    issuing_body = forms.CharField(label=_("Name of the issuing body"), max_length=200)
    parent_body = forms.CharField(label=_("Body above it (state layout, optional)"),
                                  max_length=200, required=False)
    number = forms.CharField(label=_("Number and symbol"), max_length=100)
    place = forms.CharField(label=_("Place"), max_length=100)
    date = forms.DateField(label=_("Date"), widget=DateInput)
    title = forms.CharField(label=_("Title"), widget=forms.Textarea(attrs={"rows": 2}))
    recipients = forms.CharField(label=_("Recipients"), widget=forms.Textarea(attrs={"rows": 3}))
    signer_title = forms.CharField(label=_("Signature: capacity and title"),
                                   widget=forms.Textarea(attrs={"rows": 2}))
    signer_name = forms.CharField(label=_("Signature: name"), max_length=150, required=False)

    @staticmethod
    def defaults(inspection_round, today):
        province = inspection_round.province.name
        return {
            "issuer_kind": "party", "issuing_body": f"Tỉnh ủy {province}",
            "number": "Số        -BC/TU", "place": province, "date": today,
            "title": f"Báo cáo\nkết quả {inspection_round.title[:1].lower()}"
                     f"{inspection_round.title[1:]}",
            "recipients": "- Ban Thường vụ Tỉnh ủy (để báo cáo),\n- Các sở, ban, ngành liên quan,"
                          "\n- Lưu Văn phòng Tỉnh ủy.",
            "signer_title": "T/M Ban Thường vụ\nPhó Bí thư", "signer_name": "",
        }
