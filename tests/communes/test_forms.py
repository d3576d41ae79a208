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


class UnitsForm(forms.Form):
    units = forms.MultipleChoiceField(choices=[("1", "Xã Thiện Tân"), ("2", "Xã Hữu Lũng")],
                                      widget=forms.CheckboxSelectMultiple,
                                      help_text="Chọn các đơn vị đã nêu.")
    note = forms.CharField(help_text="Ghi chú ngắn.")


def test_a_checkbox_group_is_a_fieldset_whose_help_and_error_describe_it():
    from django.template.loader import render_to_string

    form = UnitsForm({"note": ""})
    html = render_to_string("includes/field.html", {"field": form["units"]})
    assert html.lstrip().startswith('<fieldset class="field field-units has-error"')
    assert 'aria-describedby="id_units_helptext id_units_error"' in html
    assert "<legend" in html and 'id="id_units_error"' in html and 'id="id_units_helptext"' in html
    # A single control carries the description itself (Django's aria-describedby).
    note = render_to_string("includes/field.html", {"field": form["note"]})
    assert 'aria-describedby="id_note_helptext id_note_error"' in note
    assert 'id="id_note_error"' in note and note.count('id="id_note_error"') == 1
