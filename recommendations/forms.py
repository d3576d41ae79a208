from django import forms
from django.contrib.auth import get_user_model
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from communes.forms import DateInput
from communes.models import Department
from inspections.forms import RaisedByMixin, SessionItemForm, item_formset
from inspections.models import DirectiveFollowUp

from .attachments import check_upload
from .models import Recommendation


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


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 3}))


class ProposeForm(forms.Form):
    central_body = forms.CharField(label=_("Proposed to (central body)"), max_length=200)
    note = forms.CharField(label=_("Note"), required=False,
                           widget=forms.Textarea(attrs={"rows": 2}))


class ExtensionForm(forms.Form):
    proposed_due_date = forms.DateField(label=_("Proposed due date"), widget=DateInput)
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 3}))


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(label=_("Decision"), widget=forms.RadioSelect, choices=[
        ("approve", _("Approve the new due date")), ("refuse", _("Refuse"))])
    note = forms.CharField(label=_("Note"), required=False,
                           widget=forms.Textarea(attrs={"rows": 2}))


class FollowUpForm(forms.ModelForm):
    class Meta:
        model = DirectiveFollowUp
        fields = ["status", "note", "completed_on"]
        widgets = {"completed_on": DateInput, "note": forms.TextInput}

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("status") == DirectiveFollowUp.Status.DONE and not cleaned.get(
                "completed_on"):
            cleaned["completed_on"] = timezone.localdate()
        if cleaned.get("status") == DirectiveFollowUp.Status.PENDING:
            cleaned["completed_on"] = None
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


RecommendationFormSet = item_formset(RecommendationEntryForm)


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
