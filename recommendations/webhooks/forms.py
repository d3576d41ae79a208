from django import forms
from django.utils.translation import gettext_lazy as _

from communes.models import Department, Province

from .delivery import RefusedAddress, check_address
from .models import Delivery, Event, Subscription


class SubscriptionForm(forms.ModelForm):
    # An address typed without its scheme is not guessed: the form asks for it.
    url = forms.URLField(
        label=_("Address (URL) that receives the events"), max_length=500,
        assume_scheme="https",
        help_text=_("http:// or https://. Each event is POSTed there as JSON, signed with "
                    "the subscription's secret."))
    events = forms.MultipleChoiceField(
        label=_("Events"), choices=Event.choices, widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Choose at least one event.")})

    class Meta:
        model = Subscription
        fields = ["province", "name", "url", "department", "events"]

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        profile = getattr(user, "profile", None)
        if user.is_superuser:
            self.fields["province"].queryset = Province.objects.order_by("name")
            province_id = (self.data.get("province") if self.is_bound
                           else self.instance.province_id)
            # A value that is no id ("abc") filters nothing: the province field refuses it.
            province_id = int(province_id) if str(province_id).isdigit() else None
        else:
            # Office staff subscribe for their own province only.
            del self.fields["province"]
            province_id = profile.province_id if profile else None
        departments = Department.objects.filter(is_active=True).order_by("name")
        if province_id or not user.is_superuser:
            departments = departments.filter(province_id=province_id)
        self.fields["department"].queryset = departments
        self.fields["department"].empty_label = _("The whole province")

    def clean_url(self):
        url = self.cleaned_data["url"]
        try:
            check_address(url)
        except RefusedAddress as refused:
            raise forms.ValidationError(str(refused)) from refused
        return url

    def clean(self):
        cleaned = super().clean()
        province = cleaned.get("province")
        department = cleaned.get("department")
        if province and department and department.province_id != province.pk:
            self.add_error("department", _("Choose a body of the subscription's province."))
        return cleaned


class DeliveryFilterForm(forms.Form):
    event = forms.ChoiceField(label=_("Event"), required=False,
                              choices=[("", _("All events")), *Event.choices])
    outcome = forms.ChoiceField(label=_("Outcome"), required=False,
                                choices=[("", _("All")), *Delivery.OUTCOMES])
