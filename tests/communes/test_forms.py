import datetime

import pytest
from django import forms
from django.utils import translation

from communes.forms import DateInput


class DateForm(forms.Form):
    date = forms.DateField(widget=DateInput)


@pytest.mark.parametrize("language", ["vi", "en"])
@pytest.mark.parametrize("typed", ["05/08/2025", "5/8/2025", "5-8-2025", "5.8.2025", "05082025",
                                   "05/08/25"])
def test_a_typed_date_is_day_first_in_every_language(language, typed):
    with translation.override(language):
        form = DateForm({"date": typed})
        assert form.is_valid(), form.errors
    assert form.cleaned_data["date"] == datetime.date(2025, 8, 5)


def test_the_date_box_is_text_with_the_picker_and_the_format_shown():
    with translation.override("vi"):
        html = str(DateForm(initial={"date": datetime.date(2025, 8, 5)})["date"])
    assert 'type="text"' in html and "data-datepicker" in html
    assert 'value="05/08/2025"' in html and 'placeholder="ngày/tháng/năm"' in html
