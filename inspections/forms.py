from django import forms
from django.db.models import Q
from django.forms.renderers import Jinja2
from django.forms.utils import ErrorDict
from django.utils.translation import gettext_lazy as _

from communes.forms import DateInput, DeadlineField
from communes.models import AdministrativeUnit, Department, IssuingBody

from .figure_forms import FigureGridFormSet, session_figures
from .models import (
    Category,
    CategoryRouting,
    Difficulty,
    Directive,
    FieldVisit,
    GroupMember,
    InspectionRound,
    IssuedDocument,
    Metric,
    ReportedFigure,
    Session,
    UnitReport,
    UnitSubmission,
    WorkingGroup,
)


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
        elif start and end and self.instance.pk:
            outside = Session.objects.filter(group__round=self.instance).exclude(
                date__range=(start, end)).order_by("date")
            if outside.exists():
                self.add_error(None, _(
                    "Sessions of this round fall outside these dates (%(dates)s): move them "
                    "first, or choose dates that include them.") % {"dates": ", ".join(
                        f"{day:%d/%m/%Y}" for day in outside.values_list("date", flat=True)[:5])})
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
                    % {"units": ", ".join(str(u) for u in sorted(
                        in_use, key=lambda unit: unit.order_key))})
        return units


# The session recording page ---------------------------------------------------------------------
#
# One page records everything a session produced: a report per unit, figures, difficulties,
# recommendations (with answers given on the spot), directives and field visits. Each part is a
# formset; rows are added in the browser without a reload. Choices (units of the session,
# categories, metrics, departments) are read once and shared by every row, so the page's query
# count does not grow with the number of rows.


def _share_choices(form, choices):
    """Give the form's choice fields the lists read once for the whole page."""
    for name, field_choices in choices.items():
        if name in form.fields:
            form.fields[name].choices = field_choices


class SessionItemForm(forms.ModelForm):
    # A session may hold hundreds of rows of several fields each: their widgets are rendered
    # with Jinja2 (Django's own widget templates, compiled to Python), several times faster
    # than the template language for the thousands of inputs of a big session.
    default_renderer = Jinja2()

    def __init__(self, *args, session, choices, **kwargs):
        super().__init__(*args, **kwargs)
        self.session = session
        self.session_unit_ids = [pk for pk, _label in choices["units"]]
        self.is_new_item = self.instance.pk is None
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

    def has_changed(self):
        # A new row filled in from what a unit sent before the session is recorded as it
        # stands, changed or not (delete the row to leave it out).
        if self.instance.pk is None and self.initial.get("from_submission"):
            return True
        return super().has_changed()

    def full_clean(self):
        """A row recorded before and left as it was needs no checking, and is not saved
        (formsets save changed rows only): a big session's page posts hundreds of them, and
        each check reads the database."""
        if self.is_bound and self.instance.pk and not self.has_changed():
            self._errors = ErrorDict()
            self.cleaned_data = {}
            return
        super().full_clean()

    def keep_units(self, units):
        """Offer the units this item names (who raised it, whom it addresses) even when the
        session no longer has them: a row must show what was recorded, and saving the page
        must not drop them or refuse them as invalid choices."""
        extra = [unit for unit in units if unit.pk not in self.session_unit_ids]
        if extra and "units" in self.fields:
            field = self.fields["units"]
            field.queryset = AdministrativeUnit.objects.filter(
                Q(sessions=self.session) | Q(pk__in=[unit.pk for unit in extra])).distinct()
            field.choices = [*field.choices, *((unit.pk, str(unit)) for unit in extra)]

    def _get_validation_exclusions(self):
        # `session` is not a form field, but the constraints that include it (one report per
        # unit, one figure per metric and month) must be checked: a form error, not a 500.
        exclude = super()._get_validation_exclusions()
        exclude.discard("session")
        return exclude


class RaisedByMixin:
    """"Raised jointly" by all units of the session, or by the units ticked.

    Who raised an item is a fact of the day it was raised: an item raised jointly keeps the
    units the session had then, whatever the session's units become later, until someone
    edits who raised it."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.keep_units(self.instance.units.all())

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("raised_jointly") and not cleaned.get("units") and \
                not cleaned.get("DELETE"):
            self.add_error("units", _("Tick the units that raised it, or “raised jointly”."))
        return cleaned

    def _save_m2m(self):
        joint = self.cleaned_data.get("raised_jointly")
        if joint:
            # The boxes of a joint item are not who raised it: leave its units alone...
            self.cleaned_data.pop("units", None)
        super()._save_m2m()
        if joint and (self.is_new_item or "raised_jointly" in self.changed_data):
            # ...unless it is raised jointly now: then by the units the session has today.
            self.instance.units.set(self.session_unit_ids)


class UnitReportForm(SessionItemForm):
    class Meta:
        model = UnitReport
        fields = ["unit", "achievements", "facilities", "staffing_notes"]
        widgets = {"unit": forms.HiddenInput}

    def __init__(self, *args, choices, **kwargs):
        super().__init__(*args, choices=choices, **kwargs)
        unit_id = self.instance.unit_id or self.initial.get("unit")
        self.unit_label = dict(choices["units"]).get(unit_id, "")
        # Shown as the unit sent it before the session: the page marks it.
        self.from_submission = bool(self.initial.get("from_submission"))


class DifficultyForm(RaisedByMixin, SessionItemForm):
    class Meta:
        model = Difficulty
        fields = ["category", "text", "raised_jointly", "units"]
        widgets = {"units": forms.CheckboxSelectMultiple}


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
        field_classes = {"due_date": DeadlineField}

    def __init__(self, *args, addressees=None, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk and addressees is not None:
            units, departments = addressees.get(self.instance.pk, ([], []))
            self.keep_units(units)
            self.initial.update(units=[unit.pk for unit in units], departments=departments)

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


def session_choices(session) -> dict:
    """The choice lists of the recording page, read once for all its rows."""
    blank = [("", "---------")]
    units = [(unit.pk, str(unit)) for unit in session.units.all()]
    return {
        "units": units,
        "unit": [("", _("all units, jointly"))] + units,
        "category": blank + [(c.pk, c.name) for c in Category.objects.all()],
        "metrics": list(Metric.objects.all()),
        "departments": [(d.pk, d.name) for d in Department.objects.filter(
            province_id=session.group.round.province_id, is_active=True)],
    }


def item_formset(form, extra=0):
    """A formset of one kind of session item, for the recording page."""
    return forms.modelformset_factory(
        form._meta.model, form=form, formset=SessionItemFormSet, extra=extra, can_delete=True)


DifficultyFormSet = item_formset(DifficultyForm)
DirectiveFormSet = item_formset(DirectiveForm)
FieldVisitFormSet = item_formset(FieldVisitForm)


def session_record_formsets(session, data=None, choices=None) -> dict:
    """The formsets of the recording page that record what inspections keeps, sharing one set
    of choice lists (`session_choices`); the recommendations' formset is added by the page."""
    choices = choices or session_choices(session)
    common = {"session": session, "choices": choices, "data": data}
    reports = session.unit_reports.select_related("unit")
    missing = [u for u in session.units.all() if u.pk not in {r.unit_id for r in reports}]
    # What the units sent before the session fills in what the office has not recorded yet.
    sent = {s.unit_id: s for s in session.submissions.prefetch_related("figures")}
    report_initial = [{"unit": u.pk, **({
        "achievements": sent[u.pk].achievements, "facilities": sent[u.pk].facilities,
        "staffing_notes": sent[u.pk].staffing_notes, "from_submission": True}
        if u.pk in sent else {})} for u in missing]
    report_formset = forms.modelformset_factory(
        UnitReport, form=UnitReportForm, formset=SessionItemFormSet, extra=len(missing),
        can_delete=False)
    figures = session_figures(session, units=choices["units"], metrics=choices["metrics"],
                              submissions=sent.values())
    directives = session.directives.prefetch_related("follow_ups__unit")
    addressees = {
        directive.pk: (
            [f.unit for f in directive.follow_ups.all() if f.unit_id],
            [f.department_id for f in directive.follow_ups.all() if f.department_id],
        )
        for directive in directives
    }
    return {
        "reports": report_formset(prefix="report", queryset=reports, initial=report_initial,
                                  **common),
        "figures": FigureGridFormSet(data, prefix="figure", session=session, figures=figures),
        "difficulties": DifficultyFormSet(
            prefix="difficulty", queryset=session.difficulties.prefetch_related("units"),
            **common),
        "directives": DirectiveFormSet(
            prefix="directive", queryset=directives, extra_kwargs={"addressees": addressees},
            **common),
        "visits": FieldVisitFormSet(prefix="visit", queryset=session.field_visits.all(),
                                    **common),
    }


# What a unit sends before a session ------------------------------------------------------------


class UnitSubmissionForm(forms.ModelForm):
    """A unit's report before a session: the same fields as the recording page's."""

    class Meta:
        model = UnitSubmission
        fields = ["achievements", "facilities", "staffing_notes"]
        widgets = {name: forms.Textarea(attrs={"rows": 4})
                   for name in ("achievements", "facilities", "staffing_notes")}


class CategoryRoutingForm(forms.ModelForm):
    """Where the province routes a category by default: the routing screen preselects it."""

    class Meta:
        model = CategoryRouting
        fields = ["lead_department", "cooperating_departments"]
        widgets = {"cooperating_departments": forms.CheckboxSelectMultiple}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        departments = self.instance.province.departments.filter(is_active=True)
        self.fields["lead_department"].queryset = departments
        self.fields["cooperating_departments"].queryset = departments

    def clean(self):
        cleaned = super().clean()
        lead = cleaned.get("lead_department")
        if lead is not None and lead in cleaned.get("cooperating_departments", []):
            self.add_error("cooperating_departments",
                           _("The lead department does not also co-operate."))
        return cleaned


class RegisterFilterForm(forms.Form):
    """The register's filters: which body's sequence, which year, in force or withdrawn."""

    kind = forms.ChoiceField(label=_("Issuing body"), required=False,
                             choices=[("", _("All"))] + list(IssuingBody.Kind.choices))
    year = forms.TypedChoiceField(label=_("Year"), required=False, coerce=int,
                                  empty_value=None)
    status = forms.ChoiceField(label=_("Status"), required=False,
                               choices=[("", _("All"))] + list(IssuedDocument.Status.choices))

    def __init__(self, *args, years, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].choices = [("", _("All"))] + [(year, year) for year in years]

    def apply(self, documents):
        if not self.is_valid():
            return documents
        data = self.cleaned_data
        if data["kind"]:
            documents = documents.filter(issuing_body__kind=data["kind"])
        if data["year"]:
            documents = documents.filter(year=data["year"])
        if data["status"]:
            documents = documents.filter(status=data["status"])
        return documents


class WithdrawForm(forms.Form):
    reason = forms.CharField(label=_("Reason for withdrawal"),
                             widget=forms.Textarea(attrs={"rows": 3}))


class SignedCopyForm(forms.Form):
    file = forms.FileField(
        label=_("Signed PDF"),
        help_text=_("The copy signed with a digital signature, as a PDF file."),
        widget=forms.ClearableFileInput(attrs={"accept": ".pdf,application/pdf"}))


class CiteForm(forms.Form):
    """A directive's citation of a registered document of its province."""

    cited_document = forms.ModelChoiceField(
        queryset=IssuedDocument.objects.none(), required=False,
        label=_("Registered document cited"),
        help_text=_("The document in force from the register that gave or settled this task; "
                    "empty for none."))

    def __init__(self, *args, province_id, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["cited_document"].queryset = IssuedDocument.objects.citable_in(province_id)
