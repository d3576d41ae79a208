import shutil
import subprocess
from pathlib import Path

import pytest
from django.utils import translation

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.skipif(shutil.which("msgfmt") is None, reason="gettext's msgfmt is not installed")
@pytest.mark.parametrize("catalogue", [
    "locale/vi/LC_MESSAGES/django.po", "locale/en/LC_MESSAGES/django.po",
    "config/django_locale/vi/LC_MESSAGES/django.po",
    "config/django_locale/vi/LC_MESSAGES/djangojs.po",
])
def test_catalogue_is_complete(catalogue):
    result = subprocess.run(
        ["msgfmt", "--check", "--statistics", "-o", "/dev/null", str(ROOT / catalogue)],
        capture_output=True, text=True, check=True)
    assert "untranslated" not in result.stderr and "fuzzy" not in result.stderr, result.stderr


def test_djangos_own_form_errors_read_in_vietnamese():
    from django import forms

    class Form(forms.Form):
        number = forms.IntegerField()

    with translation.override("vi"):
        assert Form({}).errors["number"] == ["Trường này là bắt buộc."]
        assert Form({"number": "x"}).errors["number"] == ["Nhập một số nguyên."]
