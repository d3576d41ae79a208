from django import forms
from django.conf import settings
from django.contrib.auth import get_user_model
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from communes.forms import DateInput, DeadlineField, FoldedCheckboxes
from communes.models import Department
from inspections.forms import RaisedByMixin, SessionItemForm, item_formset
from inspections.models import DirectiveFollowUp, IssuedDocument

from .attachments import check_upload
from .models import Recommendation
from .services import reopened_due_date


class RoutingRowForm(forms.Form):
    """One recommendation on the routing screen: what to do with it if it is selected."""

    recommendation = forms.IntegerField(widget=forms.HiddenInput)
    selected = forms.BooleanField(label=_("Select"), required=False)
    lead_department = forms.ModelChoiceField(
        Department.objects.none(), label=_("Lead department"), required=False)
    cooperating_departments = forms.ModelMultipleChoiceField(
        Department.objects.none(), label=_("Co-operating departments"), required=False,
        widget=FoldedCheckboxes)
    due_date = DeadlineField(label=_("Due date"), required=False)
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
        self.fields["due_date"].help_text = _(
            "Left empty: %(days)s working days from today.") % {
            "days": settings.DEFAULT_DUE_WORKING_DAYS}

    def require(self, *names):
        """Mark the fields the chosen action needs; True when all are filled."""
        for name in names:
            if not self.cleaned_data.get(name):
                self.add_error(name, _("This field is required for the chosen action."))
        return not self.errors


RoutingFormSet = forms.formset_factory(RoutingRowForm, extra=0)


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one field, each checked from its content (see attachments.py)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={
            "accept": ".pdf,.docx,.xlsx,.jpg,.jpeg,.png"}))
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        files = data if isinstance(data, list | tuple) else [data] if data else []
        cleaned = [super(MultipleFileField, self).clean(item, initial) for item in files]
        for upload in cleaned:
            check_upload(upload)
        return cleaned


class ConfirmForm(forms.Form):
    """A step that needs no input (accept, start work)."""


class AssignForm(forms.Form):
    assignee = forms.ModelChoiceField(get_user_model().objects.none(), label=_("Assign to"))

    def __init__(self, *args, recommendation, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assignee"].queryset = get_user_model().objects.filter(
            is_active=True, profile__department_id=recommendation.lead_department_id
        ).order_by("profile__sort_name", "username")
        self.fields["assignee"].label_from_instance = lambda u: u.get_full_name() or u.username


class ResponseForm(forms.Form):
    text = forms.CharField(label=_("Text"), widget=forms.Textarea(attrs={"rows": 4}))
    files = MultipleFileField(
        label=_("Attachments"),
        help_text=_("PDF, DOCX, XLSX, JPEG or PNG; several files may be chosen."))


class ResolveForm(forms.Form):
    answer = forms.CharField(label=_("Answer that resolves the recommendation"),
                             widget=forms.Textarea(attrs={"rows": 4}))
    cited_document = forms.ModelChoiceField(
        queryset=IssuedDocument.objects.none(), required=False,
        label=_("Registered document that resolved it"),
        help_text=_("Optional: a document in force from the province's register of outgoing "
                    "documents, issued in the last two years."))

    def __init__(self, *args, recommendation, **kwargs):
        super().__init__(*args, **kwargs)
        # The recommendation's own province, whoever answers: never another's register.
        self.fields["cited_document"].queryset = IssuedDocument.objects.recently_citable_in(
            recommendation.province_id)


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 3}))


class ProposeForm(forms.Form):
    central_body = forms.CharField(label=_("Proposed to (central body)"), max_length=200)
    note = forms.CharField(label=_("Note"), required=False,
                           widget=forms.Textarea(attrs={"rows": 2}))


class ReopenForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 3}))
    due_date = DeadlineField(label=_("New due date"), help_text=_(
        "Proposed: the later of the current due date and the usual time from today."))

    def __init__(self, *args, recommendation, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["due_date"].initial = reopened_due_date(recommendation)


class ExtensionForm(forms.Form):
    proposed_due_date = DeadlineField(label=_("Proposed due date"))
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 3}))


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(label=_("Decision"), widget=forms.RadioSelect, choices=[
        ("approve", _("Approve the new due date")), ("refuse", _("Refuse"))])
    note = forms.CharField(label=_("Note"), required=False,
                           widget=forms.Textarea(attrs={"rows": 2}))


class FollowUpForm(forms.ModelForm):
    """How one addressee carried out a directive. The day it was done is a fact the office
    records as reported, never the day it happens to type it in."""

    class Meta:
        model = DirectiveFollowUp
        fields = ["status", "note", "completed_on"]
        widgets = {"completed_on": DateInput, "note": forms.TextInput}
        labels = {"completed_on": _("Done on")}

    def clean(self):
        cleaned = super().clean()
        done_on = cleaned.get("completed_on")
        if cleaned.get("status") == DirectiveFollowUp.Status.DONE:
            if not done_on and "completed_on" not in self.errors:
                self.add_error("completed_on", _("Give the day it was done."))
            elif done_on and done_on > timezone.localdate():
                self.add_error("completed_on", _("The day it was done cannot be in the future."))
        elif done_on:
            self.add_error("completed_on", _("A task still pending has no day done: leave it "
                                             "empty, or mark the task done."))
        return cleaned


class PublishForm(forms.Form):
    """The answer the units that raised the recommendation will read."""

    text = forms.CharField(label=_("Answer to the units"), widget=forms.Textarea(
        attrs={"rows": 4}), help_text=_(
            "Proposed from the last answer recorded; write it as the units should read it."))

    def __init__(self, *args, recommendation, **kwargs):
        super().__init__(*args, **kwargs)
        answers = [r.text for r in recommendation.responses.all()
                   if r.kind in (r.Kind.ANSWER, r.Kind.ON_THE_SPOT)]
        if answers:
            self.fields["text"].initial = answers[-1]


class DeclineReopeningForm(forms.Form):
    note = forms.CharField(label=_("Why it stays as it is (the unit reads this)"),
                           widget=forms.Textarea(attrs={"rows": 3}))


class VerdictForm(forms.Form):
    """A unit's view of an answer it received."""

    verdict = forms.ChoiceField(label=_("Does the answer settle it?"), widget=forms.RadioSelect,
                                choices=[("satisfied", _("Yes: satisfied")),
                                         ("not_satisfied", _("No: not satisfied"))])
    reason = forms.CharField(label=_("If not, why"), required=False,
                             widget=forms.Textarea(attrs={"rows": 3}))

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("verdict") == "not_satisfied" and not cleaned.get("reason", "").strip():
            self.add_error("reason", _("Say why the answer does not settle it."))
        return cleaned


class DirectiveReportForm(forms.Form):
    """A unit's report on a directive given to it."""

    text = forms.CharField(label=_("What was done"), widget=forms.Textarea(attrs={"rows": 4}))
    done_on = forms.DateField(label=_("Done on"), required=False, widget=DateInput, help_text=_(
        "The day the task was completed; leave empty for a report of progress."))
    files = MultipleFileField(
        label=_("Attachments"),
        help_text=_("PDF, DOCX, XLSX, JPEG or PNG; several files may be chosen."))

    def clean_done_on(self):
        done_on = self.cleaned_data["done_on"]
        if done_on and done_on > timezone.localdate():
            raise forms.ValidationError(_("The day it was done cannot be in the future."))
        return done_on


class ReportDecisionForm(forms.Form):
    """The office's decision on a unit's report on a directive."""

    decision = forms.ChoiceField(label=_("Decision"), widget=forms.RadioSelect, choices=[
        # Not "Accept" as a department accepts an item routed to it: the office recognises
        # the task as done.
        ("accept", pgettext_lazy("a unit's report on its task", "Accept as done")),
        ("return", _("Send back"))])
    note = forms.CharField(label=_("Note to the unit"), required=False,
                           widget=forms.TextInput)

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("decision") == "return" and not cleaned.get("note", "").strip():
            self.add_error("note", _("Say why the report is sent back."))
        return cleaned


# The recording page's recommendations ---------------------------------------------------------


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
        # Past "new", or merged into another, the recommendation belongs to its lifecycle.
        self.is_locked = bool(self.instance.pk) and (
            self.instance.status != Recommendation.Status.NEW
            or self.instance.consolidated_into_id is not None)
        if self.is_locked:
            # Shown, not edited here.
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


RecommendationFormSet = item_formset(RecommendationEntryForm)


class ApiTokenForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=100, help_text=_(
        "What the token is for, e.g. the system that uses it (“Kho dữ liệu của tỉnh”)."))
